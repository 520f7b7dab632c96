// Exercise 8, send-all: the reference solution. Follows lesson 8, "Moving data and closing".
import Sockets

/// Sends every byte of `bytes` through `send`, which may take only some of them per call.
public func sendEverything(
    _ bytes: [UInt8], using send: (ArraySlice<UInt8>) throws(SocketError) -> Int
) throws(SocketError) {
    var sent = 0
    while sent < bytes.count {
        // Each call continues from where the last one stopped; an error ends the loop.
        sent += try send(bytes[sent...])
    }
}
