import ArgumentParser
import Capture
import Experiments
import Foundation
import Labs
import Report
import Sandbox
import Sockets
import TextUI
import Timeline
import Workspace

struct Handshake: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a real TCP three-way handshake on loopback, next to connect() and accept().",
        discussion: """
            Starts a server and a client in this process, captures their packets on the loopback \
            interface, and draws the handshake (SYN, SYN-ACK, ACK) as a ladder with the moments \
            connect() and accept() were called and returned. Without root, it runs in a private \
            network of your own (a user and network namespace osilab makes, no sudo needed); where \
            the machine forbids that, --recorded shows a capture that ships with the lab.
            """)

    @Option(help: "The server's port (default: a free port the kernel picks).")
    var port = PortArgument(0)

    @Flag(help: "Use IPv6 (::1) instead of IPv4 (127.0.0.1).")
    var ipv6 = false

    @Flag(help: "Show the capture recorded for the lessons instead of capturing live.")
    var recorded = false

    @Flag(help: "Reveal the events one at a time, each with a sentence saying what happened (← and → to move).")
    var step = false

    @Option(help: .hidden)
    var recordTo: String?

    @OptionGroup var output: TimelineOutputOptions

    @OptionGroup var kernelInterval: KernelIntervalOption

    @OptionGroup var network: PrivateNetworkOption

    func validate() throws {
        try checkPort(port)
    }

    func run() throws {
        let run: RecordedRun
        if recorded {
            run = try RecordedCaptures.load(name: ipv6 ? "handshake-ipv6" : "handshake")
        } else {
            let language = output.style.language
            let say = StringTable<ExperimentText>(language)
            try prepareLiveRun(needs: [.capture], requested: network.requested, instead: say(.demoRecordedInstead),
                               language: language)
            do {
                run = try HandshakeDemo(options: .init(port: port.number ?? 0, ipv6: ipv6, kernelInterval: kernelInterval.duration)).run()
            } catch let error as CaptureError {
                printError(error.describe(in: language))
                if case .permissionDenied = error.kind { printError("\n" + say(.demoRecordedInstead)) }
                throw ExitCode(2)
            } catch let error as SocketError {
                printError(say(.demoSocketsFailed, error.message(in: language)))
                throw ExitCode(1)
            } catch let error as HandshakeDemo.DemoError {
                printError(error.message(in: language))
                throw ExitCode(1)
            }
        }
        if let name = recordTo {
            // For maintainers: refresh the recorded captures in Lessons/captures.
            let (capture, trace) = try RecordedCaptures.paths(name: name)
            try run.save(capturePath: capture, tracePath: trace)
        }
        let timeline = run.timeline()
        if step {
            try runStepMode(run: run, timeline: timeline, numbers: output.style.numbers, language: output.style.language)
            if let path = output.facts { try RunReport.writeFacts(RunReport.facts(timeline), to: path) }
            return
        }
        let style = output.style
        let explanation = timeline.findings.first.map {
            HandshakeExplanation.sentences(for: $0, numbers: style.numbers, language: style.language)
        } ?? []
        for line in RunReport.lines(for: run, timeline: timeline, style: output.style, explanation: explanation) {
            print(line)
        }
        if let path = output.facts { try RunReport.writeFacts(RunReport.facts(timeline), to: path) }
    }
}
