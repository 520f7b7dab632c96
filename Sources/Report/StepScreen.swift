import TextUI
import Timeline
import Wire

/// Step mode (`--step`): the learner reveals a run's events one at a time, forward and
/// back, each with a sentence saying what happened, like a simulator but from a real capture.
/// This type lays out one screen; the command reads the keys.
public struct StepScreen: Sendable {
    public let run: RecordedRun
    public let timeline: Timeline
    public let ladder: Ladder
    public let numbers: NumberStyle
    /// The language of the narration, the ladder's notes and the keys.
    public let language: Language
    /// The entry of the ladder being explained (0-based).
    public private(set) var position = 0
    /// Show the current packet broken down by OSI layer instead of the ladder.
    public var showLayers = false {
        didSet { layerScroll = 0 }
    }
    /// How many lines of the layer view are scrolled off the top.
    public var layerScroll = 0
    /// Whose sockets the kernel-state changes are about.
    let sides: KernelSides

    public init(run: RecordedRun, timeline: Timeline, numbers: NumberStyle, language: Language = .english) {
        self.run = run
        self.timeline = timeline
        self.numbers = numbers
        self.language = language
        ladder = Ladder.make(from: timeline, numbers: numbers, language: language)
        sides = KernelSides(timeline: timeline)
    }

    var say: LabStrings { LabStrings(language) }

    public var count: Int { ladder.entries.count }
    public var isAtEnd: Bool { position >= count - 1 }

    public mutating func forward() { move(to: position + 1) }
    public mutating func back() { move(to: position - 1) }
    public mutating func first() { move(to: 0) }
    public mutating func last() { move(to: count - 1) }

    private mutating func move(to target: Int) {
        position = max(0, min(target, count - 1))
        layerScroll = 0
    }

    /// Scrolls the layer view (it is often taller than the terminal).
    public mutating func scroll(by lines: Int) {
        layerScroll = max(0, layerScroll + lines)
    }

    /// The sentence for the current event.
    public var narration: String {
        guard position < ladder.entries.count else { return say(.stepNothingCaptured) }
        let eventIndex = ladder.entries[position].eventIndex
        guard eventIndex < timeline.events.count else { return "" }
        return StepNarration.sentence(for: timeline.events[eventIndex], numbers: numbers, language: language, sides: sides)
    }

    /// The connection's sockets in the kernel at the current event: their states, queues and
    /// `tcp_info` as last sampled (empty when the run has no kernel samples).
    var kernelLines: [String] {
        guard position < ladder.entries.count, let client = sides.client, let server = sides.server else { return [] }
        let eventIndex = ladder.entries[position].eventIndex
        guard eventIndex < timeline.events.count else { return [] }
        var (from, to) = (client, server)
        if case .packet(let entry) = timeline.events[eventIndex], case .tcp(let segment) = entry.content {
            (from, to) = (segment.client, segment.server)
        }
        return KernelStateText.infoLines(timeline.kernel, at: timeline.events[eventIndex].time, client: from, server: to,
                                         language: language)
    }

    /// The captured packet behind the current event, if it is a packet.
    var currentPacket: PacketEntry? {
        guard position < ladder.entries.count else { return nil }
        let eventIndex = ladder.entries[position].eventIndex
        if eventIndex < timeline.events.count, case .packet(let entry) = timeline.events[eventIndex] { return entry }
        return nil
    }

    /// The whole screen for a terminal of `columns` x `rows`: the ladder so far (its last
    /// rows, if it is taller than the space) with the current row highlighted, then the
    /// narration, then the key help.
    public func lines(columns: Int, rows: Int, mode: StyleMode) -> [String] {
        let width = max(LadderRenderer.minimumWidth + 1, columns)
        let narrationLines = TextWrapper.wrap(say(.stepEvent, "\(position + 1)", "\(count)", narration), width: width - 1)
        let help = say(showLayers ? .stepKeysLayers : .stepKeysLadder)
        let available = max(3, rows - narrationLines.count - 3)
        var body: [String]
        if showLayers, let packet = currentPacket {
            body = LayerView.render(bytes: packet.packet.bytes, linkType: packet.packet.linkType,
                                    originalLength: packet.packet.originalLength, title: say(.packetTitle, "\(packet.number)"),
                                    width: width - 1, colour: mode == .ansi, language: language).map { $0.rendered(mode) }
            let kernel = kernelLines
            if !kernel.isEmpty { body += [""] + kernel.flatMap { TextWrapper.wrap($0, width: width - 1) } }
            if body.count > available {
                let start = min(layerScroll, body.count - (available - 1))
                let end = start + available - 1
                body = Array(body[start..<end]) + [end < body.count ? say(.stepMore) : ""]
            }
        } else {
            let renderer = LadderRenderer(width: width - 1, unicode: true)
            let drawn = renderer.render(ladder, upTo: position + 1, highlight: position).map { $0.rendered(mode) }
            // Keep the header, then as many of the latest rows as fit.
            if drawn.count > available, let header = drawn.first {
                body = [header] + drawn.suffix(available - 1)
            } else {
                body = drawn
            }
            if showLayers {
                // A call or a kernel change: no packet to break down, but the kernel's view of the connection.
                let kernel = kernelLines
                if kernel.isEmpty {
                    body.append(say(.stepNoPacket))
                } else {
                    let wrapped = kernel.flatMap { TextWrapper.wrap($0, width: width - 1) }
                    body = Array(body.prefix(max(1, available - wrapped.count))) + wrapped
                }
            }
        }
        let padding = max(0, rows - body.count - narrationLines.count - 2)
        return body + Array(repeating: "", count: padding) + [""] + narrationLines + [StyledLine(help, TextStyle(dim: true)).truncated(to: width - 1).rendered(mode)]
    }

    /// Every step in order, for a pipe: each ladder row followed by its sentence, in ASCII
    /// as `--plain` is (``PlainText``): a transcript is made to be pasted.
    public func transcript(width: Int) -> [String] {
        var copy = self
        copy.position = 0
        var output: [String] = []
        let (header, rows) = LadderRenderer(width: width, unicode: false).renderEntries(ladder)
        output.append(header.plainText)
        for (index, lines) in rows.enumerated() {
            copy.position = index
            output += lines.map { $0.plainText }
            output += TextWrapper.wrap(PlainText.ascii(copy.narration), width: width - 6, firstPrefix: "     -> ", restPrefix: "        ")
        }
        return output
    }
}
