// Exercise 16 of osilab: read-exactly. Do it after lesson 10, "Message boundaries, 粘包 and framing".
// Check it with `osilab check read-exactly` (or `swift test --filter ReadExactlyTests`);
// `osilab hint read-exactly` gives a hint at a time.
import Sockets

/// The connection closed before the bytes asked for had all arrived. (Given: nothing to do here.)
public struct ConnectionClosedEarly: Error, Equatable, Sendable {
    public var received: Int
    public var expected: Int
    public init(received: Int, expected: Int) {
        self.received = received
        self.expected = expected
    }
}

/// Lesson 10's `recv_exactly`: receives exactly `count` bytes, however they are split.
///
/// **What to do:** call recv() until you have `count` bytes, and return them. Ask each
/// time for at most the number of bytes still missing, so that you never take bytes that
/// belong to the next message. If recv() returns no bytes before you have them all, the
/// peer has closed: throw `ConnectionClosedEarly`. For a count of 0, return no bytes
/// without calling recv() at all.
///
/// **Why it matters:** TCP is a byte stream: a 12-byte message can arrive as 3 + 5 + 4
/// bytes, and it can arrive stuck to the start of the next one. One recv() returns
/// whatever has arrived, never "one message". Every framed protocol (exercise
/// length-prefix, HTTP bodies, the notes' file transfer) rests on this loop.
public func receiveExactly(_ count: Int, from connection: Socket) throws -> [UInt8] {
    // TODO: loop until `count` bytes have arrived; throw if the peer closes first.
    return try connection.recv(maxBytes: count)
}
