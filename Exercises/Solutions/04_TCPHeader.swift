// Exercise 4, tcp-header: the reference solution. Follows lesson 4, "The three-way handshake".
import Wire

/// The fixed fields of a TCP header.
public struct TCPHeaderFields: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var headerLength: Int
    public var flags: TCPFlags
    public var window: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32,
                headerLength: Int, flags: TCPFlags, window: UInt16) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.headerLength = headerLength
        self.flags = flags
        self.window = window
    }
}

/// Reads a TCP header from the start of `bytes`, or returns nil when the bytes cannot hold one.
public func parseTCPHeader(_ bytes: [UInt8]) -> TCPHeaderFields? {
    // One length check up front; after it every index below 20 is safe.
    guard bytes.count >= 20 else { return nil }
    let headerLength = Int(bytes[12] >> 4) * 4
    guard headerLength >= 20, headerLength <= bytes.count else { return nil }

    // Network byte order: the first byte is the most significant.
    func uint16(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
    func uint32(_ at: Int) -> UInt32 { UInt32(uint16(at)) << 16 | UInt32(uint16(at + 2)) }

    return TCPHeaderFields(
        sourcePort: uint16(0), destinationPort: uint16(2), sequence: uint32(4), acknowledgment: uint32(8),
        headerLength: headerLength, flags: TCPFlags(rawValue: UInt16(bytes[13])), window: uint16(14))
}
