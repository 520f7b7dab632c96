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
    // Five words holding the bytes in memory in packet order (each word's big-endian
    // representation), so `withView` can lend them to `ByteView` as they are.
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    private var stored: UInt8 = 0

    public static let capacity = 40

    public init() {}

    /// Keeps the first 40 bytes of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        var values: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        var index = 0
        for byte in bytes where index < Self.capacity {
            let value = UInt64(byte) << UInt64(56 - 8 * (index % 8))
            switch index / 8 {
            case 0: values.0 |= value
            case 1: values.1 |= value
            case 2: values.2 |= value
            case 3: values.3 |= value
            default: values.4 |= value
            }
            index += 1
        }
        self.init(values: values, count: index)
    }

    /// Copies the area `view` covers (its length a multiple of 4, at most 40: the data offset
    /// counts in 4-byte words; anything past 40 is left out).
    init(_ view: ByteView) {
        func word(_ index: Int) -> UInt64 {
            let at = index * 8
            if let value = view.read(UInt64.self, bigEndianAt: at) { return value }
            if let half = view.read(UInt32.self, bigEndianAt: at) { return UInt64(half) << 32 }
            return 0
        }
        let used = Swift.min(view.count - view.count % 4, Self.capacity)
        self.init(values: (word(0), word(1), word(2), word(3), word(4)), count: used)
    }

    /// `values` hold the bytes most significant first, as the packet has them.
    private init(values: (UInt64, UInt64, UInt64, UInt64, UInt64), count: Int) {
        words = (values.0.bigEndian, values.1.bigEndian, values.2.bigEndian, values.3.bigEndian, values.4.bigEndian)
        stored = UInt8(count)
    }

    /// Lends the stored bytes to `body` as a checked view; its offsets count from the first
    /// option byte.
    func withView<Result>(_ body: (ByteView) -> Result) -> Result {
        let count = Int(stored)
        return withUnsafeBytes(of: words) { raw in
            body(ByteView(raw, start: 0, count: count, limit: raw.count) ?? ByteView(UnsafeRawBufferPointer(start: nil, count: 0)))
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(stored) }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < Int(stored), "option byte \(position) out of range")
        let word: UInt64
        switch position / 8 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        case 3: word = words.3
        default: word = words.4
        }
        return UInt8(truncatingIfNeeded: UInt64(bigEndian: word) >> UInt64(56 - 8 * (position % 8)))
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
        /// A kind we do not interpret: its data bytes (after kind and length).
        case other([UInt8])
    }

    public var kind: TCPOptionKind
    public var value: Value
    /// The option's bytes in the packet buffer (kind and length bytes included).
    public var range: Range<Int>

    /// tcpdump's spelling: `mss 1460`, `sackOK`, `TS val 1 ecr 0`, `nop`, `wscale 7`,
    /// `sack 1 {101:201}`, `eol`; other kinds by name or `unknown-253`, with their data in hex.
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
            let name = kind.name.map { String($0.map { $0 == " " ? "-" : $0 }) } ?? "unknown-\(kind.rawValue)"
            return data.isEmpty ? name : name + " 0x" + data.map(hex2).joined()
        }
    }
}

/// What is wrong with a TCP option area. Options before the problem stay decoded.
public struct TCPOptionProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: UInt8, Sendable, Hashable {
        /// The last byte of the area is a kind that needs a length byte.
        case missingLength
        /// A length of 0 or 1: impossible, since kind and length take two bytes.
        case lengthBelowTwo
        /// The length runs past the end of the header (see `remaining`).
        case runsPastHeader
        /// A known kind with the wrong length (MSS must be 4, timestamps 10, ...).
        case wrongLength
    }

    // Small fields: this sits inside every TCP header value, so it is kept compact.
    public var kind: TCPOptionKind
    public var reason: Reason
    private var lengthByte: UInt8
    private var hasLength: Bool
    private var remainingBytes: UInt8
    private var offsetStorage: UInt32

    public init(kind: TCPOptionKind, length: Int?, offset: Int, reason: Reason, remaining: Int = 0) {
        self.kind = kind
        self.reason = reason
        lengthByte = UInt8(truncatingIfNeeded: length ?? 0)
        hasLength = length != nil
        remainingBytes = UInt8(clamping: remaining)
        offsetStorage = UInt32(clamping: offset)
    }

    /// The length byte, when there is one.
    public var length: Int? { hasLength ? Int(lengthByte) : nil }
    /// Where the option starts in the packet buffer.
    public var offset: Int { Int(offsetStorage) }
    /// For `runsPastHeader`: how many option bytes were left from the option's start.
    public var remaining: Int { Int(remainingBytes) }

    public var description: String {
        let length = self.length ?? 0
        switch reason {
        case .missingLength:
            return "option \(kind) at the end of the header has no length byte"
        case .lengthBelowTwo:
            return "option \(kind) has length \(length); the smallest possible is 2"
        case .runsPastHeader:
            return "option \(kind) has length \(length) but only \(remaining) bytes of options remain"
        case .wrongLength:
            let expected: String
            switch kind {
            case .maximumSegmentSize: expected = "4"
            case .windowScale: expected = "3"
            case .sackPermitted: expected = "2"
            case .sack: expected = "2 + 8 per block, at most 4 blocks"
            default: expected = "10"
            }
            return "option \(kind) has length \(length); it must be \(expected)"
        }
    }
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
    public var malformed: TCPOptionProblem?
    /// Where the option area starts in the packet buffer.
    public var start: Int
    /// The option area's bytes (at most 40), kept so `elements` can list them in order:
    /// the captured ones, when the capture ended inside the area (see `isCutByCapture`).
    public var bytes: TCPOptionBytes
    // Compact, as `malformed` is: this sits inside every TCP header value.
    private var declaredStorage: UInt8

    public init() {
        mss = nil
        windowScale = nil
        sackPermitted = false
        sackBlocks = SACKBlocks()
        timestamps = nil
        hasUnknownKinds = false
        malformed = nil
        start = 0
        bytes = TCPOptionBytes()
        declaredStorage = 0
    }

    /// How many option bytes the header declares (data offset x 4 - 20; at most 40).
    public var declaredCount: Int {
        get { max(Int(declaredStorage), bytes.count) }
        set { declaredStorage = UInt8(clamping: newValue) }
    }

    /// True when the capture ended inside the option area (the snap length cut it): the
    /// options before the cut are decoded, the rest are unknown. tcpdump prints `[|tcp]`.
    public var isCutByCapture: Bool { declaredCount > bytes.count }

    /// The option area in the packet buffer (the captured part, when it was cut).
    public var range: Range<Int> { start..<(start + bytes.count) }
    public var isMalformed: Bool { malformed != nil }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Every option in order, NOPs and EOL included, stopping at the first malformed one
    /// (or where the capture cut the area). Allocates; meant for display, not the per-packet
    /// hot path.
    public var elements: [TCPOption] {
        let base = start
        let declared = declaredCount
        return bytes.withView { area in
            var list: [TCPOption] = []
            _ = TCPOptions.scan(area, declaredCount: declared, base: base) { kind, at, length in
                guard let value = TCPOptions.value(kind, at: at, length: length, in: area, copyingData: true) else { return }
                list.append(TCPOption(kind: kind, value: value, range: (base + at)..<(base + at + length)))
            }
            return list
        }
    }

    /// The kinds present that this decoder does not interpret.
    public var unknownKinds: [TCPOptionKind] {
        elements.compactMap { option in
            if case .other = option.value { return option.kind }
            return nil
        }
    }

    /// tcpdump's `[mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7]` (without the word
    /// "options"), with `bad opt` at the end when the area is malformed and `[|tcp]` when
    /// the capture cut it.
    public var tcpdumpDescription: String {
        var items = elements.map(\.tcpdumpDescription)
        if isMalformed { items.append("bad opt") } else if isCutByCapture { items.append("[|tcp]") }
        return "[" + items.joined(separator: ",") + "]"
    }

    /// The value of the option of `kind` at `at` in `area`, whose `length` `scan` has
    /// checked; nil if its bytes are not all in the area after all. The data of a kind not
    /// interpreted here is copied only when `copyingData` (it allocates).
    static func value(
        _ kind: TCPOptionKind, at: Int, length: Int, in area: ByteView, copyingData: Bool
    ) -> TCPOption.Value? {
        let data = at + 2
        switch kind {
        case .endOfOptions: return .endOfOptions
        case .noOperation: return .noOperation
        case .maximumSegmentSize: return area.read(UInt16.self, bigEndianAt: data).map { .maximumSegmentSize($0) }
        case .windowScale: return area.byte(at: data).map { .windowScale($0) }
        case .sackPermitted: return .sackPermitted
        case .sack:
            var blocks = SACKBlocks()
            var block = data
            while block + 8 <= at + length {
                guard let left = area.read(UInt32.self, bigEndianAt: block),
                      let right = area.read(UInt32.self, bigEndianAt: block + 4) else { return nil }
                blocks.append(SACKBlock(left: SequenceNumber(left), right: SequenceNumber(right)))
                block += 8
            }
            return .sack(blocks)
        case .timestamps:
            guard let value = area.read(UInt32.self, bigEndianAt: data),
                  let echo = area.read(UInt32.self, bigEndianAt: data + 4) else { return nil }
            return .timestamps(TCPTimestamps(value: value, echo: echo))
        default:
            guard copyingData else { return .other([]) }
            return area.subview(at: data, count: length - 2).map { .other($0.bytes) }
        }
    }

    /// Walks the option area `area`, calling `visit` with each option's kind, offset in the
    /// area and length (1 for EOL and NOP). `base` is where the area starts in the packet,
    /// for the problem's offset. Lengths are checked here, once, for every caller: an option
    /// whose length is impossible, runs past the header, or does not fit its kind stops the
    /// walk and is returned as the problem.
    ///
    /// `declaredCount` is how long the header says the area is, when the capture kept less
    /// (`area` then holds the captured part). Lengths are judged against the declared area,
    /// so an option the capture cut in two ends the walk quietly: it is missing, not wrong.
    @inline(__always)
    static func scan(
        _ area: ByteView, declaredCount: Int? = nil, base: Int, visit: (TCPOptionKind, Int, Int) -> Void
    ) -> TCPOptionProblem? {
        let declared = max(declaredCount ?? area.count, area.count)
        var index = 0
        while index < declared {
            guard let kindByte = area.byte(at: index) else { return nil }
            let kind = TCPOptionKind(kindByte)
            if kind == .endOfOptions {
                // RFC 9293: EOL ends the list; what follows is padding.
                visit(kind, index, 1)
                return nil
            }
            if kind == .noOperation {
                visit(kind, index, 1)
                index += 1
                continue
            }
            guard index + 1 < declared else {
                return TCPOptionProblem(kind: kind, length: nil, offset: base + index, reason: .missingLength)
            }
            guard let lengthByte = area.byte(at: index + 1) else { return nil }
            let length = Int(lengthByte)
            guard length >= 2 else {
                return TCPOptionProblem(kind: kind, length: length, offset: base + index, reason: .lengthBelowTwo)
            }
            guard length <= declared - index else {
                return TCPOptionProblem(kind: kind, length: length, offset: base + index,
                                        reason: .runsPastHeader, remaining: declared - index)
            }
            let fits: Bool
            switch kind {
            case .maximumSegmentSize: fits = length == 4
            case .windowScale: fits = length == 3
            case .sackPermitted: fits = length == 2
            case .sack: fits = length >= 10 && (length - 2) % 8 == 0 && length <= 2 + 8 * SACKBlocks.capacity
            case .timestamps: fits = length == 10
            default: fits = true
            }
            guard fits else {
                return TCPOptionProblem(kind: kind, length: length, offset: base + index, reason: .wrongLength)
            }
            guard index + length <= area.count else { return nil }
            visit(kind, index, length)
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
