// Exercise 16, read-exactly: the reference solution. Follows lesson 10, "Message boundaries, 粘包 and framing".
import Sockets

/// The connection closed before the bytes asked for had all arrived.
public struct ConnectionClosedEarly: Error, Equatable, Sendable {
    public var received: Int
    public var expected: Int
    public init(received: Int, expected: Int) {
        self.received = received
        self.expected = expected
    }
}

/// Receives exactly `count` bytes from `connection`, in as many recv() calls as it takes.
public func receiveExactly(_ count: Int, from connection: Socket) throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count {
        // Never more than is missing: what follows belongs to the next message.
        let piece = try connection.recv(maxBytes: count - bytes.count)
        if piece.isEmpty { throw ConnectionClosedEarly(received: bytes.count, expected: count) }
        bytes += piece
    }
    return bytes
}
