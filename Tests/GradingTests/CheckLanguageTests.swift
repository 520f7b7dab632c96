import Foundation
import GradingChecks
import Sockets
import Synchronization
import TextUI
import Wire
import XCTest

/// The checks' failure messages in the learner's language: real checks run against
/// deliberately wrong answers, their failures collected through `CheckReport`, in Chinese and
/// with no language set (English, byte for byte as before).
final class CheckLanguageTests: XCTestCase {
    /// Swift the learner writes, which stays as it is in a Chinese message.
    static let learnersSwift: Set<String> = [
        "probe", "sendEverything", "parseTCPHeader", "receive", "recvFrom", "sendTo", "limit",
    ]

    /// Fails with the words when a Chinese message still holds English.
    func assertChinese(_ messages: [String], alsoAllowed: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(messages.isEmpty, "the wrong answer should have failed the check", file: file, line: line)
        for message in messages {
            let words = SentenceAudit.englishWords(in: message, allowed: Self.learnersSwift.union(alsoAllowed))
            XCTAssertEqual(words, [], "English left in: \(message)", file: file, line: line)
        }
    }

    // MARK: Which language

    func testTheEnvironmentChoosesOsilabLangFirstThenTheLocaleThenEnglish() {
        XCTAssertEqual(CheckLanguage.from([:]), .english)
        XCTAssertEqual(CheckLanguage.from(["OSILAB_LANG": "zh"]), .chinese)
        XCTAssertEqual(CheckLanguage.from(["OSILAB_LANG": "en", "LANG": "zh_CN.UTF-8"]), .english)
        XCTAssertEqual(CheckLanguage.from(["OSILAB_LANG": "zh", "LC_ALL": "en_US.UTF-8"]), .chinese)
        XCTAssertEqual(CheckLanguage.from(["LANG": "zh_CN.UTF-8"]), .chinese)
        XCTAssertEqual(CheckLanguage.from(["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]), .english, "LC_ALL=C hides LANG, as POSIX says")
        XCTAssertEqual(CheckLanguage.from(["OSILAB_LANG": "fr", "LC_MESSAGES": "zh_TW"]), .chinese,
                       "a value of OSILAB_LANG that names no language is passed over")
        XCTAssertEqual(CheckLanguage.from(["LANG": "C.UTF-8"]), .english)
    }

    func testCollectingRestoresTheProcessLanguage() {
        let before = CheckLanguage.current
        XCTAssertEqual(before, CheckLanguage.from(ProcessInfo.processInfo.environment))
        let inside = Mutex<Language?>(nil)
        let messages = CheckReport.collecting(before == .chinese ? .english : .chinese) {
            inside.withLock { $0 = CheckLanguage.current }
        }
        XCTAssertEqual(messages, [])
        XCTAssertNotEqual(inside.withLock { $0 }, before)
        XCTAssertEqual(CheckLanguage.current, before)
    }

    // MARK: Chinese

    func testAPartialSendIsExplainedWithItsNumbers() {
        // The mistake: one send(), whatever it took.
        let once: SendAllChecks.SendEverything = { (bytes, send) throws(SocketError) -> Void in _ = try send(bytes[...]) }
        let chinese = CheckReport.collecting(.chinese) { SendAllChecks.sendsTheRestAfterAPartialSend(once) }
        // "hello, world" is 12 bytes; the peer takes at most 3 per send(), and there was one call.
        XCTAssertEqual(chinese, ["你只发出了 12 字节中的 3 字节：send() 每次只收 3 字节，而你在 1 次调用之后就停下了。要用还没发出的字节再次调用它"])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { SendAllChecks.sendsTheRestAfterAPartialSend(once) }
        XCTAssertEqual(english, ["you sent 3 of 12 bytes: send() took only 3 at a time and you stopped after 1 call. "
            + "Call it again with the bytes not sent yet"])
    }

    func testAnUnchangedReplyNamesTheByteThatShouldHaveChanged() {
        let same: UppercaseChecks.Upper = { $0 }
        let chinese = CheckReport.collecting(.chinese) { UppercaseChecks.asciiLetters(same) }
        // Three of the five requests hold lowercase letters; the first differs at byte 0: h (0x68) should be H (0x48).
        XCTAssertEqual(chinese.count, 3, chinese.joined(separator: "\n"))
        XCTAssertEqual(chinese.first, "uppercaseReply(\"hello\") 返回了 \"hello\"，应当是 \"HELLO\"：第 0 个字节应当是 0x48，却是 0x68，没有变。"
            + "a-z 中的每个字母都变成 A-Z。")
        XCTAssertEqual(chinese.last, "uppercaseReply(\"Hello, World 42!\\n\") 返回了 \"Hello, World 42!\\n\"，应当是 \"HELLO, WORLD 42!\\n\"："
            + "第 1 个字节应当是 0x45，却是 0x65，没有变。大写字母、数字、标点和换行都保持原样。")
        // The request's own words stay as the client sent them.
        assertChinese(chinese, alsoAllowed: ["World"])
        let english = CheckReport.collecting(CheckLanguage.from([:])) { UppercaseChecks.asciiLetters(same) }
        XCTAssertEqual(english.first, "uppercaseReply(\"hello\") returned \"hello\", expected \"HELLO\": byte 0 should be 0x48 "
            + "but is 0x68, unchanged. Each of a-z becomes A-Z.")
    }

    func testWindowsNumbersAndThePlaceholderAreToldApart() {
        let windows: ConnectExChecks.Probe = { _, _ in 10061 }
        let chinese = CheckReport.collecting(.chinese) { ConnectExChecks.refusedPort(windows) }
        XCTAssertEqual(chinese, ["probe 返回了 10061：这是 Windows 的 WSAECONNREFUSED，也就是讲义里引用的那个数。"
            + "这里是 Linux：请返回内核给出的 errno，111（ECONNREFUSED）"])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { ConnectExChecks.refusedPort(windows) }
        XCTAssertEqual(english, ["probe returned 10061: that is Windows' WSAECONNREFUSED, the number the notes quote. "
            + "This is Linux: return the errno the kernel gave, 111 (ECONNREFUSED)"])

        // The stub's -1, on the port the check chose: the probe remembers it.
        let asked = Mutex<UInt16>(0)
        let placeholder: ConnectExChecks.Probe = { _, port in
            asked.withLock { $0 = port }
            return -1
        }
        let stub = CheckReport.collecting(.chinese) { ConnectExChecks.refusedPort(placeholder) }
        let port = asked.withLock { $0 }
        XCTAssertNotEqual(port, 0)
        XCTAssertEqual(stub, ["127.0.0.1:\(port) 上没有程序在监听：connect() 会以 ECONNREFUSED（111）失败，probe 应当返回这个数；"
            + "它却返回了 -1（还是练习里的占位值？）"])
        assertChinese(stub)
    }

    /// A correct reading of the fixed 20 bytes, with the source port read the wrong way round.
    static func littleEndianSourcePort(_ bytes: [UInt8]) -> ParsedTCPHeader? {
        guard bytes.count >= 20 else { return nil }
        let length = Int(bytes[12] >> 4) * 4
        guard length >= 20, length <= bytes.count else { return nil }
        func be(_ at: Int, _ count: Int) -> UInt32 { bytes[at..<(at + count)].reduce(0) { $0 << 8 | UInt32($1) } }
        return ParsedTCPHeader(
            sourcePort: UInt16(bytes[0]) | UInt16(bytes[1]) << 8, destinationPort: UInt16(be(2, 2)), sequence: be(4, 4),
            acknowledgment: be(8, 4), headerLength: length, flags: TCPFlags(rawValue: UInt16(bytes[13])), window: UInt16(be(14, 2)))
    }

    func testAByteSwappedFieldIsNamedWithBothValues() {
        // The check's header starts 0x11 0xc1: port 4545, or 0xc111 = 49425 read little-endian.
        let chinese = CheckReport.collecting(.chinese) { TCPHeaderChecks.optionsAndData(Self.littleEndianSourcePort) }
        XCTAssertEqual(chinese, ["一个首部 24 字节、带 3 个数据字节的 SYN：源端口应当是 4545，你读出的却是 49425："
            + "字节是对的，顺序却反了；网络字节序把最高位字节放在最前面"])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { TCPHeaderChecks.optionsAndData(Self.littleEndianSourcePort) }
        XCTAssertEqual(english, ["a SYN with a 24-byte header and 3 data bytes: the source port should be 4545 but you read 49425: "
            + "that is the right bytes in the wrong order; network byte order puts the most significant byte first"])
    }

    func testAHeaderFromTooFewBytesIsShownFieldByField() {
        let header = ParsedTCPHeader(sourcePort: 1, destinationPort: 2, sequence: 3, acknowledgment: 4, headerLength: 20,
                                     flags: [.syn, .ack], window: 5)
        let always: TCPHeaderChecks.Parse = { _ in header }
        let chinese = CheckReport.collecting(.chinese) { TCPHeaderChecks.tooShort(always) }
        XCTAssertEqual(chinese, ["0 个字节不够一个 TCP 首部（至少 20 个），parseTCPHeader 却返回了 "
            + "端口 1 > 2，seq 3，ack 4，首部 20 字节，标志 SYN,ACK，窗口 5"])
        assertChinese(chinese)
        XCTAssertEqual(header.shown(in: .chinese), "端口 1 > 2，seq 3，ack 4，首部 20 字节，标志 SYN,ACK，窗口 5")
        XCTAssertEqual(header.description, "ports 1 > 2, seq 3, ack 4, header 20 bytes, flags SYN,ACK, window 5")
        var none = header
        none.flags = 0
        XCTAssertEqual(none.shown(in: .chinese), "端口 1 > 2，seq 3，ack 4，首部 20 字节，标志 无，窗口 5")
        XCTAssertEqual(none.description, "ports 1 > 2, seq 3, ack 4, header 20 bytes, flags none, window 5")
    }

    /// Layer 1 has a unit too: a dataUnit that knows only frames and up is told what a hub carries.
    func testTheUnitOfLayerOneIsTheBit() {
        let fromTwoUp: (String) -> String? = { name in ["hub", "modem"].contains(name) ? "frame" : nil }
        let english = CheckReport.collecting(CheckLanguage.from([:])) { LayersChecks.dataUnits(fromTwoUp) }
        XCTAssertEqual(english.prefix(2), [
            "dataUnit(of: \"hub\") returned \"frame\", expected \"bit\": layer 1 carries bits: a hub or a modem passes on the signal and knows nothing of frames",
            "dataUnit(of: \"modem\") returned \"frame\", expected \"bit\": layer 1 carries bits: a hub or a modem passes on the signal and knows nothing of frames",
        ])
        let chinese = CheckReport.collecting(.chinese) { LayersChecks.dataUnits(fromTwoUp) }
        XCTAssertTrue(chinese.first?.hasSuffix("第 1 层传的是比特（bit）：集线器、调制解调器只转发信号，不知道什么是帧") ?? false, "\(chinese)")
    }

    func testALayerAnswerNamesBothLayers() {
        let alwaysTwo: (String) -> Int? = { _ in 2 }
        let chinese = CheckReport.collecting(.chinese) { LayersChecks.physicalDevices(alwaysTwo) }
        XCTAssertEqual(chinese, [
            "osiLayer(of: \"repeater\") 返回了 2（数据链路层），但它属于 1（物理层）：它逐位再生信号，对帧一无所知",
            "osiLayer(of: \"hub\") 返回了 2（数据链路层），但它属于 1（物理层）：它把每一位转发到每个端口，就像一个有很多端口的中继器",
            "osiLayer(of: \"modem\") 返回了 2（数据链路层），但它属于 1（物理层）：讲义里 DCE 的例子：它把比特变成线路上的信号",
        ])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { LayersChecks.physicalDevices({ _ in 9 }) }
        XCTAssertEqual(english.first, "osiLayer(of: \"repeater\") returned 9, which is not a layer (they go from 1 to 7), "
            + "but repeater belongs to layer 1 (physical): it regenerates the signal bit by bit and understands nothing of frames")
    }

    func testASocketErrorIsNamedByItsCallAndErrno() {
        let asked = Mutex<UInt16>(0)
        let denied: ListeningSocketChecks.Make = { port in
            asked.withLock { $0 = port }
            throw SocketError(call: "bind", reason: .system(.permissionDenied))
        }
        let chinese = CheckReport.collecting(.chinese) { ListeningSocketChecks.reportsAPortInUse(denied) }
        let port = asked.withLock { $0 }
        XCTAssertEqual(chinese, ["bind() 应当以 EADDRINUSE 失败（端口 \(port) 已被占用），可错误却是：bind() 失败：EACCES（errno 13）。"
            + "1024 以下的端口需要 root（或 CAP_NET_BIND_SERVICE）；请选 1024 到 65535 之间的端口"])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { ListeningSocketChecks.reportsAPortInUse(denied) }
        let again = asked.withLock { $0 }
        let error = SocketError(call: "bind", reason: .system(.permissionDenied))
        XCTAssertEqual(english, ["expected bind() to fail with EADDRINUSE (port \(again) is taken), but the error was: \(error)"])
        XCTAssertEqual("\(error)", "bind() failed: EACCES (errno 13): Permission denied. Ports below 1024 need root "
            + "(or CAP_NET_BIND_SERVICE); pick a port from 1024 to 65535", "English quotes the C library and gives the hint")
    }

    func testAServerThatReturnsAtOnceIsToldSo() {
        let returns: DatagramEchoChecks.Serve = { _, _ in }
        let chinese = CheckReport.collecting(.chinese) { DatagramEchoChecks.echoesADatagram(returns) }
        XCTAssertEqual(chinese, ["一个客户端给你的服务器发了 \"ping\"，却没有收到任何数据报（你的函数此时已经返回了）："
            + "先用 recvFrom 接收，再用 sendTo 发回它返回的那个地址"])
        assertChinese(chinese)
        let english = CheckReport.collecting(CheckLanguage.from([:])) { DatagramEchoChecks.echoesADatagram(returns) }
        XCTAssertEqual(english, ["a client sent \"ping\" to your server and got no datagram back (your function had already returned): "
            + "receive with recvFrom, then sendTo the address it returned"])
    }

    func testALongRequestIsShortenedAndCountedInTheLanguage() {
        // The mistake: returning without accepting the client.
        let returns: EchoServerChecks.Serve = { _ in }
        let chinese = CheckReport.collecting(.chinese) { EchoServerChecks.answersALongMessage(returns) }
        // The request is 2000 copies of a 45-byte sentence; the message shows its first 48 characters.
        let shown = "\"the quick brown fox jumps over the lazy dog. the\""
        XCTAssertEqual(chinese, ["客户端发了 \(shown)...（共 90000 字节），却没有收到回答：你的函数已经返回了。"
            + "先接受连接，再在循环里 recv() 和 send()"])
        assertChinese(chinese, alsoAllowed: ["the", "quick", "brown", "fox", "jumps", "over", "lazy"])
        let english = CheckReport.collecting(CheckLanguage.from([:])) { EchoServerChecks.answersALongMessage(returns) }
        XCTAssertEqual(english, ["the client sent \(shown)... (90000 bytes) and got no answer: your function had already returned. "
            + "Accept the connection, then recv() and send() in a loop"])
    }

    /// Takes the check's whole deadline (5 s): a plain recv() that nothing answers.
    func testAHangSaysWhereItWaitsAndWhatToDo() throws {
        let plain: TimeoutsChecks.Receive = { socket, _ in try socket.recv(maxBytes: 100) }
        let chinese = CheckReport.collecting(.chinese) { TimeoutsChecks.givesUpWhenNothingArrives(plain) }
        XCTAssertEqual(chinese.count, 1, chinese.joined(separator: "\n"))
        let message = try XCTUnwrap(chinese.first)
        let start = "receive(from:waitingAtMost: 0.3 秒) 没有结束：它卡住了 "
        let end = " 秒，还在 recv() 里等待。普通的 recv() 会一直等到有数据到达，不管要等多久：先给套接字设置超时（setTimeout(limit)）"
        XCTAssertTrue(message.hasPrefix(start), message)
        XCTAssertTrue(message.hasSuffix(end), message)
        let waited = Double(message.dropFirst(start.count).dropLast(end.count)) ?? 0
        XCTAssertGreaterThanOrEqual(waited, 5.0, "the check waits its whole deadline before calling it hung: \(message)")
        XCTAssertLessThan(waited, 10.0, message)
        assertChinese(chinese)
        XCTAssertEqual(SentenceAudit.englishWords(in: message, allowed: ["receive", "limit"]), [])
    }

    func testTheLoopOnAClosedConnectionIsExplainedInBothLanguages() {
        XCTAssertEqual(SpinWatch.message(in: .chinese), "recv() 连续 1000 次没有返回任何字节，你的代码却还在不停地调用它：没有字节，"
            + "说明对方已经关闭了连接，以后再也不会有数据来了。recv() 返回空数组时，就该停下（或者抛出错误）")
        XCTAssertEqual(SpinWatch.message, "recv() returned no bytes 1000 times in a row, and your code kept calling it: no bytes means "
            + "the peer has closed the connection, and nothing more will ever come. Stop (or throw) when recv() returns an empty array")
    }
}
