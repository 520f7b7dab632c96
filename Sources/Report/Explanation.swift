import Capture
import Foundation
import TextUI
import Timeline
import Trace

/// What a run showed, as sentences computed from the real packets and calls, each marked
/// with whether it confirms what the lesson claims.
///
/// A lab or experiment writes one sentence per thing it checked, already worded for what
/// happened in this run: when the kernel did something else, the sentence says so (and is
/// marked ``Verdict/contradicted``) instead of repeating the lesson's text.
public struct Explanation: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable {
        /// Background or a measurement; asserts nothing.
        case context
        /// The lesson's claim held in this run.
        case confirmed
        /// The kernel did not behave as the lesson says.
        case contradicted
        /// The run could not check the claim (e.g. no capture was allowed).
        case unchecked
    }

    public struct Item: Sendable, Hashable {
        public var verdict: Verdict
        public var text: String

        public init(_ verdict: Verdict, _ text: String) {
            self.verdict = verdict
            self.text = text
        }
    }

    public var items: [Item]

    public init(_ items: [Item] = []) {
        self.items = items
    }

    /// Adds a sentence that asserts nothing.
    public mutating func context(_ text: String) {
        items.append(Item(.context, text))
    }

    /// Adds a checked claim: `holds` nil means it could not be checked in this run.
    public mutating func claim(_ holds: Bool?, _ text: String) {
        items.append(Item(holds.map { $0 ? .confirmed : .contradicted } ?? .unchecked, text))
    }

    /// The claims this run checked and found to hold, or false if any was contradicted.
    public var allClaimsHold: Bool { !items.contains { $0.verdict == .contradicted } }

    public var contradictions: [Item] { items.filter { $0.verdict == .contradicted } }
}

/// A block of text shown with a run's report: a tool's output (`ss -lnt`), a firewall
/// rule, the messages a program received.
public struct ReportSection: Sendable, Hashable {
    public var title: String
    public var lines: [String]

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }
}

extension RunReport {
    /// Every line of a report built from an ``Explanation``: the ladder, the sections, the
    /// checked sentences, and the capture's counters. In JSON each section and sentence is
    /// an event of its own, and the summary carries the facts.
    public static func lines(
        for run: RecordedRun, timeline: Timeline, ladder: Ladder, style: ReportStyle, sections: [ReportSection],
        explanation: Explanation, facts: [String: String], captured: Bool = true
    ) -> [String] {
        switch style.format {
        case .json:
            var lines = TimelineJSON.lines(timeline, numbers: style.numbers)
            for section in sections {
                lines.append(JSONValue.object([("event", .string("section")), ("title", .string(section.title)),
                                               ("text", .string(section.lines.joined(separator: "\n")))]).encoded)
            }
            for item in explanation.items {
                lines.append(JSONValue.object([("event", .string("explanation")), ("verdict", .string(item.verdict.rawValue)),
                                               ("text", .string(item.text))]).encoded)
            }
            var summary: [(String, JSONValue)] = [("event", .string("summary"))]
            for (key, value) in facts.sorted(by: { $0.key < $1.key }) { summary.append((key, .string(value))) }
            summary.append(("all_claims_hold", .bool(explanation.allClaimsHold)))
            summary.append(("captured", .bool(captured)))
            if let statistics = run.statistics {
                summary += [("packets_captured", .int(statistics.delivered)), ("kernel_dropped", .int(Int(statistics.dropped)))]
            }
            summary.append(("explanation", .string(explanation.items.map(\.text).joined(separator: " "))))
            lines.append(JSONValue.object(summary).encoded)
            return lines
        case .ladder, .plain:
            let unicode = style.format == .ladder
            let say = LabStrings(style.language)
            let renderer = LadderRenderer(width: style.width, unicode: unicode)
            var lines = renderer.render(ladder).map { $0.rendered(style.mode) }
            for section in sections {
                lines.append("")
                lines.append(StyledLine(style.spelled(section.title), TextStyle(bold: true)).rendered(style.mode))
                for line in section.lines { lines.append("  " + style.spelled(line)) }
            }
            lines.append("")
            for item in explanation.items {
                let (bullet, lead) = marker(item.verdict, unicode: unicode, say: say)
                let indent = String(repeating: " ", count: DisplayWidth.of(bullet))
                var wrapped = TextWrapper.wrap(style.spelled(lead + item.text), width: style.width, firstPrefix: bullet, restPrefix: indent)
                if item.verdict == .contradicted, style.mode == .ansi {
                    wrapped = wrapped.map { StyledLine($0, TextStyle(bold: true, foreground: .red)).rendered(.ansi) }
                }
                lines += wrapped
            }
            if style.layers { lines += layerLines(for: run, timeline: timeline, style: style) }
            if let statistics = run.statistics {
                lines.append("")
                lines += TextWrapper.wrap(style.spelled(captureCounters(statistics, say: say)), width: style.width)
            } else if !captured {
                lines.append("")
                lines += TextWrapper.wrap(style.spelled(say(.noCapture)), width: style.width)
            }
            return lines
        }
    }

    static func marker(_ verdict: Explanation.Verdict, unicode: Bool, say: LabStrings) -> (bullet: String, lead: String) {
        switch verdict {
        case .context: (unicode ? "• " : "- ", "")
        case .confirmed: (unicode ? "✓ " : "[ok] ", "")
        case .contradicted: (unicode ? "✗ " : "[!!] ", say(.leadContradicted))
        case .unchecked: (unicode ? "? " : "[??] ", say(.leadUnchecked))
        }
    }

    /// `Capture: 10 packets captured, ...`, with a warning when the kernel dropped some.
    static func captureCounters(_ statistics: CaptureStatistics, say: LabStrings) -> String {
        let counters = statistics.droppedByInterface > 0
            ? say(.captureCountersInterface, "\(statistics.delivered)", "\(statistics.received)", "\(statistics.dropped)",
                  "\(statistics.droppedByInterface)")
            : say(.captureCounters, "\(statistics.delivered)", "\(statistics.received)", "\(statistics.dropped)")
        return statistics.dropped > 0 ? say(.captureDropped, counters) : counters
    }
}
