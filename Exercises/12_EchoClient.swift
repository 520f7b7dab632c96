// Exercise 12 of osilab: echo-client. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check echo-client` (or `swift test --filter EchoClientTests`);
// `osilab hint echo-client` gives a hint at a time. One check watches your client's
// packets on loopback: without root, `osilab check` runs it in a private network of yours.
import Sockets

/// The notes' echo client: talks to an upper-case echo server, one message at a time.
///
/// **What to do:** create a TCP socket for the server's family (`server.family`),
/// connect to `server`, and for each message: send its UTF-8 bytes (all of them), then
/// receive the reply. The reply has exactly as many bytes as the message, but it may
/// arrive in several pieces: keep receiving until you have them all, then decode them
/// (`String(decoding: bytes, as: UTF8.self)`). Return the replies in order. At the end,
/// close the socket, so the connection ends properly. Let errors out.
///
/// **Why it matters:** this is the client half of the notes' first program. On the wire
/// the grading expects a complete handshake (SYN, SYN-ACK, ACK) and, at the end, a FIN
/// each way, your client's first: the sign of a connection opened and closed properly.
/// Reading until the reply is complete, and decoding only then, is what keeps the
/// Chinese text of lesson 10 from breaking apart.
public func echoClient(server: SocketAddress, messages: [String]) throws -> [String] {
    // TODO: connect; for each message send it and read the whole reply; close at the end.
    return []
}
