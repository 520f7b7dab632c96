// Exercise 3 of osilab: handshake-segments. Do it after lesson 4, "The three-way handshake".
// Check it with `osilab check handshake-segments` (or `swift test --filter HandshakeSegmentsTests`);
// `osilab hint handshake-segments` gives a hint at a time.
// 练习 3：handshake-segments。学完第 4 课“TCP 三次握手”之后做。
// 用 `osilab check handshake-segments` 检查（或 `swift test --filter HandshakeSegmentsTests`）；
// `osilab hint handshake-segments` 每次给一条提示。
import Timeline
import Wire

/// Finds the three segments of a TCP handshake in a capture.
///
/// **What to do:** `segments` are TCP segments in the order they were captured (each has
/// `source` and `destination` endpoints, `sequence`, `acknowledgment`, `flags`, and the
/// shortcuts `isSYN`, `isSYNACK`, `isRST`). Return the positions (indexes into
/// `segments`) of the first complete handshake:
/// 1. a SYN from a client, with sequence number J;
/// 2. after it, the SYN-ACK that answers it: from that server back to that client, with
///    acknowledgment number J+1; its own sequence number is K;
/// 3. after that, the client's ACK of K+1 (ACK flag, no SYN, acknowledgment K+1).
///
/// Other connections' segments may be mixed in, a SYN may be sent twice, and a SYN may be
/// answered by RST instead. Return nil when no handshake completes. Sequence numbers are
/// `SequenceNumber` values, whose `+ 1` wraps from 4294967295 round to 0, as TCP's do.
///
/// **Why it matters:** the lesson's "SYN J, SYN K + ACK J+1, ACK K+1" is exactly what
/// osilab's capture view checks on every connection. Matching by the numbers, not by the
/// order of arrival, is what makes it right when several connections start at once.
///
/// 在抓包中找出一次 TCP 握手的三个报文段。
///
/// **要做的：** `segments` 是按抓到的顺序排列的 TCP 报文段（每个都有 `source` 和 `destination`
/// 两端、`sequence`、`acknowledgment`、`flags`，以及简便属性 `isSYN`、`isSYNACK`、`isRST`）。
/// 返回第一次完整握手的三个位置（`segments` 的下标）：
/// 1. 客户端发出的 SYN，序号为 J；
/// 2. 在它之后，回答它的 SYN-ACK：从那个服务器发回那个客户端，确认号为 J+1；它自己的序号是 K；
/// 3. 再往后，客户端对 K+1 的 ACK（有 ACK 标志，没有 SYN，确认号为 K+1）。
///
/// 中间可能夹着别的连接的报文段，SYN 可能发了两次，SYN 也可能被 RST 回答。没有完整的握手时返回
/// nil。序号是 `SequenceNumber` 值，它的 `+ 1` 会像 TCP 的序号一样从 4294967295 绕回到 0。
///
/// **为什么重要：** 课上的“SYN J，SYN K + ACK J+1，ACK K+1”正是 osilab 的抓包视图在每个连接上
/// 检查的东西。按编号配对，而不是按到达的顺序，几个连接同时建立时才不会出错。
public func findHandshake(in segments: [Segment]) -> (syn: Int, synAck: Int, ack: Int)? {
    // 待办：对每个 SYN，在它后面找确认号为 J + 1 的 SYN-ACK，再往后找客户端对 K + 1 的 ACK。
    // TODO: for each SYN, look after it for the SYN-ACK whose acknowledgment is J + 1,
    // then after that for the client's ACK of K + 1.
    return nil
}
