// Exercise 11 of osilab: echo-server. Do it after lesson 9, "The notes' three programs",
// and exercise uppercase.
// Check it with `osilab check echo-server` (or `swift test --filter EchoServerTests`);
// `osilab hint echo-server` gives a hint at a time.
// 练习 11：echo-server。学完第 9 课“笔记中的三个程序”和练习 uppercase之后做。
// 用 `osilab check echo-server` 检查（或 `swift test --filter EchoServerTests`）；
// `osilab hint echo-server` 每次给一条提示。
import Sockets

/// The notes' first program, the upper-case echo server, for one client.
///
/// **What to do:** `listener` is already listening. Accept one connection, then loop:
/// receive up to 1024 bytes; if recv() returned no bytes, the client has closed, so close
/// the connection and return; otherwise send back `uppercaseReply(data)` (exercise
/// uppercase), all of it (`sendAll`). Let errors out.
///
/// **Why it matters:** this is the shape of every TCP server: accept, then receive and
/// answer until the peer closes. The empty recv() is the only way a server learns that
/// its client has gone; a server that does not check it loops forever on a dead
/// connection. Closing the connection makes the kernel send your FIN, so the client's
/// recv() ends too.
///
/// 笔记中的第一个程序，大写回显服务器，只服务一个客户端。
///
/// **要做的：** `listener` 已经在监听。接受一个连接，然后循环：最多接收 1024 个字节；如果 recv()
/// 没有返回任何字节，说明客户端关闭了，那就关闭连接并返回；否则把 `uppercaseReply(data)`（练习
/// uppercase）全部发回去（`sendAll`）。错误让它传出去。
///
/// **为什么重要：** 每个 TCP 服务器都是这个样子：accept，然后接收、回答，直到对方关闭。空的
/// recv() 是服务器得知客户端已经离开的唯一办法；不检查它的服务器会在一个死掉的连接上永远循环。
/// 关闭连接会让内核发出你的 FIN，客户端的 recv() 也就结束了。
public func serveOneEchoClient(listener: Socket) throws {
    // 待办：接受一个连接；用大写回答每次 recv()，直到它不再返回字节；然后关闭连接。
    // TODO: accept one connection; answer each recv() in upper case until it returns no
    // bytes; then close the connection.
}
