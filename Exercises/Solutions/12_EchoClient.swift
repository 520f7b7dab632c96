// Exercise 12, echo-client: the reference solution. Follows lesson 9, "The notes' three programs".
import Sockets

/// The notes' echo client: sends each message to the server, reads its whole reply, and
/// closes the connection at the end. Returns the replies.
public func echoClient(server: SocketAddress, messages: [String]) throws -> [String] {
    let socket = try Socket(family: server.family, type: .stream)
    // close() sends our FIN; the server answers with its own.
    defer { socket.close() }
    try socket.setTimeout(.seconds(5))
    try socket.connect(to: server)
    var replies: [String] = []
    for message in messages {
        let request = Array(message.utf8)
        try socket.sendAll(request)
        // The reply is as long as the request, but may come in several pieces.
        var reply: [UInt8] = []
        while reply.count < request.count {
            let piece = try socket.recv(maxBytes: request.count - reply.count)
            if piece.isEmpty { throw SocketError(call: "recv", reason: .system(.connectionReset)) }
            reply += piece
        }
        // Decode once, when every byte is there: a piece can end inside a character.
        replies.append(String(decoding: reply, as: UTF8.self))
    }
    return replies
}
