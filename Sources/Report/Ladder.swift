import TextUI
import Timeline
import Trace
import Wire

/// How sequence numbers are shown: relative to each side's first (the SYN is 0), as
/// Wireshark does by default, or as the raw 32-bit values on the wire (`tcpdump -S`).
public enum NumberStyle: Sendable, Hashable {
    case relative, absolute
}

/// A ladder (sequence) diagram as data: the client on the left, the server on the right,
/// packets as arrows between them, system calls beside the side that made them.
public struct Ladder: Sendable {
    public enum Side: String, Sendable, Hashable { case client, server }

    public enum Tone: Sendable, Hashable {
        case handshake, data, teardown, reset, repeated, neutral, failure
        /// A packet that was captured but never reached the receiver (drawn with a cross).
        case dropped
    }

    public enum Row: Sendable, Hashable {
        /// A packet travelling between the two columns.
        case arrow(direction: Direction, label: String, note: String?, tone: Tone)
        /// A system call on one side: entered (still waiting) or returned.
        case call(side: Side, text: String, tone: Tone)
        /// A packet that belongs to neither column (another connection, ARP...).
        case other(text: String)
        /// A step of the program that sends nothing itself (a firewall rule lifted...).
        case note(text: String)
        /// A change in the kernel's state, marked on the lifeline of the side whose socket
        /// changed (`SYN-SENT → ESTABLISHED`, `accept queue 1/8`), or across the middle for
        /// the namespace's counters (`side` nil).
        case kernel(side: Side?, text: String)
    }

    /// Which connections get arrows.
    public enum Scope: Sendable, Hashable {
        /// One connection: the given client and server (or the first connection seen).
        case oneConnection
        /// Every connection to the server, whatever the client's port: for experiments
        /// with several clients. Arrow notes then start with the connection's number.
        case everyClient
    }

    public struct Entry: Sendable, Hashable {
        public var time: Instant
        public var row: Row
        /// Which timeline event this row shows (rows and events correspond one to one).
        public var eventIndex: Int
    }

    public var client: String
    public var server: String
    public var entries: [Entry]
    /// The language of the notes, call results and column titles.
    public var language: Language = .english

    /// Lays out the timeline's events for the connection between `client` and `server`
    /// (by default the first connection seen, or the trace's client and server).
    /// With `scope` `.everyClient`, every connection to `server` is drawn. The notes, call
    /// results and titles are in `language`.
    public static func make(
        from timeline: Timeline, numbers: NumberStyle = .relative, client: IPEndpoint? = nil, server: IPEndpoint? = nil,
        scope: Scope = .oneConnection, language: Language = .english
    ) -> Ladder {
        let firstSegment = timeline.events.lazy.compactMap { event -> AnnotatedSegment? in
            if case .packet(let entry) = event, case .tcp(let segment) = entry.content { return segment }
            return nil
        }.first
        let clientEnd = client ?? firstSegment?.client ?? timeline.findings.first?.client
        let serverEnd = server ?? firstSegment?.server ?? timeline.findings.first?.server
        var layout = Layout(numbers: numbers, client: clientEnd, server: serverEnd, everyClient: false,
                            strings: .timeline(language))
        layout.sides = KernelSides(timeline: timeline, client: clientEnd, server: serverEnd)
        layout.kernelStrings = KernelStrings(language)
        // The header reads "client <endpoint>"; with no endpoint known (no packets), just "client".
        var clientTitle = clientEnd?.description ?? ""
        if scope == .everyClient, let serverEnd {
            let connections = Set(timeline.events.compactMap { event -> Int? in
                guard case .packet(let entry) = event, case .tcp(let segment) = entry.content,
                      segment.server == serverEnd else { return nil }
                return segment.connection
            })
            layout.everyClient = true
            layout.numbered = connections.count > 1
            layout.sides.numbered = layout.numbered
            // Short enough for the header at 80 columns; the numbers match the rows' [n].
            if connections.count > 1 { clientTitle = "\(serverEnd.address) [1]-[\(connections.count)]" }
        }
        var entries: [Entry] = []
        for (index, event) in timeline.events.enumerated() {
            guard let row = row(for: event, layout) else { continue }
            // The counters one sample saw grow share a row: `ListenOverflows +1, ListenDrops +1`.
            if case .kernel(nil, let text) = row, let last = entries.last, last.time == event.time,
               case .kernel(nil, let before) = last.row {
                entries[entries.count - 1].row = .kernel(side: nil, text: before + ", " + text)
                continue
            }
            entries.append(Entry(time: event.time, row: row, eventIndex: index))
        }
        return Ladder(client: clientTitle, server: serverEnd?.description ?? "", entries: entries, language: language)
    }

    struct Layout {
        var numbers: NumberStyle
        var client: IPEndpoint?
        var server: IPEndpoint?
        var everyClient: Bool
        var numbered = false
        var strings: TimelineStrings = .timeline(.english)
        var sides = KernelSides()
        var kernelStrings = KernelStrings(.english)
    }

    static func row(for event: TimelineEvent, numbers: NumberStyle, client: IPEndpoint?, server: IPEndpoint?) -> Row? {
        row(for: event, Layout(numbers: numbers, client: client, server: server, everyClient: false))
    }

    static func row(for event: TimelineEvent, _ layout: Layout) -> Row? {
        switch event {
        case .packet(let entry):
            guard var row = packetRow(entry, layout) else { return nil }
            if let remark = entry.remark, case .arrow(let direction, let label, let note, let tone) = row {
                let text = [note, remark.text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
                row = .arrow(direction: direction, label: label, note: text, tone: remark.dropped ? .dropped : tone)
            } else if let remark = entry.remark, case .other(let text) = row {
                row = .other(text: text + " (" + remark.text + ")")
            }
            return row
        case .callEntered(let record):
            // A call that returned at once gets a single row, at its return.
            if let returned = record.returned, returned.nanoseconds(since: record.entered) < 1_000_000,
               !Ladder.blockingCalls.contains(record.call) {
                return nil
            }
            return .call(side: side(of: record), text: rolePrefix(record) + layout.strings(.callCalled, "\(record.call)"), tone: .neutral)
        case .callReturned(let record):
            return .call(side: side(of: record), text: rolePrefix(record) + PacketText.callResult(record, strings: layout.strings),
                         tone: record.outcome?.isSuccess == false ? .failure : .neutral)
        case .note(let note):
            return .note(text: note.text)
        case .kernel(let change):
            switch change.kind {
            case .state(let key, _, _):
                guard let side = layout.sides.side(of: key, everyClient: layout.everyClient) else { return nil }
                return .kernel(side: side, text: layout.sides.prefix(key) + KernelStateText.mark(change, layout.kernelStrings))
            case .acceptQueue(let listener, _, _, _):
                guard let server = layout.server, listener.port == server.port else { return nil }
                return .kernel(side: .server, text: KernelStateText.mark(change, layout.kernelStrings))
            case .counter:
                return .kernel(side: nil, text: KernelStateText.mark(change, layout.kernelStrings))
            }
        }
    }

    private static func packetRow(_ entry: PacketEntry, _ layout: Layout) -> Row? {
        let (numbers, client, server, strings) = (layout.numbers, layout.client, layout.server, layout.strings)
        switch entry.content {
        case .tcp(let segment):
            if layout.everyClient, let server, segment.server == server {
                let direction: Direction = segment.segment.destination == server ? .clientToServer : .serverToClient
                let note = PacketText.note(segment, numbers: numbers, strings: strings)
                let numberedNote = layout.numbered ? "[\(segment.connection)]" + (note.map { " " + $0 } ?? "") : note
                return .arrow(direction: direction, label: PacketText.arrowLabel(segment, numbers: numbers),
                              note: numberedNote, tone: PacketText.tone(segment.role))
            }
            if let client, let server, ConnectionKey(client, server) != ConnectionKey(segment.segment.source, segment.segment.destination) {
                // A connection off the ladder's two columns, its note in the reader's language too.
                return .other(text: "#\(entry.number) " + PacketText.line(segment, numbers: numbers, strings: strings))
            }
            let direction: Direction = segment.segment.source == (client ?? segment.client) ? .clientToServer : .serverToClient
            return .arrow(direction: direction, label: PacketText.arrowLabel(segment, numbers: numbers),
                          note: PacketText.note(segment, numbers: numbers, strings: strings), tone: PacketText.tone(segment.role))
        case .udp(let source, let destination, let length):
            let label = strings(length == 1 ? .labelUDPByte : .labelUDPBytes, String(length))
            if let client, source == client {
                return .arrow(direction: .clientToServer, label: label, note: strings(.noteOneDatagram), tone: .data)
            }
            if let client, destination == client {
                return .arrow(direction: .serverToClient, label: label, note: strings(.noteOneDatagram), tone: .data)
            }
            if client == nil { return .arrow(direction: .clientToServer, label: label, note: "\(source) → \(destination)", tone: .data) }
            return .other(text: strings(length == 1 ? .rowUDPByte : .rowUDPBytes, String(entry.number), "\(source)", "\(destination)", String(length)))
        case .icmp(let source, _, let summary, let quoted):
            // "destination unreachable: port unreachable" says it twice; the code alone is enough.
            let text = "ICMP " + icmpName(summary: summary, packet: entry.packet, strings: strings)
            let note = quoted.map { strings(.noteAboutDatagram, "\($0.0)", "\($0.1)") }
            if let server, source == server.address {
                return .arrow(direction: .serverToClient, label: text, note: note, tone: .failure)
            }
            return .other(text: "#\(entry.number) \(text)" + (note.map { " (\($0))" } ?? ""))
        case .other:
            let decoded = decodePacket(entry.packet.bytes, linkType: entry.packet.linkType, originalLength: entry.packet.originalLength)
            return .other(text: "#\(entry.number) " + ToolStrings(strings.language).otherSummary(decoded))
        }
    }

    /// An ICMP message's code alone ("port unreachable", 端口不可达), or its type when it has
    /// no code worth naming: "destination unreachable: port unreachable" says it twice.
    static func icmpName(summary: String, packet: CapturedBytes, strings: TimelineStrings) -> String {
        guard strings.language != .english,
              let message = decodePacket(packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength).icmp
        else { return summary.split(separator: ":", maxSplits: 1).last.map { String($0.drop { $0 == " " }) } ?? summary }
        let say = ToolStrings(strings.language)
        return say.icmpCodeName(message) ?? say.icmpTypeName(message)
    }

    /// The same ladder with every text spelled in ASCII (``PlainText``), for `--plain`.
    public func spelledInASCII() -> Ladder {
        var copy = self
        copy.client = PlainText.ascii(client)
        copy.server = PlainText.ascii(server)
        copy.entries = entries.map { entry in
            var entry = entry
            switch entry.row {
            case .arrow(let direction, let label, let note, let tone):
                entry.row = .arrow(direction: direction, label: PlainText.ascii(label), note: note.map { PlainText.ascii($0) }, tone: tone)
            case .call(let side, let text, let tone):
                entry.row = .call(side: side, text: PlainText.ascii(text), tone: tone)
            case .other(let text):
                entry.row = .other(text: PlainText.ascii(text))
            case .note(let text):
                entry.row = .note(text: PlainText.ascii(text))
            case .kernel(let side, let text):
                entry.row = .kernel(side: side, text: PlainText.ascii(text))
            }
            return entry
        }
        return copy
    }

    /// Calls made by a socket whose role is more than "client" or "server" say whose they are:
    /// "client 2" (in an experiment with several clients) becomes "[2] ", matching the
    /// connection numbers in the arrows' notes; any other role is written out.
    static func rolePrefix(_ record: SyscallRecord) -> String {
        let role = record.role
        if role.isEmpty || role == "client" || role == "server" { return "" }
        let words = role.split(separator: " ")
        if words.count == 2, words[0] == "client" || words[0] == "server", Int(words[1]) != nil { return "[\(words[1])] " }
        return role + ": "
    }

    /// Calls whose waiting is the point of the lesson: their entry always gets a row.
    static let blockingCalls: Set<SyscallName> = [.accept, .connect, .recv, .recvfrom]

    static func side(of record: SyscallRecord) -> Side {
        record.role.hasPrefix("server") ? .server : .client
    }
}

/// The words and numbers shown for packets and calls.
public enum PacketText {
    /// The arrow's label: flags and the numbers that matter, e.g. `SYN-ACK seq=0 ack=1`.
    public static func arrowLabel(_ annotated: AnnotatedSegment, numbers: NumberStyle) -> String {
        var bytes: [UInt8] = []
        appendArrowLabel(annotated, numbers: numbers, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes ``arrowLabel(_:numbers:)`` as UTF-8 (the per-packet lines build no `String`).
    static func appendArrowLabel(_ annotated: AnnotatedSegment, numbers: NumberStyle, to text: inout [UInt8]) {
        let segment = annotated.segment
        appendFlagName(segment.flags, to: &text)
        // A reset's seq is what the receiver checks it against (RFC 5961), so RST-ACK shows it too.
        if segment.sequenceLength > 0 || segment.flags.contains(.syn) || segment.flags.contains(.rst)
            || !segment.flags.contains(.ack) {
            text.appendLiteral(" seq=")
            appendNumber(segment.sequence, relative: annotated.relativeSequence, numbers, to: &text)
        }
        if segment.flags.contains(.ack) {
            text.appendLiteral(" ack=")
            appendNumber(segment.acknowledgment, relative: annotated.relativeAcknowledgment, numbers, to: &text)
        }
        if segment.payloadLength > 0 {
            text.appendLiteral(" len=")
            text.appendDecimal(segment.payloadLength)
        }
        if segment.window == 0 && !segment.flags.contains(.rst) { text.appendLiteral(" win=0") }
    }

    /// What the segment means, with the handshake arithmetic checked.
    public static func note(_ annotated: AnnotatedSegment, numbers: NumberStyle) -> String? {
        guard hasNote(annotated.role) else { return nil }
        var bytes: [UInt8] = []
        appendNote(annotated, numbers: numbers, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether ``note(_:numbers:)`` has anything to say: a plain ACK speaks for itself.
    static func hasNote(_ role: SegmentRole) -> Bool {
        if case .ack = role { return false }
        return true
    }

    /// Writes ``note(_:numbers:)`` as UTF-8; nothing for a role without a note.
    static func appendNote(_ annotated: AnnotatedSegment, numbers: NumberStyle, to text: inout [UInt8]) {
        // The rare notes (a failed check, data on a SYN, steps out of capture order, a
        // connection without its handshake) come from the sentence table; the byte-by-byte
        // path below is for the notes every capture is full of.
        if annotated.synDataLength > 0 || annotated.captureOrder != nil || annotated.role == .midstream
            || !annotated.checks.allSatisfy(\.holds) {
            if let note = note(annotated, numbers: numbers, strings: .timeline(.english)) { text.appendString(note) }
            return
        }
        /// `, ack = J+1 ✓` for each check (the caller drops the leading comma where needed).
        func appendChecks(_ text: inout [UInt8]) {
            for check in annotated.checks {
                text.appendLiteral(", ")
                text.appendString(check.rule)
                // Failed checks took the sentence table's path above.
                text.appendLiteral(" ✓")
            }
        }
        switch annotated.role {
        case .handshakeSYN:
            text.appendLiteral("step 1: seq = J")
        case .handshakeSYNACK:
            text.appendLiteral("step 2: seq = K")
            appendChecks(&text)
        case .handshakeACK(let carriesData):
            text.appendLiteral("step 3:")
            let checksStart = text.count
            appendChecks(&text)
            // "step 3: ack = K+1 ✓": the first check follows the colon without its comma.
            if text.count > checksStart { text.remove(at: checksStart) }
            if carriesData { text.appendLiteral(", carried by data") }
        case .synRetransmission:
            text.appendLiteral("SYN sent again (copy ")
            text.appendDecimal(annotated.copy)
            text.appendLiteral("): no SYN-ACK yet")
        case .synAckRetransmission:
            text.appendLiteral("SYN-ACK sent again (copy ")
            text.appendDecimal(annotated.copy)
            text.appendLiteral("): the final ACK has not arrived")
        case .refused:
            text.appendLiteral("refused: nothing listens on port ")
            text.appendDecimal(annotated.server.port)
        case .data:
            text.appendLiteral("data, ")
            text.appendDecimal(annotated.segment.payloadLength)
            if annotated.segment.payloadLength == 1 { text.appendLiteral(" byte") } else { text.appendLiteral(" bytes") }
        case .retransmission:
            text.appendLiteral("sent again: an earlier copy was not acknowledged")
        case .ack:
            break
        case .zeroWindow:
            text.appendLiteral("zero window: the receiver's buffer is full")
        case .fin(let first):
            if annotated.direction == .clientToServer { text.appendLiteral("client") } else { text.appendLiteral("server") }
            if first { text.appendLiteral(" closes first; it will wait in TIME-WAIT") } else { text.appendLiteral(" closes too") }
        case .finalAck:
            text.appendLiteral("last ACK: the connection is closed")
        case .reset:
            text.appendLiteral("reset: the connection is aborted")
        case .midstream:
            break
        }
    }

    /// One line per packet, for `osilab watch` and `osilab read`.
    public static func line(_ annotated: AnnotatedSegment, numbers: NumberStyle,
                            strings: TimelineStrings = .timeline(.english)) -> String {
        let segment = annotated.segment
        var text = "\(segment.source) > \(segment.destination) " + arrowLabel(annotated, numbers: numbers)
        if let note = note(annotated, numbers: numbers, strings: strings) { text += "  " + note }
        return text
    }

    public static func tone(_ role: SegmentRole) -> Ladder.Tone {
        switch role {
        case .handshakeSYN, .handshakeSYNACK, .handshakeACK: .handshake
        case .data, .ack, .zeroWindow, .midstream: .data
        case .fin, .finalAck: .teardown
        case .reset, .refused: .reset
        case .synRetransmission, .synAckRetransmission, .retransmission: .repeated
        }
    }

    /// `SYN`, `SYN-ACK`, `ACK`, `PSH-ACK`, `FIN-ACK`, `RST`, `RST-ACK`: the names the lab uses.
    /// The ECN flags follow after commas (`SYN, ECE, CWR` is the SYN that asks for ECN,
    /// RFC 3168 section 6.1.1; `ACK, ECE` echoes congestion), so the familiar names stay whole.
    public static func flagName(_ flags: TCPFlags) -> String {
        var bytes: [UInt8] = []
        appendFlagName(flags, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendFlagName(_ flags: TCPFlags, to text: inout [UInt8]) {
        let start = text.count
        func name(_ flag: TCPFlags, _ word: StaticString) {
            guard flags.contains(flag) else { return }
            if text.count > start { text.appendByte("-") }
            text.appendLiteral(word)
        }
        func ecn(_ flag: TCPFlags, _ word: StaticString) {
            guard flags.contains(flag) else { return }
            if text.count > start { text.appendLiteral(", ") }
            text.appendLiteral(word)
        }
        name(.syn, "SYN")
        name(.fin, "FIN")
        name(.rst, "RST")
        name(.psh, "PSH")
        name(.urg, "URG")
        name(.ack, "ACK")
        ecn(.ece, "ECE")
        ecn(.cwr, "CWR")
        ecn(.ae, "AE")
        if text.count == start { text.appendLiteral("(no flags)") }
    }

    static func appendNumber(_ value: SequenceNumber, relative: UInt32?, _ style: NumberStyle, to text: inout [UInt8]) {
        if style == .relative, let relative {
            text.appendDecimal(relative)
        } else {
            text.appendDecimal(value.rawValue)
        }
    }

    /// `connect() = 0 after 249 µs`, `accept() = fd 5`, `recv() = 5 bytes`, `listen(backlog=8) = 0`,
    /// `connect() = -1 ECONNREFUSED (111)`. How long a call waited is shown for the calls
    /// that wait for the network (accept, connect, recv); for the others it means nothing.
    public static func callResult(_ record: SyscallRecord) -> String {
        callResult(record, strings: .timeline(.english))
    }
}

// MARK: - Drawing

/// Draws a ``Ladder`` for a terminal or for plain text.
public struct LadderRenderer: Sendable {
    /// Box-drawing characters and arrows for terminals; for `--plain`, ASCII: the drawing
    /// and every symbol in the text (see ``PlainText``).
    public var unicode: Bool
    public var width: Int

    /// The narrowest ladder: the time, calls, arrow and notes columns at their smallest.
    public static let minimumWidth = 10 + 10 + 14 + 8 + 4

    public init(width: Int, unicode: Bool = true) {
        self.width = max(LadderRenderer.minimumWidth, width)
        self.unicode = unicode
    }

    struct Columns: Equatable {
        let time: Int, left: Int, arrow: Int, right: Int
    }

    /// The time column, wide enough for `+514.1 ms`.
    static let timeWidth = 10
    /// The narrowest columns: below these a word is cut wherever it must be.
    static let narrowestLeft = 10, narrowestArrow = 14, narrowestRight = 8
    /// An arrow this wide reads well; the ladder gives its arrows this much when the
    /// calls and notes already fit.
    static let comfortableArrow = 36

    /// The columns' widths for `ladder`, chosen from what it holds so that the width is used:
    /// each column is at least as wide as its longest word (a word such as
    /// `listen(backlog=8)` or `TIME-WAIT` is never cut while the width allows), and of the
    /// layouts that fit, the one taking the fewest lines wins: at 160 columns
    /// `connect() = 0 after 133.5 µs` takes one line, where a fixed share of the width
    /// would wrap it and leave half the terminal empty. Every row uses the same columns, so
    /// the lifelines stay straight; ``renderEntries(_:upTo:highlight:)`` computes them from
    /// the whole ladder even when it draws only its first rows, so step mode does not jump.
    func columns(for ladder: Ladder) -> Columns {
        let time = Self.timeWidth
        let available = width - time - 4
        var count = LineCount()
        var clientCalls: [String] = [], serverCalls: [String] = [], labels: [String] = [], notes: [String?] = []
        var middleNotes: [String] = []
        for entry in ladder.entries {
            switch entry.row {
            case .call(.client, let text, _): clientCalls.append(text)
            case .call(.server, let text, _): serverCalls.append(text)
            case .arrow(_, let label, let note, _):
                labels.append(label)
                notes.append(note)
            case .note(let text), .kernel(nil, let text): middleNotes.append(text)
            case .kernel(.client?, let text): clientCalls.append(text)
            case .kernel(.server?, let text): serverCalls.append(text)
            case .other: break
            }
        }
        let rightTexts = serverCalls + notes.compactMap { $0 }
        var leftFloor = max(Self.narrowestLeft, clientCalls.map(Self.widestWord).max() ?? 0)
        var arrowFloor = max(Self.narrowestArrow, (labels.map(Self.widestWord).max() ?? 0) + 2)
        var rightFloor = max(Self.narrowestRight, rightTexts.map(Self.widestWord).max() ?? 0)
        // A note across the middle wraps at the arrow and notes columns together (less its marker).
        rightFloor = max(rightFloor, (middleNotes.map(Self.widestWord).max() ?? 0) + 2 - arrowFloor)
        var excess = leftFloor + arrowFloor + rightFloor - available
        if excess > 0 {
            // Too narrow for the longest words: take the excess from the arrow (its label then
            // goes above it), the calls' column and the notes' column, as narrow as they go;
            // words are cut, but no line is wider than the terminal, which would break the lifelines.
            func shrink(_ column: inout Int, downTo floor: Int) {
                let taken = min(max(0, excess), max(0, column - floor))
                column -= taken
                excess -= taken
            }
            shrink(&arrowFloor, downTo: Self.narrowestArrow)
            shrink(&leftFloor, downTo: Self.narrowestLeft)
            shrink(&rightFloor, downTo: Self.narrowestRight)
            return Columns(time: time, left: leftFloor, arrow: arrowFloor, right: max(Self.narrowestRight, available - leftFloor - arrowFloor))
        }
        let leftNeed = max(leftFloor, clientCalls.map { DisplayWidth.of($0) }.max() ?? 0)
        let rightNeed = max(rightFloor, rightTexts.map { DisplayWidth.of($0) }.max() ?? 0)
        // The arrow widths worth trying: as narrow as it goes (every label above its arrow),
        // or just wide enough for some label to sit on its arrow, up to the width that reads
        // well: a longer label (raw sequence numbers) goes above its arrow rather than
        // squeezing the calls and notes. Width to spare widens the arrow afterwards.
        let labelWidths = labels.map { DisplayWidth.of($0) + 6 }
        let arrowChoices = Set([arrowFloor] + labelWidths.filter { $0 > arrowFloor && $0 <= Self.comfortableArrow })
            .filter { $0 <= available - leftFloor - rightFloor }.sorted()
        var best: (lines: Int, columns: Columns)?
        for arrow in arrowChoices {
            let labelLines = labels.reduce(0) { $0 + (DisplayWidth.of($1) + 6 <= arrow ? 0 : count($1, arrow - 2)) }
            for left in leftFloor...max(leftFloor, min(leftNeed, available - arrow - rightFloor)) {
                let right = available - arrow - left
                // A call or note cut over two lines reads worse than a label over its arrow, so
                // each line a text wraps onto counts twice; a client's call, right-aligned
                // against its lifeline (`close() =` / `0`), three times.
                func wrapped(_ lines: Int, weight: Int = 2) -> Int { 1 + weight * (lines - 1) }
                var lines = labelLines
                for text in clientCalls { lines += wrapped(count(text, left), weight: 3) }
                for text in serverCalls { lines += wrapped(count(text, right)) }
                for note in notes { lines += note.map { wrapped(count($0, right)) } ?? 1 }
                for text in middleNotes { lines += wrapped(count(text, max(20, arrow + right - 2))) }
                // Fewest lines; then the wider arrow (labels on their arrows); then the wider notes.
                if best.map({ lines < $0.lines || (lines == $0.lines && arrow > $0.columns.arrow) }) ?? true {
                    best = (lines, Columns(time: time, left: left, arrow: arrow, right: right))
                }
            }
        }
        guard let chosen = best?.columns else {
            return Columns(time: time, left: leftFloor, arrow: arrowFloor, right: available - leftFloor - arrowFloor)
        }
        // Width left over once the notes fit widens the arrow: up to the width that reads well,
        // and further for the labels that would otherwise go above their arrows.
        let spare = max(0, chosen.right - rightNeed)
        let wider = max(0, min(spare, max(Self.comfortableArrow, labelWidths.max() ?? 0) - chosen.arrow))
        return Columns(time: time, left: chosen.left, arrow: chosen.arrow + wider, right: chosen.right - wider)
    }

    /// How many lines texts take wrapped at a width, remembered: the layout search asks
    /// the same question many times.
    struct LineCount {
        var known: [String: [Int: Int]] = [:]

        mutating func callAsFunction(_ text: String, _ width: Int) -> Int {
            if let lines = known[text]?[width] { return lines }
            let lines = DisplayWidth.of(text) <= width ? 1 : TextWrapper.wrap(text, width: width).count
            known[text, default: [:]][width] = lines
            return lines
        }
    }

    /// The widest piece of `text` that wrapping may not cut: a word between spaces, or,
    /// in Chinese, a run of Latin letters and digits (`connect()`, `160.8`) with the
    /// Chinese characters or punctuation around it that may not be parted from it (counted
    /// on both sides, to be safe: `connect()，` stays together).
    static func widestWord(_ text: String) -> Int {
        var widest = 0
        var run = 0
        var touchesWide = false
        for character in text {
            if character == " " || character == "\t" || character == "\u{3000}" {
                widest = max(widest, run)
                run = 0
                touchesWide = false
            } else if DisplayWidth.of(character) == 2 {
                // Between two Chinese characters a line may break, but not before `，` or after `（`.
                widest = max(widest, run + (run > 0 ? 2 : 0) + (touchesWide && run > 0 ? 2 : 0), 4)
                run = 0
                touchesWide = true
            } else {
                run += DisplayWidth.of(character)
            }
        }
        return max(widest, run + (touchesWide && run > 0 ? 2 : 0))
    }

    /// The diagram as styled lines. `upTo` limits it to the first rows (for step mode).
    public func render(_ ladder: Ladder, upTo limit: Int? = nil, highlight: Int? = nil) -> [StyledLine] {
        let (header, rows) = renderEntries(ladder, upTo: limit, highlight: highlight)
        return [header] + rows.flatMap { $0 }
    }

    /// The header line, and the lines of each entry separately (an entry may take several
    /// lines when its text wraps).
    public func renderEntries(_ ladder: Ladder, upTo limit: Int? = nil, highlight: Int? = nil)
        -> (header: StyledLine, rows: [[StyledLine]])
    {
        // In ASCII every text is spelled in ASCII before it is measured: `[ok]` is wider than `✓`.
        let ladder = unicode ? ladder : ladder.spelledInASCII()
        let columns = columns(for: ladder)
        let bar = unicode ? "│" : "|"
        var rows: [[StyledLine]] = []
        var previous: Instant?
        let shown = limit.map { Array(ladder.entries.prefix($0)) } ?? ladder.entries
        for (index, entry) in shown.enumerated() {
            let delta = previous.map { entry.time.nanoseconds(since: $0) }
            previous = entry.time
            let time = delta.map { "+" + Self.compactDuration($0) } ?? "0"
            let timeText = unicode ? time : PlainText.ascii(time)
            let emphasis = highlight == index
            var entryLines: [StyledLine] = []
            for line in draw(entry.row, columns, bar: bar) {
                var styled = StyledLine()
                if line.isFirstLine {
                    styled.append(pad(timeText, columns.time - 1, right: true) + " ", TextStyle(dim: true))
                } else {
                    styled.append(String(repeating: " ", count: columns.time))
                }
                for span in line.spans {
                    styled.append(span.text, emphasis ? span.style.merging(TextStyle(inverse: true)) : span.style)
                }
                entryLines.append(styled)
            }
            rows.append(entryLines)
        }
        return (header(ladder, columns), rows)
    }

    /// A duration that fits the time column: "+514.09 ms" would not, "+514.1 ms" does.
    static func compactDuration(_ nanoseconds: Int64) -> String {
        let text = formatDuration(nanoseconds: nanoseconds)
        guard text.count > 8, nanoseconds >= 100_000_000, nanoseconds < 1_000_000_000 else { return text }
        let tenths = (nanoseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) ms"
    }

    private struct DrawnLine {
        var spans: [Span]
        var isFirstLine: Bool
    }

    private func header(_ ladder: Ladder, _ columns: Columns) -> StyledLine {
        let strings = TimelineStrings.timeline(ladder.language)
        let spell: (String) -> String = unicode ? { $0 } : PlainText.ascii
        let clientTitle = spell(strings(.headerClient, ladder.client))
        let serverTitle = spell(strings(.headerServer, ladder.server))
        let leftPart = pad(clientTitle, columns.time + columns.left + 1, right: true)
        // The server's title starts over its lifeline, or further left when it would run
        // past the width (an IPv6 address, a narrow terminal); it is cut only as a last resort.
        let room = width - DisplayWidth.of(leftPart)
        let gap = max(1, min(columns.arrow + 2, room - DisplayWidth.of(serverTitle)))
        var line = StyledLine()
        line.append(leftPart, TextStyle(bold: true, foreground: .green))
        line.append(String(repeating: " ", count: gap))
        line.append(serverTitle, TextStyle(bold: true, foreground: .blue))
        return line.truncated(to: width, marker: Span(unicode ? "…" : "~", TextStyle(bold: true, foreground: .blue)))
    }

    private func draw(_ row: Ladder.Row, _ columns: Columns, bar: String, style callStyle: TextStyle? = nil) -> [DrawnLine] {
        let blankLeft = String(repeating: " ", count: columns.left)
        let blankArrow = String(repeating: " ", count: columns.arrow)
        switch row {
        case .arrow(let direction, let label, let note, let tone):
            let style = style(for: tone)
            let noteLines = note.map { TextWrapper.wrap($0, width: columns.right) } ?? [""]
            var drawn: [DrawnLine] = []
            let arrowText: String
            var labelAbove: [String] = []
            if DisplayWidth.of(label) + 6 <= columns.arrow {
                arrowText = arrow(label: label, direction: direction, width: columns.arrow, dropped: tone == .dropped)
            } else {
                labelAbove = TextWrapper.wrap(label, width: columns.arrow - 2).map { " " + $0 }
                arrowText = arrow(label: "", direction: direction, width: columns.arrow, dropped: tone == .dropped)
            }
            for text in labelAbove {
                drawn.append(DrawnLine(spans: [Span(blankLeft + " " + bar), Span(pad(text, columns.arrow), style), Span(bar)],
                                       isFirstLine: drawn.isEmpty))
            }
            drawn.append(DrawnLine(
                spans: [Span(blankLeft + " " + bar), Span(arrowText, style), Span(bar + " "), Span(noteLines[0], noteStyle(tone))],
                isFirstLine: drawn.isEmpty))
            for extra in noteLines.dropFirst() {
                drawn.append(DrawnLine(spans: [Span(blankLeft + " " + bar + blankArrow + bar + " "), Span(extra, noteStyle(tone))],
                                       isFirstLine: false))
            }
            return drawn
        case .call(let side, let text, let tone):
            let style = callStyle ?? (tone == .failure ? TextStyle(bold: true, foreground: .red)
                : TextStyle(foreground: side == .client ? .green : .blue))
            switch side {
            case .client:
                let wrapped = TextWrapper.wrap(text, width: columns.left)
                return wrapped.enumerated().map { index, piece in
                    DrawnLine(spans: [Span(pad(piece, columns.left, right: true), style), Span(" " + bar + blankArrow + bar)],
                              isFirstLine: index == 0)
                }
            case .server:
                let wrapped = TextWrapper.wrap(text, width: columns.right)
                return wrapped.enumerated().map { index, piece in
                    DrawnLine(spans: [Span(blankLeft + " " + bar + blankArrow + bar + " "), Span(piece, style)], isFirstLine: index == 0)
                }
            }
        case .other(let text):
            let wrapped = TextWrapper.wrap(text, width: max(20, columns.left + columns.arrow + columns.right))
            return wrapped.enumerated().map { index, piece in
                DrawnLine(spans: [Span(piece, TextStyle(dim: true))], isFirstLine: index == 0)
            }
        case .note(let text):
            // Across the middle, between the two lifelines, so it reads as "meanwhile".
            return middle(text, marker: unicode ? "◆ " : "* ", TextStyle(bold: true, foreground: .yellow), columns, bar: bar)
        case .kernel(let side?, let text):
            // On the lifeline of the side whose socket it is, in the kernel's colour.
            return draw(.call(side: side, text: text, tone: .neutral), columns, bar: bar, style: TextStyle(foreground: .magenta))
        case .kernel(nil, let text):
            return middle(text, marker: unicode ? "◇ " : "+ ", TextStyle(foreground: .magenta), columns, bar: bar)
        }
    }

    private func middle(_ text: String, marker: String, _ style: TextStyle, _ columns: Columns, bar: String) -> [DrawnLine] {
        let blankLeft = String(repeating: " ", count: columns.left)
        let wrapped = TextWrapper.wrap(text, width: max(20, columns.arrow + columns.right - 2))
        return wrapped.enumerated().map { index, piece in
            DrawnLine(spans: [Span(blankLeft + " " + bar + " "), Span((index == 0 ? marker : "  ") + piece, style)],
                      isFirstLine: index == 0)
        }
    }

    private func arrow(label: String, direction: Direction, width: Int, dropped: Bool = false) -> String {
        let line = unicode ? "─" : "-"
        // A dropped packet's arrow ends in a cross short of the receiver's lifeline.
        let head = dropped ? (unicode ? "✕" : "x")
            : direction == .clientToServer ? (unicode ? "▶" : ">") : (unicode ? "◀" : "<")
        let text = label.isEmpty ? "" : " \(label) "
        let body = width - 1 - DisplayWidth.of(text)
        let before = direction == .clientToServer ? 2 : max(2, body - 2)
        let after = max(0, body - before)
        let segment = String(repeating: line, count: before) + text + String(repeating: line, count: after)
        return direction == .clientToServer ? segment + head : head + segment
    }

    private func style(for tone: Ladder.Tone) -> TextStyle {
        switch tone {
        case .handshake: TextStyle(bold: true, foreground: .cyan)
        case .data: TextStyle()
        case .teardown: TextStyle(foreground: .yellow)
        case .reset, .failure, .dropped: TextStyle(bold: true, foreground: .red)
        case .repeated: TextStyle(foreground: .magenta)
        case .neutral: TextStyle()
        }
    }

    private func noteStyle(_ tone: Ladder.Tone) -> TextStyle {
        switch tone {
        case .handshake: TextStyle(foreground: .cyan)
        case .reset, .failure, .dropped: TextStyle(foreground: .red)
        case .repeated: TextStyle(foreground: .magenta)
        default: TextStyle(dim: true)
        }
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = max(0, width - DisplayWidth.of(text))
        return right ? String(repeating: " ", count: gap) + text : text + String(repeating: " ", count: gap)
    }
}
