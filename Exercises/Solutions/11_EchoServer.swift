// Exercise 11, echo-server: the reference solution. Follows lesson 9, "The notes' three programs".
import Sockets

/// The notes' echo server for one client: accepts one connection on `listener` and answers
/// everything it receives in upper case, until the client closes.
public func serveOneEchoClient(listener: Socket) throws {
    let (connection, _) = try listener.accept()
    defer { connection.close() }
    while true {
        let data = try connection.recv(maxBytes: 1024)
        // No bytes: the client's FIN arrived; it will send nothing more.
        if data.isEmpty { return }
        try connection.sendAll(uppercaseReply(data))
    }
}
