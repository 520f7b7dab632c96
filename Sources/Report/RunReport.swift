import Capture
import Foundation
import TextUI
import Timeline
import Trace
import Wire

/// How a run's timeline is shown: the choices `--plain`, `--json` and `--absolute` make.
public struct ReportStyle: Sendable {
    public enum Format: Sendable { case ladder, plain, json }
    public var format: Format
    public var numbers: NumberStyle
    public var width: Int
    public var colour: Bool
    /// Show every packet broken down by OSI layer, with its bytes (`--layers`).
    public var layers: Bool
    /// The language of the ladder's notes and the report's sentences (JSON stays English).
    public var language: Language

    public init(format: Format = .ladder, numbers: NumberStyle = .relative, width: Int = 100, colour: Bool = true, layers: Bool = false,
                language: Language = .english) {
        self.format = format
        self.numbers = numbers
        self.width = width
        self.colour = colour
        self.layers = layers
        self.language = language
    }

    var mode: StyleMode { colour && format == .ladder ? .ansi : .plain }

    /// `text` as this format shows it: spelled in ASCII for `--plain` (``PlainText``).
    func spelled(_ text: String) -> String {
        format == .plain ? PlainText.ascii(text) : text
    }
}

/// The text shown after a captured run: the ladder, what it shows, and the capture's counters.
public enum RunReport {
    /// Every line of the report, ready to print.
    public static func lines(for run: RecordedRun, timeline: Timeline, style: ReportStyle, explanation: [String]) -> [String] {
        switch style.format {
        case .json:
            var lines = TimelineJSON.lines(timeline, numbers: style.numbers)
            var summary: [(String, JSONValue)] = [("event", .string("summary"))]
            for (key, value) in facts(timeline).sorted(by: { $0.key < $1.key }) { summary.append((key, .string(value))) }
            if let statistics = run.statistics {
                summary += [("packets_captured", .int(statistics.delivered)), ("kernel_dropped", .int(Int(statistics.dropped)))]
            }
            summary.append(("explanation", .string(explanation.joined(separator: " "))))
            summary += KernelStateJSON.summary(timeline.kernel)
            lines.append(JSONValue.object(summary).encoded)
            return lines
        case .ladder, .plain:
            let say = LabStrings(style.language)
            let ladder = Ladder.make(from: timeline, numbers: style.numbers, language: style.language)
            let renderer = LadderRenderer(width: style.width, unicode: style.format == .ladder)
            var lines = renderer.render(ladder).map { $0.rendered(style.mode) }
            lines.append("")
            let bullet = style.format == .ladder ? "• " : "- "
            for sentence in explanation + KernelStateText.summary(timeline.kernel, language: style.language) {
                lines += TextWrapper.wrap(style.spelled(sentence), width: style.width, firstPrefix: bullet, restPrefix: "  ")
            }
            if style.layers { lines += layerLines(for: run, timeline: timeline, style: style) }
            if let statistics = run.statistics {
                lines.append("")
                lines += TextWrapper.wrap(style.spelled(captureCounters(statistics, say: say)), width: style.width)
            }
            return lines
        }
    }

    /// Every packet broken down by OSI layer (`--layers`), titled with its ladder label.
    static func layerLines(for run: RecordedRun, timeline: Timeline, style: ReportStyle) -> [String] {
        var lines: [String] = []
        let say = LabStrings(style.language)
        var labels: [Int: String] = [:]
        var segments: [Int: AnnotatedSegment] = [:]
        for case .packet(let entry) in timeline.events {
            if case .tcp(let segment) = entry.content {
                segments[entry.number] = segment
                let note = PacketText.note(segment, numbers: style.numbers, strings: .timeline(style.language))
                let label = PacketText.arrowLabel(segment, numbers: style.numbers)
                // Spelled before the layer view lays the title out: `[ok]` is wider than `✓`.
                labels[entry.number] = style.spelled(note.map { say(.labelWithNote, label, $0) } ?? label)
            }
        }
        for (index, packet) in run.packets.enumerated() {
            lines.append("")
            let number = "\(index + 1)"
            let title = labels[index + 1].map { say(.packetTitleLabelled, number, $0) } ?? say(.packetTitle, number)
            lines += LayerView.render(bytes: packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                      originalLength: packet.originalLength, title: title,
                                      width: style.width, colour: style.mode == .ansi, language: style.language)
                .map { style.spelled($0.rendered(style.mode)) }
            // The connection's sockets in the kernel as this packet was captured.
            if let segment = segments[index + 1] {
                let kernel = KernelStateText.infoLines(timeline.kernel, at: packet.timestamp, client: segment.client,
                                                       server: segment.server, language: style.language)
                if !kernel.isEmpty { lines.append("") }
                lines += kernel.flatMap { TextWrapper.wrap(style.spelled($0), width: style.width) }
            }
        }
        return lines
    }

    /// The facts lessons check predictions against (see Lessons/README.md).
    public static func facts(_ timeline: Timeline) -> [String: String] {
        timeline.findings.first?.facts ?? ["handshake-complete": "no"]
    }

    /// Writes `facts` as a JSON object to `path` (the `--facts FILE` option).
    public static func writeFacts(_ facts: [String: String], to path: String) throws {
        let object = JSONValue.object(facts.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        try Data((object.encoded + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
