// Exercise 14 of osilab: remote-client. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check remote-client` (or `swift test --filter RemoteClientTests`);
// `osilab hint remote-client` gives a hint at a time.
import Sockets

/// What can go wrong in the remote-command exchange. (Given: nothing to do here.)
public enum RemoteCommandError: Error, Equatable, Sendable {
    /// The server's size was not a decimal number.
    case badSize(String)
    /// The connection closed before all the announced bytes had come.
    case closedEarly(received: Int, expected: Int)
}

/// The client half of the notes' second program, the remote command exchange.
///
/// **What to do:** `connection` is connected to the server. Four steps, as in the notes:
/// 1. send the command's UTF-8 bytes;
/// 2. receive the size of the output: one recv(), whose bytes are a decimal number in
///    ASCII ("5"); throw `RemoteCommandError.badSize` when they are not;
/// 3. send an acknowledgement (any bytes, the notes send "ready"): the server waits for it;
/// 4. receive until you have exactly `size` bytes (never ask recv() for more than are
///    still missing), and decode them once, at the end. If recv() returns no bytes before
///    then, the server has closed: throw `RemoteCommandError.closedEarly`.
/// Return the output as text. Let socket errors out.
///
/// **Why it matters:** TCP keeps no message boundaries. The size and the output could
/// reach the client in one recv(), stuck together; the acknowledgement makes the server
/// pause, so the size travels alone (lesson 10 shows a better fix). Counting bytes is the
/// only way the client knows where the output ends.
public func runRemoteCommand(_ command: String, over connection: Socket) throws -> String {
    // TODO: send the command, read the size, acknowledge, read exactly `size` bytes.
    try connection.sendAll(Array(command.utf8))
    return ""
}
