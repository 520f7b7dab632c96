// Exercise 14, remote-client: the reference solution. Follows lesson 9, "The notes' three programs".
import Sockets

/// What can go wrong in the remote-command exchange.
public enum RemoteCommandError: Error, Equatable, Sendable {
    case badSize(String)
    case closedEarly(received: Int, expected: Int)
}

/// The client half of the notes' remote command exchange: sends `command`, reads the size,
/// acknowledges it, reads exactly that many bytes of output, and returns them as text.
public func runRemoteCommand(_ command: String, over connection: Socket) throws -> String {
    try connection.sendAll(Array(command.utf8))

    let sizeBytes = try connection.recv(maxBytes: 1024)
    guard !sizeBytes.isEmpty else { throw RemoteCommandError.closedEarly(received: 0, expected: 0) }
    let sizeText = String(decoding: sizeBytes, as: UTF8.self)
    guard sizeText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), sizeText.count <= 12,
          let size = Int(sizeText) else {
        throw RemoteCommandError.badSize(sizeText)
    }

    // The server sends nothing more until this arrives; its content does not matter.
    try connection.sendAll(Array("ready".utf8))

    var output: [UInt8] = []
    while output.count < size {
        let piece = try connection.recv(maxBytes: min(1024, size - output.count))
        if piece.isEmpty { throw RemoteCommandError.closedEarly(received: output.count, expected: size) }
        output += piece
    }
    // Decode once, with every byte there: a piece may end in the middle of a character.
    return String(decoding: output, as: UTF8.self)
}
