// Exercise 6 of osilab: connect-ex. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check connect-ex` (or `swift test --filter ConnectExTests`);
// `osilab hint connect-ex` gives a hint at a time.
import Sockets
import Wire

/// Python's `connect_ex()`: connects, and returns the error as a number instead of throwing.
///
/// **What to do:** create a TCP socket, connect it to `host:port`, and return 0 when the
/// connection succeeds, or the errno the kernel gave when it fails (a thrown
/// `SocketError` carries it in `errno?.rawValue`). Close the socket before returning, on
/// every path. Write it with `connect(to:)` and `catch`: `Socket.connectEx(to:)` is this
/// very function, already written.
///
/// **Why it matters:** a refused connection is the kernel's answer "nothing listens on
/// that port": the peer replied to the SYN with RST. Its errno on Linux is 111,
/// `ECONNREFUSED`; the notes' 10061 is Windows' number for it. Returning numbers instead
/// of throwing suits loops over many ports, like the scanner below.
public func probe(host: IPv4Address, port: UInt16) -> Int32 {
    // TODO: create a socket, connect, return 0 or the errno; close the socket either way.
    return -1
}

/// A tiny port scanner: which of `ports` accept connections on `host`?
///
/// **What to do:** return the ports for which `probe` gives 0, in the order they were given.
public func openPorts(on host: IPv4Address, among ports: [UInt16]) -> [UInt16] {
    // TODO: keep the ports whose probe succeeds.
    return []
}
