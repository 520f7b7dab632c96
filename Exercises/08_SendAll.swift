// Exercise 8 of osilab: send-all. Do it after lesson 8, "Moving data and closing".
// Check it with `osilab check send-all` (or `swift test --filter SendAllTests`);
// `osilab hint send-all` gives a hint at a time.
// 练习 8：send-all。学完第 8 课“收发数据与关闭连接”之后做。
// 用 `osilab check send-all` 检查（或 `swift test --filter SendAllTests`）；
// `osilab hint send-all` 每次给一条提示。
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
///
/// Python 的 `sendall()`：把每个字节都发出去，不管需要调用多少次 send()。
///
/// **要做的：** `send` 就是套接字的 send()：给它字节，它返回收下了多少个，可能比你给的少（例如
/// 套接字的发送缓冲区快满的时候）。反复调用它，直到 `bytes` 的每个字节都被收下，每次都传入还没
/// 发出的那部分（`bytes[sent...]`）。它抛出错误时就让错误传出去：连接已经坏了，再循环也没用。
///
/// **为什么重要：** 笔记说 send() “可能不会全部发出”，而 sendall() “会一直调用 send 直到全部
/// 发完”。只调用一次 send() 的程序，在安静的机器上每次测试都没问题，一到负载高时就丢数据。
/// 解决办法是对 send() 循环，osilab 的 `Socket.sendAll` 和 Python 的 sendall() 就是这样做的。
public func sendEverything(
    _ bytes: [UInt8], using send: (ArraySlice<UInt8>) throws(SocketError) -> Int
) throws(SocketError) {
    // 待办：一次调用可能只收下一部分字节：继续用剩下的字节调用 send。
    // TODO: one call may take only part of the bytes: keep calling send with the rest.
    _ = try send(bytes[...])
}
