// Transport-layer values: TCP (RFC 9293) with its options, UDP (RFC 768), ICMP (RFC 792)
// and ICMPv6 (RFC 4443). TCP options are kept without touching the heap: the raw option
// bytes (at most 40) and up to four SACK blocks are stored inline.

/// A SACK block (RFC 2018): the receiver holds bytes `left` up to, not including, `right`.
public struct SACKBlock: Sendable, Hashable {
    public var left: SequenceNumber
    public var right: SequenceNumber
    public init(left: SequenceNumber, right: SequenceNumber) {
        self.left = left
        self.right = right
    }
}

/// Up to four SACK blocks, stored inline (four is the most a 40-byte option area holds).
public struct SACKBlocks: RandomAccessCollection, Sendable, Hashable {
    private var b0 = SACKBlock(left: SequenceNumber(0), right: SequenceNumber(0))
    private var b1 = SACKBlock(left: SequenceNumber(0), right: SequenceNumber(0))
    private var b2 = SACKBlock(left: SequenceNumber(0), right: SequenceNumber(0))
    private var b3 = SACKBlock(left: SequenceNumber(0), right: SequenceNumber(0))
    private var stored: UInt8 = 0

    public init() {}

    public init(_ blocks: some Sequence<SACKBlock>) {
        for block in blocks where count < 4 { append(block) }
    }

    public static let capacity = 4
    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(stored) }

    public subscript(position: Int) -> SACKBlock {
        precondition(position >= 0 && position < Int(stored), "SACK block index \(position) out of range")
        switch position {
        case 0: return b0
        case 1: return b1
        case 2: return b2
        default: return b3
        }
    }

    /// Adds a block; returns false (and keeps the blocks as they were) when four are stored.
    @discardableResult
    public mutating func append(_ block: SACKBlock) -> Bool {
        switch stored {
        case 0: b0 = block
        case 1: b1 = block
        case 2: b2 = block
        case 3: b3 = block
        default: return false
        }
        stored += 1
        return true
    }

    public static func == (lhs: SACKBlocks, rhs: SACKBlocks) -> Bool { lhs.elementsEqual(rhs) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(stored)
        for block in self { hasher.combine(block) }
    }
}

/// The timestamps option (RFC 7323): the sender's clock and the echo of the peer's.
public struct TCPTimestamps: Sendable, Hashable {
    public var value: UInt32
    public var echo: UInt32
    public init(value: UInt32, echo: UInt32) {
        self.value = value
        self.echo = echo
    }
}

/// The raw bytes of a TCP option area (at most 40), stored inline.
public struct TCPOptionBytes: RandomAccessCollection, Sendable, Hashable {
    // Five words of eight bytes, first byte in the most significant position of w0.
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0, w4: UInt64 = 0
    private var stored: UInt8 = 0

    public static let capacity = 40

    public init() {}

    /// Keeps the first 40 bytes of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        for byte in bytes where count < Self.capacity { appendByte(byte) }
    }

    /// Copies `count` bytes (a multiple of 4, at most 40) starting at `offset` of the view.
    init(view: ByteView, offset: Int, count: Int) {
        var index = 0
        while index + 4 <= count, index < Self.capacity {
            let word = UInt64(view.uint32(bigEndianAt: offset + index))
            setWordHalf(index / 4, word)
            index += 4
        }
        while index < count, index < Self.capacity {
            appendAt(index, view.uint8(at: offset + index))
            index += 1
        }
        stored = UInt8(index)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(stored) }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < Int(stored), "option byte \(position) out of range")
        let word: UInt64
        switch position / 8 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        case 3: word = w3
        default: word = w4
        }
        return UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (position % 8)))
    }

    private mutating func setWordHalf(_ half: Int, _ value: UInt64) {
        let shift: UInt64 = half % 2 == 0 ? 32 : 0
        let mask: UInt64 = 0xffff_ffff << shift
        func put(_ word: inout UInt64) { word = (word & ~mask) | (value << shift) }
        switch half / 2 {
        case 0: put(&w0)
        case 1: put(&w1)
        case 2: put(&w2)
        case 3: put(&w3)
        default: put(&w4)
        }
    }

    private mutating func appendAt(_ position: Int, _ byte: UInt8) {
        let shift = UInt64(56 - 8 * (position % 8))
        let mask: UInt64 = 0xff << shift
        func put(_ word: inout UInt64) { word = (word & ~mask) | (UInt64(byte) << shift) }
        switch position / 8 {
        case 0: put(&w0)
        case 1: put(&w1)
        case 2: put(&w2)
        case 3: put(&w3)
        default: put(&w4)
        }
    }

    private mutating func appendByte(_ byte: UInt8) {
        appendAt(Int(stored), byte)
        stored += 1
    }

    public static func == (lhs: TCPOptionBytes, rhs: TCPOptionBytes) -> Bool { lhs.elementsEqual(rhs) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(stored)
        for byte in self { hasher.combine(byte) }
    }
}

/// One TCP option, as listed by `TCPOptions.elements`.
public struct TCPOption: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case endOfOptions
        case noOperation
        case maximumSegmentSize(UInt16)
        case windowScale(UInt8)
        case sackPermitted
        case sack(SACKBlocks)
        case timestamps(TCPTimestamps)
        /// A kind we do not interpret, or a known kind with the wrong length: its data bytes.
        case other([UInt8])
    }

    public var kind: TCPOptionKind
    public var value: Value
    /// The option's bytes in the packet buffer (kind and length bytes included).
    public var range: Range<Int>

    /// tcpdump's spelling: `mss 1460`, `sackOK`, `TS val 1 ecr 0`, `nop`, `wscale 7`,
    /// `sack 1 {101:201}`, `eol`, or `unknown-253 0x0102` style for the rest.
    public var tcpdumpDescription: String {
        switch value {
        case .endOfOptions: return "eol"
        case .noOperation: return "nop"
        case .maximumSegmentSize(let mss): return "mss \(mss)"
        case .windowScale(let shift): return "wscale \(shift)"
        case .sackPermitted: return "sackOK"
        case .sack(let blocks):
            return "sack \(blocks.count) " + blocks.map { "{\($0.left):\($0.right)}" }.joined()
        case .timestamps(let ts): return "TS val \(ts.value) ecr \(ts.echo)"
        case .other(let data):
            let name = kind.name.map { $0.replacingSpaces() } ?? "unknown-\(kind.rawValue)"
            return data.isEmpty ? name : name + " 0x" + data.map(hex2).joined()
        }
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { String(map { $0 == " " ? "-" : $0 }) }
}

/// The options of a TCP header, decoded once, kept without heap allocation.
public struct TCPOptions: Sendable, Hashable {
    /// Maximum segment size (kind 2).
    public var mss: UInt16?
    /// Window scale shift count (kind 3).
    public var windowScale: UInt8?
    /// SACK permitted (kind 4).
    public var sackPermitted: Bool
    /// SACK blocks (kind 5), at most four.
    public var sackBlocks: SACKBlocks
    /// Timestamps (kind 8).
    public var timestamps: TCPTimestamps?
    /// True when an option of a kind we do not interpret is present (see `unknownKinds`).
    public var hasUnknownKinds: Bool
    /// The first problem in the option area: a length of 0 or 1, an option running past the
    /// header, a known option with the wrong length. Options before it stay decoded.
    public var malformed: DecodeError?
    /// The option area in the packet buffer.
    public var range: Range<Int>
    /// The option area's bytes (at most 40), kept so `elements` can list them in order.
    public var bytes: TCPOptionBytes

    public init() {
        mss = nil
        windowScale = nil
        sackPermitted = false
        sackBlocks = SACKBlocks()
        timestamps = nil
        hasUnknownKinds = false
        malformed = nil
        range = 0..<0
        bytes = TCPOptionBytes()
    }

    public var isMalformed: Bool { malformed != nil }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Every option in order, NOPs and EOL included, stopping at the first malformed one.
    /// Allocates; meant for display, not the per-packet hot path.
    public var elements: [TCPOption] {
        var list: [TCPOption] = []
        _ = TCPOptions.walk(bytes, base: range.lowerBound) { list.append($0) }
        return list
    }

    /// The kinds present that this decoder does not interpret.
    public var unknownKinds: [TCPOptionKind] {
        elements.compactMap { option in
            if case .other = option.value { return option.kind }
            return nil
        }
    }

    /// tcpdump's `[mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7]` (without the word
    /// "options"), with `[bad opt]` appended when the area is malformed.
    public var tcpdumpDescription: String {
        let list = elements.map(\.tcpdumpDescription).joined(separator: ",")
        return "[" + list + (isMalformed ? (list.isEmpty ? "bad opt" : ",bad opt") : "") + "]"
    }

    /// Walks the option area, calling `visit` for each option; returns the first problem as
    /// (offset within the area, reason), or nil when the area is well formed.
    static func walk(
        _ bytes: TCPOptionBytes, base: Int, visit: (TCPOption) -> Void
    ) -> (offset: Int, reason: String)? {
        let end = bytes.count
        var index = 0
        while index < end {
            let kind = TCPOptionKind(bytes[index])
            if kind == .endOfOptions {
                // RFC 9293: EOL ends the list; what follows is padding.
                visit(TCPOption(kind: kind, value: .endOfOptions, range: (base + index)..<(base + index + 1)))
                return nil
            }
            if kind == .noOperation {
                visit(TCPOption(kind: kind, value: .noOperation, range: (base + index)..<(base + index + 1)))
                index += 1
                continue
            }
            guard index + 1 < end else {
                return (index, "option \(kind) at the end of the header has no length byte")
            }
            let length = Int(bytes[index + 1])
            guard length >= 2 else {
                return (index, "option \(kind) has length \(length); the smallest possible is 2")
            }
            guard index + length <= end else {
                return (index, "option \(kind) has length \(length) but only \(end - index) bytes of options remain")
            }
            let range = (base + index)..<(base + index + length)
            let data = index + 2
            func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
            func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
            func wrongLength(_ expected: String) -> (Int, String) {
                (index, "option \(kind) has length \(length); it must be \(expected)")
            }
            switch kind {
            case .maximumSegmentSize:
                guard length == 4 else { return wrongLength("4") }
                visit(TCPOption(kind: kind, value: .maximumSegmentSize(u16(data)), range: range))
            case .windowScale:
                guard length == 3 else { return wrongLength("3") }
                visit(TCPOption(kind: kind, value: .windowScale(bytes[data]), range: range))
            case .sackPermitted:
                guard length == 2 else { return wrongLength("2") }
                visit(TCPOption(kind: kind, value: .sackPermitted, range: range))
            case .sack:
                guard length >= 10, (length - 2) % 8 == 0 else { return wrongLength("2 + 8 per block") }
                var blocks = SACKBlocks()
                var at = data
                while at + 8 <= index + length {
                    blocks.append(SACKBlock(left: SequenceNumber(u32(at)), right: SequenceNumber(u32(at + 4))))
                    at += 8
                }
                visit(TCPOption(kind: kind, value: .sack(blocks), range: range))
            case .timestamps:
                guard length == 10 else { return wrongLength("10") }
                visit(TCPOption(kind: kind, value: .timestamps(TCPTimestamps(value: u32(data), echo: u32(data + 4))), range: range))
            default:
                visit(TCPOption(kind: kind, value: .other(Array(bytes[data..<(index + length)])), range: range))
            }
            index += length
        }
        return nil
    }
}

/// A TCP header.
public struct TCPHeader: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: SequenceNumber
    public var acknowledgment: SequenceNumber
    /// The header length in bytes (data offset x 4), 20...60.
    public var headerLength: Int
    /// The three reserved bits between the data offset and the AE flag.
    public var reserved: UInt8
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    public var options: TCPOptions
    /// The segment's data length as the IP header implies it (IP payload minus the TCP
    /// header), even when the capture kept fewer bytes.
    public var payloadLength: Int
    /// The header bytes, options included.
    public var range: Range<Int>

    /// The sequence space the segment occupies: its data, plus one each for SYN and FIN.
    public var sequenceLength: Int {
        payloadLength + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
    }
}

/// A UDP header.
public struct UDPHeader: Sendable, Hashable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The datagram length, header included, as the header states it.
    public var length: UInt16
    /// 0 means "no checksum" in IPv4.
    public var checksum: UInt16
    /// The data length the header implies (length minus 8).
    public var payloadLength: Int
    public var range: Range<Int>
}

/// The start of the datagram an ICMP error message quotes: the original IP header and the
/// first 8 bytes of what it carried, which is enough for the ports.
public struct QuotedDatagram: Sendable, Hashable {
    public var source: IPAddress
    public var destination: IPAddress
    public var `protocol`: IPProtocol
    /// The original ports, when the quote is TCP or UDP and long enough.
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// The quoted bytes in the packet buffer.
    public var range: Range<Int>

    public var sourceEndpoint: IPEndpoint? { sourcePort.map { IPEndpoint(source, $0) } }
    public var destinationEndpoint: IPEndpoint? { destinationPort.map { IPEndpoint(destination, $0) } }
}

/// An ICMP (IPv4) or ICMPv6 message.
public struct ICMPMessage: Sendable, Hashable {
    /// True for ICMPv6, whose type numbers differ from ICMPv4's.
    public var isICMPv6: Bool
    public var type: UInt8
    public var code: UInt8
    public var checksum: UInt16
    /// Bytes 4-7: identifier and sequence for echo, the next-hop MTU for "packet too big"...
    public var restOfHeader: UInt32
    /// For error messages, the start of the datagram that caused the error.
    public var quoted: QuotedDatagram?
    /// The 8 header bytes.
    public var range: Range<Int>

    /// Destination unreachable, source quench, redirect, time exceeded, parameter problem
    /// (ICMPv4); destination unreachable, packet too big, time exceeded, parameter problem
    /// (ICMPv6). These quote the packet that caused them.
    public var isError: Bool {
        isICMPv6 ? (1...4).contains(type) : [3, 4, 5, 11, 12].contains(type)
    }

    public var isEchoRequest: Bool { type == (isICMPv6 ? 128 : 8) }
    public var isEchoReply: Bool { type == (isICMPv6 ? 129 : 0) }
    /// ICMPv4 type 3 code 3, ICMPv6 type 1 code 4: the answer to a UDP datagram sent to a
    /// port nobody listens on.
    public var isPortUnreachable: Bool { isICMPv6 ? (type == 1 && code == 4) : (type == 3 && code == 3) }

    public var identifier: UInt16? {
        isEchoRequest || isEchoReply ? UInt16(truncatingIfNeeded: restOfHeader >> 16) : nil
    }

    public var sequenceNumber: UInt16? {
        isEchoRequest || isEchoReply ? UInt16(truncatingIfNeeded: restOfHeader) : nil
    }

    /// `echo request`, `destination unreachable`, ... or `type N`.
    public var typeName: String {
        if isICMPv6 {
            switch type {
            case 1: return "destination unreachable"
            case 2: return "packet too big"
            case 3: return "time exceeded"
            case 4: return "parameter problem"
            case 128: return "echo request"
            case 129: return "echo reply"
            case 133: return "router solicitation"
            case 134: return "router advertisement"
            case 135: return "neighbor solicitation"
            case 136: return "neighbor advertisement"
            case 137: return "redirect"
            default: return "type \(type)"
            }
        }
        switch type {
        case 0: return "echo reply"
        case 3: return "destination unreachable"
        case 4: return "source quench"
        case 5: return "redirect"
        case 8: return "echo request"
        case 11: return "time exceeded"
        case 12: return "parameter problem"
        case 13: return "timestamp request"
        case 14: return "timestamp reply"
        default: return "type \(type)"
        }
    }

    /// The code's meaning for destination unreachable and time exceeded, else nil.
    public var codeName: String? {
        if isICMPv6 {
            switch (type, code) {
            case (1, 0): return "no route to destination"
            case (1, 1): return "administratively prohibited"
            case (1, 3): return "address unreachable"
            case (1, 4): return "port unreachable"
            case (3, 0): return "hop limit exceeded in transit"
            case (3, 1): return "fragment reassembly time exceeded"
            default: return nil
            }
        }
        switch (type, code) {
        case (3, 0): return "net unreachable"
        case (3, 1): return "host unreachable"
        case (3, 2): return "protocol unreachable"
        case (3, 3): return "port unreachable"
        case (3, 4): return "fragmentation needed and DF set"
        case (3, 13): return "communication administratively prohibited"
        case (11, 0): return "TTL exceeded in transit"
        case (11, 1): return "fragment reassembly time exceeded"
        default: return nil
        }
    }
}

/// What the network layer carried.
public enum TransportLayer: Sendable, Hashable {
    case tcp(TCPHeader)
    case udp(UDPHeader)
    case icmp(ICMPMessage)
    case icmpv6(ICMPMessage)
    /// A protocol we do not decode (or a non-first fragment, whose transport header is elsewhere).
    case other(IPProtocol)
}
