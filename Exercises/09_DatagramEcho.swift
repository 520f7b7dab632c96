// Exercise 9 of osilab: datagram-echo. Do it after lesson 8, "Moving data and closing".
// Check it with `osilab check datagram-echo` (or `swift test --filter DatagramEchoTests`);
// `osilab hint datagram-echo` gives a hint at a time.
import Sockets

/// A UDP echo server: sends every datagram back to whoever sent it.
///
/// **What to do:** `socket` is a UDP socket (`SOCK_DGRAM`) already bound to an address.
/// `count` times: receive one datagram with `recvFrom(maxBytes: 65535)`, which returns the
/// bytes and the sender's address, and send the same bytes back to that address with
/// `sendTo(_:address:)`. Then return. Let errors out.
///
/// **Why it matters:** UDP has no connection: no listen(), no accept(), no connect(). Each
/// datagram carries its sender's address, which is the only way to answer, so one socket
/// can serve any number of clients. Each recvfrom() returns exactly one datagram, never
/// two stuck together, and a datagram with no bytes in it is still a datagram: it does
/// not mean "closed", because there is nothing to close.
public func serveDatagrams(on socket: Socket, count: Int) throws {
    // TODO: count times, receive a datagram and its sender, and send it back there.
}
