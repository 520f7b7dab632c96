import Sockets
import Trace

/// Everything `osilab serve LAB` can be told, checked and turned into a running server.
public struct ServeOptions: Sendable {
    public var lab: LabName
    /// Where to listen. The default keeps the lab on this machine.
    public var host = "127.0.0.1"
    /// nil for the notes' port; 0 lets the kernel choose.
    public var port: UInt16?
    /// files: the folder to serve (nil: the lab folder, created with sample files).
    public var root: String?
    /// remote: run any program, not only the harmless ones.
    public var allowAnyCommand = false
    public var limits = ServerLimits()
    public var runner = CommandRunner()

    public init(lab: LabName) { self.lab = lab }

    public var effectivePort: UInt16 { port ?? lab.defaultPort }

    /// Options that make no sense together, as messages for the user; empty when all is well.
    public func problems() -> [String] {
        var problems: [String] = []
        if root != nil && lab != .files { problems.append("--root is for the files lab only") }
        if allowAnyCommand && lab != .remote { problems.append("--allow-any-command is for the remote lab only") }
        if limits.maxConnections < 1 { problems.append("--max-connections must be at least 1") }
        if limits.maxRequestBytes < 16 { problems.append("--max-request must be at least 16 bytes") }
        if limits.idleTimeout <= .zero || limits.ioTimeout <= .zero || runner.timeout <= .zero {
            problems.append("timeouts must be positive")
        }
        return problems
    }

    /// Loud warnings to print before starting: a server reachable from other machines, or
    /// a remote lab that runs anything.
    public func warnings() -> [String] {
        var warnings: [String] = []
        if !isLoopbackOnly(host: host) {
            warnings.append("""
                WARNING: listening on \(host), not loopback: other machines on your networks can reach \
                this \(lab.rawValue) server. The labs have no passwords and no encryption.
                """)
        }
        if allowAnyCommand {
            warnings.append("""
                WARNING: --allow-any-command: anyone who can connect can run any program as \
                user \(currentUserName()), with your files and your permissions (still without a shell). \
                Use it only on loopback and only while you watch.
                """)
        }
        return warnings
    }

    /// A server that has started, and the lines to show the learner.
    public struct Started: Sendable {
        public var server: any RunningLabServer
        public var banner: [String]
    }

    /// Starts the server (bound, listening, serving) and describes it.
    public func start(log: LabLog) throws(LabServerError) -> Started {
        let server: any RunningLabServer
        var details: [String] = []
        switch lab {
        case .echo:
            server = try TCPLabServer(service: EchoService(), host: host, port: effectivePort, limits: limits, log: log)
        case .remote:
            let policy = CommandPolicy(allowsAnyCommand: allowAnyCommand)
            server = try TCPLabServer(service: RemoteCommandService(policy: policy, runner: runner),
                                      host: host, port: effectivePort, limits: limits, log: log)
            let allowed = allowAnyCommand ? "any program" : CommandPolicy.harmlessCommands.joined(separator: ", ")
            details.append("Runs \(allowed), directly, without a shell (so ; | && $() are plain text),")
            details.append("for at most \(seconds(runner.timeout)) and \(byteCount(runner.maxOutputBytes)) of output each.")
        case .files:
            let folder: FileRoot
            do throws(FileRefusal) {
                if let root {
                    folder = try FileRoot(path: root)
                } else {
                    folder = try FileRoot.prepare(at: FileRoot.defaultLocation())
                }
            } catch {
                throw LabServerError(error.description)
            }
            server = try TCPLabServer(service: FileService(root: folder), host: host, port: effectivePort,
                                      limits: limits, log: log)
            let listing = folder.listing()
            details.append("Serves files from \(folder.path) only\(listing.isEmpty ? " (empty)" : ":") \(listing.prefix(8).joined(separator: ", "))\(listing.count > 8 ? ", ..." : "")")
        case .udpEcho:
            server = try UDPEchoServer(host: host, port: effectivePort, log: log)
            details.append("UDP port \(server.address.port ?? 0) is not TCP port \(server.address.port ?? 0): the two are separate,")
            details.append("so `osilab serve echo` can run on the same number at the same time.")
        }
        let realPort = server.address.port ?? effectivePort
        // The clients' default host, localhost, reaches 127.0.0.1 and the wildcard addresses.
        let address = server.address.endpoint?.address
        let reachedByLocalhost = address == .v4(.loopback) || address == .v4(.any) || address == .v6(.any)
        let hostOption = reachedByLocalhost ? "" : " --host \(address.map { "\($0)" } ?? host)"
        let portOption = realPort == lab.defaultPort ? "" : " --port \(realPort)"
        var banner = ["osilab \(lab.rawValue) server listening on \(server.address) (\(lab.transport)): \(lab.summary)."]
        banner += details
        if lab != .udpEcho {
            banner.append("Each connection has a thread of its own; at most \(limits.maxConnections) at once, "
                          + "closed after \(seconds(limits.idleTimeout)) of silence.")
        }
        banner.append("Try it from another terminal: osilab client \(lab.rawValue)\(hostOption)\(portOption)")
        if lab != .udpEcho && reachedByLocalhost {
            banner.append("(or the notes' Python client, which connects to (\"localhost\", \(realPort))).")
        }
        banner.append("Stop with Ctrl-C.")
        return Started(server: server, banner: banner)
    }
}

/// Everything `osilab client LAB` can be told.
public struct ClientOptions: Sendable {
    public var lab: LabName
    public var host = "localhost"
    public var port: UInt16?
    /// The longest wait for the connection and for each answer; nil for the lab's default.
    public var timeout: Duration?
    /// files: where to save the copies.
    public var saveDirectory = "."
    /// Records the client's socket calls (for `--capture`).
    public var tracer: TraceRecorder?

    public init(lab: LabName) { self.lab = lab }

    public var effectivePort: UInt16 { port ?? lab.defaultPort }
    public var effectiveTimeout: Duration { timeout ?? (lab == .udpEcho ? .seconds(2) : .seconds(10)) }

    /// Connects and runs the lab's client over `console` until the input ends.
    /// - Returns: false if it could not connect or lost the connection (the reason has been
    ///   written to the console's remarks).
    public func run(console: ClientConsole) -> Bool {
        do throws(LabClientError) {
            switch lab {
            case .echo:
                return try EchoClient(host: host, port: effectivePort, timeout: effectiveTimeout, tracer: tracer).run(console: console)
            case .remote:
                return try RemoteClient(host: host, port: effectivePort, timeout: effectiveTimeout, tracer: tracer).run(console: console)
            case .files:
                return try FilesClient(host: host, port: effectivePort, timeout: effectiveTimeout, tracer: tracer)
                    .run(console: console, directory: saveDirectory)
            case .udpEcho:
                return try UDPEchoClient(host: host, port: effectivePort, timeout: effectiveTimeout, tracer: tracer).run(console: console)
            }
        } catch {
            console.remark("error: \(error)")
            return false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func currentUserName() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(geteuid())"
}
