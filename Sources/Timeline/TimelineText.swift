import TextUI
import Trace

// Every sentence Timeline writes for the learner (the handshake explanation, the step-mode
// narration, the ladder's notes and call results) in English and Chinese. Protocol names,
// numbers and call names (`SYN`, `J+1`, `connect()`, `TIME_WAIT`, `ECONNREFUSED`) stay as
// they are in both languages: they are what the learner will meet in tcpdump and man pages.
// The English sentences are exactly the ones the lab printed before it spoke Chinese.

/// The id of a sentence Timeline shows.
public enum TimelineText: String, CaseIterable, Sendable {
    // Words put into other sentences
    case sideClient, sideServer, theProgram, theRole, waitedFor, checkHolds, checkFails, checkSeparator
    case stepSYN, stepSYNACK, stepFinalACK, stepData
    // The ladder
    case headerClient, headerServer
    case noteStep1, noteStep2, noteStep3, noteStep3Bare, noteCarriedByData, noteSYNAgain, noteSYNACKAgain, noteRefused
    case noteDataByte, noteDataBytes, noteSentAgain, noteZeroWindow, noteClosesFirst, noteClosesToo, noteLastACK
    case noteReset, noteMidstream, noteOneDatagram, noteAboutDatagram
    case callCalled, callAfter, callStillWaiting, callByte, callBytes
    // The handshake explanation
    case explainNoSYN, explainSteps12, explainSteps12Wrong, explainStep3, explainStep3Wrong, explainStep3Missing
    case explainRelative, explainNoSYNACK
    case explainConnectFailed, explainConnectAtSYNACK, explainConnectAtSYNACKWithACK, explainConnectAfterOther, explainConnectEarly
    case explainAcceptAtACK, explainAcceptAtACKWaited, explainAcceptAtData, explainAcceptAfterOther, explainAcceptEarly
    case explainAcceptStillWaiting, explainAcceptPending, explainDuration
    // Step-mode narration
    case narrateUDP, narrateICMP, narrateICMPAbout, narrateOther, narrateMeanwhile
    case narrateCallsAccept, narrateCallsConnect, narrateCallsRecv, narrateCallsSend, narrateCalls
    case narrateFails, narrateListenPort, narrateListen, narrateAcceptReturns, narrateConnectReturns
    case narrateRecvEnd, narrateRecvBytes, narrateSendReturns, narrateCloses, narrateShutdown, narrateReturns
    case narrateSYN, narrateSYNACK, narrateJPlusOneHolds, narrateJPlusOneBroken
    case narrateACK, narrateACKWithData, narrateKPlusOneHolds, narrateKPlusOneBroken
    case narrateSYNAgain, narrateSYNACKAgain, narrateRefused, narrateData, narrateDataAgain, narrateACKOnly
    case narrateZeroWindow, narrateFINFirst, narrateFINSecond, narrateFinalACK, narrateReset, narrateMidstream
}

/// Timeline's sentences in one language.
public typealias TimelineStrings = StringTable<TimelineText>

extension StringTable where ID == TimelineText {
    /// Timeline's sentences in `language`.
    public static func timeline(_ language: Language) -> TimelineStrings {
        language == .chinese ? TimelineTables.chineseStrings : TimelineTables.englishStrings
    }

    /// `client` or `server` (客户端, 服务器) for a side of the connection.
    func side(_ direction: Direction, sender: Bool) -> String {
        let client = (direction == .clientToServer) == sender
        return self(client ? .sideClient : .sideServer)
    }
}

/// The tables themselves: English and Chinese.
public enum TimelineTables {
    public static let all: [Language: [TimelineText: String]] = [.english: english, .chinese: chinese]
    static let englishStrings = TimelineStrings(.english, tables: all)
    static let chineseStrings = TimelineStrings(.chinese, tables: all)

    static let english: [TimelineText: String] = [
        .sideClient: "client",
        .sideServer: "server",
        .theProgram: "The program",
        .theRole: "The {0}",
        .waitedFor: " after {0}",
        .checkHolds: "{0} ✓",
        .checkFails: "{0} ✗ (expected {1}, got {2})",
        .checkSeparator: ", ",
        .stepSYN: "SYN",
        .stepSYNACK: "SYN-ACK",
        .stepFinalACK: "final ACK",
        .stepData: "data",

        .headerClient: "client {0}",
        .headerServer: "server {0}",
        .noteStep1: "step 1: seq = J",
        .noteStep2: "step 2: seq = K{0}",
        .noteStep3: "step 3: {0}",
        .noteStep3Bare: "step 3:",
        .noteCarriedByData: "{0}, carried by data",
        .noteSYNAgain: "SYN sent again (copy {0}): no SYN-ACK yet",
        .noteSYNACKAgain: "SYN-ACK sent again (copy {0}): the final ACK has not arrived",
        .noteRefused: "refused: nothing listens on port {0}",
        .noteDataByte: "data, {0} byte",
        .noteDataBytes: "data, {0} bytes",
        .noteSentAgain: "sent again: an earlier copy was not acknowledged",
        .noteZeroWindow: "zero window: the receiver's buffer is full",
        .noteClosesFirst: "{0} closes first; it will wait in TIME_WAIT",
        .noteClosesToo: "{0} closes too",
        .noteLastACK: "last ACK: the connection is closed",
        .noteReset: "reset: the connection is aborted",
        .noteMidstream: "(handshake not captured)",
        .noteOneDatagram: "one datagram",
        .noteAboutDatagram: "about the datagram {0} → {1}",
        .callCalled: "{0}() called",
        .callAfter: "{0} after {1}",
        .callStillWaiting: "{0} still waiting",
        .callByte: "{0} = {1} byte",
        .callBytes: "{0} = {1} bytes",

        .explainNoSYN: "The capture holds no SYN for this connection, so its handshake was not seen.",
        .explainSteps12: "Step 1: the client's kernel sent SYN with seq J = {0}. Step 2: the server's kernel answered SYN-ACK with its own seq K = {1} and ack = {2}, which is J+1 as it must be.",
        .explainSteps12Wrong: "Step 1: the client's kernel sent SYN with seq J = {0}. Step 2: the server's kernel answered SYN-ACK with its own seq K = {1} and ack = {2}, which is NOT J+1 ({3}): something rewrote the numbers.",
        .explainStep3: "Step 3: the client's kernel answered with ack = {0} = K+1.",
        .explainStep3Wrong: "Step 3: the client's kernel answered with ack = {0}, which is NOT K+1 ({1}).",
        .explainStep3Missing: "Step 3 never reached the capture: the handshake is incomplete.",
        .explainRelative: "The ladder shows relative numbers (J and K count as 0, as Wireshark does); add --absolute for the raw 32-bit values.",
        .explainNoSYNACK: "The client sent SYN (seq J = {0}), but no SYN-ACK came back.",
        .explainConnectFailed: "connect() failed with {0}.",
        .explainConnectAtSYNACK: "connect() returned {0} after the SYN-ACK (step 2) arrived. So connect() returns at step 2.",
        .explainConnectAtSYNACKWithACK: "connect() returned {0} after the SYN-ACK (step 2) arrived; the client's kernel sent the final ACK itself while handling the SYN-ACK, {1} before connect() returned, without waiting for anything more from the server. So connect() returns at step 2.",
        .explainConnectAfterOther: "connect() returned after the server's {0}, not after the SYN-ACK: this is not what the lesson expects, so look at the ladder closely.",
        .explainConnectEarly: "connect() returned before any packet from the server was captured, which the capture cannot explain (were packets dropped? see the statistics).",
        .explainAcceptAtACK: "accept() returned {0} after the final ACK (step 3) arrived: only then did the server's kernel move the connection to the accept queue. So accept() returns at step 3.",
        .explainAcceptAtACKWaited: "accept() returned {0} after the final ACK (step 3) arrived: only then did the server's kernel move the connection to the accept queue; it had been waiting since before the SYN. So accept() returns at step 3.",
        .explainAcceptAtData: "accept() returned after the client's first data segment, which also carried the acknowledgment (step 3); this happens when the pure ACK is lost or deferred (TCP_DEFER_ACCEPT).",
        .explainAcceptAfterOther: "accept() returned after the client's {0}, before any final ACK was captured: not what the lesson expects.",
        .explainAcceptEarly: "accept() returned before any packet from the client was captured.",
        .explainAcceptStillWaiting: "accept() is still waiting.",
        .explainAcceptPending: "accept() is still waiting: the server's kernel has not completed the handshake.",
        .explainDuration: "The whole handshake took {0} (SYN to SYN-ACK {1}): on loopback everything happens within microseconds, and the order of nearby events is all the timestamps can show. For proof that accept() waits for step 3, hold the ACK back: osilab experiment drop-final-ack.",

        .narrateUDP: "A UDP datagram of {0} bytes from {1} to {2}: no handshake came before it, and it arrives as one message.",
        .narrateICMP: "{0} answers with ICMP {1}.",
        .narrateICMPAbout: "{0} answers with ICMP {1}, about the datagram {2} → {3}.",
        .narrateOther: "A packet that is not TCP: {0}.",
        .narrateMeanwhile: "Meanwhile: {0}.",
        .narrateCallsAccept: "{0} calls accept(). No finished connection waits in its accept queue yet, so the call blocks.",
        .narrateCallsConnect: "{0} calls connect(). Its kernel sends a SYN, and the call waits for the answer.",
        .narrateCallsRecv: "{0} calls {1}() and waits for data to arrive.",
        .narrateCallsSend: "{0} calls {1}() to hand bytes to its kernel.",
        .narrateCalls: "{0} calls {1}().",
        .narrateFails: "{0}() fails with {1} (errno {2}).",
        .narrateListenPort: "listen() returns: from now on the server's kernel answers SYNs to port {0} by itself.",
        .narrateListen: "listen() returns: from now on the server's kernel answers SYNs by itself.",
        .narrateAcceptReturns: "accept() returns fd {0}{1}: the final ACK moved the connection to the accept queue, and accept() took it.",
        .narrateConnectReturns: "connect() returns 0{0}: the SYN-ACK has arrived, so the client's side of the connection is established.",
        .narrateRecvEnd: "{0}() returns 0: the peer's FIN arrived; there will be no more data (end of file).",
        .narrateRecvBytes: "{0}() returns {1} bytes{2}.",
        .narrateSendReturns: "{0}() returns {1}: the kernel took the bytes; it sends them on its own schedule.",
        .narrateCloses: "{0} calls close(); its kernel finishes the connection on its own, normally with a FIN.",
        .narrateShutdown: "shutdown({0}) returns: this direction is closed and the kernel sends a FIN.",
        .narrateReturns: "{0}() returns {1}.",
        .narrateSYN: "Step 1: the client's kernel sends SYN with its initial sequence number J = {0}.",
        .narrateSYNACK: "Step 2: the server's kernel, not accept(), answers SYN-ACK with its own K = {0} and ack = {1} ({2}).",
        .narrateJPlusOneHolds: "J+1, as it must",
        .narrateJPlusOneBroken: "not J+1!",
        .narrateACK: "Step 3: the client's kernel acknowledges with ack = {0} ({1}); it sends this by itself while handling the SYN-ACK.",
        .narrateACKWithData: "Step 3: the client's kernel acknowledges with ack = {0} ({1}), on a segment that also carries data.",
        .narrateKPlusOneHolds: "K+1",
        .narrateKPlusOneBroken: "not K+1!",
        .narrateSYNAgain: "The client's kernel sends its SYN again: no SYN-ACK came back in time.",
        .narrateSYNACKAgain: "The server's kernel sends its SYN-ACK again: the final ACK has not reached it, so accept() keeps waiting.",
        .narrateRefused: "The server's kernel answers the SYN with RST: nothing listens on port {0}. connect() will fail with ECONNREFUSED.",
        .narrateData: "The {0}'s kernel sends {1} bytes of data to the {2}.",
        .narrateDataAgain: "The {0}'s kernel sends data again: an earlier copy was not acknowledged in time.",
        .narrateACKOnly: "The {0}'s kernel acknowledges what it has received (ack = {1}).",
        .narrateZeroWindow: "The {0} advertises a zero window: its receive buffer is full, so the {1} must wait.",
        .narrateFINFirst: "The {0}'s kernel sends FIN: the {0} has closed its sending side. It closed first, so it will wait in TIME_WAIT.",
        .narrateFINSecond: "The {0}'s kernel sends its own FIN: now both directions are closing.",
        .narrateFinalACK: "The {0}'s kernel acknowledges the last FIN: the connection is closed.",
        .narrateReset: "The {0}'s kernel sends RST: the connection is aborted at once.",
        .narrateMidstream: "A segment of a connection whose handshake was not captured.",
    ]

    // The words of the Chinese lessons: 报文段 (segment), 最后的 ACK, accept 队列, 时间线
    // (the ladder), 回环接口. No space between Chinese words; a space around Latin words
    // and numbers.
    static let chinese: [TimelineText: String] = [
        .sideClient: "客户端",
        .sideServer: "服务器",
        .theProgram: "程序",
        .theRole: "{0}",
        .waitedFor: "（等了 {0}）",
        .checkHolds: "{0} ✓",
        .checkFails: "{0} ✗（应为 {1}，实为 {2}）",
        .checkSeparator: "，",
        .stepSYN: "SYN",
        .stepSYNACK: "SYN-ACK",
        .stepFinalACK: "最后的 ACK",
        .stepData: "数据",

        .headerClient: "客户端 {0}",
        .headerServer: "服务器 {0}",
        .noteStep1: "第 1 步：seq = J",
        .noteStep2: "第 2 步：seq = K{0}",
        .noteStep3: "第 3 步：{0}",
        .noteStep3Bare: "第 3 步",
        .noteCarriedByData: "{0}，由数据报文段捎带",
        .noteSYNAgain: "重发 SYN（第 {0} 份）：还没有收到 SYN-ACK",
        .noteSYNACKAgain: "重发 SYN-ACK（第 {0} 份）：最后的 ACK 还没到",
        .noteRefused: "被拒绝：端口 {0} 上没有程序在监听",
        .noteDataByte: "数据，{0} 字节",
        .noteDataBytes: "数据，{0} 字节",
        .noteSentAgain: "重传：之前发出的那份没有得到确认",
        .noteZeroWindow: "零窗口：接收方的缓冲区满了",
        .noteClosesFirst: "{0}先关闭，之后要在 TIME_WAIT 状态等待",
        .noteClosesToo: "{0}也关闭了",
        .noteLastACK: "最后一个 ACK：连接关闭了",
        .noteReset: "复位：连接被中止",
        .noteMidstream: "（没有抓到握手）",
        .noteOneDatagram: "一个数据报",
        .noteAboutDatagram: "针对数据报 {0} → {1}",
        .callCalled: "调用 {0}()",
        .callAfter: "{0}，等了 {1}",
        .callStillWaiting: "{0} 仍在等待",
        .callByte: "{0} = {1} 字节",
        .callBytes: "{0} = {1} 字节",

        .explainNoSYN: "抓包里没有这个连接的 SYN，所以看不到它的握手。",
        .explainSteps12: "第 1 步：客户端的内核发出 SYN，seq J = {0}。第 2 步：服务器的内核回应 SYN-ACK，带上自己的 seq K = {1}，ack = {2}，正好是 J+1，理应如此。",
        .explainSteps12Wrong: "第 1 步：客户端的内核发出 SYN，seq J = {0}。第 2 步：服务器的内核回应 SYN-ACK，带上自己的 seq K = {1}，ack = {2}，却不是 J+1（{3}）：有什么东西改写了这些编号。",
        .explainStep3: "第 3 步：客户端的内核回应 ack = {0} = K+1。",
        .explainStep3Wrong: "第 3 步：客户端的内核回应 ack = {0}，不是 K+1（{1}）。",
        .explainStep3Missing: "抓包里没有第 3 步：握手没有完成。",
        .explainRelative: "时间线上显示的是相对编号（J 和 K 都记作 0，和 Wireshark 的默认做法一样）；加上 --absolute 可以看到原始的 32 位数值。",
        .explainNoSYNACK: "客户端发出了 SYN（seq J = {0}），但没有等到 SYN-ACK。",
        .explainConnectFailed: "connect() 失败了，错误是 {0}。",
        .explainConnectAtSYNACK: "SYN-ACK（第 2 步）到达 {0} 之后，connect() 返回。所以 connect() 在第 2 步返回。",
        .explainConnectAtSYNACKWithACK: "SYN-ACK（第 2 步）到达 {0} 之后，connect() 返回；客户端的内核在处理 SYN-ACK 时就自己发出了最后的 ACK，比 connect() 返回早 {1}，并没有再等服务器的任何回应。所以 connect() 在第 2 步返回。",
        .explainConnectAfterOther: "connect() 是在服务器的 {0} 之后返回的，而不是在 SYN-ACK 之后：这和课上讲的不一样，请仔细看看时间线。",
        .explainConnectEarly: "还没抓到服务器发来的任何报文，connect() 就返回了，抓包解释不了这一点（是不是丢包了？看看最后的统计数字）。",
        .explainAcceptAtACK: "最后的 ACK（第 3 步）到达 {0} 之后，accept() 返回：直到这时，服务器的内核才把连接移入 accept 队列。所以 accept() 在第 3 步返回。",
        .explainAcceptAtACKWaited: "最后的 ACK（第 3 步）到达 {0} 之后，accept() 返回：直到这时，服务器的内核才把连接移入 accept 队列；而 accept() 在 SYN 到来之前就已经在等了。所以 accept() 在第 3 步返回。",
        .explainAcceptAtData: "accept() 是在客户端的第一个数据报文段之后返回的，这个报文段同时带着确认（第 3 步）；单独的 ACK 丢失或被推迟（TCP_DEFER_ACCEPT）时就会这样。",
        .explainAcceptAfterOther: "accept() 在客户端的 {0} 之后就返回了，这时还没有抓到最后的 ACK：和课上讲的不一样。",
        .explainAcceptEarly: "还没抓到客户端发来的任何报文，accept() 就返回了。",
        .explainAcceptStillWaiting: "accept() 还在等待。",
        .explainAcceptPending: "accept() 还在等待：服务器的内核还没有完成握手。",
        .explainDuration: "整个握手只用了 {0}（从 SYN 到 SYN-ACK 用了 {1}）：在回环接口上，一切都在几微秒内发生，时间戳能说明的只是相邻事件的先后。要证明 accept() 在等第 3 步，就把 ACK 扣下来：osilab experiment drop-final-ack。",

        .narrateUDP: "一个 {0} 字节的 UDP 数据报，从 {1} 发往 {2}：它之前没有握手，到达时就是一条完整的消息。",
        .narrateICMP: "{0} 回应了 ICMP {1}。",
        .narrateICMPAbout: "{0} 回应了 ICMP {1}，针对的是数据报 {2} → {3}。",
        .narrateOther: "一个不是 TCP 的报文：{0}。",
        .narrateMeanwhile: "与此同时：{0}。",
        .narrateCallsAccept: "{0}调用 accept()。它的 accept 队列里还没有已经建立的连接，所以这个调用阻塞了。",
        .narrateCallsConnect: "{0}调用 connect()。它的内核发出 SYN，这个调用等待对方的回应。",
        .narrateCallsRecv: "{0}调用 {1}()，等待数据到达。",
        .narrateCallsSend: "{0}调用 {1}()，把字节交给自己的内核。",
        .narrateCalls: "{0}调用 {1}()。",
        .narrateFails: "{0}() 失败了，错误是 {1}（errno {2}）。",
        .narrateListenPort: "listen() 返回：从现在起，服务器的内核会自己应答发往端口 {0} 的 SYN。",
        .narrateListen: "listen() 返回：从现在起，服务器的内核会自己应答 SYN。",
        .narrateAcceptReturns: "accept() 返回 fd {0}{1}：最后的 ACK 把连接移入了 accept 队列，accept() 把它取走了。",
        .narrateConnectReturns: "connect() 返回 0{0}：SYN-ACK 已经到达，客户端这一侧的连接建立了。",
        .narrateRecvEnd: "{0}() 返回 0：对方的 FIN 到了，不会再有数据了（文件结束）。",
        .narrateRecvBytes: "{0}() 返回 {1} 字节{2}。",
        .narrateSendReturns: "{0}() 返回 {1}：内核收下了这些字节，什么时候发出去由它自己安排。",
        .narrateCloses: "{0}调用 close()；它的内核会自己把连接收尾，通常是发出 FIN。",
        .narrateShutdown: "shutdown({0}) 返回：这个方向关闭了，内核发出 FIN。",
        .narrateReturns: "{0}() 返回 {1}。",
        .narrateSYN: "第 1 步：客户端的内核发出 SYN，带着它的初始序列号 J = {0}。",
        .narrateSYNACK: "第 2 步：回应 SYN-ACK 的是服务器的内核，不是 accept()，它带着自己的 K = {0} 和 ack = {1}（{2}）。",
        .narrateJPlusOneHolds: "正是 J+1，理应如此",
        .narrateJPlusOneBroken: "不是 J+1！",
        .narrateACK: "第 3 步：客户端的内核用 ack = {0} 确认（{1}）；这是它在处理 SYN-ACK 时自己发出的。",
        .narrateACKWithData: "第 3 步：客户端的内核用 ack = {0} 确认（{1}），这个报文段同时还带着数据。",
        .narrateKPlusOneHolds: "正是 K+1",
        .narrateKPlusOneBroken: "不是 K+1！",
        .narrateSYNAgain: "客户端的内核重发 SYN：SYN-ACK 没有及时回来。",
        .narrateSYNACKAgain: "服务器的内核重发 SYN-ACK：最后的 ACK 没有到达，所以 accept() 还在等。",
        .narrateRefused: "服务器的内核用 RST 回应 SYN：端口 {0} 上没有程序在监听。connect() 将以 ECONNREFUSED 失败。",
        .narrateData: "{0}的内核向{2}发送 {1} 字节数据。",
        .narrateDataAgain: "{0}的内核重发数据：之前那份没有及时得到确认。",
        .narrateACKOnly: "{0}的内核确认已经收到的数据（ack = {1}）。",
        .narrateZeroWindow: "{0}通告零窗口：它的接收缓冲区满了，{1}只能等待。",
        .narrateFINFirst: "{0}的内核发出 FIN：{0}关闭了自己的发送方向。它先关闭，所以之后要在 TIME_WAIT 状态等待。",
        .narrateFINSecond: "{0}的内核也发出自己的 FIN：现在两个方向都在关闭。",
        .narrateFinalACK: "{0}的内核确认了最后一个 FIN：连接关闭了。",
        .narrateReset: "{0}的内核发出 RST：连接立即中止。",
        .narrateMidstream: "这个报文段所属的连接，握手没有被抓到。",
    ]
}

extension PacketText {
    /// What the segment means, with the handshake arithmetic checked, in `strings`' language
    /// (the ladder's note column). In English it is exactly ``note(_:numbers:)``.
    public static func note(_ annotated: AnnotatedSegment, numbers: NumberStyle, strings: TimelineStrings) -> String? {
        let checks = annotated.checks.map { check in
            check.holds
                ? strings(.checkHolds, check.rule)
                : strings(.checkFails, check.rule, "\(check.expected)", "\(check.actual)")
        }
        let separator = strings(.checkSeparator)
        switch annotated.role {
        case .handshakeSYN:
            return strings(.noteStep1)
        case .handshakeSYNACK:
            return strings(.noteStep2, checks.map { separator + $0 }.joined())
        case .handshakeACK(let carriesData):
            let base = checks.isEmpty ? strings(.noteStep3Bare) : strings(.noteStep3, checks.joined(separator: separator))
            return carriesData ? strings(.noteCarriedByData, base) : base
        case .synRetransmission:
            return strings(.noteSYNAgain, String(annotated.copy))
        case .synAckRetransmission:
            return strings(.noteSYNACKAgain, String(annotated.copy))
        case .refused:
            return strings(.noteRefused, String(annotated.server.port))
        case .data:
            let length = annotated.segment.payloadLength
            return strings(length == 1 ? .noteDataByte : .noteDataBytes, String(length))
        case .retransmission:
            return strings(.noteSentAgain)
        case .ack:
            return nil
        case .zeroWindow:
            return strings(.noteZeroWindow)
        case .fin(let first):
            let side = strings.side(annotated.direction, sender: true)
            return strings(first ? .noteClosesFirst : .noteClosesToo, side)
        case .finalAck:
            return strings(.noteLastACK)
        case .reset:
            return strings(.noteReset)
        case .midstream:
            return strings(.noteMidstream)
        }
    }

    /// `connect() = 0 after 249 µs` (`connect() = 0，等了 249 µs`), in `strings`' language.
    /// In English it is exactly ``callResult(_:)``.
    public static func callResult(_ record: SyscallRecord, strings: TimelineStrings) -> String {
        let arguments = record.call == .listen || record.call == .shutdown ? record.detail : ""
        let name = "\(record.call)(\(arguments))"
        var text: String
        switch record.outcome {
        case .returned(let value)?:
            switch record.call {
            case .accept: text = "\(name) = fd \(value)"
            case .send, .recv, .sendto, .recvfrom, .sendfile: text = strings(value == 1 ? .callByte : .callBytes, name, String(value))
            default: text = "\(name) = \(value)"
            }
        case .failed(let errno, let errorName)?:
            text = "\(name) = -1 \(errorName) (\(errno))"
        case nil:
            text = strings(.callStillWaiting, name)
        }
        if Ladder.blockingCalls.contains(record.call), let blocked = record.blockedNanoseconds, blocked >= 1_000 {
            text = strings(.callAfter, text, formatDuration(nanoseconds: blocked))
        }
        return text
    }
}
