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

    public init(numbers: NumberStyle = .relative, utcOffsetSeconds: Int = 0) {
        self.numbers = numbers
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The line for the next packet of the capture (bytes borrowed for the call only).
    public mutating func line(timestamp: Instant, bytes: UnsafeRawBufferPointer, originalLength: Int, linkType: LinkType) -> String {
        count += 1
        let decoded = decodePacket(bytes, linkType: linkType, originalLength: originalLength)
        var text = timeOfDay(timestamp)
        text += " "
        if let segment = Segment(decoded, number: count, timestamp: timestamp) {
            let annotated = tracker.annotate(segment)
            text += "c\(annotated.connection) \(segment.source) > \(segment.destination) "
            text += PacketText.arrowLabel(annotated, numbers: numbers)
            if annotated.segment.flags.contains(.syn) { text += optionsSummary(segment.options) }
            if let note = PacketText.note(annotated, numbers: numbers) { text += "  (" + note + ")" }
            if let error = decoded.error { text += " [\(error)]" }
            return text
        }
        switch Timeline.describeOther(decoded) {
        case .udp(let source, let destination, let length):
            text += "\(source) > \(destination) UDP len=\(length)"
        case .icmp(let source, let destination, let summary, let quoted):
            text += "\(source) > \(destination) ICMP \(summary)"
            if let quoted { text += " (about \(quoted.0) > \(quoted.1))" }
        case .other(let summary):
            if decoded.error != nil { undecodable += 1 }
            text += summary
        case .tcp:
            break
        }
        return text
    }

    /// Connections still open, or never finished, at the end of the capture.
    public var summary: String {
        let incomplete = tracker.incompleteHandshakes
        func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)" + (count == 1 ? "" : "s") }
        var text = plural(count, "packet") + ", " + plural(tracker.connectionCount, "TCP connection")
        if !incomplete.isEmpty { text += ", \(incomplete.count) with an unfinished handshake" }
        if undecodable > 0 { text += ", \(undecodable) undecodable" }
        return text
    }

    /// `HH:MM:SS.nnnnnnnnn` in local time, from arithmetic alone.
    func timeOfDay(_ instant: Instant) -> String {
        let local = instant.seconds + Int64(utcOffsetSeconds)
        let secondOfDay = ((local % 86_400) + 86_400) % 86_400
        let fraction = instant.nanosecondsOfSecond
        return two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60) + "." + nine(fraction)
    }

    private func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }

    private func nine(_ value: Int64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 9 - digits.count)) + digits
    }

    private func optionsSummary(_ options: TCPOptions) -> String {
        var parts: [String] = []
        if let mss = options.mss { parts.append("mss=\(mss)") }
        if options.sackPermitted { parts.append("sackOK") }
        if options.timestamps != nil { parts.append("TS") }
        if let scale = options.windowScale { parts.append("wscale=\(scale)") }
        return parts.isEmpty ? "" : " [" + parts.joined(separator: " ") + "]"
    }
}
