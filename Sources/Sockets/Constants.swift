#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first argument of `socket()`: which kind of address the socket uses.
public struct AddressFamily: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Local communication between processes on one machine. The corresponding C constant is `AF_UNIX`.
    public static let unix = AddressFamily(rawValue: Int32(AF_UNIX))
    /// IPv4. The corresponding C constant is `AF_INET`.
    public static let inet = AddressFamily(rawValue: Int32(AF_INET))
    /// IPv6. The corresponding C constant is `AF_INET6`.
    public static let inet6 = AddressFamily(rawValue: Int32(AF_INET6))
    /// Either; only meaningful as a `getaddrinfo` hint. The corresponding C constant is `AF_UNSPEC`.
    public static let unspecified = AddressFamily(rawValue: Int32(AF_UNSPEC))

    public var description: String {
        switch self {
        case .unix: "AF_UNIX"
        case .inet: "AF_INET"
        case .inet6: "AF_INET6"
        case .unspecified: "AF_UNSPEC"
        default: "family(\(rawValue))"
        }
    }
}

/// The second argument of `socket()`: what kind of communication the socket offers.
public struct SocketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    #if canImport(Glibc)
    // Glibc imports the __socket_type enum, whose raw value is unsigned.
    private static func make(_ value: __socket_type) -> SocketType { SocketType(rawValue: Int32(value.rawValue)) }
    /// A reliable, ordered byte stream: TCP for IP families. The corresponding C constant is `SOCK_STREAM`.
    public static let stream = make(SOCK_STREAM)
    /// Separate messages, no connection, no delivery guarantee: UDP for IP families. `SOCK_DGRAM`.
    public static let datagram = make(SOCK_DGRAM)
    /// Packets with their headers, below TCP and UDP (needs root). `SOCK_RAW`.
    public static let raw = make(SOCK_RAW)
    /// Reliable datagrams; on Linux only RDS and TIPC offer it. `SOCK_RDM`.
    public static let reliableDatagram = make(SOCK_RDM)
    /// A connection that keeps message boundaries (AF_UNIX, SCTP). `SOCK_SEQPACKET`.
    public static let sequencedPacket = make(SOCK_SEQPACKET)
    #else
    public static let stream = SocketType(rawValue: SOCK_STREAM)
    public static let datagram = SocketType(rawValue: SOCK_DGRAM)
    public static let raw = SocketType(rawValue: SOCK_RAW)
    public static let reliableDatagram = SocketType(rawValue: SOCK_RDM)
    public static let sequencedPacket = SocketType(rawValue: SOCK_SEQPACKET)
    #endif

    public var description: String {
        switch self {
        case .stream: "SOCK_STREAM"
        case .datagram: "SOCK_DGRAM"
        case .raw: "SOCK_RAW"
        case .reliableDatagram: "SOCK_RDM"
        case .sequencedPacket: "SOCK_SEQPACKET"
        default: "type(\(rawValue))"
        }
    }
}

/// Which direction `shutdown()` closes.
public struct ShutdownDirection: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No more receiving. The corresponding C constant is `SHUT_RD`.
    public static let read = ShutdownDirection(rawValue: Int32(SHUT_RD))
    /// No more sending: TCP sends a FIN, the peer's recv() returns 0. `SHUT_WR`.
    public static let write = ShutdownDirection(rawValue: Int32(SHUT_WR))
    /// Both. `SHUT_RDWR`.
    public static let both = ShutdownDirection(rawValue: Int32(SHUT_RDWR))

    public var description: String {
        switch self {
        case .read: "SHUT_RD"
        case .write: "SHUT_WR"
        case .both: "SHUT_RDWR"
        default: "how(\(rawValue))"
        }
    }
}
