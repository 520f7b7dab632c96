// Exercise 9 of osilab: datagram-echo. Do it after lesson 8, "Moving data and closing".
// Check it with `osilab check datagram-echo` (or `swift test --filter DatagramEchoTests`);
// `osilab hint datagram-echo` gives a hint at a time.
// 练习 9：datagram-echo。学完第 8 课“收发数据与关闭连接”之后做。
// 用 `osilab check datagram-echo` 检查（或 `swift test --filter DatagramEchoTests`）；
// `osilab hint datagram-echo` 每次给一条提示。
import Sockets

/// A UDP echo server: sends every datagram back to whoever sent it.
///
/// **What to do:** `socket` is a UDP socket (`SOCK_DGRAM`) already bound to an address.
/// `count` times: receive one datagram with `recvFrom(maxBytes: 65535)`, which returns the
/// bytes and the sender's address, and send the same bytes back to that address with
/// `sendTo(_:address:)`. Then return. Let errors out.
///
/// **Why it matters:** UDP has no connection: no listen(), no accept(), no connect(). Each
/// datagram carries its sender's address, which is the only way to answer, so one socket
/// can serve any number of clients. Each recvfrom() returns exactly one datagram, never
/// two stuck together, and a datagram with no bytes in it is still a datagram: it does
/// not mean "closed", because there is nothing to close.
///
/// 一个 UDP 回显服务器：把每个数据报发回给发送它的人。
///
/// **要做的：** `socket` 是一个已经绑定到地址上的 UDP 套接字（`SOCK_DGRAM`）。重复 `count` 次：
/// 用 `recvFrom(maxBytes: 65535)` 接收一个数据报，它返回字节和发送方的地址；再用
/// `sendTo(_:address:)` 把同样的字节发回那个地址。然后返回。错误让它传出去。
///
/// **为什么重要：** UDP 没有连接：没有 listen()，没有 accept()，也没有 connect()。每个数据报都
/// 带着发送方的地址，这是回答它的唯一办法，所以一个套接字可以服务任意多个客户端。每次
/// recvfrom() 恰好返回一个数据报，决不会两个粘在一起；没有字节的数据报也仍然是数据报：它不表示
/// “关闭了”，因为根本没有什么可以关闭。
public func serveDatagrams(on socket: Socket, count: Int) throws {
    // 待办：重复 count 次，接收一个数据报和它的发送方，再把它发回去。
    // TODO: count times, receive a datagram and its sender, and send it back there.
}
