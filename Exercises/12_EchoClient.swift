// Exercise 12 of osilab: echo-client. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check echo-client` (or `swift test --filter EchoClientTests`);
// `osilab hint echo-client` gives a hint at a time. One check watches your client's
// packets on loopback: without root, `osilab check` runs it in a private network of yours.
// 练习 12：echo-client。学完第 9 课“笔记中的三个程序”之后做。
// 用 `osilab check echo-client` 检查（或 `swift test --filter EchoClientTests`）；
// `osilab hint echo-client` 每次给一条提示。有一项检查会在回环接口上看你的客户端的报文：
// 没有 root 时，`osilab check` 会在你自己的私有网络里运行它。
import Sockets

/// The notes' echo client: talks to an upper-case echo server, one message at a time.
///
/// **What to do:** create a TCP socket for the server's family (`server.family`),
/// connect to `server`, and for each message: send its UTF-8 bytes (all of them), then
/// receive the reply. The reply has exactly as many bytes as the message, but it may
/// arrive in several pieces: keep receiving until you have them all, then decode them
/// (`String(decoding: bytes, as: UTF8.self)`). Return the replies in order. At the end,
/// close the socket, so the connection ends properly. Let errors out.
///
/// **Why it matters:** this is the client half of the notes' first program. On the wire
/// the grading expects a complete handshake (SYN, SYN-ACK, ACK) and, at the end, a FIN
/// each way, your client's first: the sign of a connection opened and closed properly.
/// Reading until the reply is complete, and decoding only then, is what keeps the
/// Chinese text of lesson 10 from breaking apart.
///
/// 笔记中的回显客户端：和大写回显服务器对话，一次一条消息。
///
/// **要做的：** 按服务器的地址族（`server.family`）创建一个 TCP 套接字，连接到 `server`，然后对
/// 每条消息：发出它的 UTF-8 字节（全部），再接收回答。回答的字节数和消息完全一样，但可能分成
/// 好几块到达：一直接收，直到收全，再解码（`String(decoding: bytes, as: UTF8.self)`）。按顺序
/// 返回这些回答。最后关闭套接字，让连接正常结束。错误让它传出去。
///
/// **为什么重要：** 这是笔记中第一个程序的客户端一半。评分时，线路上应该有一次完整的握手（SYN、
/// SYN-ACK、ACK），最后每个方向各有一个 FIN，你的客户端先发：这说明连接是正常打开、正常关闭的。
/// 一直读到回答完整、然后才解码，第 10 课的中文才不会被拆坏。
public func echoClient(server: SocketAddress, messages: [String]) throws -> [String] {
    // 待办：连接；对每条消息，发出它并读完整个回答；最后关闭。
    // TODO: connect; for each message send it and read the whole reply; close at the end.
    return []
}
