// Exercise 5 of osilab: listening-socket. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check listening-socket` (or `swift test --filter ListeningSocketTests`);
// `osilab hint listening-socket` gives a hint at a time.
// 练习 5：listening-socket。学完第 7 课“监听、接受与连接”之后做。
// 用 `osilab check listening-socket` 检查（或 `swift test --filter ListeningSocketTests`）；
// `osilab hint listening-socket` 每次给一条提示。
import Sockets

/// Makes the socket a server starts with: a TCP socket listening for clients.
///
/// **What to do:** create an IPv4 stream socket (`Socket(family: .inet, type: .stream)`),
/// let it reuse its address (`setReuseAddress(true)`), bind it to 127.0.0.1 and `port`
/// (`.ipv4(.loopback, port: port)`), and make it listen (`listen(backlog: 5)`). Port 0
/// asks the kernel to pick a free port. When a call fails, let the error out (the
/// `throws` is there for that) rather than returning a socket that does not listen.
///
/// **Why it matters:** these are the first three lines of every server in the notes:
/// `socket()`, `bind()`, `listen()`. After listen() the kernel completes handshakes for
/// this port by itself. Binding to 127.0.0.1 keeps the lab's servers unreachable from
/// the network; SO_REUSEADDR lets you restart a server at once, without waiting for its
/// old connections to leave TIME-WAIT.
///
/// 创建服务器一开始用的套接字：一个监听客户端的 TCP 套接字。
///
/// **要做的：** 创建一个 IPv4 流套接字（`Socket(family: .inet, type: .stream)`），允许它重用地址
/// （`setReuseAddress(true)`），把它绑定到 127.0.0.1 和 `port`（`.ipv4(.loopback, port: port)`），
/// 再让它监听（`listen(backlog: 5)`）。端口 0 表示请内核挑一个空闲端口。某个调用失败时，让错误
/// 传出去（`throws` 就是为此准备的），不要返回一个没在监听的套接字。
///
/// **为什么重要：** 这就是笔记中每个服务器的前三行：`socket()`、`bind()`、`listen()`。listen()
/// 之后，内核会自己替这个端口完成握手。绑定到 127.0.0.1 让实验室的服务器从网络上访问不到；
/// SO_REUSEADDR 让你能立刻重启服务器，不必等旧连接离开 TIME-WAIT。
public func makeListeningSocket(port: UInt16) throws -> Socket {
    // 待办：重用地址，绑定到 127.0.0.1:port，监听。
    // TODO: reuse the address, bind to 127.0.0.1:port, listen.
    return try Socket(family: .inet, type: .stream)
}
