// Exercise 8 of osilab: send-all. Do it after lesson 8, "Moving data and closing".
// Check it with `osilab check send-all` (or `swift test --filter SendAllTests`);
// `osilab hint send-all` gives a hint at a time.
import Sockets

/// Python's `sendall()`: sends every byte, however many send() calls that takes.
///
/// **What to do:** `send` is a socket's send(): give it bytes, and it returns how many it
/// took, which may be fewer than you gave (for example when the socket's send buffer is
/// nearly full). Call it until every byte of `bytes` has been taken, each time with the
/// bytes not sent yet (`bytes[sent...]`). When it throws, let the error out: the
/// connection is broken and looping again would not help.
///
/// **Why it matters:** the notes say send() "may not send everything", and sendall()
/// "calls send until all is sent". A program that calls send() once works in every test
/// on a quiet machine and loses data under load. The fix is a loop over send(), which is
/// what osilab's `Socket.sendAll` and Python's sendall() are.
public func sendEverything(
    _ bytes: [UInt8], using send: (ArraySlice<UInt8>) throws(SocketError) -> Int
) throws(SocketError) {
    // TODO: one call may take only part of the bytes: keep calling send with the rest.
    _ = try send(bytes[...])
}
