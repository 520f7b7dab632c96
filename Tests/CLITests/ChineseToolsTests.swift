import Foundation
import TextUI
import XCTest

/// `osilab read`, `watch`, `doctor`, the private network's refusals and `osilab help zh`, run
/// as the built binary with `--lang zh`, against the English run of the same thing.
final class ChineseToolsTests: XCTestCase {
    var stateHome: URL!

    override func setUpWithError() throws {
        stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-zh-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: stateHome)
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func fixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/CaptureTests/Fixtures").appendingPathComponent(name).path
    }

    /// No locale of the test runner's, times in UTC (as the `.expected` files are), no colour.
    func osilab(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 60,
                file: StaticString = #filePath, line: UInt = #line) throws -> OsilabProcess.Result {
        var environment = ["XDG_STATE_HOME": stateHome.path, "OSILAB_HOME": Self.packageRoot.path, "COLUMNS": "80",
                           "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": "", "NO_COLOR": "1", "TZ": "UTC"]
        environment.merge(extra) { $1 }
        return try OsilabProcess.run(arguments, environment: environment, timeout: timeout, file: file, line: line)
    }

    // MARK: read

    /// What the Chinese note for an English one must be: written here, independently of the
    /// sentence files, for the notes these captures hold.
    func chineseNote(for english: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        func number(after prefix: String, before suffix: String = "") -> String? {
            guard english.hasPrefix(prefix), english.hasSuffix(suffix) else { return nil }
            let digits = english.dropFirst(prefix.count).dropLast(suffix.count)
            return digits.allSatisfy(\.isNumber) && !digits.isEmpty ? String(digits) : nil
        }
        if english.hasPrefix("step "), let colon = english.firstIndex(of: ":") {
            let step = english[english.index(english.startIndex, offsetBy: 5)..<colon]
            let rest = english[english.index(after: colon)...].drop { $0 == " " }
            return "第 \(step) 步：" + rest.replacingOccurrences(of: ", ", with: "，")
        }
        if let bytes = number(after: "data, ", before: " bytes") ?? number(after: "data, ", before: " byte") {
            return "数据，\(bytes) 字节"
        }
        if let port = number(after: "refused: nothing listens on port ") { return "被拒绝：端口 \(port) 上没有程序在监听" }
        let fixed = [
            "client closes first; it will wait in TIME-WAIT": "客户端先关闭，之后要在 TIME-WAIT 状态等待",
            "server closes first; it will wait in TIME-WAIT": "服务器先关闭，之后要在 TIME-WAIT 状态等待",
            "client closes too": "客户端也关闭了",
            "server closes too": "服务器也关闭了",
            "last ACK: the connection is closed": "最后一个 ACK：连接关闭了",
        ]
        if let chinese = fixed[english] { return chinese }
        XCTFail("the test knows no Chinese for the note “\(english)”", file: file, line: line)
        return nil
    }

    /// `11 packets, 1 TCP connection` -> `11 个报文，1 个 TCP 连接`.
    func chineseSummary(for english: String) -> String? {
        let parts = english.components(separatedBy: ", ")
        guard parts.count == 2,
              let packets = parts[0].split(separator: " ").first.flatMap({ Int($0) }),
              let connections = parts[1].split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return "\(packets) 个报文，\(connections) 个 TCP 连接"
    }

    func testReadInChineseSaysEveryNoteAndTheSummaryInChineseWithTheEnglishNumbers() throws {
        let captures = ["handshake-ipv4.pcap", "handshake-ipv6.pcap", "handshake.pcapng", "refused.pcap", "raw.pcap",
                        "handshake-sll2.pcap"].map(Self.fixture)
            + [Self.packageRoot.appendingPathComponent("Lessons/captures/handshake.pcap").path]
        var notesChecked = 0
        for capture in captures {
            let english = try osilab(["read", capture])
            let chinese = try osilab(["read", "--lang", "zh", capture])
            XCTAssertEqual(english.status, 0, english.error)
            XCTAssertEqual(chinese.status, 0, chinese.error)
            let expected = (capture as NSString).deletingPathExtension + ".expected"
            if let trusted = try? String(contentsOfFile: expected, encoding: .utf8) {
                XCTAssertEqual(english.output, trusted, "English read of \(capture) is what it was")
            }
            let englishLines = english.output.split(separator: "\n").map(String.init)
            let chineseLines = chinese.output.split(separator: "\n").map(String.init)
            XCTAssertEqual(chineseLines.count, englishLines.count, capture)
            guard chineseLines.count == englishLines.count, let englishSummary = englishLines.last else { continue }
            for (en, zh) in zip(englishLines.dropLast(), chineseLines.dropLast()) {
                guard let open = en.range(of: "  (") else {
                    XCTAssertEqual(zh, en, "a line without a note is the same in both languages")
                    continue
                }
                XCTAssertEqual(String(zh.prefix { $0 != "（" }), String(en[..<open.lowerBound]) + "  ",
                               "the time, connection, endpoints, flags and numbers do not change: \(zh)")
                let note = String(en[open.upperBound...].dropLast())
                if let want = chineseNote(for: note) {
                    XCTAssertTrue(zh.hasSuffix("  （\(want)）"), "\(en)\n\(zh)")
                    notesChecked += 1
                }
            }
            XCTAssertEqual(chineseLines.last, chineseSummary(for: englishSummary), capture)
            XCTAssertEqual(SentenceAudit.englishWords(in: chinese.output), [], chinese.output)
            XCTAssertTrue(chinese.error.isEmpty, chinese.error)
        }
        XCTAssertGreaterThan(notesChecked, 40, "the captures hold handshakes, data, teardowns and a refusal")
    }

    func testTheRecordedHandshakeInChinese() throws {
        let capture = Self.packageRoot.appendingPathComponent("Lessons/captures/handshake.pcap").path
        let run = try osilab(["read", "--lang", "zh", capture])
        let lines = run.output.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasSuffix(" SYN seq=0 [mss=65495 sackOK TS wscale=10]  （第 1 步：seq = J）"), lines[0])
        XCTAssertTrue(lines[1].hasSuffix(" SYN-ACK seq=0 ack=1 [mss=65495 sackOK TS wscale=10]  （第 2 步：seq = K，ack = J+1 ✓）"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix(" ACK ack=1  （第 3 步：ack = K+1 ✓）"), lines[2])
        XCTAssertTrue(lines[3].hasSuffix(" PSH-ACK seq=1 ack=1 len=5  （数据，5 字节）"), lines[3])
        XCTAssertEqual(lines.last, "10 个报文，1 个 TCP 连接")
    }

    func testTheLanguageComesFromOSILABLANGOrTheLocaleAndTheFlagWins() throws {
        let capture = Self.fixture("refused.pcap")
        let flag = try osilab(["read", "--lang", "zh", capture]).output
        XCTAssertTrue(flag.contains("（被拒绝：端口 47003 上没有程序在监听）"), flag)
        XCTAssertEqual(try osilab(["read", capture], environment: ["OSILAB_LANG": "zh"]).output, flag)
        XCTAssertEqual(try osilab(["read", capture], environment: ["LANG": "zh_CN.UTF-8"]).output, flag)
        let english = try osilab(["read", "--lang", "en", capture], environment: ["LANG": "zh_CN.UTF-8"]).output
        XCTAssertEqual(english, try String(contentsOfFile: Self.fixture("refused.expected"), encoding: .utf8))
    }

    func testUndecodablePacketsAreCountedInChinese() throws {
        let run = try osilab(["read", "--lang", "zh", Self.fixture("malformed.pcap")])
        let lines = run.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.last, "6 个报文，1 个 TCP 连接，其中 1 个握手没有完成，5 个报文无法解码")
        // Each problem of malformed.expected, said in Chinese with the same numbers.
        XCTAssertEqual(Array(lines.dropLast()), [
            "21:56:02.926709000 无法解码：IPv4（从第 14 字节起）被截断了：需要 20 字节，只有 10 字节",
            "21:56:02.926709000 无法解码：IPv4（从第 14 字节起）无效：首部长度（IHL）是 3，也就是 12 字节；最小是 5（20 字节）",
            "21:56:02.926709000 无法解码：IPv4（从第 14 字节起）无效：总长度 10 比 20 字节的首部还小",
            "21:56:02.926709000 无法解码：TCP（从第 34 字节起）无效：数据偏移是 2，也就是 8 字节；最小是 5（20 字节）",
            "21:56:02.926709000 无法解码：IPv4（从第 14 字节起）无效：总长度 60 超出了报文的末尾：从 IPv4 首部算起，报文只有 30 字节",
            "21:56:02.926709000 c1 127.0.0.1:58392 > 127.0.0.1:47001 SYN seq=0  （第 1 步：seq = J） "
                + "[TCP 选项（从第 54 字节起）无效：选项“MSS”的长度是 1；长度最小也得是 2]",
        ], run.output)
        XCTAssertEqual(SentenceAudit.englishWords(in: run.output), [], run.output)
        XCTAssertEqual(try osilab(["read", Self.fixture("malformed.pcap")]).output,
                       try String(contentsOfFile: Self.fixture("malformed.expected"), encoding: .utf8))

        let unknown = try osilab(["read", "--lang", "zh", Self.fixture("unknown-linktype.pcap")]).output
        XCTAssertEqual(unknown, """
            21:56:02.926709000 无法解码：链路层（从第 0 字节起）未解码：这个解码器不认识编号为 147 的链路类型
            21:56:02.926722000 无法解码：链路层（从第 0 字节起）未解码：这个解码器不认识编号为 147 的链路类型
            2 个报文，0 个 TCP 连接，2 个报文无法解码

            """)
        XCTAssertEqual(SentenceAudit.englishWords(in: unknown), [], unknown)
    }

    func testLayersAreTitledInChinese() throws {
        let run = try osilab(["read", "--lang", "zh", "--layers", Self.fixture("handshake-ipv4.pcap")])
        XCTAssertEqual(run.status, 0, run.error)
        for number in 1...11 { XCTAssertTrue(run.output.contains("第 \(number) 个报文"), "packet \(number) has a Chinese title") }
        XCTAssertFalse(run.output.contains("Packet 1"), run.output)
        let english = try osilab(["read", "--layers", Self.fixture("handshake-ipv4.pcap")])
        XCTAssertTrue(english.output.contains("Packet 11"), english.output)
    }

    func testAMissingCaptureFileInChinese() throws {
        let run = try osilab(["read", "--lang", "zh", "/nonexistent/capture.pcap"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.error.hasPrefix("无法使用抓包文件 /nonexistent/capture.pcap："), run.error)
    }

    // MARK: watch

    func testWatchInChineseAnnotatesARefusedConnectionAndCountsThePackets() throws {
        XCTAssertEqual(geteuid(), 0, "a live capture (CI runs as root)")
        let port = 41_000 + Int(getpid() % 9_000)
        let script = "import socket; s = socket.socket(); print(s.connect_ex(('127.0.0.1', \(port))))"
        let arguments = ["watch", "--port", String(port), "--", "python3", "-c", script]
        let chinese = try osilab(["watch", "--lang", "zh"] + arguments.dropFirst())
        XCTAssertEqual(chinese.status, 0, chinese.error)
        let english = try osilab(arguments)
        let lines = chinese.output.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains(" SYN seq=0 ") && $0.hasSuffix("  （第 1 步：seq = J）") }, chinese.output)
        XCTAssertTrue(lines.contains { $0.hasSuffix(" RST-ACK seq=0 ack=1  （被拒绝：端口 \(port) 上没有程序在监听）") }, chinese.output)
        XCTAssertTrue(lines.contains("2 个报文，1 个 TCP 连接"), chinese.output)
        XCTAssertTrue(english.output.contains("2 packets, 1 TCP connection\n"), english.output)
        // The counters: 2 packets captured, none dropped; the filter's count is the kernel's (lo counts twice).
        let counters = try XCTUnwrap(lines.first { $0.hasPrefix("抓包统计：") }, chinese.output)
        let numbers = counters.split { !$0.isNumber }.compactMap { Int($0) }
        XCTAssertEqual(numbers.count, 3, counters)
        XCTAssertEqual(counters, "抓包统计：抓到 2 个报文，过滤器收到 \(numbers.last == 0 ? numbers[1] : -1) 个，内核丢弃 0 个。"
            + "（在回环接口 lo 上，“过滤器收到”把每个报文算了两次：发出时一次，到达时一次；libpcap 只留下到达的那一份。）")
        XCTAssertTrue(english.output.contains("Capture: 2 packets captured, "), english.output)
        XCTAssertTrue(english.output.contains(" dropped by kernel."), english.output)
        XCTAssertTrue(chinese.error.contains("osilab：正在为这次运行新建的私有网络里运行"), chinese.error)
        XCTAssertTrue(chinese.error.contains("正在 lo 上抓包（过滤器：port \(port)），直到 `python3 -c "), chinese.error)
        let learnersWords = Set(script.split { !$0.isLetter }.map(String.init) + ["port"])
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese.output + chinese.error, allowed: learnersWords), [],
                       chinese.output + chinese.error)
    }

    func testWatchChecksItsOptionsInChinese() throws {
        let run = try osilab(["watch", "--lang", "zh", "--count", "0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.error.contains("--count 至少是 1。"), run.error)
    }

    // MARK: doctor

    func testDoctorInChineseFitsSixtyAndEightyColumns() throws {
        for width in [60, 80] {
            let run = try osilab(["doctor", "--lang", "zh"], environment: ["COLUMNS": String(width)])
            XCTAssertEqual(run.status, 0, run.error)
            let lines = run.output.split(separator: "\n").map(String.init)
            XCTAssertGreaterThanOrEqual(lines.count, 8)
            for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, line) }
            let firstLines = lines.filter { !$0.hasPrefix(" ") }
            XCTAssertEqual(firstLines.count, 9, "one first line per item: \(run.output)")
            // Every item's name starts in one column: after the widest mark and two spaces.
            let starts = Set(firstLines.map { line in DisplayWidth.of(String(line.prefix { $0 != " " })) + line.drop { $0 != " " }.prefix { $0 == " " }.count })
            XCTAssertEqual(starts.count, 1, run.output)
            let column = try XCTUnwrap(starts.first)
            for line in lines where line.hasPrefix(" ") {
                XCTAssertEqual(line.prefix { $0 == " " }.count, column, "continuations hang under the items' text: \(line)")
            }
            XCTAssertTrue(firstLines.contains { $0.hasPrefix("可用") && $0.contains("swift：构建实验室，给练习评分") }, run.output)
            XCTAssertEqual(SentenceAudit.englishWords(in: run.output, allowed: ["ip", "nc", "install"]), [], run.output)
        }
        XCTAssertTrue(try osilab(["doctor"]).output.hasPrefix("ok       swift: builds the lab and grades the exercises\n"))
    }

    // MARK: the private network's refusals

    /// `OsilabProcess.runWithUserNamespacesOff`, with this test's environment added.
    func withUserNamespacesOff(_ arguments: [String], environment extra: [String: String] = [:]) throws -> OsilabProcess.Result {
        var environment = OsilabProcess.learnerEnvironment
        environment.merge(["LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": "", "NO_COLOR": "1", "COLUMNS": "80"]) { $1 }
        environment.merge(extra) { $1 }
        return try OsilabProcess.run(arguments, wrappedIn: [
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "/usr/bin/unshare", "--user", "--map-current-user", "--keep-caps",
            "/bin/sh", "-c", "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh",
        ], environment: environment, timeout: 30)
    }

    func testWithUserNamespacesOffTheRefusalIsChinese() throws {
        XCTAssertEqual(geteuid(), 0, "these tests become nobody with setpriv, which needs root (CI runs as root)")
        let watch = try withUserNamespacesOff(["watch", "--lang", "zh", "--", "true"])
        XCTAssertEqual(watch.status, 2, watch.error)
        let lines = watch.error.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "`osilab watch` 要抓包。没有 root 时，osilab 会在你自己的私有网络（一个用户命名空间）里抓包，"
                       + "但这台机器不允许建立私有网络：")
        XCTAssertTrue(lines.contains("  这台机器关闭了用户命名空间（user.max_user_namespaces = 0），所以 osilab 没法为你建立私有网络。"), watch.error)
        XCTAssertTrue(lines.contains("  （osilab 试过：unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS) 失败了，错误是 ENOSPC。）"), watch.error)
        XCTAssertTrue(lines.contains("      sudo sysctl -w user.max_user_namespaces=15000"), "the same command as in English: \(watch.error)")
        XCTAssertTrue(lines.last?.hasPrefix("或者用 root 运行它：sudo ") == true && lines.last?.hasSuffix(" watch --lang zh -- true") == true,
                      watch.error)
        let prose = lines.filter { !$0.hasPrefix("      ") && !$0.hasPrefix("或者用 root 运行它：") }.joined(separator: "\n")
        XCTAssertEqual(SentenceAudit.englishWords(in: prose), [], prose)

        // The same in English, word for word as before.
        let english = try withUserNamespacesOff(["watch", "--", "true"])
        XCTAssertTrue(english.error.hasPrefix("`osilab watch` captures packets. Without root, osilab does that in a private network "
                                              + "of your own (a user namespace), and this machine does not allow one:\n"), english.error)

        let shell = try withUserNamespacesOff(["shell"], environment: ["OSILAB_LANG": "zh"])
        XCTAssertEqual(shell.status, 2, shell.error)
        XCTAssertTrue(shell.error.hasPrefix("`osilab shell` 要在你自己的私有网络（一个用户命名空间）里运行，但这台机器不允许建立私有网络：\n"),
                      shell.error)

        let doctor = try withUserNamespacesOff(["doctor", "--lang", "zh"], environment: ["COLUMNS": "60"])
        let doctorLines = doctor.output.split(separator: "\n").map(String.init)
        for line in doctorLines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 60, line) }
        let squeezed = doctor.output.filter { !$0.isWhitespace }
        XCTAssertTrue(squeezed.contains("缺少私有网络（不需要root）：这里不允许。这台机器关闭了用户命名空间（user.max_user_namespaces=0）"),
                      doctor.output)
        XCTAssertTrue(doctorLines.contains { $0.hasPrefix("缺少 ") && $0.contains(" 在本机的 lo 上抓包：需要 root 或抓包能力") }, doctor.output)
    }

    func testABadNetworkNameIsRefusedInChinese() throws {
        let run = try osilab(["watch", "--lang", "zh", "--network", "Lab"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.error.contains("“Lab”不能用作网络的名字：最多 32 个字符"), run.error)
        let shell = try osilab(["shell", "Lab!", "--lang", "zh"])
        XCTAssertTrue(shell.error.contains("“Lab!”不能用作网络的名字"), shell.error)
    }

    // MARK: help

    var pointer: String {
        "osilab 的命令行帮助只有英文版。中文使用说明在 \(Self.packageRoot.appendingPathComponent("README.md").path) 的“中文使用说明”一节。\n"
            + "想让 osilab 说中文：加上 --lang zh，或者设置 OSILAB_LANG=zh。\n"
    }

    func testHelpZhPointsToTheChineseSectionOfTheReadme() throws {
        let run = try osilab(["help", "zh"])
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, pointer)
        XCTAssertEqual(SentenceAudit.englishWords(in: run.output), [], run.output)

        let flagged = try osilab(["--lang", "zh", "--help"])
        XCTAssertEqual(flagged.status, 0, flagged.error)
        XCTAssertTrue(flagged.output.hasPrefix(pointer + "\n"), flagged.output)
        XCTAssertTrue(flagged.output.contains("SUBCOMMANDS:"), "then the English help: \(flagged.output)")

        let watch = try osilab(["help", "zh", "watch"])
        XCTAssertTrue(watch.output.hasPrefix(pointer + "\n"), watch.output)
        XCTAssertTrue(watch.output.contains("USAGE: osilab watch"), watch.output)

        let english = try osilab(["--help"])
        XCTAssertFalse(english.output.contains("中文使用说明"), english.output)
        XCTAssertTrue(english.output.hasPrefix("OVERVIEW: "), english.output)
    }

    /// The Chinese section names every command `osilab --help` lists, and both ways to choose Chinese.
    func testTheReadmesChineseSectionNamesEveryCommand() throws {
        let readme = try String(contentsOf: Self.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "\n## 中文使用说明\n"), "README.md has the section “中文使用说明”")
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        let help = try osilab(["--help"]).output
        let listed = help.components(separatedBy: "SUBCOMMANDS:\n").last?.split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) } ?? []
        XCTAssertGreaterThan(listed.count, 10, help)
        for command in listed where command != "See" {
            XCTAssertTrue(section.contains("osilab \(command)"), "the Chinese section does not mention `osilab \(command)`")
        }
        for token in ["--lang zh", "OSILAB_LANG", "osilab help zh"] {
            XCTAssertTrue(section.contains(token), "the Chinese section does not mention \(token)")
        }
    }
}
