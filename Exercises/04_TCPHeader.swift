// Exercise 4 of osilab: tcp-header. Do it after lesson 4, "The three-way handshake".
// Check it with `osilab check tcp-header` (or `swift test --filter TCPHeaderTests`);
// `osilab hint tcp-header` gives a hint at a time.
import Wire

/// The fixed fields of a TCP header. (Given: nothing to do here.)
public struct TCPHeaderFields: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The header's length in bytes, options included: the data offset times 4 (20 to 60).
    public var headerLength: Int
    /// The flags in byte 13: `TCPFlags(rawValue: UInt16(byte13))` (`.syn`, `.ack`, `.fin`, ...).
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

/// Reads the TCP header at the start of `bytes` (the header, then maybe data after it).
///
/// **What to do:** the header's layout (RFC 9293), byte by byte:
///
/// ```
///  0-1  source port          2-3  destination port
///  4-7  sequence number      8-11 acknowledgment number
///  12   data offset in the high 4 bits: the header length in 32-bit words
///  13   flags: CWR ECE URG ACK PSH RST SYN FIN, from the high bit to the low
///  14-15 window              16-17 checksum      18-19 urgent pointer
///  20-  options, up to the header length
/// ```
///
/// Every number is in network byte order (big-endian: the first byte is the most
/// significant). Return nil, and never crash, when the bytes cannot be a header: fewer
/// than 20 bytes, a data offset below 5 (less than 20 bytes), or a header length longer
/// than the bytes you were given.
///
/// **Why it matters:** this is what osilab's capture view does for every packet, and what
/// every packet parser must do safely: the bytes come from the network, so they can say
/// anything. A parser that trusts a length field reads past the end of its buffer: in C
/// that is a security hole, in Swift a crash.
public func parseTCPHeader(_ bytes: [UInt8]) -> TCPHeaderFields? {
    // TODO: check the length first, then read each field, most significant byte first.
    return nil
}
