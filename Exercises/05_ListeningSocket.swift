// Exercise 5 of osilab: listening-socket. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check listening-socket` (or `swift test --filter ListeningSocketTests`);
// `osilab hint listening-socket` gives a hint at a time.
import Sockets

/// Makes the socket a server starts with: a TCP socket listening for clients.
///
/// **What to do:** create an IPv4 stream socket (`Socket(family: .inet, type: .stream)`),
/// let it reuse its address (`setReuseAddress(true)`), bind it to 127.0.0.1 and `port`
/// (`.ipv4(.loopback, port: port)`), and make it listen (`listen(backlog: 5)`). Port 0
/// asks the kernel to pick a free port. When a call fails, let the error out (the
/// `throws` is there for that) rather than returning a socket that does not listen.
///
/// **Why it matters:** these are the first three lines of every server in the notes:
/// `socket()`, `bind()`, `listen()`. After listen() the kernel completes handshakes for
/// this port by itself. Binding to 127.0.0.1 keeps the lab's servers unreachable from
/// the network; SO_REUSEADDR lets you restart a server at once, without waiting for its
/// old connections to leave TIME_WAIT.
public func makeListeningSocket(port: UInt16) throws -> Socket {
    // TODO: reuse the address, bind to 127.0.0.1:port, listen.
    return try Socket(family: .inet, type: .stream)
}
