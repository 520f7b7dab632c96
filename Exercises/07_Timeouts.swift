// Exercise 7 of osilab: timeouts. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check timeouts` (or `swift test --filter TimeoutsTests`);
// `osilab hint timeouts` gives a hint at a time.
import Sockets

/// Receives from a connection, but waits no longer than `limit`.
///
/// **What to do:** give the connection a timeout (`setTimeout(limit)`, Python's
/// `settimeout()`), then receive up to 4096 bytes. Return what arrived; return nil if
/// nothing arrived in time: recv() then throws a `SocketError` whose `reason` is
/// `.timedOut`. Keep the difference the lesson makes: an empty array means the peer
/// closed, nil means it is still there but silent. Let other errors out.
///
/// **Why it matters:** a plain recv() waits forever. A server that waits forever for one
/// silent client serves nobody else; a client that waits forever for a dead server hangs.
public func receive(from connection: Socket, waitingAtMost limit: Duration) throws -> [UInt8]? {
    // TODO: set the timeout, receive, and turn a timeout into nil.
    return nil
}

/// Takes a waiting client from a listening socket, without waiting if there is none.
///
/// **What to do:** switch the listener to non-blocking mode (`setBlocking(false)`, Python's
/// `setblocking(False)`) and call accept(). Return the new connection, or nil when no
/// client is waiting: accept() then throws at once with the `reason` `.wouldBlock`
/// (Python's `BlockingIOError`, errno EAGAIN). Put the listener back into blocking mode
/// before you return. Let other errors out.
///
/// **Why it matters:** non-blocking calls let one thread look after many sockets: ask
/// each one, and move on when it has nothing. It is the idea under select(), poll() and
/// every event loop.
public func acceptIfWaiting(on listener: Socket) throws -> Socket? {
    // TODO: make accept() return at once, and turn "would block" into nil.
    return nil
}
