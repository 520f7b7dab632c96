import Capture
import TextUI
import Timeline
import Trace
import Wire

/// Turns a stream of packets into one annotated line each, for `osilab watch` and
/// `osilab read`: the time, the connection, the endpoints, the flags and numbers, and what
/// the segment means (handshake step, data, FIN, retransmission...).
///
/// Memory stays proportional to the open connections (see ``ConnectionTracker``), so a
/// capture file of any size streams through.
public struct PacketLines: Sendable {
    public var numbers: NumberStyle
    /// Seconds to add to UTC for the local time of day (computed once by the caller, so that
    /// formatting a packet's time never asks the system about time zones).
    public var utcOffsetSeconds: Int
    public private(set) var tracker = ConnectionTracker()
    public private(set) var count = 0
    public private(set) var undecodable = 0
    /// The language of the notes and the summary. English lines are written byte by byte
    /// (the fast path `scripts/bench` measures); other languages go through the sentence
    /// tables, which cost a `String` per note.
    public let language: Language
    private let say: ToolStrings
    private let notes: TimelineStrings
    private let problems: DecodeStrings

    public init(numbers: NumberStyle = .relative, utcOffsetSeconds: Int = 0, language: Language = .english) {
        self.numbers = numbers
        self.utcOffsetSeconds = utcOffsetSeconds
        self.language = language
        say = ToolStrings(language)
        notes = TimelineStrings(language)
        problems = DecodeStrings(language)
    }

    /// The line for the next packet of the capture (bytes borrowed for the call only).
    /// - Parameter invalidTimestamp: the record's time could not be read (``InvalidTimestamp``):
    ///   the line shows the recorded second and field, and says the time is invalid.
    public mutating func line(
        timestamp: Instant, bytes: UnsafeRawBufferPointer, originalLength: Int, linkType: LinkType,
        invalidTimestamp: InvalidTimestamp? = nil
    ) -> String {
        var text: [UInt8] = []
        appendLine(timestamp: timestamp, bytes: bytes, originalLength: originalLength, linkType: linkType,
                   invalidTimestamp: invalidTimestamp, to: &text)
        return String(decoding: text.dropLast(), as: UTF8.self)
    }

    /// Appends the line for the next packet, and a newline, to `output` as UTF-8: the same
    /// text as ``line(timestamp:bytes:originalLength:linkType:)`` without making a `String`,
    /// which is what lets `osilab read` keep up with tcpdump (see TextBytes.swift).
    public mutating func appendLine(
        timestamp: Instant, bytes: UnsafeRawBufferPointer, originalLength: Int, linkType: LinkType,
        invalidTimestamp: InvalidTimestamp? = nil, to text: inout [UInt8]
    ) {
        count += 1
        let decoded = decodePacket(bytes, linkType: linkType, originalLength: originalLength)
        if let invalidTimestamp {
            // tcpdump's facts: the recorded second, then the field's digits as they are.
            appendClock(invalidTimestamp.seconds, to: &text)
            text.appendByte(".")
            text.appendDecimal(invalidTimestamp.fraction)
        } else {
            appendTimeOfDay(timestamp, to: &text)
        }
        text.appendByte(" ")
        if let segment = Segment(decoded, number: count, timestamp: timestamp) {
            let annotated = tracker.annotate(segment)
            text.appendByte("c")
            text.appendDecimal(annotated.connection)
            text.appendByte(" ")
            text.appendEndpoint(segment.source)
            text.appendLiteral(" > ")
            text.appendEndpoint(segment.destination)
            text.appendByte(" ")
            PacketText.appendArrowLabel(annotated, numbers: numbers, to: &text)
            if annotated.segment.flags.contains(.syn) { appendOptionsSummary(segment.options, to: &text) }
            if language == .english {
                if PacketText.hasNote(annotated.role) {
                    text.appendLiteral("  (")
                    PacketText.appendNote(annotated, numbers: numbers, to: &text)
                    text.appendByte(")")
                }
            } else if let note = PacketText.note(annotated, numbers: numbers, strings: notes) {
                text.appendLiteral("  ")
                text.appendString(say(.inParentheses, note))
            }
            if let error = decoded.error {
                text.appendString(language == .english ? " [\(error)]" : " [" + problems.describe(error) + "]")
            }
            appendTunnels(decoded, to: &text)
            if let invalidTimestamp { appendNote(invalidTimestamp, to: &text) }
            text.appendByte("\n")
            return
        }
        let english = language == .english
        switch Timeline.describeOther(decoded) {
        case .udp(let source, let destination, let length):
            text.appendString("\(source) > \(destination) UDP len=\(length)")
        case .icmp(let source, let destination, let summary, let quoted):
            var shown = summary
            if !english, let message = decoded.icmp { shown = say.icmpSummary(message) }
            if let quoted { shown = say(.icmpAbout, shown, "\(quoted.0)", "\(quoted.1)") }
            text.appendString("\(source) > \(destination) ICMP \(shown)")
        case .other:
            if decoded.error != nil { undecodable += 1 }
            text.appendString(say.otherSummary(decoded))
        case .tcp:
            break
        }
        // What was not decoded already says where it stopped; the tunnels are named on the
        // lines of the packets inside them.
        if decoded.udp != nil || decoded.icmp != nil { appendTunnels(decoded, to: &text) }
        if let invalidTimestamp { appendNote(invalidTimestamp, to: &text) }
        text.appendByte("\n")
    }

    /// ` [in a tunnel: 2001:db8::1 > 2001:db8::2]`, one per outer IP header, outermost first:
    /// the addresses above are the inner packet's, and the line must not pass a tunnelled
    /// packet off as one sent between those hosts directly (tcpdump prints both too).
    private func appendTunnels(_ decoded: DecodedPacket, to text: inout [UInt8]) {
        for outer in decoded.tunnels {
            let addresses: (IPAddress, IPAddress)
            switch outer {
            case .ipv4(let header): addresses = (.v4(header.source), .v4(header.destination))
            case .ipv6(let header): addresses = (.v6(header.source), .v6(header.destination))
            default: continue
            }
            text.appendString(" [" + say(.inTunnel, "\(addresses.0)", "\(addresses.1)") + "]")
        }
    }

    /// ` [invalid timestamp: ...]`, with the field's value and its limit.
    private func appendNote(_ invalid: InvalidTimestamp, to text: inout [UInt8]) {
        let sentence = say(invalid.isNanoseconds ? .invalidNanoseconds : .invalidMicroseconds, String(invalid.fraction))
        text.appendString(" [" + sentence + "]")
    }

    /// Connections still open, or never finished, at the end of the capture.
    public var summary: String {
        say.summary(packets: count, connections: tracker.connectionCount,
                    unfinished: tracker.incompleteHandshakes.count, undecodable: undecodable)
    }

    /// `HH:MM:SS.nnnnnnnnn` in local time, from arithmetic alone.
    func timeOfDay(_ instant: Instant) -> String {
        var text: [UInt8] = []
        appendTimeOfDay(instant, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes ``timeOfDay(_:)``. It never calls localtime(): without `TZ` set, glibc's
    /// localtime() stats /etc/localtime on every call, a system call per packet (tcpdump
    /// without `TZ` spends more than half its time there).
    func appendTimeOfDay(_ instant: Instant, to text: inout [UInt8]) {
        appendClock(instant.seconds, to: &text)
        text.appendByte(".")
        text.appendDecimal(instant.nanosecondsOfSecond, width: 9)
    }

    /// `HH:MM:SS` of the second `seconds` after the epoch, in local time.
    func appendClock(_ seconds: Int64, to text: inout [UInt8]) {
        let local = seconds + Int64(utcOffsetSeconds)
        let secondOfDay = ((local % 86_400) + 86_400) % 86_400
        text.appendDecimal(secondOfDay / 3600, width: 2)
        text.appendByte(":")
        text.appendDecimal(secondOfDay / 60 % 60, width: 2)
        text.appendByte(":")
        text.appendDecimal(secondOfDay % 60, width: 2)
    }

    /// ` [mss=65495 sackOK TS wscale=7]`, or nothing when the SYN carries none of these.
    private func appendOptionsSummary(_ options: TCPOptions, to text: inout [UInt8]) {
        var opened = false
        func separate() {
            text.appendLiteral(opened ? " " : " [")
            opened = true
        }
        if let mss = options.mss {
            separate()
            text.appendLiteral("mss=")
            text.appendDecimal(mss)
        }
        if options.sackPermitted {
            separate()
            text.appendLiteral("sackOK")
        }
        if options.timestamps != nil {
            separate()
            text.appendLiteral("TS")
        }
        if let scale = options.windowScale {
            separate()
            text.appendLiteral("wscale=")
            text.appendDecimal(scale)
        }
        if opened { text.appendByte("]") }
    }
}
