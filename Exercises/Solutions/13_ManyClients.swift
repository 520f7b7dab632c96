// Exercise 13, many-clients: the reference solution. Follows lesson 9, "The notes' three programs".
import Dispatch
import Foundation
import Sockets

/// Given in the exercise: echoes one connection until the client closes, then closes it.
public func echoUntilClosed(_ connection: Socket) {
    defer { connection.close() }
    while let data = try? connection.recv(maxBytes: 1024), !data.isEmpty {
        guard (try? connection.sendAll(data)) != nil else { return }
    }
}

/// Accepts `count` clients on `listener` and serves them all at the same time, each on a
/// thread of its own; returns when every one of them has finished.
public func serveClients(listener: Socket, count: Int) throws {
    let finished = DispatchGroup()
    for _ in 0..<count {
        let (connection, _) = try listener.accept()
        finished.enter()
        Thread.detachNewThread {
            echoUntilClosed(connection)
            finished.leave()
        }
    }
    finished.wait()
}
