// Exercise 13 of osilab: many-clients. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check many-clients` (or `swift test --filter ManyClientsTests`);
// `osilab hint many-clients` gives a hint at a time.
import Dispatch
import Foundation
import Sockets

/// Echoes one connection until the client closes, then closes it. (Given: nothing to do here.)
public func echoUntilClosed(_ connection: Socket) {
    defer { connection.close() }
    while let data = try? connection.recv(maxBytes: 1024), !data.isEmpty {
        guard (try? connection.sendAll(data)) != nil else { return }
    }
}

/// A server that serves several clients at once.
///
/// **What to do:** accept `count` connections on `listener`, and serve each one with
/// `echoUntilClosed` on a thread of its own (`Thread.detachNewThread { ... }`), so that
/// a slow or silent client does not keep the others waiting. Return only when every
/// connection has been served to the end: a `DispatchGroup` counts them (`enter()` before
/// starting a thread, `leave()` when it is done, `wait()` for all). Let accept()'s errors out.
///
/// **Why it matters:** the notes' servers serve one client at a time: while one client
/// sits connected without sending, the server waits in its recv(), and every other client
/// waits in the queue. Lesson 9 shows that one idle client stops everyone. A thread per
/// connection is the simplest fix (an event loop with non-blocking sockets, as in
/// exercise timeouts, is the other).
public func serveClients(listener: Socket, count: Int) throws {
    // TODO: serve each connection on its own thread, and wait for all of them at the end.
    // This version is the notes' server: one client after the other.
    for _ in 0..<count {
        let (connection, _) = try listener.accept()
        echoUntilClosed(connection)
    }
}
