// Exercise 7, timeouts: the reference solution. Follows lesson 7, "Listening, accepting and connecting".
import Sockets

/// Receives what has arrived on `connection`, waiting at most `limit`: nil if nothing came
/// in time, an empty array if the peer closed.
public func receive(from connection: Socket, waitingAtMost limit: Duration) throws -> [UInt8]? {
    try connection.setTimeout(limit)
    do {
        return try connection.recv(maxBytes: 4096)
    } catch where error.reason == .timedOut {
        return nil
    }
}

/// Takes a client from `listener` if one is waiting, without waiting for one: nil if none is.
public func acceptIfWaiting(on listener: Socket) throws -> Socket? {
    try listener.setBlocking(false)
    defer { try? listener.setBlocking(true) }
    do {
        let (connection, _) = try listener.accept()
        return connection
    } catch where error.reason == .wouldBlock {
        return nil
    }
}
