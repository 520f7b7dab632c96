import Capture
import Foundation
import Report
import Sandbox
import Sockets
import TextUI
import Timeline
import Trace
import Wire

/// One experiment that proves something the kernel does: it sets up a situation, captures
/// the packets, records the system calls, and checks what it claims against both.
public protocol Experiment: Sendable {
    /// Its name, summary, requirements and the facts it records.
    static var info: ExperimentInfo { get }
    /// The experiment with its default settings.
    init()
    /// Runs the experiment live and returns what happened, already checked.
    /// - Throws: ``CaptureError`` (no privilege to capture...), ``ToolError``, ``SocketError``,
    ///   ``ExperimentError`` when something could not be set up or hung.
    func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome
}

/// Choices that apply to every experiment.
public struct ExperimentSettings: Sendable {
    /// Capture packets (needs root or the capture capabilities). Without the capture an
    /// experiment still makes its calls and checks what the calls alone can show.
    public var capture: Bool
    /// The language of the run's notes, claims, sections and errors (JSON output asks for English).
    public var language: Language
    /// How often the kernel's socket table is read between events.
    public var kernelInterval: Duration

    public init(capture: Bool = true, language: Language = .english, kernelInterval: Duration = .milliseconds(1)) {
        self.capture = capture
        self.language = language
        self.kernelInterval = kernelInterval
    }
}

/// What an experiment needs from the machine, beyond loopback sockets.
public enum ExperimentRequirement: String, Sendable, Hashable, CaseIterable {
    /// Live capture on `lo`: root, or a private network (osilab enters one without root).
    case capture
    /// A network namespace with nftables rules: Linux, `ip` and `nft`, and root or a private network.
    case netns
    /// The `ss` tool (iproute2), to read the kernel's socket table.
    case ss

    /// As the experiment list and `--help` show it.
    public var label: String { label(in: .english) }

    /// As the experiment list shows it in `language`.
    public func label(in language: Language) -> String {
        let say = ExperimentStrings(language)
        return switch self {
        case .capture: say(.needCapture)
        case .netns: say(.needNetns)
        case .ss: say(.needSs)
        }
    }
}

/// A fact an experiment records for the lessons' predict-then-observe steps.
public struct FactDescription: Sendable, Hashable {
    public var key: String
    /// Every value it can take (a lesson's prediction tags must be among them).
    public var values: [String]
    public var meaning: String

    public init(_ key: String, _ values: [String], _ meaning: String) {
        self.key = key
        self.values = values
        self.meaning = meaning
    }
}

/// An experiment's name, one-line summary, requirements, longer description and facts.
public struct ExperimentInfo: Sendable, Hashable {
    public var name: String
    /// The one-line summary's sentence.
    public var summaryID: ExperimentText
    /// The one-line summary in English (`--help`).
    public var summary: String { summary(in: .english) }
    public var needs: [ExperimentRequirement]
    /// What it does and what to look for, for `--help`.
    public var discussion: String
    public var facts: [FactDescription]

    public init(name: String, summary: ExperimentText, needs: [ExperimentRequirement], discussion: String,
                facts: [FactDescription]) {
        self.name = name
        self.summaryID = summary
        self.needs = needs
        self.discussion = discussion
        self.facts = facts
    }

    /// The one-line summary in `language` (the experiment list).
    public func summary(in language: Language) -> String {
        ExperimentStrings(language)(summaryID)
    }

    /// The facts' rows as Lessons/README.md shows them (and LessonKit's FactCatalog lists them).
    public var factTableRows: [String] {
        facts.map { fact in
            "| `osilab experiment \(name)` | `\(fact.key)` | " + fact.values.map { "`\($0)`" }.joined(separator: ", ") + " |"
        }
    }

    /// `--help` text: the discussion, then the facts `--facts FILE` writes.
    public var helpText: String {
        var text = discussion + "\n\nNeeds: " + needs.map(\.label).joined(separator: ", ") + "."
        text += "\n\nFacts written by --facts FILE (a JSON object of strings):"
        for fact in facts {
            text += "\n  \(fact.key) (\(fact.values.joined(separator: ", "))): \(fact.meaning)"
        }
        text += "\n\nExit status: 0 when every claim held, 3 when the kernel did something other than what "
            + "the explanation claims (the output says what), 2 when something it needs is missing, 1 on other errors."
        return text
    }
}

/// Why an experiment could not be run, or stopped.
public enum ExperimentError: Error, Sendable, CustomStringConvertible {
    /// A wait ran out: what was being waited for.
    case hung(String)
    /// The machine lacks something: one sentence per missing thing.
    case missing([String])
    /// Setting up failed in a way the other errors do not cover.
    case setup(String)

    public var description: String { message(in: .english) }

    /// The message in `language`. What a case carries was written in the run's language.
    public func message(in language: Language) -> String {
        switch self {
        case .hung(let what): ExperimentStrings(language)(.errorHung, what)
        case .missing(let problems): problems.joined(separator: "\n")
        case .setup(let what): what
        }
    }
}

/// Everything an experiment found: the capture and trace, the annotated timeline, and
/// the checked explanation, ready to print or to test.
public struct ExperimentOutcome: Sendable {
    public var name: String
    public var run: RecordedRun
    public var timeline: Timeline
    /// The ladder's two columns (nil: the first connection seen).
    public var client: IPEndpoint?
    public var server: IPEndpoint?
    public var scope: Ladder.Scope
    /// Tool output and other blocks shown between the ladder and the explanation.
    public var sections: [ReportSection]
    public var explanation: Explanation
    public var facts: [String: String]
    /// Whether packets were captured (false with `--no-capture`).
    public var captured: Bool

    public func ladder(numbers: NumberStyle = .relative, language: Language = .english) -> Ladder {
        Ladder.make(from: timeline, numbers: numbers, client: client, server: server, scope: scope, language: language)
    }

    /// The report, in the style `--plain`, `--json`, `--absolute` and `--lang` choose.
    ///
    /// The notes, claims and sections were written during the run, in
    /// ``ExperimentSettings/language``: run with the language the style shows (English for JSON).
    public func reportLines(style: ReportStyle) -> [String] {
        RunReport.lines(for: run, timeline: timeline, ladder: ladder(numbers: style.numbers, language: style.language),
                        style: style, sections: sections, explanation: explanation, facts: facts, captured: captured)
    }

    /// Every TCP segment on the timeline, annotated, in capture order.
    public var segments: [AnnotatedSegment] { timeline.segments }
}

extension ExperimentOutcome {
    /// An outcome before its explanation: no sections, claims or facts yet.
    init(_ name: String, run: RecordedRun, timeline: Timeline, client: IPEndpoint?, server: IPEndpoint?,
         scope: Ladder.Scope, captured: Bool) {
        self.init(name: name, run: run, timeline: timeline, client: client, server: server, scope: scope,
                  sections: [], explanation: Explanation(), facts: [:], captured: captured)
    }
}

/// The experiments, in the order the lessons meet them.
public enum ExperimentCatalogue {
    public static let all: [any Experiment.Type] = [
        DropFinalAck.self, NoAccept.self, Refused.self, Sticky.self, Teardown.self, UDPDatagrams.self,
        DeferAccept.self, NonBlocking.self, CloseWait.self, ReuseAddress.self, DataTransfer.self, Retransmit.self,
        ManyClients.self, ErrorPaths.self,
    ]

    public static func named(_ name: String) -> (any Experiment.Type)? {
        all.first { $0.info.name == name }
    }

    /// The list `osilab experiment` prints: name, what it needs, and one line, in columns
    /// that line up at any width (Chinese characters take two columns).
    public static func listing(width: Int = 100, language: Language = .english) -> [String] {
        let say = ExperimentStrings(language)
        let needs = all.map { $0.info.needs.map { $0.label(in: language) }.joined(separator: ",") }
        let name = say(.listColumnName), needed = say(.listColumnNeeds)
        let nameWidth = max(DisplayWidth.of(name), all.map { DisplayWidth.of($0.info.name) }.max() ?? 10)
        let needsWidth = max(DisplayWidth.of(needed), needs.map { DisplayWidth.of($0) }.max() ?? 10)
        var lines = TextWrapper.wrap(say(.listHeader), width: width) + [""]
        lines.append(pad(name, nameWidth) + "  " + pad(needed, needsWidth) + "  " + say(.listColumnShows))
        for (experiment, need) in zip(all, needs) {
            let info = experiment.info
            let lead = pad(info.name, nameWidth) + "  " + pad(need, needsWidth) + "  "
            let indent = String(repeating: " ", count: DisplayWidth.of(lead))
            let room = max(20, width - DisplayWidth.of(lead))
            lines += TextWrapper.wrap(info.summary(in: language), width: room).enumerated().map { index, line in
                (index == 0 ? lead : indent) + line
            }
        }
        lines.append("")
        for paragraph in say(.listFooter).split(separator: "\n") {
            lines += TextWrapper.wrap(String(paragraph), width: width)
        }
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
    }
}

/// Checks, before anything is set up, that the machine has what an experiment needs.
public enum Preflight {
    /// One sentence per missing thing; empty when the experiment can run.
    public static func problems(for info: ExperimentInfo, settings: ExperimentSettings) -> [String] {
        let say = ExperimentStrings(settings.language)
        var problems: [String] = []
        for need in info.needs {
            switch need {
            case .netns:
                #if !os(Linux)
                problems.append(say(.preflightNeedsLinux, info.name))
                #endif
                if !LivePrivilege.canAdministerNetwork() {
                    problems.append(say(.preflightNeedsAdmin, info.name))
                }
                for tool in ["ip", "nft"] where ExternalTool.locate(tool) == nil {
                    problems.append(say(.preflightNotInstalled, tool, ExternalTool.packages[tool] ?? tool))
                }
            case .ss:
                if ExternalTool.locate("ss") == nil {
                    problems.append(say(.preflightNotInstalled, "ss", "iproute2"))
                }
            case .capture:
                break
            }
        }
        return problems
    }
}
