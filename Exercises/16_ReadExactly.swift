// Exercise 16 of osilab: read-exactly. Do it after lesson 10, "Message boundaries, 粘包 and framing".
// Check it with `osilab check read-exactly` (or `swift test --filter ReadExactlyTests`);
// `osilab hint read-exactly` gives a hint at a time.
// 练习 16：read-exactly。学完第 10 课“消息边界、粘包与分帧”之后做。
// 用 `osilab check read-exactly` 检查（或 `swift test --filter ReadExactlyTests`）；
// `osilab hint read-exactly` 每次给一条提示。
import Sockets

/// The connection closed before the bytes asked for had all arrived. (Given: nothing to do here.)
public struct ConnectionClosedEarly: Error, Equatable, Sendable {
    public var received: Int
    public var expected: Int
    public init(received: Int, expected: Int) {
        self.received = received
        self.expected = expected
    }
}

/// Lesson 10's `recv_exactly`: receives exactly `count` bytes, however they are split.
///
/// **What to do:** call recv() until you have `count` bytes, and return them. Ask each
/// time for at most the number of bytes still missing, so that you never take bytes that
/// belong to the next message. If recv() returns no bytes before you have them all, the
/// peer has closed: throw `ConnectionClosedEarly`. For a count of 0, return no bytes
/// without calling recv() at all.
///
/// **Why it matters:** TCP is a byte stream: a 12-byte message can arrive as 3 + 5 + 4
/// bytes, and it can arrive stuck to the start of the next one. One recv() returns
/// whatever has arrived, never "one message". Every framed protocol (exercise
/// length-prefix, HTTP bodies, the notes' file transfer) rests on this loop.
///
/// 第 10 课的 `recv_exactly`：恰好接收 `count` 个字节，不管它们是怎样被拆开的。
///
/// **要做的：** 反复调用 recv()，直到收到 `count` 个字节，然后返回它们。每次最多只要还缺的那么多
/// 字节，这样就决不会拿走属于下一条消息的字节。如果收全之前 recv() 没有返回任何字节，说明对方
/// 关闭了：抛出 `ConnectionClosedEarly`。count 为 0 时，不调用 recv()，直接返回空的字节。
///
/// **为什么重要：** TCP 是字节流：一条 12 字节的消息可能分成 3 + 5 + 4 个字节到达，也可能和下一条
/// 消息的开头粘在一起到达。一次 recv() 返回的是已经到达的所有东西，决不是“一条消息”。每一种
/// 分帧的协议（练习 length-prefix、HTTP 的消息体、笔记中的文件传输）都建立在这个循环之上。
public func receiveExactly(_ count: Int, from connection: Socket) throws -> [UInt8] {
    // 待办：循环直到收到 `count` 个字节；对方先关闭就抛出错误。
    // TODO: loop until `count` bytes have arrived; throw if the peer closes first.
    return try connection.recv(maxBytes: count)
}
