// Exercise 6 of osilab: connect-ex. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check connect-ex` (or `swift test --filter ConnectExTests`);
// `osilab hint connect-ex` gives a hint at a time.
// 练习 6：connect-ex。学完第 7 课“监听、接受与连接”之后做。
// 用 `osilab check connect-ex` 检查（或 `swift test --filter ConnectExTests`）；
// `osilab hint connect-ex` 每次给一条提示。
import Sockets
import Wire

/// Python's `connect_ex()`: connects, and returns the error as a number instead of throwing.
///
/// **What to do:** create a TCP socket, connect it to `host:port`, and return 0 when the
/// connection succeeds, or the errno the kernel gave when it fails (a thrown
/// `SocketError` carries it in `errno?.rawValue`). Close the socket before returning, on
/// every path. Write it with `connect(to:)` and `catch`: `Socket.connectEx(to:)` is this
/// very function, already written.
///
/// **Why it matters:** a refused connection is the kernel's answer "nothing listens on
/// that port": the peer replied to the SYN with RST. Its errno on Linux is 111,
/// `ECONNREFUSED`; the notes' 10061 is Windows' number for it. Returning numbers instead
/// of throwing suits loops over many ports, like the scanner below.
///
/// Python 的 `connect_ex()`：发起连接，出错时不抛出，而是把错误作为数字返回。
///
/// **要做的：** 创建一个 TCP 套接字，连接到 `host:port`；连接成功时返回 0，失败时返回内核给出的
/// errno（抛出的 `SocketError` 把它放在 `errno?.rawValue` 里）。不管走哪条路径，返回之前都要关闭
/// 套接字。用 `connect(to:)` 和 `catch` 来写：`Socket.connectEx(to:)` 就是这个函数，已经写好了。
///
/// **为什么重要：** 连接被拒绝是内核在回答“那个端口没有人在监听”：对方用 RST 回答了 SYN。它在
/// Linux 上的 errno 是 111，即 `ECONNREFUSED`；笔记里的 10061 是 Windows 给它的编号。返回数字而
/// 不是抛出错误，适合在很多端口上循环，就像下面的扫描器。
public func probe(host: IPv4Address, port: UInt16) -> Int32 {
    // 待办：创建套接字，连接，返回 0 或 errno；无论如何都要关闭套接字。
    // TODO: create a socket, connect, return 0 or the errno; close the socket either way.
    return -1
}

/// A tiny port scanner: which of `ports` accept connections on `host`?
///
/// **What to do:** return the ports for which `probe` gives 0, in the order they were given.
///
/// 一个小小的端口扫描器：`ports` 中哪些端口在 `host` 上接受连接？
///
/// **要做的：** 返回 `probe` 给出 0 的那些端口，保持给定的顺序。
public func openPorts(on host: IPv4Address, among ports: [UInt16]) -> [UInt16] {
    // 待办：留下探测成功的端口。
    // TODO: keep the ports whose probe succeeds.
    return []
}
