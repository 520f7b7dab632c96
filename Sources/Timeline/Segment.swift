import Trace
import Wire

/// One TCP segment as the timeline sees it: where it went, its numbers, and when.
public struct Segment: Sendable, Hashable {
    /// The packet's position in the capture, from 1 (as tcpdump and Wireshark count).
    public var number: Int
    public var timestamp: Instant
    public var source: IPEndpoint
    public var destination: IPEndpoint
    public var sequence: SequenceNumber
    public var acknowledgment: SequenceNumber
    public var flags: TCPFlags
    public var window: UInt16
    public var payloadLength: Int
    public var options: TCPOptions

    public init(
        number: Int, timestamp: Instant, source: IPEndpoint, destination: IPEndpoint,
        sequence: SequenceNumber, acknowledgment: SequenceNumber, flags: TCPFlags,
        window: UInt16 = 65535, payloadLength: Int = 0, options: TCPOptions = TCPOptions()
    ) {
        self.number = number
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.payloadLength = payloadLength
        self.options = options
    }

    /// The segment inside a decoded packet, or nil when the packet is not TCP (or its TCP
    /// header could not be read).
    public init?(_ packet: DecodedPacket, number: Int, timestamp: Instant) {
        guard let tcp = packet.tcp, let source = packet.sourceEndpoint,
              let destination = packet.destinationEndpoint else { return nil }
        self.init(number: number, timestamp: timestamp, source: source, destination: destination,
                  sequence: tcp.sequence, acknowledgment: tcp.acknowledgment, flags: tcp.flags,
                  window: tcp.window, payloadLength: tcp.payloadLength, options: tcp.options)
    }

    /// The sequence space the segment uses: its data, plus one each for SYN and FIN.
    public var sequenceLength: Int {
        payloadLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
    }

    public var isSYN: Bool { flags.contains(.syn) && !flags.contains(.ack) }
    public var isSYNACK: Bool { flags.contains(.syn) && flags.contains(.ack) }
    public var isRST: Bool { flags.contains(.rst) }
    public var isFIN: Bool { flags.contains(.fin) }
    /// An ACK with nothing else in it: no data, no SYN, FIN or RST.
    public var isPureACK: Bool {
        flags.contains(.ack) && !flags.contains(.syn) && !flags.contains(.fin) && !flags.contains(.rst)
            && payloadLength == 0
    }
}

/// Which way a segment travels within its connection.
public enum Direction: String, Sendable, Hashable {
    case clientToServer = "client-to-server"
    case serverToClient = "server-to-client"
}

/// The two ends of a TCP connection, independent of direction.
public struct ConnectionKey: Hashable, Sendable {
    public let low: IPEndpoint
    public let high: IPEndpoint

    public init(_ a: IPEndpoint, _ b: IPEndpoint) {
        if a < b { (low, high) = (a, b) } else { (low, high) = (b, a) }
    }
}
