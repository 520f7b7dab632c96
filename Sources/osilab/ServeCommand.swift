import ArgumentParser
import Labs
import Report
import Sandbox
import TextUI

extension LabName: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one of the notes' servers (echo, remote, files) or the UDP echo, on loopback.",
        discussion: """
            echo      each message comes back upper-cased (example 1, port 4545)
            remote    runs a command, sends its output (example 2, "ssh", port 4000)
            files     sends a file from one folder (example 3, "ftp", port 9999)
            udp-echo  the echo over UDP (UDP port 4545 is not TCP port 4545)

            The notes' Python clients work against these servers, and `osilab client LAB` \
            against the notes' Python servers. Servers listen on 127.0.0.1 unless --host says \
            otherwise; the remote lab runs only a few harmless commands, without a shell; the \
            files lab serves one folder only. Ctrl-C stops a server and prints a summary.
            """)

    @Argument(help: "The lab: echo, remote, files or udp-echo.")
    var lab: LabName

    @Option(help: "The address to listen on. Anything but loopback lets other machines connect, and prints a warning.")
    var host = "127.0.0.1"

    @Option(help: "The port (default: the notes' port for the lab; 0 lets the kernel choose).")
    var port: PortArgument?

    @Option(help: "files: the folder to serve (default: a lab folder with sample files, under ~/.local/state/osilab).")
    var root: String?

    @Flag(help: "remote: run any program, not only date, echo, hostname, id, ls, pwd, uname, whoami. Dangerous.")
    var allowAnyCommand = false

    @Option(help: "Connections served at once; more are closed at once.")
    var maxConnections = 512

    @Option(help: "Connections one client address may hold at once (default: half of --max-connections).")
    var maxPerPeer: Int?

    @Option(help: "Seconds the server waits for each whole request before it closes the connection.")
    var idleTimeout: Double = 120

    @Option(help: "Seconds to wait for an acknowledgement, and for an answer to go out (plus its time at 1 MiB/s).")
    var ioTimeout: Double = 10

    @Option(help: "remote, files: the longest request read, in bytes.")
    var maxRequest = 4096

    @Option(help: "remote: seconds a command may run before it is killed.")
    var commandTimeout: Double = 5

    @Option(help: "remote: the most output a command may produce, in bytes.")
    var maxOutput = 1024 * 1024

    @Flag(help: "Log connections only, not every message.")
    var quiet = false

    @Flag(help: "Also capture the lab's packets and print each one, annotated, as it arrives (without root: in the private network '\(PrivateNetwork.defaultName)').")
    var capture = false

    @OptionGroup var network: NamedNetworkOption

    @OptionGroup var languageOption: LanguageOption

    /// The language of the banner and the log (what the server sends stays English).
    var language: Language { labLanguage(flag: languageOption.language) }

    var options: ServeOptions {
        var options = ServeOptions(lab: lab)
        options.host = host
        options.port = port?.number
        options.root = root
        options.allowAnyCommand = allowAnyCommand
        options.limits = ServerLimits(
            maxConnections: maxConnections, maxConnectionsPerPeer: maxPerPeer, idleTimeout: .seconds(idleTimeout), ioTimeout: .seconds(ioTimeout),
            maxRequestBytes: maxRequest)
        options.runner = CommandRunner(timeout: .seconds(commandTimeout), maxOutputBytes: maxOutput)
        return options
    }

    func validate() throws {
        try checkPort(port)
        // Before `options` turns them into durations: Duration.seconds traps on nan and inf.
        let seconds: [(String, Double, ClosedRange<Double>)] = [
            ("--idle-timeout", idleTimeout, ServerLimits.idleSecondsRange),
            ("--io-timeout", ioTimeout, ServerLimits.ioSecondsRange),
            ("--command-timeout", commandTimeout, CommandRunner.secondsRange),
        ]
        for (option, value, range) in seconds {
            if let problem = NumberCheck.seconds(value, option: option, in: range, language: language) { throw ValidationError(problem) }
        }
        // CommandRunner makes a 0 into 1: check what was typed.
        if let problem = NumberCheck.whole(maxOutput, option: "--max-output", in: CommandRunner.outputBytesRange, language: language) {
            throw ValidationError(problem)
        }
        if let problem = options.problems(language: language).first { throw ValidationError(problem) }
    }

    func run() throws {
        let language = language
        let say = LabSay(language)
        let place = try prepareLiveRun(needs: capture ? [.capture] : [], requested: network.requested,
                                       fallback: .named(PrivateNetwork.defaultName),
                                       instead: say(.serveWithoutCapture, lab.rawValue))
        let options = options
        for warning in options.warnings(language: language) { StandardStream.error.writeLine(warning) }
        let log = LabLog.standardOutput(detail: quiet ? .connections : .messages, language: language)
        // Everything said while serving goes through one writer thread: a full pipe or a
        // paused terminal then holds up no connection (the server's threads only queue).
        let output = LineWriter.standardOutput(language: language)
        // 1. Bind and listen: the real port is known from here on.
        let started: ServeOptions.Started
        do throws(LabServerError) {
            started = try options.start(log: log)
        } catch {
            StandardStream.error.writeLine(say(.errorLine, error.text(language)))
            throw ExitCode.failure
        }
        // One write: whoever reads the banner sees all of it at once, never half.
        output.enqueue(started.banner.joined(separator: "\n"))
        if case .privateNetwork(let name?) = place {
            output.enqueue(say(.servePrivateNetwork, name, lab.rawValue))
        }
        // 2. Capture the lab's port before any client can connect.
        var labCapture: LabCapture?
        if capture {
            do {
                let port = started.server.address.port ?? options.effectivePort
                labCapture = try LabCapture(lab: options.lab, port: port, host: host)
                labCapture?.printLive(language: language) { output.enqueue($0) }
                labCapture?.printKernelLive(language: language) { output.enqueue($0) }
                output.enqueue(say(.serveCapturing))
            } catch {
                StandardStream.error.writeLine(error.describe(in: language))
                StandardStream.error.writeLine(say(.serveRunsOnWithoutCapture))
            }
        }
        // 3. Serve until Ctrl-C or SIGTERM.
        let signal = StopSignal.wait()
        output.enqueue("\n" + say(.serveStopping, signal, options.lab.rawValue))
        // 4. Stop accepting, close every connection, report.
        let summary = started.server.stop()
        output.enqueue(summary.text(language))
        if let labCapture, let run = try? labCapture.finish(trace: []), let statistics = run.statistics {
            for line in KernelStateText.summary(run.kernel, language: language) { output.enqueue(line) }
            // The capture's counters, as every captured run says them.
            let counters = LabStrings(language)
            output.enqueue(statistics.droppedByInterface > 0
                ? counters(.captureCountersInterface, "\(statistics.delivered)", "\(statistics.received)",
                           "\(statistics.dropped)", "\(statistics.droppedByInterface)")
                : counters(.captureCounters, "\(statistics.delivered)", "\(statistics.received)", "\(statistics.dropped)"))
        }
        // Nobody reading the output must not keep the server from ending either.
        output.finish(within: .seconds(2))
    }
}
