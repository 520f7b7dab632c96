// Exercise 11 of osilab: echo-server. Do it after lesson 9, "The notes' three programs",
// and exercise uppercase.
// Check it with `osilab check echo-server` (or `swift test --filter EchoServerTests`);
// `osilab hint echo-server` gives a hint at a time.
import Sockets

/// The notes' first program, the upper-case echo server, for one client.
///
/// **What to do:** `listener` is already listening. Accept one connection, then loop:
/// receive up to 1024 bytes; if recv() returned no bytes, the client has closed, so close
/// the connection and return; otherwise send back `uppercaseReply(data)` (exercise
/// uppercase), all of it (`sendAll`). Let errors out.
///
/// **Why it matters:** this is the shape of every TCP server: accept, then receive and
/// answer until the peer closes. The empty recv() is the only way a server learns that
/// its client has gone; a server that does not check it loops forever on a dead
/// connection. Closing the connection makes the kernel send your FIN, so the client's
/// recv() ends too.
public func serveOneEchoClient(listener: Socket) throws {
    // TODO: accept one connection; answer each recv() in upper case until it returns no
    // bytes; then close the connection.
}
