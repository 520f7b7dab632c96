// Exercise 6, connect-ex: the reference solution. Follows lesson 7, "Listening, accepting and connecting".
import Sockets
import Wire

/// Tries to connect to `host:port` and returns 0 on success or the errno of the failure.
public func probe(host: IPv4Address, port: UInt16) -> Int32 {
    let socket: Socket
    do {
        socket = try Socket(family: .inet, type: .stream)
    } catch {
        return error.errno?.rawValue ?? -1
    }
    // One descriptor per probe: closed on every path, or a scan of many ports runs out.
    defer { socket.close() }
    do {
        try socket.setTimeout(.seconds(2))
        try socket.connect(to: .ipv4(host, port: port))
        return 0
    } catch {
        return error.errno?.rawValue ?? -1
    }
}

/// The ports among `ports` where something accepts connections, in the order given.
public func openPorts(on host: IPv4Address, among ports: [UInt16]) -> [UInt16] {
    ports.filter { probe(host: host, port: $0) == 0 }
}
