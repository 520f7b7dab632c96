// Exercise 17 of osilab: length-prefix. Do it after lesson 10, "Message boundaries, 粘包 and framing",
// and exercise read-exactly.
// Check it with `osilab check length-prefix` (or `swift test --filter LengthPrefixTests`);
// `osilab hint length-prefix` gives a hint at a time.
// 练习 17：length-prefix。学完第 10 课“消息边界、粘包与分帧”和练习 read-exactly之后做。
// 用 `osilab check length-prefix` 检查（或 `swift test --filter LengthPrefixTests`）；
// `osilab hint length-prefix` 每次给一条提示。

/// Frames one message for a TCP byte stream, with a length prefix.
///
/// **What to do:** return the message's length in bytes, UTF-8 bytes not characters, as a
/// 4-byte unsigned number in network byte order (big-endian, Python's `struct.pack("!I", n)`),
/// followed by the message's UTF-8 bytes. "5" becomes `00 00 00 01 35`; "中" is three
/// bytes in UTF-8, so it becomes `00 00 00 03 e4 b8 ad`.
///
/// **Why it matters:** TCP keeps no message boundaries (粘包, "sticky packets"). With a
/// length in front, the receiver always knows where a message ends, with no delimiter to
/// escape and no acknowledgement round trip as in the notes' remote command exchange.
///
/// 为 TCP 字节流给一条消息分帧：在前面加上长度。
///
/// **要做的：** 返回消息的字节长度（UTF-8 字节数，不是字符数），写成 4 字节的无符号数，网络字节序
/// （大端序，即 Python 的 `struct.pack("!I", n)`），后面跟着消息的 UTF-8 字节。"5" 变成
/// `00 00 00 01 35`；"中" 在 UTF-8 中是三个字节，所以变成 `00 00 00 03 e4 b8 ad`。
///
/// **为什么重要：** TCP 不保留消息边界（粘包）。前面有了长度，接收方总能知道一条消息在哪里结束，
/// 既不需要转义分隔符，也不需要像笔记中的远程命令交换那样多一次确认的往返。
public func frame(_ message: String) -> [UInt8] {
    // 待办：在 UTF-8 字节前面加上 4 字节、大端序的字节数。
    // TODO: put the 4-byte big-endian byte count in front of the UTF-8 bytes.
    return Array(message.utf8)
}

/// Reads length-prefixed messages from a byte stream that arrives in arbitrary chunks.
///
/// **What to do:** `feed` gets the next chunk of the stream, as one recv() returned it.
/// Chunks are cut anywhere: several messages can come in one chunk, one message can be
/// spread over many, and a cut can fall inside the 4-byte length or inside a character.
/// Keep the bytes that do not yet make a whole message for the next call; return every
/// message the new chunk completes, decoded from UTF-8 only when all its bytes are there,
/// in order (an empty array when none is complete yet).
///
/// **Why it matters:** this is the receiving half of framing, the fix for lesson 10's
/// sticky packets and split characters. Whatever the network does to the chunks, the
/// messages come out exactly as they were sent.
///
/// 从任意分块到达的字节流中读出带长度前缀的消息。
///
/// **要做的：** `feed` 拿到字节流的下一块，就是一次 recv() 返回的那样。分块可能切在任何地方：一块
/// 里可能有好几条消息，一条消息可能分散在很多块里，切口也可能落在 4 字节的长度中间或一个字符
/// 中间。还凑不成完整消息的字节要留到下一次调用；返回这一块补全的每一条消息，按顺序，而且只在
/// 一条消息的字节全部到齐后才解码 UTF-8（一条都不完整时返回空数组）。
///
/// **为什么重要：** 这是分帧的接收一半，也是第 10 课粘包和字符被拆开的解决办法。不管网络把分块
/// 弄成什么样，消息出来时都和发出时一模一样。
public struct MessageReader {
    /// Bytes received but not yet part of a whole message.
    private var buffered: [UInt8] = []

    public init() {}

    public mutating func feed(_ chunk: [UInt8]) -> [String] {
        // 待办：把这一块加到 `buffered` 后面；只要里面有一条完整的消息（4 字节的长度，再跟着那么多
        // 字节），就把它取出来、解码，加到结果里。
        // TODO: add the chunk to `buffered`; while it holds a whole message (4-byte length,
        // then that many bytes), take it out, decode it and add it to the result.
        return [String(decoding: chunk, as: UTF8.self)]
    }
}
