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
    /// the side that closed first (it will end in TIME-WAIT).
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
    /// As the notes write it: `ack = J+1`, or `ack = J+1+100` after a SYN with 100 bytes of data.
    public var rule: String
    public var expected: SequenceNumber
    public var actual: SequenceNumber
    /// The initial sequence number the rule counts from (J or K): a line in relative numbers
    /// shows `expected` and `actual` relative to it, so the numbers match the line's.
    public var base: SequenceNumber? = nil
    public var holds: Bool { expected == actual }
}

/// Where a handshake segment stands in the capture when the capture holds the steps in
/// another order than the protocol sends them (two capture points merged, or a clock that
/// went backwards): the reader still numbers the steps as the protocol does.
public enum CaptureOrder: Sendable, Hashable {
    /// A SYN-ACK with no SYN before it in the capture (the SYN may follow, or was not captured).
    case synAckWithoutSYN
    /// A SYN recorded after its SYN-ACK (the packet number of that SYN-ACK).
    case synAfterSYNACK(synAckPacket: Int)
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
    /// On a SYN and its SYN-ACK: the bytes of data the SYN carried (TCP Fast Open, RFC 7413),
    /// which the SYN-ACK acknowledges with J+1+length when the server takes them.
    public var synDataLength = 0
    /// Set when the capture order of the handshake differs from the protocol order.
    public var captureOrder: CaptureOrder? = nil
    /// On a connection whose SYN was not captured: true when the relative numbers count from
    /// the first segment seen in each direction (as Wireshark does), not from J and K.
    public var numberedFromFirstSeen = false

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
        /// False for a connection opened by its SYN-ACK, until (if ever) the SYN shows up.
        var synSeen = true
        /// The packet number of the SYN-ACK that opened the connection before its SYN.
        var synAckFirstPacket: Int?
        /// Bytes of data the SYN carried.
        var synData = 0
        /// The acknowledgment of the SYN-ACK that came before its SYN, checked when the SYN comes.
        var synAckAcknowledgment: SequenceNumber?
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

    /// What a closed connection leaves behind: enough to number and orient its stragglers.
    struct Closed: Sendable {
        let number: Int
        let client: IPEndpoint
        let clientISN: SequenceNumber?
        let serverISN: SequenceNumber?
        let clientNext: SequenceNumber?
        let serverNext: SequenceNumber?
    }

    private var open: [ConnectionKey: Connection] = [:]
    private var recentlyClosed: [ConnectionKey: Closed] = [:]
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
               existing.synSeen, !existing.established {
                existing.synCopies += 1
                open[key] = existing
                return AnnotatedSegment(
                    segment: segment, connection: existing.number, direction: .clientToServer,
                    role: .synRetransmission, step: 1, relativeSequence: 0, relativeAcknowledgment: nil,
                    checks: [], copy: existing.synCopies, synDataLength: segment.payloadLength)
            }
            // The SYN its SYN-ACK acknowledged (with or without the SYN's data); any other SYN
            // from those ports starts a connection of its own.
            if var existing = open[key], !existing.synSeen, existing.client == segment.source,
               let acknowledged = existing.synAckAcknowledgment,
               acknowledged == segment.sequence + 1 || acknowledged == segment.sequence + segment.sequenceLength {
                return adoptLateSYN(segment, key: key, connection: &existing)
            }
            connectionCount += 1
            var connection = Connection(number: connectionCount, client: segment.source, server: segment.destination,
                                        handshakeSeen: true)
            connection.clientISN = segment.sequence
            connection.synCopies = 1
            connection.synData = segment.payloadLength
            connection.clientNext = segment.sequence + segment.sequenceLength
            open[key] = connection
            forgetClosed(key)
            return AnnotatedSegment(
                segment: segment, connection: connection.number, direction: .clientToServer, role: .handshakeSYN,
                step: 1, relativeSequence: 0, relativeAcknowledgment: nil, checks: [], copy: 1,
                synDataLength: segment.payloadLength)
        }

        // One hash lookup per segment: the connection is copied out by its index and
        // written back through it (looking it up again to store it, as `open[key] = ...`
        // does, doubled the hashing, which was a tenth of `osilab read`'s time).
        guard let index = open.index(forKey: key) else {
            return annotateUntracked(segment, key: key)
        }
        var connection = open.values[index]
        let (result, ends) = follow(segment, connection: &connection)
        if ends {
            close(key)
        } else {
            open.values[index] = connection
        }
        return result
    }

    /// What a segment of a tracked connection means; `ends` is true when it closes the
    /// connection (a reset, or the last ACK of the teardown).
    private func follow(_ segment: Segment, connection: inout Connection) -> (AnnotatedSegment, ends: Bool) {
        let direction: Direction = segment.source == connection.client ? .clientToServer : .serverToClient
        if !connection.handshakeSeen { numberFromFirstSeen(segment, direction: direction, connection: &connection) }
        let relativeSequence = connection.isn(of: direction).map { UInt32(bitPattern: segment.sequence - $0) }
        let peerISN = connection.isn(of: direction == .clientToServer ? .serverToClient : .clientToServer)
        let relativeAck = segment.flags.contains(.ack) ? peerISN.map { UInt32(bitPattern: segment.acknowledgment - $0) } : nil
        var result = AnnotatedSegment(
            segment: segment, connection: connection.number, direction: direction, role: .data, step: nil,
            relativeSequence: relativeSequence, relativeAcknowledgment: relativeAck, checks: [], copy: 1)

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
            result.synDataLength = connection.synData
            if let j = connection.clientISN, connection.synSeen {
                result.relativeAcknowledgment = UInt32(bitPattern: segment.acknowledgment - j)
                result.checks = [Self.synAckCheck(j: j, synData: connection.synData, ack: segment.acknowledgment)]
            }
            return (result, false)
        }

        if segment.isRST {
            result.role = connection.serverISN == nil && direction == .serverToClient ? .refused : .reset
            return (result, true)
        }

        // Step 3: the first ACK from the client that acknowledges K+1.
        if !connection.established, direction == .clientToServer, segment.flags.contains(.ack),
           let k = connection.serverISN, segment.acknowledgment == k + 1 {
            connection.established = true
            result.role = .handshakeACK(carriesData: segment.payloadLength > 0)
            result.step = 3
            result.checks = [NumberCheck(rule: "ack = K+1", expected: k + 1, actual: segment.acknowledgment, base: k)]
            advance(&connection, direction: direction, segment: segment)
            if segment.isFIN { noteFIN(&connection, direction: direction, segment: segment) }
            return (result, false)
        }

        result.role = classify(segment, direction: direction, connection: &connection)
        if case .finalAck = result.role { return (result, true) }
        return (result, false)
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

    /// The check of step 2. After a SYN with data the server acknowledges the SYN and its
    /// data (J+1+length) when it takes the data, or the SYN alone (J+1) when it does not
    /// (RFC 7413 section 4.2: the client then sends the data again); both are correct.
    static func synAckCheck(j: SequenceNumber, synData: Int, ack: SequenceNumber) -> NumberCheck {
        if synData > 0, ack != j + 1 {
            return NumberCheck(rule: "ack = J+1+\(synData)", expected: j + 1 + synData, actual: ack, base: j)
        }
        return NumberCheck(rule: "ack = J+1", expected: j + 1, actual: ack, base: j)
    }

    /// Without the SYN, each direction counts from its first segment seen (which shows as 1,
    /// as if the SYN had just gone before), or from the first acknowledgment of it that the
    /// other side sent, whichever comes first: Wireshark's rule, so the numbers match it.
    private func numberFromFirstSeen(_ segment: Segment, direction: Direction, connection: inout Connection) {
        let fromClient = direction == .clientToServer
        if (fromClient ? connection.clientISN : connection.serverISN) == nil {
            let base = segment.flags.contains(.syn) ? segment.sequence : segment.sequence - 1
            if fromClient { connection.clientISN = base } else { connection.serverISN = base }
        }
        if segment.flags.contains(.ack), (fromClient ? connection.serverISN : connection.clientISN) == nil {
            let base = segment.acknowledgment - 1
            if fromClient { connection.serverISN = base } else { connection.clientISN = base }
        }
    }

    /// The SYN of a connection whose SYN-ACK came first in the capture: it is step 1 all the
    /// same. The SYN-ACK's acknowledgment is checked now that J is known.
    private mutating func adoptLateSYN(_ segment: Segment, key: ConnectionKey, connection: inout Connection) -> AnnotatedSegment {
        connection.synSeen = true
        connection.clientISN = segment.sequence
        connection.synData = segment.payloadLength
        connection.synCopies = 1
        advance(&connection, direction: .clientToServer, segment: segment)
        var checks: [NumberCheck] = []
        if let acknowledged = connection.synAckAcknowledgment {
            var check = Self.synAckCheck(j: segment.sequence, synData: segment.payloadLength, ack: acknowledged)
            check.rule = "SYN-ACK " + check.rule
            checks = [check]
        }
        open[key] = connection
        return AnnotatedSegment(
            segment: segment, connection: connection.number, direction: .clientToServer, role: .handshakeSYN,
            step: 1, relativeSequence: 0, relativeAcknowledgment: nil, checks: checks, copy: 1,
            synDataLength: segment.payloadLength,
            captureOrder: connection.synAckFirstPacket.map { .synAfterSYNACK(synAckPacket: $0) })
    }

    /// A SYN-ACK with no SYN before it: step 2 of a connection whose SYN is later in the
    /// capture (merged captures, timestamps gone backwards) or was not captured at all.
    /// J is taken as ack-1 until the SYN shows it.
    private mutating func openBySYNACK(_ segment: Segment, key: ConnectionKey) -> AnnotatedSegment {
        connectionCount += 1
        var connection = Connection(number: connectionCount, client: segment.destination, server: segment.source,
                                    handshakeSeen: true)
        connection.synSeen = false
        connection.synAckFirstPacket = segment.number
        connection.synAckAcknowledgment = segment.acknowledgment
        connection.serverISN = segment.sequence
        connection.clientISN = segment.acknowledgment - 1
        connection.synAckCopies = 1
        connection.serverNext = segment.sequence + segment.sequenceLength
        open[key] = connection
        forgetClosed(key)
        return AnnotatedSegment(
            segment: segment, connection: connection.number, direction: .serverToClient, role: .handshakeSYNACK,
            step: 2, relativeSequence: 0, relativeAcknowledgment: 1, checks: [], copy: 1,
            captureOrder: .synAckWithoutSYN)
    }

    /// A segment of a connection we did not see start: either a straggler of one that
    /// just closed, or a connection already running when the capture began.
    private mutating func annotateUntracked(_ segment: Segment, key: ConnectionKey) -> AnnotatedSegment {
        if let closed = recentlyClosed[key], !(segment.isSYNACK && closed.serverISN != segment.sequence) {
            // A straggler keeps its connection's direction and relative numbers.
            let direction: Direction = segment.source == closed.client ? .clientToServer : .serverToClient
            let ownISN = direction == .clientToServer ? closed.clientISN : closed.serverISN
            let peerISN = direction == .clientToServer ? closed.serverISN : closed.clientISN
            // Data past what the connection had sent was on its way when the connection ended
            // (a reset overtook it): new, not sent again.
            let next = direction == .clientToServer ? closed.clientNext : closed.serverNext
            // A FIN again after the last ACK is sent again too (its ACK was lost).
            let isNew = next.map { $0.isBefore(segment.sequence + segment.sequenceLength) } ?? false
            return AnnotatedSegment(
                segment: segment, connection: closed.number, direction: direction,
                role: segment.isRST ? .reset : (segment.sequenceLength > 0 ? (isNew ? .data : .retransmission) : .ack),
                step: nil, relativeSequence: ownISN.map { UInt32(bitPattern: segment.sequence - $0) },
                relativeAcknowledgment: segment.flags.contains(.ack)
                    ? peerISN.map { UInt32(bitPattern: segment.acknowledgment - $0) } : nil,
                checks: [], copy: 1)
        }
        if segment.isSYNACK { return openBySYNACK(segment, key: key) }
        // Without a SYN, guess that the lower port is the server's (services use low, fixed ports).
        let (client, server) = segment.source.port > segment.destination.port
            ? (segment.source, segment.destination) : (segment.destination, segment.source)
        connectionCount += 1
        var connection = Connection(number: connectionCount, client: client, server: server, handshakeSeen: false)
        connection.established = true
        let direction: Direction = segment.source == client ? .clientToServer : .serverToClient
        numberFromFirstSeen(segment, direction: direction, connection: &connection)
        advance(&connection, direction: direction, segment: segment)
        if segment.isRST {
            rememberClosed(key, connection)
        } else {
            if segment.isFIN { noteFIN(&connection, direction: direction, segment: segment) }
            open[key] = connection
        }
        let ownISN = connection.isn(of: direction)
        let peerISN = connection.isn(of: direction == .clientToServer ? .serverToClient : .clientToServer)
        return AnnotatedSegment(
            segment: segment, connection: connection.number, direction: direction,
            role: segment.isRST ? .reset : .midstream, step: nil,
            relativeSequence: ownISN.map { UInt32(bitPattern: segment.sequence - $0) },
            relativeAcknowledgment: segment.flags.contains(.ack) ? peerISN.map { UInt32(bitPattern: segment.acknowledgment - $0) } : nil,
            checks: [], copy: 1, numberedFromFirstSeen: true)
    }

    private mutating func close(_ key: ConnectionKey) {
        guard let connection = open.removeValue(forKey: key) else { return }
        rememberClosed(key, connection)
    }

    private mutating func rememberClosed(_ key: ConnectionKey, _ connection: Connection) {
        if closedOrder.count < closedMemory {
            closedOrder.append(key)
        } else {
            recentlyClosed.removeValue(forKey: closedOrder[closedCursor])
            closedOrder[closedCursor] = key
            closedCursor = (closedCursor + 1) % closedMemory
        }
        recentlyClosed[key] = Closed(number: connection.number, client: connection.client,
                                     clientISN: connection.clientISN, serverISN: connection.serverISN,
                                     clientNext: connection.clientNext, serverNext: connection.serverNext)
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
