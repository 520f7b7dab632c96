// TCP sequence numbers live on a circle of 2^32 values (RFC 9293, section 3.4): after
// 4294967295 comes 0. Ordinary `<` is wrong across the wrap, so the type offers only the
// comparisons that are right: signed distance mod 2^32 and "before" in that sense.
// It is deliberately not Comparable, because that order is not transitive.

/// A 32-bit TCP sequence or acknowledgment number with wrapping arithmetic.
public struct SequenceNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Moves forward (or back, for a negative count) by `count` bytes, wrapping mod 2^32.
    public static func + (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs))
    }

    public static func - (lhs: SequenceNumber, rhs: Int) -> SequenceNumber {
        SequenceNumber(lhs.rawValue &- UInt32(truncatingIfNeeded: rhs))
    }

    public static func += (lhs: inout SequenceNumber, rhs: Int) { lhs = lhs + rhs }

    /// How far `other` is ahead of `self`, as a signed distance mod 2^32: positive when
    /// `other` comes later, negative when it comes earlier, taking the shorter way round.
    public func distance(to other: SequenceNumber) -> Int32 {
        Int32(bitPattern: other.rawValue &- rawValue)
    }

    /// The wrapping difference `lhs - rhs` (how far `lhs` is ahead of `rhs`).
    public static func - (lhs: SequenceNumber, rhs: SequenceNumber) -> Int32 {
        rhs.distance(to: lhs)
    }

    /// True when `self` comes strictly before `other` on the sequence circle.
    public func isBefore(_ other: SequenceNumber) -> Bool { distance(to: other) > 0 }

    /// True when `self` comes strictly after `other` on the sequence circle.
    public func isAfter(_ other: SequenceNumber) -> Bool { distance(to: other) < 0 }

    /// The decimal value, as tcpdump -S prints it.
    public var description: String { String(rawValue) }
}

/// The flag bits of a TCP header: the classic eight, plus AE (RFC 3540's NS bit, renamed
/// by Accurate ECN), which sits in the low bit of the data-offset byte.
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    /// Accurate ECN (formerly NS, the ECN nonce sum).
    public static let ae = TCPFlags(rawValue: 0x100)

    private static let table: [(TCPFlags, String, Character)] = [
        (.fin, "FIN", "F"), (.syn, "SYN", "S"), (.rst, "RST", "R"), (.psh, "PSH", "P"),
        (.ack, "ACK", "."), (.urg, "URG", "U"), (.ece, "ECE", "E"), (.cwr, "CWR", "W"),
        (.ae, "AE", "e"),
    ]

    /// Names joined by commas in bit order, e.g. `SYN,ACK`; `none` when no bit is set.
    public var description: String {
        let names = Self.table.filter { contains($0.0) }.map(\.1)
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }

    /// tcpdump's form: one letter per flag inside brackets, `.` for ACK: `[S.]`, `[P.]`,
    /// `[F.]`, `[R]`; `[none]` when no bit is set.
    public var tcpdumpStyle: String {
        let letters = String(Self.table.filter { contains($0.0) }.map(\.2))
        return "[" + (letters.isEmpty ? "none" : letters) + "]"
    }
}
