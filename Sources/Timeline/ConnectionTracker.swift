import Trace
import Wire

/// What a segment means within its connection, in the words of the notes and the lab.
public enum SegmentRole: Sendable, Hashable {
    /// Step 1: the client's SYN, carrying its initial sequence number J.
    case handshakeSYN
    /// Step 2: the server's SYN-ACK, carrying K and acknowledging J+1.
    case handshakeSYNACK
    /// Step 3: the client's ACK of K+1. `carriesData` when the ACK rode on a data segment
    /// (because the pure ACK was lost, or the client sent data at once).
    case handshakeACK(carriesData: Bool)
    /// The client sent its SYN again: no SYN-ACK came back in time.
    case synRetransmission
    /// The server sent its SYN-ACK again: the final ACK has not reached it.
    case synAckRetransmission
    /// A reset answering a SYN: nothing listens on that port (connect() fails with ECONNREFUSED).
    case refused
    /// New data.
    case data
    /// Data sent again: an earlier copy was lost or not acknowledged in time.
    case retransmission
    /// Acknowledges data and carries nothing.
    case ack
    /// The receiver's buffer is full: the sender must wait.
    case zeroWindow
    /// The sender closes its direction (close() or shutdown(SHUT_WR)). `first` is true for
    /// the side that closed first (it will end in TIME_WAIT).
    case fin(first: Bool)
    /// The ACK of the last FIN: the connection is closed.
    case finalAck
    /// The connection is aborted.
    case reset
    /// A segment of a connection whose handshake was not captured.
    case midstream
}

/// A check of the handshake arithmetic: e.g. that the SYN-ACK acknowledges J+1.
public struct NumberCheck: Sendable, Hashable {
    /// As the notes write it: `ack = J+1`.
    public var rule: String
    public var expected: SequenceNumber
    public var actual: SequenceNumber
    public var holds: Bool { expected == actual }
}

/// A segment with its meaning: the unit the ladder, the JSON output and the facts use.
public struct AnnotatedSegment: Sendable, Hashable {
    public var segment: Segment
    /// The connection's number in order of appearance, from 1.
    public var connection: Int
    public var direction: Direction
    public var role: SegmentRole
    /// 1, 2 or 3 for the handshake's segments.
    public var step: Int?
    /// The sequence number relative to its sender's initial sequence number (the SYN is 0),
    /// when the handshake was seen.
    public var relativeSequence: UInt32?
    /// The acknowledgment number relative to the receiver's initial sequence number.
    public var relativeAcknowledgment: UInt32?
    public var checks: [NumberCheck]
    /// Retransmissions of this segment's kind so far (2 means the second copy).
    public var copy: Int

    public var client: IPEndpoint {
        direction == .clientToServer ? segment.source : segment.destination
    }

    public var server: IPEndpoint {
        direction == .clientToServer ? segment.destination : segment.source
    }
}

/// Follows TCP connections through a stream of segments and says what each segment means.
///
/// Memory grows with the connections that are open, not with the capture: a connection
/// is forgotten once both FINs are acknowledged or it is reset (a short list of recently
/// closed connections labels stragglers correctly).
public struct ConnectionTracker: Sendable {
    struct Connection: Sendable {
        let number: Int
        let client: IPEndpoint
        let server: IPEndpoint
        let handshakeSeen: Bool
        var clientISN: SequenceNumber?
        var serverISN: SequenceNumber?
        var synCopies = 0
        var synAckCopies = 0
        var established = false
        /// The next new sequence number each side will send (highest seen end).
        var clientNext: SequenceNumber?
        var serverNext: SequenceNumber?
        var clientFIN: SequenceNumber?
        var serverFIN: SequenceNumber?
        var firstFINFrom: Direction?

        func isn(of direction: Direction) -> SequenceNumber? {
            direction == .clientToServer ? clientISN : serverISN
        }
    }

    private var open: [ConnectionKey: Connection] = [:]
    private var recentlyClosed: [ConnectionKey: Int] = [:]
    private var closedOrder: [ConnectionKey] = []
    private var closedCursor = 0
    private let closedMemory: Int
    public private(set) var connectionCount = 0

    public init(rememberClosed: Int = 1024) {
        closedMemory = max(1, rememberClosed)
    }

    /// The number of connections currently tracked (open or half-open).
    public var openConnections: Int { open.count }

    /// Annotates the next segment of the capture. Segments must come in capture order.
    public mutating func annotate(_ segment: Segment) -> AnnotatedSegment {
        let key = ConnectionKey(segment.source, segment.destination)

        // A SYN (not a SYN-ACK) starts a connection, also when the same ports were used before.
        if segment.isSYN {
            if var existing = open[key], existing.client == segment.source, existing.clientISN == segment.sequence,
               !existing.established {
                existing.synCopies += 1
                open[key] = existing
                return AnnotatedSegment(
                    segment: segment, connection: existing.number, direction: .clientToServer,
                    role: .synRetransmission, step: 1, relativeSequence: 0, relativeAcknowledgment: nil,
                    checks: [], copy: existing.synCopies)
            }
            connectionCount += 1
            var connection = Connection(number: connectionCount, client: segment.source, server: segment.destination,
                                        handshakeSeen: true)
            connection.clientISN = segment.sequence
            connection.synCopies = 1
            connection.clientNext = segment.sequence + 1
            open[key] = connection
            forgetClosed(key)
            return AnnotatedSegment(
                segment: segment, connection: connection.number, direction: .clientToServer, role: .handshakeSYN,
                step: 1, relativeSequence: 0, relativeAcknowledgment: nil, checks: [], copy: 1)
        }

        guard var connection = open[key] else {
            return annotateUntracked(segment, key: key)
        }
        let direction: Direction = segment.source == connection.client ? .clientToServer : .serverToClient
        let relativeSequence = connection.isn(of: direction).map { UInt32(bitPattern: segment.sequence - $0) }
        let peerISN = connection.isn(of: direction == .clientToServer ? .serverToClient : .clientToServer)
        let relativeAck = segment.flags.contains(.ack) ? peerISN.map { UInt32(bitPattern: segment.acknowledgment - $0) } : nil
        var result = AnnotatedSegment(
            segment: segment, connection: connection.number, direction: direction, role: .data, step: nil,
            relativeSequence: relativeSequence, relativeAcknowledgment: relativeAck, checks: [], copy: 1)
        defer { if open[key] != nil { open[key] = connection } }

        // Step 2, or its retransmission.
        if segment.isSYNACK, direction == .serverToClient {
            if let known = connection.serverISN, known == segment.sequence {
                connection.synAckCopies += 1
                result.role = .synAckRetransmission
                result.copy = connection.synAckCopies
            } else {
                connection.serverISN = segment.sequence
                connection.synAckCopies = 1
                connection.serverNext = segment.sequence + 1
                result.role = .handshakeSYNACK
                result.relativeSequence = 0
            }
            result.step = 2
            if let j = connection.clientISN {
                result.relativeAcknowledgment = UInt32(bitPattern: segment.acknowledgment - j)
                result.checks = [NumberCheck(rule: "ack = J+1", expected: j + 1, actual: segment.acknowledgment)]
            }
            return result
        }

        if segment.isRST {
            result.role = connection.serverISN == nil && direction == .serverToClient ? .refused : .reset
            close(key)
            return result
        }

        // Step 3: the first ACK from the client that acknowledges K+1.
        if !connection.established, direction == .clientToServer, segment.flags.contains(.ack),
           let k = connection.serverISN, segment.acknowledgment == k + 1 {
            connection.established = true
            result.role = .handshakeACK(carriesData: segment.payloadLength > 0)
            result.step = 3
            result.checks = [NumberCheck(rule: "ack = K+1", expected: k + 1, actual: segment.acknowledgment)]
            advance(&connection, direction: direction, segment: segment)
            if segment.isFIN { noteFIN(&connection, direction: direction, segment: segment) }
            return result
        }

        result.role = classify(segment, direction: direction, connection: &connection)
        if case .finalAck = result.role { close(key) }
        return result
    }

    /// Data, ACK, FIN or retransmission, for a connection past its handshake.
    private func classify(_ segment: Segment, direction: Direction, connection: inout Connection) -> SegmentRole {
        let next = direction == .clientToServer ? connection.clientNext : connection.serverNext
        let isRepeat: Bool = {
            guard segment.sequenceLength > 0, let next else { return false }
            let end = segment.sequence + segment.sequenceLength
            return !next.isBefore(end)
        }()
        if isRepeat { return .retransmission }
        advance(&connection, direction: direction, segment: segment)
        if segment.isFIN {
            return noteFIN(&connection, direction: direction, segment: segment)
        }
        // An ACK that covers the peer's FIN after both sides sent one ends the connection.
        if segment.flags.contains(.ack), segment.payloadLength == 0,
           let peerFIN = direction == .clientToServer ? connection.serverFIN : connection.clientFIN,
           (direction == .clientToServer ? connection.clientFIN : connection.serverFIN) != nil,
           segment.acknowledgment == peerFIN + 1 {
            return .finalAck
        }
        if segment.payloadLength > 0 { return .data }
        if segment.window == 0 { return .zeroWindow }
        return .ack
    }

    @discardableResult
    private func noteFIN(_ connection: inout Connection, direction: Direction, segment: Segment) -> SegmentRole {
        let finSequence = segment.sequence + segment.payloadLength
        if direction == .clientToServer { connection.clientFIN = finSequence } else { connection.serverFIN = finSequence }
        if connection.firstFINFrom == nil { connection.firstFINFrom = direction }
        return .fin(first: connection.firstFINFrom == direction)
    }

    private func advance(_ connection: inout Connection, direction: Direction, segment: Segment) {
        let end = segment.sequence + segment.sequenceLength
        if direction == .clientToServer {
            if connection.clientNext.map({ $0.isBefore(end) }) ?? true { connection.clientNext = end }
        } else {
            if connection.serverNext.map({ $0.isBefore(end) }) ?? true { connection.serverNext = end }
        }
    }

    /// A segment of a connection we did not see start: either a straggler of one that
    /// just closed, or a connection already running when the capture began.
    private mutating func annotateUntracked(_ segment: Segment, key: ConnectionKey) -> AnnotatedSegment {
        if let number = recentlyClosed[key] {
            return AnnotatedSegment(
                segment: segment, connection: number, direction: .clientToServer,
                role: segment.isRST ? .reset : (segment.payloadLength > 0 ? .retransmission : .ack),
                step: nil, relativeSequence: nil, relativeAcknowledgment: nil, checks: [], copy: 1)
        }
        // Without a SYN, guess that the lower port is the server's (services use low, fixed ports).
        let (client, server) = segment.source.port > segment.destination.port
            ? (segment.source, segment.destination) : (segment.destination, segment.source)
        connectionCount += 1
        var connection = Connection(number: connectionCount, client: client, server: server, handshakeSeen: false)
        connection.established = true
        let direction: Direction = segment.source == client ? .clientToServer : .serverToClient
        advance(&connection, direction: direction, segment: segment)
        if segment.isRST {
            rememberClosed(key, number: connection.number)
        } else {
            if segment.isFIN { noteFIN(&connection, direction: direction, segment: segment) }
            open[key] = connection
        }
        return AnnotatedSegment(
            segment: segment, connection: connection.number, direction: direction,
            role: segment.isRST ? .reset : .midstream, step: nil, relativeSequence: nil,
            relativeAcknowledgment: nil, checks: [], copy: 1)
    }

    private mutating func close(_ key: ConnectionKey) {
        guard let connection = open.removeValue(forKey: key) else { return }
        rememberClosed(key, number: connection.number)
    }

    private mutating func rememberClosed(_ key: ConnectionKey, number: Int) {
        if closedOrder.count < closedMemory {
            closedOrder.append(key)
        } else {
            recentlyClosed.removeValue(forKey: closedOrder[closedCursor])
            closedOrder[closedCursor] = key
            closedCursor = (closedCursor + 1) % closedMemory
        }
        recentlyClosed[key] = number
    }

    private mutating func forgetClosed(_ key: ConnectionKey) {
        recentlyClosed.removeValue(forKey: key)
    }

    /// Connections whose handshake is unfinished, for the end-of-capture summary.
    public var incompleteHandshakes: [(number: Int, client: IPEndpoint, server: IPEndpoint, sawSYNACK: Bool)] {
        open.values.filter { $0.handshakeSeen && !$0.established }
            .sorted { $0.number < $1.number }
            .map { ($0.number, $0.client, $0.server, $0.serverISN != nil) }
    }
}
