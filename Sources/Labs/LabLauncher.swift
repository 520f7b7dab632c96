import Sockets
import TextUI
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
    public func problems(language: Language = .english) -> [String] {
        let say = LabSay(language)
        var problems: [String] = []
        if root != nil && lab != .files { problems.append(say(.problemRootFilesOnly)) }
        if allowAnyCommand && lab != .remote { problems.append(say(.problemAllowAnyRemoteOnly)) }
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("--max-connections", limits.maxConnections, ServerLimits.connectionsRange),
            ("--max-per-peer", limits.maxConnectionsPerPeer ?? 1, 1...max(1, limits.maxConnections)),
            ("--max-request", limits.maxRequestBytes, ServerLimits.requestBytesRange),
            ("--max-output", runner.maxOutputBytes, CommandRunner.outputBytesRange),
        ]
        let durations: [(String, Duration, ClosedRange<Double>)] = [
            ("--idle-timeout", limits.idleTimeout, ServerLimits.idleSecondsRange),
            ("--io-timeout", limits.ioTimeout, ServerLimits.ioSecondsRange),
            ("--command-timeout", runner.timeout, CommandRunner.secondsRange),
        ]
        problems += counts.compactMap { NumberCheck.whole($0.1, option: $0.0, in: $0.2, language: language) }
        problems += durations.compactMap { NumberCheck.seconds($0.1.secondsValue, option: $0.0, in: $0.2, language: language) }
        return problems
    }

    /// Loud warnings to print before starting: a server reachable from other machines, or
    /// a remote lab that runs anything.
    public func warnings(language: Language = .english) -> [String] {
        let say = LabSay(language)
        var warnings: [String] = []
        if !isLoopbackOnly(host: host) {
            warnings.append(say(.warningNotLoopback, host, lab.rawValue))
        }
        if allowAnyCommand {
            warnings.append(say(.warningAllowAny, currentUserName()))
        }
        return warnings
    }

    /// A server that has started, and the lines to show the learner.
    public struct Started: Sendable {
        public var server: any RunningLabServer
        public var banner: [String]
    }

    /// Starts the server (bound, listening, serving) and describes it, in the log's language.
    public func start(log: LabLog) throws(LabServerError) -> Started {
        let language = log.language
        let say = LabSay(language)
        let server: any RunningLabServer
        var details: [String] = []
        switch lab {
        case .echo:
            server = try TCPLabServer(service: EchoService(), host: host, port: effectivePort, limits: limits, log: log)
        case .remote:
            let policy = CommandPolicy(allowsAnyCommand: allowAnyCommand)
            server = try TCPLabServer(service: RemoteCommandService(policy: policy, runner: runner),
                                      host: host, port: effectivePort, limits: limits, log: log)
            let allowed = allowAnyCommand ? say(.anyProgram) : CommandPolicy.harmlessCommands.joined(separator: ", ")
            details.append(say(.bannerRemoteRuns, allowed))
            details.append(say(.bannerRemoteLimits, seconds(runner.timeout, language), byteCount(runner.maxOutputBytes, language)))
        case .files:
            let folder: FileRoot
            do throws(FileRefusal) {
                if let root {
                    folder = try FileRoot(path: root)
                } else {
                    folder = try FileRoot.prepare(at: FileRoot.defaultLocation())
                }
            } catch {
                throw LabServerError(error.sentence)
            }
            server = try TCPLabServer(service: FileService(root: folder), host: host, port: effectivePort,
                                      limits: limits, log: log)
            // Names on disk are anybody's text (a file called ESC]52;... writes the clipboard).
            let listing = folder.listing().map { TerminalSafe.line($0) }
            let shownPath = TerminalSafe.line(folder.path)
            if listing.isEmpty {
                details.append(say(.bannerFilesEmpty, shownPath))
            } else {
                details.append(say(.bannerFiles, shownPath, listing.prefix(8).joined(separator: ", ") + (listing.count > 8 ? ", ..." : "")))
            }
        case .udpEcho:
            server = try UDPEchoServer(host: host, port: effectivePort, log: log)
            details.append(say(.bannerUdpPorts, String(server.address.port ?? 0)))
            details.append(say(.bannerUdpSameNumber))
        }
        let realPort = server.address.port ?? effectivePort
        // The clients' default host, localhost, reaches 127.0.0.1 and the wildcard addresses.
        let address = server.address.endpoint?.address
        let reachedByLocalhost = address == .v4(.loopback) || address == .v4(.any) || address == .v6(.any)
        let hostOption = reachedByLocalhost ? "" : " --host \(address.map { "\($0)" } ?? host)"
        let portOption = realPort == lab.defaultPort ? "" : " --port \(realPort)"
        var banner = [say(.bannerListening, lab.rawValue, "\(server.address)", lab.transport, lab.summary(language))]
        banner += details
        if lab != .udpEcho {
            banner.append(say(.bannerThreads, String(limits.maxConnections), seconds(limits.idleTimeout, language),
                               String(limits.perPeerLimit)))
        }
        banner.append(say(.bannerTry, "\(lab.rawValue)\(hostOption)\(portOption)"))
        if lab != .udpEcho && reachedByLocalhost {
            banner.append(say(.bannerPythonClient, String(realPort)))
        }
        banner.append(say(.bannerStop))
        return Started(server: server, banner: banner)
    }
}

/// Everything `osilab client LAB` can be told.
public struct ClientOptions: Sendable {
    public var lab: LabName
    public var host = "localhost"
    public var port: UInt16?
    /// The longest wait for the connection, and for each whole exchange; nil for the lab's default.
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
            console.remark(error)
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
