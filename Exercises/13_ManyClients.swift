// Exercise 13 of osilab: many-clients. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check many-clients` (or `swift test --filter ManyClientsTests`);
// `osilab hint many-clients` gives a hint at a time.
// 练习 13：many-clients。学完第 9 课“笔记中的三个程序”之后做。
// 用 `osilab check many-clients` 检查（或 `swift test --filter ManyClientsTests`）；
// `osilab hint many-clients` 每次给一条提示。
import Dispatch
import Foundation
import Sockets

/// Echoes one connection until the client closes, then closes it. (Given: nothing to do here.)
public func echoUntilClosed(_ connection: Socket) {
    defer { connection.close() }
    while let data = try? connection.recv(maxBytes: 1024), !data.isEmpty {
        guard (try? connection.sendAll(data)) != nil else { return }
    }
}

/// A server that serves several clients at once.
///
/// **What to do:** accept `count` connections on `listener`, and serve each one with
/// `echoUntilClosed` on a thread of its own (`Thread.detachNewThread { ... }`), so that
/// a slow or silent client does not keep the others waiting. Return only when every
/// connection has been served to the end: a `DispatchGroup` counts them (`enter()` before
/// starting a thread, `leave()` when it is done, `wait()` for all). Let accept()'s errors out.
///
/// **Why it matters:** the notes' servers serve one client at a time: while one client
/// sits connected without sending, the server waits in its recv(), and every other client
/// waits in the queue. Lesson 9 shows that one idle client stops everyone. A thread per
/// connection is the simplest fix (an event loop with non-blocking sockets, as in
/// exercise timeouts, is the other).
///
/// 一个同时服务多个客户端的服务器。
///
/// **要做的：** 在 `listener` 上接受 `count` 个连接，每个连接在它自己的线程里用 `echoUntilClosed`
/// 服务（`Thread.detachNewThread { ... }`），这样一个慢的或不说话的客户端不会让别人一直等着。
/// 只有当每个连接都服务完了才返回：用 `DispatchGroup` 来计数（启动线程之前 `enter()`，线程结束时
/// `leave()`，用 `wait()` 等全部结束）。accept() 的错误让它传出去。
///
/// **为什么重要：** 笔记中的服务器一次只服务一个客户端：一个客户端连着却不发数据时，服务器就等在
/// 它的 recv() 里，其他客户端都在队列里等着。第 9 课演示了一个闲着的客户端会让所有人停下。每个
/// 连接一个线程是最简单的解决办法（另一个办法是用非阻塞套接字的事件循环，就像练习 timeouts）。
public func serveClients(listener: Socket, count: Int) throws {
    // 待办：每个连接在它自己的线程里服务，最后等它们全部结束。
    // 现在这个版本就是笔记中的服务器：一个客户端接着一个客户端。
    // TODO: serve each connection on its own thread, and wait for all of them at the end.
    // This version is the notes' server: one client after the other.
    for _ in 0..<count {
        let (connection, _) = try listener.accept()
        echoUntilClosed(connection)
    }
}
