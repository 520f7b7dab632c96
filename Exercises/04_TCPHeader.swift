// Exercise 4 of osilab: tcp-header. Do it after lesson 4, "The three-way handshake".
// Check it with `osilab check tcp-header` (or `swift test --filter TCPHeaderTests`);
// `osilab hint tcp-header` gives a hint at a time.
// 练习 4：tcp-header。学完第 4 课“TCP 三次握手”之后做。
// 用 `osilab check tcp-header` 检查（或 `swift test --filter TCPHeaderTests`）；
// `osilab hint tcp-header` 每次给一条提示。
import Wire

/// The fixed fields of a TCP header. (Given: nothing to do here.)
public struct TCPHeaderFields: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The header's length in bytes, options included: the data offset times 4 (20 to 60).
    public var headerLength: Int
    /// The flags in byte 13: `TCPFlags(rawValue: UInt16(byte13))` (`.syn`, `.ack`, `.fin`, ...).
    public var flags: TCPFlags
    public var window: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32,
                headerLength: Int, flags: TCPFlags, window: UInt16) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.headerLength = headerLength
        self.flags = flags
        self.window = window
    }
}

/// Reads the TCP header at the start of `bytes` (the header, then maybe data after it).
///
/// **What to do:** the header's layout (RFC 9293), byte by byte:
///
/// ```
///  0-1  source port          2-3  destination port
///  4-7  sequence number      8-11 acknowledgment number
///  12   data offset in the high 4 bits: the header length in 32-bit words
///  13   flags: CWR ECE URG ACK PSH RST SYN FIN, from the high bit to the low
///  14-15 window              16-17 checksum      18-19 urgent pointer
///  20-  options, up to the header length
/// ```
///
/// Every number is in network byte order (big-endian: the first byte is the most
/// significant). Return nil, and never crash, when the bytes cannot be a header: fewer
/// than 20 bytes, a data offset below 5 (less than 20 bytes), or a header length longer
/// than the bytes you were given.
///
/// **Why it matters:** this is what osilab's capture view does for every packet, and what
/// every packet parser must do safely: the bytes come from the network, so they can say
/// anything. A parser that trusts a length field reads past the end of its buffer: in C
/// that is a security hole, in Swift a crash.
///
/// 读出 `bytes` 开头的 TCP 首部（首部后面可能还跟着数据）。
///
/// **要做的：** 首部的布局见上面的表（RFC 9293）：0-1 源端口，2-3 目的端口，4-7 序号，8-11 确认号，
/// 12 的高 4 位是数据偏移（以 32 位字为单位的首部长度），13 是标志（从高位到低位：CWR ECE URG ACK
/// PSH RST SYN FIN），14-15 窗口，16-17 校验和，18-19 紧急指针，20 起是选项，直到首部长度为止。
///
/// 所有数字都是网络字节序（大端序：第一个字节最高位）。当这些字节不可能是首部时返回 nil，而且
/// 决不能崩溃：不到 20 个字节，数据偏移小于 5（不到 20 个字节），或者首部长度比给你的字节还长。
///
/// **为什么重要：** osilab 的抓包视图对每个报文都要做这件事，每个报文解析器也都必须安全地做：
/// 字节来自网络，里面可能写着任何东西。相信长度字段的解析器会读过缓冲区的末尾：在 C 里那是安全
/// 漏洞，在 Swift 里就是崩溃。
public func parseTCPHeader(_ bytes: [UInt8]) -> TCPHeaderFields? {
    // 待办：先检查长度，再读出每个字段，最高位的字节在前。
    // TODO: check the length first, then read each field, most significant byte first.
    return nil
}
