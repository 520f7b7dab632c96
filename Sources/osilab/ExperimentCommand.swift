import ArgumentParser
import Capture
import Experiments
import Foundation
import Labs
import Report
import Sandbox
import Sockets
import TextUI

struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Experiments that prove what the kernel does: run one, watch the packets and the calls.",
        discussion: """
            Without a name, lists the experiments and what each needs. With a name, runs it live on \
            loopback (drop-final-ack and retransmit in a network namespace of their own; without root, all of it in a \
            private network osilab makes for the run), draws the packets and system \
            calls as a ladder, and explains what happened, checking each claim against the capture and \
            the trace.
            """,
        subcommands: [
            DropFinalAckCommand.self,
            ExperimentSubcommand<NoAccept>.self,
            ExperimentSubcommand<Refused>.self,
            ExperimentSubcommand<Sticky>.self,
            ExperimentSubcommand<Teardown>.self,
            ExperimentSubcommand<UDPDatagrams>.self,
            ExperimentSubcommand<DeferAccept>.self,
            ExperimentSubcommand<NonBlocking>.self,
            ExperimentSubcommand<CloseWait>.self,
            ExperimentSubcommand<ReuseAddress>.self,
            ExperimentSubcommand<DataTransfer>.self,
            ExperimentSubcommand<Retransmit>.self,
            ExperimentSubcommand<ManyClients>.self,
            ExperimentSubcommand<ErrorPaths>.self,
        ]
    )

    @OptionGroup var language: LanguageOption

    func run() throws {
        for line in ExperimentCatalogue.listing(width: terminalWidth(), language: labLanguage(flag: language.language)) {
            print(line)
        }
    }
}

/// Options every experiment takes.
struct ExperimentRunOptions: ParsableArguments {
    @Flag(help: "Run without capturing packets: the ladder shows the system calls only.")
    var noCapture = false

    @OptionGroup var network: PrivateNetworkOption

    @OptionGroup var output: TimelineOutputOptions

    @OptionGroup var kernelInterval: KernelIntervalOption
}

/// `osilab experiment NAME` for an experiment without options of its own.
struct ExperimentSubcommand<E: Experiment>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: E.info.name, abstract: E.info.summary, discussion: E.info.helpText)
    }

    @OptionGroup var options: ExperimentRunOptions

    func run() throws {
        try runExperiment(E(), info: E.info, options: options)
    }
}

struct DropFinalAckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: DropFinalAck.info.name, abstract: DropFinalAck.info.summary, discussion: DropFinalAck.info.helpText)

    @Option(help: ArgumentHelp(
        "How the held-back connection is released: lift (delete the rule; the next SYN-ACK copy is answered by an ACK "
            + "that gets through) or data (keep the rule; the client sends data, which carries the acknowledgment).",
        valueName: "lift|data"))
    var release: DropFinalAck.Release = .lift

    @OptionGroup var options: ExperimentRunOptions

    func run() throws {
        try runExperiment(DropFinalAck(release: release), info: DropFinalAck.info, options: options)
    }
}

extension DropFinalAck.Release: ExpressibleByArgument {}

/// Checks what the experiment needs, runs it, prints the report, writes the facts.
/// Exit status: 0 all claims held, 3 a claim did not, 2 something needed is missing, 1 other errors.
///
/// The run speaks the report's language (`--lang`, or `OSILAB_LANG` from the lesson runner;
/// English with `--json`), so its notes, claims and errors match the ladder around them.
func runExperiment(_ experiment: some Experiment, info: ExperimentInfo, options: ExperimentRunOptions) throws {
    let style = options.output.style
    // An experiment that captures nothing (many-clients) needs no capture privilege either.
    let capturing = !options.noCapture && (info.needs.contains(.capture) || info.needs.contains(.netns))
    let settings = ExperimentSettings(capture: capturing, language: style.language,
                                      kernelInterval: options.kernelInterval.duration)
    let say = StringTable<ExperimentText>(settings.language)
    var needs: Set<PrivateNetwork.Need> = settings.capture ? [.capture] : []
    if info.needs.contains(.netns) { needs.insert(.administer) }
    try prepareLiveRun(needs: needs, requested: options.network.requested,
                       instead: settings.capture && !info.needs.contains(.netns)
                           ? say(.commandNoCaptureInstead, info.name)
                           : nil)
    InterruptHandler.install(language: settings.language)
    let problems = Preflight.problems(for: info, settings: settings)
    if !problems.isEmpty {
        printError(say(.commandCannotRun, info.name))
        for problem in problems { printError("  - " + problem) }
        throw ExitCode(2)
    }
    let outcome: ExperimentOutcome
    do {
        outcome = try experiment.run(settings)
    } catch let error as CaptureError {
        printError(error.description)
        if case .permissionDenied = error.kind, !info.needs.contains(.netns) {
            printError("\n" + say(.commandNoCaptureInstead, info.name))
        }
        throw ExitCode(2)
    } catch let error as ToolError {
        printError(error.message(in: settings.language))
        if case .notInstalled = error.kind { throw ExitCode(2) }
        throw ExitCode(1)
    } catch let error as ExperimentError {
        printError(error.message(in: settings.language))
        if case .missing = error { throw ExitCode(2) }
        throw ExitCode(1)
    } catch let error as NamespaceError {
        printError(error.message(in: settings.language))
        throw ExitCode(1)
    } catch let error as SocketError {
        printError(say(.commandSocketsFailed, "\(error)"))
        throw ExitCode(1)
    }
    for line in outcome.reportLines(style: style) { print(line) }
    if let path = options.output.facts { try RunReport.writeFacts(outcome.facts, to: path) }
    if !outcome.explanation.allClaimsHold { throw ExitCode(3) }
}
