// IP addresses as plain values: four or sixteen bytes in network byte order.
// They live in Wire because packets carry them; the sockets layer and the
// syscall trace reuse them so that an address read from a packet and an
// address returned by getpeername() compare equal.

/// An IPv4 address: four bytes in network byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var a: UInt8, b: UInt8, c: UInt8, d: UInt8

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    /// The address whose network-order bytes are the big-endian bytes of `value`.
    public init(bigEndianValue value: UInt32) {
        self.init(UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
    }

    public static let loopback = IPv4Address(127, 0, 0, 1)
    public static let any = IPv4Address(0, 0, 0, 0)

    public var bytes: [UInt8] { [a, b, c, d] }
    public var value: UInt32 { UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d) }
    public var isLoopback: Bool { a == 127 }

    /// Parses dotted-quad text (`127.0.0.1`). Exactly four decimal parts of 0...255, no
    /// leading zeros beyond a single `0` (inet_pton rejects `010` too, as it is ambiguous).
    public init?(_ text: some StringProtocol) {
        var parts: [UInt8] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(part.count > 1 && part.first == "0"),
                  let value = UInt8(part) else { return nil }
            parts.append(value)
        }
        guard parts.count == 4 else { return nil }
        self.init(parts[0], parts[1], parts[2], parts[3])
    }

    public var description: String { "\(a).\(b).\(c).\(d)" }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address: sixteen bytes in network byte order, printed as RFC 5952 says.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Stored as two integers rather than an array so that decoding an IPv6 packet never
    // touches the heap; `groups` remains the readable view.
    /// The first eight bytes, read big-endian.
    public var high: UInt64
    /// The last eight bytes, read big-endian.
    public var low: UInt64

    /// The address whose sixteen network-order bytes are `high` then `low`, each big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The eight 16-bit groups, most significant first. Setting it with a count other
    /// than eight leaves the address unchanged.
    public var groups: [UInt16] {
        get {
            (0..<8).map { index in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (48 - 16 * UInt64(index % 4)))
            }
        }
        set {
            if let address = IPv6Address(groups: newValue) { self = address }
        }
    }

    /// Takes exactly eight groups; returns nil for any other count.
    public init?(groups: [UInt16]) {
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for group in groups[0..<4] { high = high << 16 | UInt64(group) }
        for group in groups[4..<8] { low = low << 16 | UInt64(group) }
        self.init(high: high, low: low)
    }

    /// Takes exactly sixteen bytes in network byte order; returns nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    public static let loopback = IPv6Address(high: 0, low: 1)
    public static let any = IPv6Address(high: 0, low: 0)

    public var bytes: [UInt8] {
        (0..<16).map { index in
            let half = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: half >> (56 - 8 * UInt64(index % 8)))
        }
    }
    public var isLoopback: Bool { self == .loopback }

    /// The embedded IPv4 address of an IPv4-mapped address (`::ffff:a.b.c.d`), if this is one.
    public var mappedIPv4: IPv4Address? {
        guard high == 0, low >> 32 == 0xffff else { return nil }
        return IPv4Address(bigEndianValue: UInt32(truncatingIfNeeded: low))
    }

    /// Parses RFC 4291 text: full, `::`-compressed, and with a trailing dotted quad
    /// (`::ffff:127.0.0.1`). A zone (`%lo`) is not part of the address and is rejected here.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard !text.isEmpty, text.count <= 45, !text.contains(":::") else { return nil }
        let halves = text.splitAtDoubleColons()
        guard halves.count <= 2 else { return nil }

        func parseGroups(_ part: Substring, allowTrailingIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowTrailingIPv4, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = IPv4Address(piece) else { return nil }
                    result.append(UInt16(v4.a) << 8 | UInt16(v4.b))
                    result.append(UInt16(v4.c) << 8 | UInt16(v4.d))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                      let group = UInt16(piece, radix: 16) else { return nil }
                result.append(group)
            }
            return result
        }

        if halves.count == 1 {
            guard let all = parseGroups(halves[0], allowTrailingIPv4: true), all.count == 8 else { return nil }
            self.init(groups: all)
        } else {
            guard let head = parseGroups(halves[0], allowTrailingIPv4: false),
                  let tail = parseGroups(halves[1], allowTrailingIPv4: true),
                  head.count + tail.count <= 7 else { return nil }
            self.init(groups: head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail)
        }
    }

    /// RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero
    /// groups (the first if tied) written as `::`, and `::ffff:a.b.c.d` for mapped IPv4.
    public var description: String {
        if let v4 = mappedIPv4 { return "::ffff:\(v4)" }
        let groups = self.groups
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength, length >= 2 { (bestStart, bestLength) = (runStart, length) }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// Either kind of IP address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses either form; IPv6 text may be wrapped in brackets (`[::1]`).
    public init?(_ text: some StringProtocol) {
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if text.hasPrefix("["), text.hasSuffix("]"), let v6 = IPv6Address(text.dropFirst().dropLast()) {
            self = .v6(v6)
        } else if let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }

    public var isLoopback: Bool {
        switch self {
        case .v4(let address): address.isLoopback
        case .v6(let address): address.isLoopback
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let l), .v4(let r)): l < r
        case (.v6(let l), .v6(let r)): l < r
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }
}

/// An IP address and a port: one end of a TCP connection or a UDP flow.
public struct IPEndpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(_ address: IPAddress, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:4545` or `[::1]:4545`, the forms the lab prints and parses everywhere.
    public var description: String {
        switch address {
        case .v4(let a): "\(a):\(port)"
        case .v6(let a): "[\(a)]:\(port)"
        }
    }

    public static func < (lhs: IPEndpoint, rhs: IPEndpoint) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}

extension String {
    /// Splits at every `::` (a valid IPv6 address has at most one).
    fileprivate func splitAtDoubleColons() -> [Substring] {
        var parts: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                parts.append(self[start..<index])
                start = self.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}
