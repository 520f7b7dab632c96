import Foundation
import Labs
import Sockets
import TextUI
import XCTest

/// The labs for a learner who reads Chinese: real servers on loopback with Chinese logs,
/// driven by real clients with Chinese consoles. What goes over the wire is protocol and
/// must not change: each test also runs the English server and compares the bytes.
final class ChineseLabsTests: XCTestCase {
    /// The programs the remote lab runs by default, as its refusal lists them.
    let allowList = "date, echo, hostname, id, ls, pwd, uname, whoami"
    /// Command names a Chinese line may hold as they are: the ones the learner typed and the allow-list.
    let commandNames: Set<String> = ["rm", "date", "echo", "hostname", "id", "ls", "pwd", "uname", "whoami"]

    /// Lines without their time stamp (`[14:03:27.512] `).
    func untimed(_ lines: [String]) -> [String] {
        lines.map { line in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return line }
            return String(line[line.index(close, offsetBy: 2)...])
        }
    }

    /// No English words in `lines` but `allowed` and the units of a byte count (`3.4 KiB`).
    func assertChinese(_ lines: [String], allowed: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
        let words = SentenceAudit.englishWords(in: lines.joined(separator: "\n"), allowed: allowed.union(["KiB", "MiB"]))
        XCTAssertEqual(words, [], "English left in:\n" + lines.joined(separator: "\n"), file: file, line: line)
    }

    /// One remote or files exchange on a raw socket, as the bytes arrive: the announcement,
    /// then (after an acknowledgement) everything until `count` bytes or the end.
    func exchange(_ request: String, port: UInt16) throws -> (announced: [UInt8], body: [UInt8]) {
        let socket = try rawClient(port: port)
        defer { socket.close() }
        try socket.sendAll(Array(request.utf8))
        let announced = try receiveAnswer(socket)
        try socket.sendAll(Array("ack".utf8))
        guard let size = Int(text(announced)) else { return (announced, []) }
        return (announced, try receive(size, from: socket))
    }

    // MARK: Echo

    func testEchoServerLogsInChineseAndAnswersTheSameBytes() throws {
        let chinese = try ServerUnderTest(EchoService(), language: .chinese)
        let english = try ServerUnderTest(EchoService())
        defer { english.server.stop() }
        let line = "hello 你好"
        let count = line.utf8.count   // 5 + 1 + 2 × 3
        var replies: [[UInt8]] = []
        for lab in [chinese, english] {
            let socket = try rawClient(port: lab.port)
            try socket.sendAll(Array(line.utf8))
            replies.append(try receive(count, from: socket))
            socket.close()
            lab.eventually("the connection should end") { lab.log.contains { $0.contains("#1 ") && ($0.contains("结束") || $0.contains("ended")) } }
        }
        XCTAssertEqual(replies[0], Array("HELLO 你好".utf8), "the echo is the same whatever the log speaks")
        XCTAssertEqual(replies[0], replies[1])

        let summary = chinese.server.stop()
        let log = untimed(chinese.log)
        XCTAssertTrue(log[0].hasPrefix("#1 已连接，对方是 127.0.0.1:"), "\(log)")
        XCTAssertEqual(log[1], "#1 recv \(count) 字节：\"hello 你好\" -> 发回 \"HELLO 你好\"")
        XCTAssertTrue(log[2].hasPrefix("#1 结束：客户端关闭了连接。收到 \(count) 字节，发出 \(count) 字节，持续 "), log[2])
        XCTAssertTrue(log[2].hasSuffix(" 毫秒。") || log[2].hasSuffix(" 秒。"), log[2])
        XCTAssertEqual(summary.text(.chinese), "echo 服务器小结：1 个连接（客户端关闭 1 个），最多同时 1 个；收到 \(count) 字节，发出 \(count) 字节")
        XCTAssertEqual(summary.description, "echo server summary: 1 connection (1 client closed), at most 1 at once; received \(count) B, sent \(count) B")
        assertChinese(log + [summary.text(.chinese)], allowed: ["echo"])
    }

    // MARK: Remote

    func testRefusedRemoteCommandIsChineseOnScreenAndEnglishOnTheWire() throws {
        let victim = "/tmp/osilab-zh-\(UUID().uuidString.prefix(8))"
        _ = FileManager.default.createFile(atPath: victim, contents: Data("keep me".utf8))
        defer { try? FileManager.default.removeItem(atPath: victim) }
        let chinese = try ServerUnderTest(RemoteCommandService(), language: .chinese)
        defer { chinese.server.stop() }
        let english = try ServerUnderTest(RemoteCommandService())
        defer { english.server.stop() }
        let command = "rm -f \(victim)"

        // The wire: the refusal is the command's output, English, byte for byte in both languages.
        let refusal = "osilab: not run: 'rm' is not on the allow-list (\(allowList))\n"
        let fromChinese = try exchange(command, port: chinese.port)
        let fromEnglish = try exchange(command, port: english.port)
        XCTAssertEqual(text(fromChinese.announced), String(refusal.utf8.count))
        XCTAssertEqual(text(fromChinese.body), refusal)
        XCTAssertEqual(fromChinese.announced, fromEnglish.announced)
        XCTAssertEqual(fromChinese.body, fromEnglish.body)
        XCTAssertTrue(FileManager.default.fileExists(atPath: victim), "a refused command must not run")

        // The screen: the Chinese client recognises osilab's refusal and says it in Chinese.
        let scripted = ScriptedConsole(["echo 你好", command, ""], language: .chinese)
        let client = try RemoteClient(host: "127.0.0.1", port: chinese.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output, ["你好\n", "osilab：没有运行：“rm” 不在允许列表中（\(allowList)）\n"])
        XCTAssertEqual(scripted.remarks, [
            "（7 字节，与宣告的一致，用了 1 次 recv() 调用）",
            "（\(refusal.utf8.count) 字节，与宣告的一致，用了 1 次 recv() 调用）",
        ], "the size shown is the size on the wire")
        XCTAssertTrue(FileManager.default.fileExists(atPath: victim))

        chinese.eventually("both connections should end") { chinese.log.filter { $0.contains(" 结束：") }.count == 2 }
        let log = untimed(chinese.log)
        let quoted = "\"\(command)\""
        XCTAssertTrue(log.contains("#1 拒绝 \(quoted)：“rm” 不在允许列表中（\(allowList)）"), "\(log)")
        XCTAssertTrue(log.contains("#2 按 argv [\"echo\", \"你好\"] 直接运行，不经过 shell：退出状态 0，输出 7 字节"), "\(log)")
        XCTAssertTrue(log.contains("#2 宣告 7，收到确认 \"准备好接受数据了\"，发出 7 字节"), "\(log)")
        assertChinese(scripted.output + scripted.remarks, allowed: commandNames)
        // argv: C's name for the words a program gets.
        assertChinese(log, allowed: commandNames.union(["argv"]))

        // The English client shows what came, as before.
        let plain = ScriptedConsole([command])
        let englishClient = try RemoteClient(host: "127.0.0.1", port: chinese.port, timeout: .seconds(5))
        XCTAssertTrue(englishClient.run(console: plain.console))
        XCTAssertEqual(plain.output, [refusal])
        XCTAssertEqual(plain.remarks, ["(\(refusal.utf8.count) bytes, as announced, in 1 recv() call)"])
    }

    func testNotesPythonClientReadsTheChineseServersRefusalInEnglish() throws {
        let lab = try ServerUnderTest(RemoteCommandService(), language: .chinese)
        defer { lab.server.stop() }
        let python = try TestProcess.python("ssh_client.py", [String(lab.port), "cat /etc/passwd", "echo ok"])
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        XCTAssertTrue(python.output.contains("osilab: not run: 'cat' is not on the allow-list (\(allowList))\n"), python.output)
        XCTAssertTrue(python.output.hasSuffix("ok\n\n"), python.output)
        lab.eventually("the refusal should be logged in Chinese") { lab.log.contains { $0.contains("拒绝 \"cat /etc/passwd\"：“cat” 不在允许列表中") } }
    }

    func testOverlongRequestIsRefusedInChineseAndTheWireKeepsTheEnglishReason() throws {
        let chinese = try ServerUnderTest(RemoteCommandService(), language: .chinese)
        defer { chinese.server.stop() }
        let english = try ServerUnderTest(RemoteCommandService())
        defer { english.server.stop() }
        let long = "echo " + String(repeating: "a", count: 5000)
        var answers: [[UInt8]] = []
        for lab in [chinese, english] {
            let socket = try rawClient(port: lab.port)
            try socket.sendAll(Array(long.utf8))
            answers.append(try receiveUntilClosed(socket))
            socket.close()
        }
        XCTAssertEqual(text(answers[0]), "ERR request longer than 4096 bytes; closing the connection")
        XCTAssertEqual(answers[0], answers[1])

        let scripted = ScriptedConsole([long, "echo after"], language: .chinese)
        let client = try RemoteClient(host: "127.0.0.1", port: chinese.port, timeout: .seconds(5))
        XCTAssertFalse(client.run(console: scripted.console), "the server closed the connection")
        XCTAssertEqual(scripted.remarks.first, "服务器拒绝了：请求超过 4096 字节；服务器关闭了连接")
        XCTAssertEqual(scripted.remarks.count, 2, "\(scripted.remarks)")
        XCTAssertTrue(scripted.remarks[1].hasPrefix("错误："), scripted.remarks[1])
        chinese.eventually("the refusal should be logged") { chinese.log.filter { $0.contains("协议错误：请求超过 4096 字节") }.count == 2 }
        let log = untimed(chinese.log)
        XCTAssertTrue(log.contains("#1 请求超过 4096 字节，开头是 \"echo aaaaaaaaaaaaaaa\"…（共 32 字节）；回答 ERR 并关闭连接"), "\(log)")
        assertChinese(log)
        assertChinese(scripted.remarks)
    }

    // MARK: Files

    func testRefusedPathAndMissingFileAreChineseOnScreenAndEnglishOnTheWire() throws {
        let base = try temporaryFolder(self)
        let root = try FileRoot.prepare(at: base + "/served")
        let downloads = base + "/downloads"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let chinese = try ServerUnderTest(FileService(root: root), language: .chinese)
        defer { chinese.server.stop() }
        let english = try ServerUnderTest(FileService(root: root))
        defer { english.server.stop() }

        for (request, expected) in [("get ../secret.txt", "ERR '..' is not allowed in file names"),
                                    ("get /etc/passwd", "ERR absolute paths are not allowed; name a file in the served folder"),
                                    ("get missing.txt", "ERR no such file: missing.txt"),
                                    ("put x", "ERR unknown command 'put': this server understands only 'get NAME' and 'ls'")] {
            let fromChinese = try exchange(request, port: chinese.port)
            let fromEnglish = try exchange(request, port: english.port)
            XCTAssertEqual(text(fromChinese.announced), expected, request)
            XCTAssertEqual(fromChinese.announced, fromEnglish.announced, request)
        }

        let scripted = ScriptedConsole(["get ../secret.txt", "get 你好.txt", "get missing.txt", "put x", "list"], language: .chinese)
        let client = try FilesClient(host: "127.0.0.1", port: chinese.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console, directory: downloads))
        let size = try XCTUnwrap(FileRoot.samples.first { $0.name == "你好.txt" }?.content.count)
        XCTAssertEqual(scripted.output, ["已保存 你好.txt：\(size) 字节，与宣告的一致，用了 1 次 recv() 调用 -> \(downloads)/你好.txt"])
        XCTAssertEqual(scripted.remarks, [
            "服务器拒绝了：文件名里不允许出现 ..",
            "服务器拒绝了：没有这个文件：missing.txt",
            "这个客户端只懂两个命令：ls 和 get NAME",
            "这个客户端只懂两个命令：ls 和 get NAME",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: downloads + "/secret.txt"))

        chinese.eventually("the session should end") { chinese.log.filter { $0.contains(" 结束：") }.count == 5 }
        let log = untimed(chinese.log)
        XCTAssertTrue(log.contains("#1 拒绝 get \"../secret.txt\"：文件名里不允许出现 .."), "\(log)")
        XCTAssertTrue(log.contains("#2 拒绝 get \"/etc/passwd\"：不允许绝对路径；请写共享文件夹里的文件名"), "\(log)")
        XCTAssertTrue(log.contains("#4 拒绝 \"put x\"：不认识的命令 “put”：这个服务器只懂 get NAME 和 ls"), "\(log)")
        XCTAssertTrue(log.contains { $0.hasPrefix("#5 已发送 你好.txt：宣告 \(size)，收到确认 \"ready to recv file\"，发出 \(size) 字节") }, "\(log)")
        assertChinese(scripted.output + scripted.remarks, allowed: ["get", "ls"])
        // The acknowledgement osilab's client sends ("ready to recv file", the notes' words) is quoted as it came.
        assertChinese(log, allowed: ["get", "put", "to", "ls"])
    }

    func testClientVanishingMidTransferIsLoggedInChinese() throws {
        let folder = try temporaryFolder(self)
        let big = [UInt8](repeating: 0x42, count: 8 << 20)
        try Data(big).write(to: URL(fileURLWithPath: folder + "/big.bin"))
        let root = try FileRoot.prepare(at: folder)
        let lab = try ServerUnderTest(FileService(root: root), language: .chinese)
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        try socket.sendAll(Array("get big.bin".utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), String(big.count), "the size goes as ASCII digits, as always")
        try socket.sendAll(Array("ack".utf8))
        XCTAssertEqual(try receive(1000, from: socket).count, 1000)
        // Vanish with unread data: close() then sends RST, and the server's sendfile fails.
        try socket.setLinger(seconds: 0)
        socket.close()
        lab.eventually("the server should notice and release the connection") { lab.server.openConnections == 0 }
        let log = untimed(lab.log)
        let stopped = try XCTUnwrap(log.first { $0.hasPrefix("#1 发送 big.bin 时中断：\(big.count) 字节只发出了 ") }, "\(log)")
        let sent = Int(stopped.dropFirst("#1 发送 big.bin 时中断：\(big.count) 字节只发出了 ".count).prefix { $0.isNumber }) ?? -1
        XCTAssertTrue((0..<big.count).contains(sent), "fewer bytes than the file went: \(stopped)")
        XCTAssertTrue(stopped.hasSuffix(" 字节"), stopped)
        let ended = try XCTUnwrap(log.first { $0.hasPrefix("#1 结束：") }, "\(log)")
        XCTAssertTrue(ended.hasPrefix("#1 结束：客户端重置了连接。收到 "), ended)
        let summary = lab.server.stop().text(.chinese)
        XCTAssertTrue(summary.hasPrefix("files 服务器小结：1 个连接（被重置 1 个），最多同时 1 个；收到 14 字节，发出 "), summary)
        assertChinese(log)
    }

    // MARK: Clients' errors and UDP

    func testClientWithoutServerSaysWhatToStartInChinese() throws {
        let holder = try Socket(family: .inet, type: .stream)
        defer { holder.close() }
        try holder.bind(to: .ipv4(.loopback, port: 0))
        let port = try XCTUnwrap(holder.localAddress().port)
        var options = ClientOptions(lab: .remote)
        options.host = "127.0.0.1"
        options.port = port
        let scripted = ScriptedConsole(["ls"], language: .chinese)
        XCTAssertFalse(options.run(console: scripted.console))
        XCTAssertEqual(scripted.remarks, [
            "错误：无法连接到 127.0.0.1:\(port)：connect() 失败：ECONNREFUSED（errno 111）。"
                + "那个地址和端口上没有程序在监听：对方的内核用 RST 回答了 SYN\n"
                + "服务器在运行吗？用这条命令启动它：osilab serve remote",
        ])
        assertChinese(scripted.remarks, allowed: ["remote"])
    }

    func testUDPEchoServerAndClientInChinese() throws {
        let collector = LogCollector()
        let server = try UDPEchoServer(host: "127.0.0.1", port: 0, log: collector.log(language: .chinese))
        let port = try XCTUnwrap(server.address.port)
        let scripted = ScriptedConsole(["hi", ""], language: .chinese)
        let client = try UDPEchoClient(host: "127.0.0.1", port: port, timeout: .seconds(2))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output, ["HI", ""])
        XCTAssertEqual(scripted.remarks, ["（回来了一个空数据报：UDP 可以传送空消息）"])
        let summary = server.stop()
        let log = untimed(collector.lines)
        XCTAssertEqual(log.count, 2, "\(log)")
        XCTAssertTrue(log[0].hasPrefix("第 1 个数据报，来自 127.0.0.1:") && log[0].hasSuffix("：2 字节 \"hi\" -> 发回 2 字节"), log[0])
        XCTAssertTrue(log[1].hasPrefix("第 2 个数据报，来自 127.0.0.1:") && log[1].hasSuffix("：0 字节 \"\" -> 发回 0 字节"), log[1])
        XCTAssertEqual(summary.text(.chinese), "udp-echo 服务器小结：2 个数据报；收到 2 字节，发出 2 字节")
        assertChinese(log + scripted.remarks + [summary.text(.chinese)])
    }

    // MARK: The wire's own words

    /// The wire text is written in code; the English sentence file must say the same, or
    /// an English learner would read something other than what the server sent.
    func testEveryWireReasonIsItsEnglishSentenceWordForWord() {
        let english = LabSay(.english)
        for (id, template) in WireText.templates {
            let placeholders = StringTable<LabMessage>.placeholders(in: template)
            let filled = english.format(id, placeholders.map { "<\($0)>" })
            XCTAssertEqual(filled, StringTable<LabMessage>.substitute(template, placeholders.map { "<\($0)>" }), "lab.\(id.rawValue)")
        }
        XCTAssertEqual(english(.refusedWithoutReason), Announcement.noReason)
    }

    /// What the servers refuse with is recognised again from its wire text, parts and all.
    func testRefusalsAreRecognisedFromTheirWireText() throws {
        let root = try FileRoot.prepare(at: try temporaryFolder(self) + "/served")
        let policy = CommandPolicy()
        var fileRefusals: [FileRefusal] = []
        for name in ["../x", "/etc/passwd", "", "a\u{1}b", String(repeating: "x", count: 2000), "nope: 1.txt", ".", "a/b"] {
            if case .failure(let refusal) = root.open(name) { fileRefusals.append(refusal) }
        }
        for request in ["", "put x", "get", "get  "] {
            if case .failure(let refusal) = FileRequest.parse(Array(request.utf8)) { fileRefusals.append(refusal) }
        }
        XCTAssertEqual(fileRefusals.count, 12)
        for refusal in fileRefusals {
            XCTAssertEqual(LabSentence.recognise(refusal.description, among: WireText.fileReasons), refusal.sentence, refusal.description)
        }
        let commandRefusals = [["rm", "-rf", "/"], ["date", "-s", "x"], ["hostname", "evil"], []].compactMap { policy.refusal(for: $0) }
        XCTAssertEqual(commandRefusals.count, 4)
        for refusal in commandRefusals {
            let outer = LabSentence(.wireNotRun, .sentence(refusal.sentence))
            XCTAssertEqual(LabSentence.recognise(outer.wire, among: WireText.remoteOutputs), outer, outer.wire)
        }
        // An errno's text comes back as the errno, shown by name in Chinese.
        let cannotRun = LabSentence(.refusalCannotRun, .text("no-such-program"), .errno(ENOENT))
        XCTAssertEqual(cannotRun.wire, "cannot run 'no-such-program': No such file or directory")
        XCTAssertEqual(LabSentence.recognise(cannotRun.wire, among: WireText.commandRefusals), cannotRun)
        XCTAssertEqual(cannotRun.text(.chinese), "无法运行 “no-such-program”：ENOENT")
        // A reason osilab never sends is shown as it came.
        XCTAssertNil(LabSentence.recognise("disk full", among: WireText.fileReasons))
    }

    func testUnitsOnTheWireAreTheEnglishUnits() {
        let durations: [Duration] = [.milliseconds(250), .seconds(5), .milliseconds(1500), .seconds(120)]
        for duration in durations {
            let marker = LabSentence(.wireTimedOutMarker, .duration(duration))
            XCTAssertEqual(marker.wire, marker.text(.english))
        }
        XCTAssertEqual(LabSentence(.wireTimedOutMarker, .duration(.milliseconds(1500))).wire,
                       "[osilab: the command ran longer than 1.5 s and was killed]")
        XCTAssertEqual(LabSentence(.wireOutputCutMarker, .bytes(1 << 20)).wire, "[osilab: output cut at 1.0 MiB]")
        XCTAssertEqual(LabSentence(.wireOutputCutMarker, .bytes(1 << 20)).text(.chinese), "[osilab：输出被截断（上限 1.0 MiB）]")
        XCTAssertEqual(byteCount(512, .chinese), "512 字节")
        XCTAssertEqual(byteCount(3500, .chinese), "3.4 KiB")
        XCTAssertEqual(byteCount(3500), "3.4 KiB")
    }

    func testKilledCommandsMarkerIsShownInChineseAfterTheOutput() throws {
        let runner = CommandRunner(timeout: .seconds(5), maxOutputBytes: 100)
        let lab = try ServerUnderTest(RemoteCommandService(policy: CommandPolicy(allowsAnyCommand: true), runner: runner),
                                      language: .chinese)
        defer { lab.server.stop() }
        let wire = try exchange("seq 1 1000", port: lab.port)
        let first100 = (1...1000).map(String.init).joined(separator: "\n").utf8.prefix(100)
        let marker = "\n[osilab: output cut at 100 B]\n"
        XCTAssertEqual(wire.body, Array(first100) + Array(marker.utf8), "the marker goes in English")
        let scripted = ScriptedConsole(["seq 1 1000"], language: .chinese)
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output, [String(decoding: first100, as: UTF8.self) + "\n[osilab：输出被截断（上限 100 B）]\n"])
        lab.eventually("the run should be logged") { lab.log.contains { $0.contains("输出被截断（上限 100 字节），程序被杀掉") } }
    }

    // MARK: The commands

    func osilab() throws -> String {
        try builtOsilab()
    }

    func testServeAndClientWithLangZhSpeakChineseAndSendTheSameBytes() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "echo", "--port", "0", "--lang", "zh"])
        defer { server.stop() }
        var port: UInt16?
        _ = waitUntil(timeout: .seconds(10)) {
            if let range = server.output.range(of: #"正在 127\.0\.0\.1:(\d+) 上监听"#, options: .regularExpression) {
                port = UInt16(server.output[range].dropFirst(3).split(separator: ":").last?.split(separator: " ").first ?? "")
            }
            return port != nil || !server.process.isRunning
        }
        let found = try XCTUnwrap(port, "no Chinese banner: \(server.output) \(server.errors)")
        let banner = server.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(banner, [
            "osilab echo 服务器正在 127.0.0.1:\(found) 上监听（TCP）：服务器把每条消息转成大写发回（讲义例 1）。",
            "每个连接有自己的线程；最多同时 512 个（同一地址最多 256 个），超过 120 秒没有收到请求就关闭。",
            "在另一个终端里试试：osilab client echo --port \(found)",
            "（也可以用讲义里的 Python 客户端，它连接 (\"localhost\", \(found))。）",
            "按 Ctrl-C 停止。",
        ])

        // The client as the lesson runner starts it: OSILAB_LANG=zh.
        let client = try TestProcess(binary, ["client", "echo", "--port", String(found)], input: "hello\n你好 abc\n\nbye\n",
                                     extraEnvironment: [Language.childVariable: "zh"])
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        XCTAssertEqual(client.output, "HELLO\n你好 ABC\nBYE\n", "what comes back is the server's bytes, in every language")

        XCTAssertTrue(waitUntil { server.output.contains("#1 结束：客户端关闭了连接。") }, server.output)
        server.process.terminate()
        XCTAssertEqual(server.waitForExit(), 0, server.errors)
        let lines = untimed(server.output.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.contains("SIGTERM：正在停止 echo 服务器。"), server.output)
        let sent = ["hello", "你好 abc", "bye"].map(\.utf8.count).reduce(0, +)
        XCTAssertTrue(lines.contains("echo 服务器小结：1 个连接（客户端关闭 1 个），最多同时 1 个；收到 \(sent) 字节，发出 \(sent) 字节"), server.output)
        XCTAssertTrue(lines.contains("#1 recv 5 字节：\"hello\" -> 发回 \"HELLO\""), server.output)
        assertChinese(lines, allowed: ["echo"])
    }

    /// `osilab serve echo --capture --lang zh`: the packet lines between the log lines note
    /// the handshake in Chinese, with the same numbers as tcpdump prints.
    func testServeWithCaptureNotesThePacketsInChinese() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "echo", "--port", "0", "--capture", "--lang", "zh"])
        defer { server.stop() }
        var port: UInt16?
        _ = waitUntil(timeout: .seconds(10)) {
            if let range = server.output.range(of: #"正在 127\.0\.0\.1:(\d+) 上监听"#, options: .regularExpression) {
                port = UInt16(server.output[range].dropFirst(3).split(separator: ":").last?.split(separator: " ").first ?? "")
            }
            // The capture is open once the server says so: only then may the client connect.
            return (port != nil && server.output.contains("正在抓取这个实验的报文")) || !server.process.isRunning
        }
        let found = try XCTUnwrap(port, "no Chinese banner: \(server.output) \(server.errors)")
        let client = try TestProcess(binary, ["client", "echo", "--port", String(found), "--lang", "zh"], input: "hi\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        XCTAssertTrue(waitUntil { server.output.contains("（第 3 步：ack = K+1 ✓）") }, server.output + server.errors)
        let wire = server.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[wire] ") }
        XCTAssertTrue(wire.contains { $0.contains(" > 127.0.0.1:\(found) SYN ") && $0.hasSuffix("（第 1 步：seq = J）") }, wire.joined(separator: "\n"))
        XCTAssertTrue(wire.contains { $0.contains("127.0.0.1:\(found) > ") && $0.contains(" SYN-ACK ") && $0.hasSuffix("（第 2 步：seq = K，ack = J+1 ✓）") },
                      wire.joined(separator: "\n"))
        // Flags, addresses and numbers stay as tcpdump writes them; the notes are Chinese.
        assertChinese(wire.map { $0.replacingOccurrences(of: "[wire]", with: "") }, allowed: ["win", "len"])
    }

    func testServeRefusesOptionsForAnotherLabInChinese() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "echo", "--root", "/tmp", "--lang", "zh"])
        defer { server.stop() }
        XCTAssertNotEqual(server.waitForExit(), 0)
        XCTAssertTrue(server.errors.contains("--root 只用于 files 实验"), server.errors)
        let client = try TestProcess(binary, ["client", "echo", "--into", "/tmp", "--lang", "zh"])
        defer { client.stop() }
        XCTAssertNotEqual(client.waitForExit(), 0)
        XCTAssertTrue(client.errors.contains("--into 只用于 files 实验"), client.errors)
    }
}
