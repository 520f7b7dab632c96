// Exercise 7 of osilab: timeouts. Do it after lesson 7, "Listening, accepting and connecting".
// Check it with `osilab check timeouts` (or `swift test --filter TimeoutsTests`);
// `osilab hint timeouts` gives a hint at a time.
// 练习 7：timeouts。学完第 7 课“监听、接受与连接”之后做。
// 用 `osilab check timeouts` 检查（或 `swift test --filter TimeoutsTests`）；
// `osilab hint timeouts` 每次给一条提示。
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
///
/// 从连接接收数据，但最多等 `limit` 这么久。
///
/// **要做的：** 给连接设置超时（`setTimeout(limit)`，即 Python 的 `settimeout()`），然后最多接收
/// 4096 个字节。返回收到的数据；如果在时限内什么都没收到就返回 nil：这时 recv() 会抛出一个
/// `reason` 为 `.timedOut` 的 `SocketError`。记住课上讲的区别：空数组表示对方关闭了，nil 表示
/// 对方还在，只是没说话。其他错误让它传出去。
///
/// **为什么重要：** 普通的 recv() 会一直等下去。一直等一个不说话的客户端的服务器，谁也服务不了；
/// 一直等一个已经死掉的服务器的客户端，就卡住了。
public func receive(from connection: Socket, waitingAtMost limit: Duration) throws -> [UInt8]? {
    // 待办：设置超时，接收，把超时变成 nil。
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
///
/// 从监听套接字取走一个正在等待的客户端；没有客户端在等时不等待。
///
/// **要做的：** 把监听套接字切换到非阻塞模式（`setBlocking(false)`，即 Python 的
/// `setblocking(False)`），然后调用 accept()。返回新的连接；没有客户端在等时返回 nil：这时
/// accept() 会立刻抛出错误，`reason` 是 `.wouldBlock`（Python 的 `BlockingIOError`，errno 是
/// EAGAIN）。返回之前把监听套接字改回阻塞模式。其他错误让它传出去。
///
/// **为什么重要：** 非阻塞调用让一个线程照看很多套接字：挨个问一遍，没有数据就去问下一个。
/// select()、poll() 和所有事件循环的底层都是这个想法。
public func acceptIfWaiting(on listener: Socket) throws -> Socket? {
    // 待办：让 accept() 立刻返回，把“会阻塞”变成 nil。
    // TODO: make accept() return at once, and turn "would block" into nil.
    return nil
}
