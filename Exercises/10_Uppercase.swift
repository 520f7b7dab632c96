// Exercise 10 of osilab: uppercase. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check uppercase` (or `swift test --filter UppercaseTests`);
// `osilab hint uppercase` gives a hint at a time.
// 练习 10：uppercase。学完第 9 课“笔记中的三个程序”之后做。
// 用 `osilab check uppercase` 检查（或 `swift test --filter UppercaseTests`）；
// `osilab hint uppercase` 每次给一条提示。

/// The reply of the notes' echo server: the bytes it received, in upper case.
///
/// **What to do:** return `data` with every ASCII lower-case letter (a to z, the bytes
/// 0x61 to 0x7a) turned into its upper-case letter (0x41 to 0x5a), and every other byte
/// left exactly as it was. This is what Python's `bytes.upper()` does in the notes'
/// server (`conn.send(data.upper())`).
///
/// **Why it matters:** the server works on bytes, not on text. Bytes from the network
/// need not be valid UTF-8 at all, and a recv() can end in the middle of a character, so
/// the server must not decode them. It also keeps the reply exactly as long as the
/// request, which is what lets a client know how much to wait for. (`String.uppercased()`
/// changes "ß" into "SS": one byte more, and a client counting bytes would wait forever.)
///
/// 笔记中回显服务器的回答：把收到的字节变成大写。
///
/// **要做的：** 返回 `data`，其中每个 ASCII 小写字母（a 到 z，即字节 0x61 到 0x7a）都变成对应的
/// 大写字母（0x41 到 0x5a），其他字节保持原样。这就是笔记中的服务器里 Python 的 `bytes.upper()`
/// 做的事（`conn.send(data.upper())`）。
///
/// **为什么重要：** 服务器处理的是字节，不是文本。来自网络的字节不一定是合法的 UTF-8，一次
/// recv() 也可能停在一个字符的中间，所以服务器不能解码它们。这样回答也和请求一样长，客户端才
/// 知道要等多少字节。（`String.uppercased()` 会把 "ß" 变成 "SS"：多了一个字节，按字节计数的
/// 客户端就会永远等下去。）
public func uppercaseReply(_ data: [UInt8]) -> [UInt8] {
    // 待办：把 "a" 到 "z" 的字节改成 "A" 到 "Z" 的字节；其他字节不变。
    // TODO: change the bytes of "a" to "z" into those of "A" to "Z"; keep every other byte.
    return data
}
