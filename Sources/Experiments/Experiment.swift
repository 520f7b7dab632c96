import Capture
import Foundation
import Report
import Sandbox
import Sockets
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

    public init(capture: Bool = true) {
        self.capture = capture
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

    /// As the experiment list shows it.
    public var label: String {
        switch self {
        case .capture: "capture"
        case .netns: "netns"
        case .ss: "ss"
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
    public var summary: String
    public var needs: [ExperimentRequirement]
    /// What it does and what to look for, for `--help`.
    public var discussion: String
    public var facts: [FactDescription]

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

    public var description: String {
        switch self {
        case .hung(let what): "The experiment hung: \(what). Everything it set up has been removed."
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

    public func ladder(numbers: NumberStyle = .relative) -> Ladder {
        Ladder.make(from: timeline, numbers: numbers, client: client, server: server, scope: scope)
    }

    /// The report, in the style `--plain`, `--json` and `--absolute` choose.
    public func reportLines(style: ReportStyle) -> [String] {
        // The experiments' own sentences are English only so far: keep the whole report in
        // one language rather than Chinese notes beside English explanations.
        var style = style
        style.language = .english
        return RunReport.lines(for: run, timeline: timeline, ladder: ladder(numbers: style.numbers), style: style,
                               sections: sections, explanation: explanation, facts: facts, captured: captured)
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

extension Timeline {
    /// Every TCP segment on the timeline, annotated, in capture order.
    public var segments: [AnnotatedSegment] {
        events.compactMap { event in
            if case .packet(let entry) = event, case .tcp(let segment) = entry.content { return segment }
            return nil
        }
    }

    /// Every packet on the timeline, in capture order.
    public var packets: [PacketEntry] {
        events.compactMap { event in
            if case .packet(let entry) = event { return entry }
            return nil
        }
    }
}

/// The experiments, in the order the lessons meet them.
public enum ExperimentCatalogue {
    public static let all: [any Experiment.Type] = [
        DropFinalAck.self, NoAccept.self, Refused.self, Sticky.self, Teardown.self, UDPDatagrams.self,
        DeferAccept.self, NonBlocking.self,
    ]

    public static func named(_ name: String) -> (any Experiment.Type)? {
        all.first { $0.info.name == name }
    }

    /// The list `osilab experiment` prints: name, what it needs, and one line.
    public static func listing(width: Int = 100) -> [String] {
        let nameWidth = all.map { $0.info.name.count }.max() ?? 10
        let needsWidth = all.map { $0.info.needs.map(\.label).joined(separator: ",").count }.max() ?? 10
        var lines = ["Experiments (run one with: osilab experiment NAME; details: osilab experiment NAME --help)", ""]
        lines.append(pad("NAME", nameWidth) + "  " + pad("NEEDS", needsWidth) + "  WHAT IT SHOWS")
        for experiment in all {
            let info = experiment.info
            let lead = pad(info.name, nameWidth) + "  " + pad(info.needs.map(\.label).joined(separator: ","), needsWidth) + "  "
            let wrapped = wrap(info.summary, width: max(30, width - lead.count))
            lines.append(lead + (wrapped.first ?? ""))
            for more in wrapped.dropFirst() { lines.append(String(repeating: " ", count: lead.count) + more) }
        }
        lines += ["", "capture: packets captured on lo. netns: a network namespace with nftables rules (ip from iproute2,",
                  "nft from nftables). ss: iproute2. Without root, osilab runs them in a private network of your own",
                  "(a user namespace; osilab doctor says whether this machine allows it)."]
        return lines
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Checks, before anything is set up, that the machine has what an experiment needs.
public enum Preflight {
    /// One sentence per missing thing; empty when the experiment can run.
    public static func problems(for info: ExperimentInfo, settings: ExperimentSettings) -> [String] {
        var problems: [String] = []
        for need in info.needs {
            switch need {
            case .netns:
                #if !os(Linux)
                problems.append("\(info.name) needs Linux: network namespaces and nftables exist only there.")
                #endif
                if !LivePrivilege.canAdministerNetwork() {
                    problems.append("\(info.name) needs to create a network namespace and an nftables rule, which "
                        + "needs root or a private network of your own (see osilab doctor).")
                }
                for tool in ["ip", "nft"] where ExternalTool.locate(tool) == nil {
                    problems.append("`\(tool)` is not installed. Install it with: sudo apt-get install \(ExternalTool.packages[tool] ?? tool)")
                }
            case .ss:
                if ExternalTool.locate("ss") == nil {
                    problems.append("`ss` is not installed. Install it with: sudo apt-get install iproute2")
                }
            case .capture:
                break
            }
        }
        return problems
    }
}
