import Timeline
import Trace
import Wire

/// Builds segments of one conversation by hand, as a textbook would draw them.
public struct Conversation {
    public var client = IPEndpoint(.v4(.loopback), 51000)
    public var server = IPEndpoint(.v4(.loopback), 4545)
    public var number = 0
    public var time: Int64 = 1_000_000_000

    public init() {}

    public mutating func segment(
        fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, length: Int = 0, window: UInt16 = 512
    ) -> Segment {
        number += 1
        time += 10_000
        return Segment(number: number, timestamp: Instant(nanosecondsSinceEpoch: time),
                       source: fromClient ? client : server, destination: fromClient ? server : client,
                       sequence: SequenceNumber(seq), acknowledgment: SequenceNumber(ack), flags: flags,
                       window: window, payloadLength: length)
    }
}
