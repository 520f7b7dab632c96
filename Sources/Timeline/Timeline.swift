import SockDiag
import Trace
import Wire

/// A packet on the timeline: a TCP segment with its meaning, or another kind of packet.
public struct PacketEntry: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case tcp(AnnotatedSegment)
        /// A UDP datagram and its data length.
        case udp(source: IPEndpoint, destination: IPEndpoint, length: Int)
        /// An ICMP or ICMPv6 message, e.g. "port unreachable".
        case icmp(source: IPAddress, destination: IPAddress, summary: String, quoted: (IPEndpoint, IPEndpoint)?)
        /// Anything else (ARP, a protocol not decoded, a later fragment, a decode error). The
        /// presenters say what it is from the packet's bytes, in the reader's language.
        case other

        public static func == (lhs: Content, rhs: Content) -> Bool {
            switch (lhs, rhs) {
            case (.tcp(let a), .tcp(let b)): a == b
            case (.udp(let a, let b, let c), .udp(let d, let e, let f)): a == d && b == e && c == f
            case (.icmp(let a, let b, let c, let d), .icmp(let e, let f, let g, let h)):
                a == e && b == f && c == g && d?.0 == h?.0 && d?.1 == h?.1
            case (.other, .other): true
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .tcp(let segment): hasher.combine(segment)
            case .udp(let source, let destination, let length): hasher.combine(source); hasher.combine(destination); hasher.combine(length)
            case .icmp(let source, let destination, let summary, _): hasher.combine(source); hasher.combine(destination); hasher.combine(summary)
            case .other: hasher.combine(3)
            }
        }
    }

    /// The packet's position in the capture, from 1.
    public var number: Int
    public var timestamp: Instant
    public var content: Content
    /// The packet as captured, for the layer view.
    public var packet: CapturedBytes
    /// What the program that made the capture knows about this packet and the capture
    /// cannot show, e.g. that a firewall rule dropped it after it was captured.
    public var remark: PacketRemark? = nil
}

/// A note an experiment attaches to one captured packet (see ``Timeline/attach(_:toPacket:)``).
public struct PacketRemark: Sendable, Hashable {
    /// A few words for the ladder, e.g. "dropped by the experiment's rule".
    public var text: String
    /// The packet was captured but never reached the receiving socket's TCP.
    public var dropped: Bool

    public init(_ text: String, dropped: Bool = false) {
        self.text = text
        self.dropped = dropped
    }
}

/// Something that happened during a run that is neither a packet nor a system call: a
/// firewall rule added or lifted, a tool's output taken, a deliberate pause.
public struct TimelineNote: Sendable, Hashable {
    public var time: Instant
    public var text: String

    public init(time: Instant, text: String) {
        self.time = time
        self.text = text
    }
}

/// A packet's bytes and link type, kept for the OSI layer view.
public struct CapturedBytes: Sendable, Hashable {
    public var bytes: [UInt8]
    public var linkType: LinkType
    public var originalLength: Int

    public init(bytes: [UInt8], linkType: LinkType, originalLength: Int) {
        self.bytes = bytes
        self.linkType = linkType
        self.originalLength = originalLength
    }
}

/// One row of the timeline: a packet, or a system call being entered or returning.
public enum TimelineEvent: Sendable, Hashable {
    case packet(PacketEntry)
    case callEntered(SyscallRecord)
    case callReturned(SyscallRecord)
    /// A step the running program took that sends nothing itself (see ``TimelineNote``).
    case note(TimelineNote)
    /// A change in the kernel's state of the run's sockets, seen by sampling its socket
    /// table: a TCP state entered, an accept queue's length, a counter that grew.
    case kernel(KernelChange)

    public var time: Instant {
        switch self {
        case .packet(let entry): entry.timestamp
        case .callEntered(let record): record.entered
        case .callReturned(let record): record.returned ?? record.entered
        case .note(let note): note.time
        case .kernel(let change): change.time
        }
    }
}

/// Packets and system calls merged on one clock, with what they show.
public struct Timeline: Sendable {
    public var events: [TimelineEvent]
    /// Handshake findings for each connection the trace can be matched to.
    public var findings: [HandshakeFindings]
    /// Connections whose handshake never finished during the capture.
    public var incomplete: [(number: Int, client: IPEndpoint, server: IPEndpoint, sawSYNACK: Bool)]
    /// The kernel's state sampled during the run (nil: not sampled, e.g. a saved capture).
    public var kernel: KernelRecording? = nil

    /// Builds the timeline from captured packets (in capture order) and the syscall trace.
    ///
    /// Calls that only set things up (socket, bind, setsockopt) are kept only if
    /// `includeSetup` is true; the ladder is about the calls that touch the network.
    /// `notes` are merged in by time, after packets and calls stamped at the same moment, and
    /// so are the changes `kernel` recorded.
    public static func build(
        packets: [(timestamp: Instant, bytes: [UInt8], originalLength: Int, linkType: LinkType)],
        trace: [SyscallRecord], includeSetup: Bool = false, notes: [TimelineNote] = [],
        kernel: KernelRecording? = nil
    ) -> Timeline {
        var tracker = ConnectionTracker()
        var events: [TimelineEvent] = []
        var segments: [AnnotatedSegment] = []
        for (index, captured) in packets.enumerated() {
            let decoded = decodePacket(captured.bytes, linkType: captured.linkType, originalLength: captured.originalLength)
            let content: PacketEntry.Content
            if let segment = Segment(decoded, number: index + 1, timestamp: captured.timestamp) {
                let annotated = tracker.annotate(segment)
                segments.append(annotated)
                content = .tcp(annotated)
            } else {
                content = describeOther(decoded)
            }
            let entry = PacketEntry(
                number: index + 1, timestamp: captured.timestamp, content: content,
                packet: CapturedBytes(bytes: captured.bytes, linkType: captured.linkType,
                                      originalLength: captured.originalLength))
            events.append(.packet(entry))
        }
        let shownCalls = trace.filter { includeSetup || Timeline.networkCalls.contains($0.call) }
        for record in shownCalls {
            events.append(.callEntered(record))
            if record.returned != nil { events.append(.callReturned(record)) }
        }
        events += notes.map(TimelineEvent.note)
        events += (kernel?.changes ?? []).map(TimelineEvent.kernel)
        // Sort by time; at equal times keep packets in capture order and calls in trace order.
        let ordered = events.enumerated().sorted { left, right in
            let (a, b) = (left.element.time, right.element.time)
            return a == b ? left.offset < right.offset : a < b
        }.map(\.element)
        let findings = HandshakeFindings.analyse(segments: segments, trace: trace)
        return Timeline(events: ordered, findings: findings, incomplete: tracker.incompleteHandshakes, kernel: kernel)
    }

    /// Attaches `remark` to the packet with this capture number (from 1); returns false when
    /// there is no such packet.
    @discardableResult
    public mutating func attach(_ remark: PacketRemark, toPacket number: Int) -> Bool {
        for index in events.indices {
            if case .packet(var entry) = events[index], entry.number == number {
                entry.remark = remark
                events[index] = .packet(entry)
                return true
            }
        }
        return false
    }

    /// The calls whose timing matters next to packets.
    public static let networkCalls: Set<SyscallName> = [
        .listen, .accept, .connect, .send, .recv, .sendto, .recvfrom, .sendfile, .shutdown, .close,
    ]

    /// A fragment after the first of a fragmented IP datagram: what a line about it can say,
    /// since its transport header is in the first fragment but its addresses are its own.
    public struct LaterFragment: Sendable, Hashable {
        public var source: IPAddress
        public var destination: IPAddress
        /// `IPv4` or `IPv6`.
        public var version: String
        /// Where its bytes belong in the datagram, in bytes.
        public var offset: Int
        /// The datagram's identification as tcpdump -v prints it: decimal for IPv4, 0x and
        /// eight hex digits for IPv6's 32-bit one.
        public var identification: String
        /// What the whole datagram carries.
        public var `protocol`: IPProtocol
    }

    /// The packet as a later fragment, or nil when it is none (a first fragment carries its
    /// transport header and is shown as that transport).
    public static func laterFragment(_ packet: DecodedPacket) -> LaterFragment? {
        switch packet.network {
        case .ipv4(let header) where header.fragmentOffset != 0:
            return LaterFragment(source: .v4(header.source), destination: .v4(header.destination), version: "IPv4",
                                 offset: header.fragmentByteOffset, identification: String(header.identification),
                                 protocol: header.protocol)
        case .ipv6(let header):
            guard let fragment = header.fragment, fragment.offset != 0 else { return nil }
            let digits = String(fragment.identification, radix: 16)
            return LaterFragment(source: .v6(header.source), destination: .v6(header.destination), version: "IPv6",
                                 offset: fragment.byteOffset,
                                 identification: "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits,
                                 protocol: header.upperLayerProtocol)
        default:
            return nil
        }
    }

    public static func describeOther(_ packet: DecodedPacket) -> PacketEntry.Content {
        switch packet.transport {
        case .udp(let udp):
            if let source = packet.source, let destination = packet.destination {
                return .udp(source: IPEndpoint(source, udp.sourcePort), destination: IPEndpoint(destination, udp.destinationPort),
                            length: max(0, Int(udp.length) - 8))
            }
        case .icmp(let message), .icmpv6(let message):
            if let source = packet.source, let destination = packet.destination {
                var quoted: (IPEndpoint, IPEndpoint)?
                if let original = message.quoted, let from = original.sourceEndpoint, let to = original.destinationEndpoint {
                    quoted = (from, to)
                }
                let summary = message.codeName.map { "\(message.typeName): \($0)" } ?? message.typeName
                return .icmp(source: source, destination: destination, summary: summary, quoted: quoted)
            }
        default:
            break
        }
        return .other
    }
}

extension Timeline {
    /// Every TCP segment on the timeline, annotated, in capture order.
    public var segments: [AnnotatedSegment] {
        events.compactMap { event in
            if case .packet(let entry) = event, case .tcp(let segment) = entry.content { return segment }
            return nil
        }
    }

    /// Every packet on the timeline, in capture order.
    public var packets: [PacketEntry] {
        events.compactMap { event in
            if case .packet(let entry) = event { return entry }
            return nil
        }
    }
}

/// When connect() and accept() returned, relative to the handshake's three segments.
public struct HandshakeFindings: Sendable, Hashable {
    public enum Step: String, Sendable, Hashable {
        case syn, synack, ack, data
    }

    public var connection: Int
    public var client: IPEndpoint
    public var server: IPEndpoint
    public var syn: AnnotatedSegment?
    public var synAck: AnnotatedSegment?
    public var finalAck: AnnotatedSegment?
    public var connect: SyscallRecord?
    public var accept: SyscallRecord?
    /// The last segment from the server that arrived before connect() returned.
    public var connectReturnedAfter: Step?
    /// The last segment from the client that arrived before accept() returned.
    public var acceptReturnedAfter: Step?

    public var handshakeComplete: Bool { syn != nil && synAck != nil && finalAck != nil }

    /// Facts for the lessons' predict-then-observe steps (see Lessons/README.md).
    public var facts: [String: String] {
        var facts = ["handshake-complete": handshakeComplete ? "yes" : "no"]
        if let step = connectReturnedAfter { facts["connect-returned-after"] = step.rawValue }
        if let step = acceptReturnedAfter { facts["accept-returned-after"] = step.rawValue }
        return facts
    }

    static func analyse(segments: [AnnotatedSegment], trace: [SyscallRecord]) -> [HandshakeFindings] {
        var byConnection: [Int: [AnnotatedSegment]] = [:]
        for segment in segments { byConnection[segment.connection, default: []].append(segment) }
        var results: [HandshakeFindings] = []
        for (number, list) in byConnection.sorted(by: { $0.key < $1.key }) {
            guard let first = list.first else { continue }
            let client = first.client, server = first.server
            let connect = trace.first { $0.call == .connect && $0.peer == server && ($0.local == nil || $0.local == client) }
            let accept = trace.first { $0.call == .accept && $0.peer == client }
            var findings = HandshakeFindings(
                connection: number, client: client, server: server,
                syn: list.first { $0.role == .handshakeSYN },
                synAck: list.first { $0.role == .handshakeSYNACK },
                finalAck: list.first { if case .handshakeACK = $0.role { return true } else { return false } },
                connect: connect, accept: accept)
            if let returned = connect?.returned {
                findings.connectReturnedAfter = lastStep(in: list, direction: .serverToClient, before: returned)
            }
            if let returned = accept?.returned {
                findings.acceptReturnedAfter = lastStep(in: list, direction: .clientToServer, before: returned)
            }
            results.append(findings)
        }
        return results
    }

    /// The handshake step of the latest segment travelling `direction` stamped before `time`.
    private static func lastStep(in list: [AnnotatedSegment], direction: Direction, before time: Instant) -> Step? {
        let arrived = list.filter { $0.direction == direction && $0.segment.timestamp <= time }
        guard let last = arrived.last else { return nil }
        switch last.role {
        case .handshakeSYN, .synRetransmission: return .syn
        case .handshakeSYNACK, .synAckRetransmission: return .synack
        case .handshakeACK(let carriesData): return carriesData ? .data : .ack
        case .data, .retransmission: return .data
        default: return .ack
        }
    }
}
