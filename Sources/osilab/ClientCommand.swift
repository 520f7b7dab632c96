import ArgumentParser
import Labs
import Report
import Sandbox
import TextUI
import Timeline
import Trace

struct Client: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to a lab server: each line you type (or pipe in) is one request.",
        discussion: """
            echo      each line goes out as UTF-8 and comes back upper-cased
            remote    each line is a command; its output comes back, size first
            files     `ls` lists the served files; `get NAME` saves one here (or in --into DIR)
            udp-echo  each line is one datagram; an empty line is an empty one

            The client reads exactly the number of bytes the server announces, however they \
            are split, and decodes UTF-8 only once everything has arrived. It works against \
            `osilab serve LAB` and against the notes' Python servers. With standard input \
            piped it shows no prompt and stops at the end of the input.
            """)

    @Argument(help: "The lab: echo, remote, files or udp-echo.")
    var lab: LabName

    @Option(help: "The server's host, a name or an address (IPv6 and IPv4 are tried in turn).")
    var host = "localhost"

    @Option(help: "The server's port (default: the notes' port for the lab).")
    var port: PortArgument?

    @Option(help: "Seconds to wait for the connection, and for each whole exchange from request to last byte (default: 10; udp-echo: 2).")
    var timeout: Double?

    @Option(help: "files: the folder to save copies in.")
    var into = "."

    @Flag(help: "Also capture the session's packets and, at the end, draw them as a ladder with the client's socket calls (without root: in the private network '\(PrivateNetwork.defaultName)').")
    var capture = false

    @OptionGroup var network: NamedNetworkOption

    @OptionGroup var output: TimelineOutputOptions

    /// The language of the client's remarks and errors (what it sends is what the learner typed).
    var language: Language { labLanguage(flag: output.language.language) }

    func validate() throws {
        try checkPort(port)
        let say = LabSay(language)
        if let timeout, let problem = NumberCheck.seconds(timeout, option: "--timeout", in: ClientOptions.timeoutSecondsRange,
                                                          language: language) {
            throw ValidationError(problem)
        }
        if into != "." && lab != .files { throw ValidationError(say(.clientIntoFilesOnly)) }
    }

    func run() throws {
        let language = language
        let say = LabSay(language)
        let place = try prepareLiveRun(needs: capture ? [.capture] : [], requested: network.requested,
                                       fallback: .named(PrivateNetwork.defaultName),
                                       instead: say(.clientWithoutCapture, lab.rawValue))
        var options = ClientOptions(lab: lab)
        options.host = host
        options.port = port?.number
        options.timeout = timeout.map { .seconds($0) }
        options.saveDirectory = into
        // With --capture, the capture starts before the client connects and ends after it returns.
        var labCapture: LabCapture?
        if capture {
            do {
                labCapture = try LabCapture(lab: lab, port: options.effectivePort, host: host)
                let tracer = TraceRecorder()
                labCapture?.follow(tracer)
                options.tracer = tracer
            } catch {
                StandardStream.error.writeLine(error.describe(in: language))
                StandardStream.error.writeLine(say(.clientGoingOn))
            }
        }
        let succeeded = options.run(console: .standard(language: language))
        if let labCapture, let tracer = options.tracer {
            let run = try labCapture.finish(trace: tracer.snapshot())
            let timeline = run.timeline()
            let style = output.style
            let explanation = timeline.findings.first.map {
                HandshakeExplanation.sentences(for: $0, numbers: style.numbers, language: style.language)
            } ?? []
            print("")
            for line in RunReport.lines(for: run, timeline: timeline, style: output.style, explanation: explanation) { print(line) }
            if let path = output.facts { try RunReport.writeFacts(RunReport.facts(timeline), to: path) }
        }
        if !succeeded {
            // A server started without root with --capture listens in a private network, which
            // a client outside it cannot reach: say where it might be.
            if place == .machine, let registry = try? NetworkRegistry.forCurrentUser() {
                for network in registry.networks() {
                    StandardStream.error.writeLine(say(.clientTryNetwork, network.name, lab.rawValue))
                }
            }
            throw ExitCode.failure
        }
    }
}
