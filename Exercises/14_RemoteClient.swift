// Exercise 14 of osilab: remote-client. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check remote-client` (or `swift test --filter RemoteClientTests`);
// `osilab hint remote-client` gives a hint at a time.
// 练习 14：remote-client。学完第 9 课“笔记中的三个程序”之后做。
// 用 `osilab check remote-client` 检查（或 `swift test --filter RemoteClientTests`）；
// `osilab hint remote-client` 每次给一条提示。
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
///
/// 笔记中第二个程序（远程命令交换）的客户端一半。
///
/// **要做的：** `connection` 已经连上了服务器。和笔记中一样分四步：
/// 1. 发出命令的 UTF-8 字节；
/// 2. 接收输出的大小：一次 recv()，它的字节是 ASCII 写的十进制数（"5"）；不是的话就抛出
///    `RemoteCommandError.badSize`；
/// 3. 发出一个确认（什么字节都行，笔记发的是 "ready"）：服务器在等它；
/// 4. 一直接收，直到恰好收到 `size` 个字节（向 recv() 要的决不能比还缺的多），最后一次性解码。
///    如果在那之前 recv() 没有返回任何字节，说明服务器关闭了：抛出 `RemoteCommandError.closedEarly`。
/// 把输出作为文本返回。套接字的错误让它传出去。
///
/// **为什么重要：** TCP 不保留消息边界。大小和输出可能在一次 recv() 中一起到达客户端，粘在一起；
/// 确认让服务器停一下，大小就能单独传过去（第 10 课有更好的办法）。数字节是客户端知道输出在哪里
/// 结束的唯一办法。
public func runRemoteCommand(_ command: String, over connection: Socket) throws -> String {
    // 待办：发出命令，读出大小，发出确认，恰好读 `size` 个字节。
    // TODO: send the command, read the size, acknowledge, read exactly `size` bytes.
    try connection.sendAll(Array(command.utf8))
    return ""
}
