// Exercise 9, datagram-echo: the reference solution. Follows lesson 8, "Moving data and closing".
import Sockets

/// Receives `count` UDP datagrams on `socket` and sends each one back, unchanged, to the
/// address it came from.
public func serveDatagrams(on socket: Socket, count: Int) throws {
    for _ in 0..<count {
        // An empty datagram is still a datagram: UDP has no connection to close.
        let (data, sender) = try socket.recvFrom(maxBytes: 65535)
        try socket.sendTo(data, address: sender)
    }
}
