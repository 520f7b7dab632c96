// Exercise 5, listening-socket: the reference solution. Follows lesson 7, "Listening, accepting and connecting".
import Sockets

/// A TCP socket listening on 127.0.0.1 at `port` (0: a port the kernel chooses).
public func makeListeningSocket(port: UInt16) throws -> Socket {
    let listener = try Socket(family: .inet, type: .stream)
    do {
        // Before bind(): a port whose last connections are in TIME-WAIT can be bound again.
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        try listener.listen(backlog: 5)
        return listener
    } catch {
        listener.close()
        throw error
    }
}
