import Experiments
import Foundation
import Report
import Sockets
import TextUI
import Timeline
import XCTest

/// Every experiment run live with `--lang zh`: its notes, claims, sections and errors are
/// Chinese, the numbers in them are the run's own, and the report fits a narrow terminal.
final class ChineseExperimentsTests: ExperimentTestCase {
    /// The one line of a report that the Report module writes in English whatever the language
    /// (`Capture: N packets captured, ...`, Sources/Report/Explanation.swift): not this area's.
    static let reportModuleLines = ["Capture: "]

    /// Words of commands shown as typed (`nft flush chain inet osilab input`, `ip netns del`,
    /// `nft list table`, `setblocking(False)`, `osilab experiment udp`), and the units of durations
    /// (`us`: µs as --plain spells it in ASCII).
    static let commandWords: Set<String> = ["ip", "del", "list", "table", "flush", "chain", "inet", "input", "False", "udp",
                                            "sticky", "ms", "ns", "us"]

    /// Names a Chinese sentence keeps (as SentenceFilesTests' kept-experiments does): Python's
    /// exceptions, the kernel's counters, Nagle's algorithm.
    static let names: Set<String> = ["ConnectionRefusedError", "ConnectionResetError", "TimeoutError", "BlockingIOError",
                                     "UnicodeDecodeError", "ListenOverflows", "TCPDeferAcceptDrop", "Nagle", "OSError",
                                     "BrokenPipeError", "cookie", "SyncookiesSent", "SyncookiesRecv", "ListenDrops",
                                     "TcpExtSyncookiesSent", "TcpExtSyncookiesRecv", "TcpExtListenOverflows", "TcpExtListenDrops",
                                     "nstat", "sysctl", "TcpExt", "TCPLossProbes", "TCPTimeouts", "Minshall"]

    /// Words other modules put on the ladder in every language (not this area's): the trace's
    /// `EAGAIN (timeout)` for a call that timed out, and ICMP's `port unreachable` (Sources/Report/Ladder.swift).
    static let otherModules: Set<String> = ["timeout", "port", "unreachable"]

    /// Runs `experiment` in Chinese with a capture, checks that every claim held, and renders
    /// its report in plain text at 80 and 60 columns. Each rendering is checked: the ladder and
    /// the explanation fit the width, and no English word is left (`data`: words of the bytes
    /// the experiment sends, which are shown as sent). Returns the outcome and the 80-column report.
    func runInChinese(_ experiment: some Experiment, data: Set<String> = [], limit: Double = 15,
                      file: StaticString = #filePath, line: UInt = #line) throws -> (ExperimentOutcome, [String]) {
        let outcome = try run(experiment, language: .chinese, limit: limit, file: file, line: line)
        let allowed = data.union(Self.commandWords).union(Self.names).union(Self.otherModules)
        assertClaimsHold(outcome, file: file, line: line)
        var report80: [String] = []
        for width in [80, 60] {
            let lines = outcome.reportLines(style: ReportStyle(format: .plain, width: width, colour: false, language: .chinese))
            if width == 80 { report80 = lines }
            let sectionLines = Set(outcome.sections.flatMap { $0.lines.map { "  " + $0 } })
            for text in lines where !sectionLines.contains(text) && !Self.reportModuleLines.contains(where: { text.hasPrefix($0) }) {
                // A tool's output is shown as the tool printed it; everything else is drawn to the width.
                XCTAssertLessThanOrEqual(DisplayWidth.of(text), width, "wider than \(width) columns: \(text)", file: file, line: line)
            }
            // A section's lines without Chinese are a tool's command or output (`ss -tan`, `nft list table`),
            // shown as the tool printed them; every other line is osilab's and must be Chinese.
            let audited = lines.filter { text in
                !(sectionLines.contains(text) && !text.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
                    && !Self.reportModuleLines.contains { text.hasPrefix($0) }
            }
            let english = SentenceAudit.englishWords(in: audited.joined(separator: "\n"), allowed: allowed)
            XCTAssertEqual(english, [], "English words in the Chinese report at \(width) columns:\n"
                + audited.joined(separator: "\n"), file: file, line: line)
            // Every checked claim is shown with its mark, the Chinese sentence right after it.
            let marks = lines.filter { $0.hasPrefix("[ok] ") }
            XCTAssertEqual(marks.count, outcome.explanation.items.filter { $0.verdict == .confirmed }.count,
                           "one [ok] line per confirmed claim", file: file, line: line)
        }
        for item in outcome.explanation.items {
            XCTAssertEqual(SentenceAudit.englishWords(in: item.text, allowed: allowed), [],
                           "an English word in: \(item.text)", file: file, line: line)
        }
        for section in outcome.sections {
            XCTAssertEqual(SentenceAudit.englishWords(in: section.title), [], "section title: \(section.title)", file: file, line: line)
        }
        for event in outcome.timeline.events {
            if case .note(let note) = event {
                XCTAssertEqual(SentenceAudit.englishWords(in: note.text, allowed: Self.commandWords.union(Self.names)), [],
                               "timeline note: \(note.text)", file: file, line: line)
            }
        }
        return (outcome, report80)
    }

    /// The claim that contains `text`, or a failure naming what the claims were.
    @discardableResult
    func claim(_ outcome: ExperimentOutcome, _ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let found = outcome.explanation.items.first { $0.text.contains(text) }?.text
        XCTAssertNotNil(found, "no sentence contains \"\(text)\"; the sentences were:\n"
            + outcome.explanation.items.map(\.text).joined(separator: "\n"), file: file, line: line)
        return found
    }

    /// The text of every ladder row's remark and note in the report, for finding the experiment's own remarks.
    func remarks(_ outcome: ExperimentOutcome) -> [String] {
        outcome.timeline.packets.compactMap { $0.remark?.text }
    }

    func testRefusedInChinese() throws {
        let (outcome, report) = try runInChinese(Refused())
        let port = try XCTUnwrap(outcome.server?.port)
        // The kernel's number for the refusal, from the C library rather than from the experiment.
        XCTAssertEqual(outcome.facts["connect-ex"], String(ECONNREFUSED))
        claim(outcome, "发往端口 \(port) 的两个 SYN 都立刻被复位（RST-ACK，")
        claim(outcome, "connect() 以 ECONNREFUSED（errno \(ECONNREFUSED)）失败，没有重试")
        claim(outcome, "connect_ex() 没有抛出异常，而是返回了 \(ECONNREFUSED)：在 Linux 上 \(ECONNREFUSED) 就是 ECONNREFUSED"
            + "（Python：errno.errorcode[\(ECONNREFUSED)] == 'ECONNREFUSED'）")
        XCTAssertTrue(report.contains { $0.contains("服务器 127.0.0.1:\(port)") }, "the ladder's header is Chinese")
        XCTAssertTrue(report.contains { $0.hasPrefix("[ok] 发往端口 \(port) 的两个 SYN") }, report.joined(separator: "\n"))
    }

    func testErrorPathsInChinese() throws {
        let (outcome, report) = try runInChinese(ErrorPaths(), limit: 30)
        claim(outcome, "RST 之后，客户端的第一次 send() 以 ECONNRESET 失败")
        claim(outcome, "再下一次 send() 以 EPIPE 失败（Python：BrokenPipeError）")
        claim(outcome, "connect() 到 \(ErrorPaths.unroutable) 在 ")
        claim(outcome, "connect() 到 \(ErrorPaths.silentNeighbour) 在 ")
        let dropped = try XCTUnwrap(outcome.facts["syns-dropped"])
        claim(outcome, "规则丢弃了 \(dropped) 个 SYN（它的计数器和抓包一致）")
        claim(outcome, "tcp_syncookies = 2 时每个 SYN 都用 cookie 应答")
        XCTAssertEqual(remarks(outcome).filter { $0 == "被规则丢弃：没有应答，连 RST 也没有" }.count, Int(dropped))
        XCTAssertTrue(report.contains("邻居表（ARP）"), "the section titles are Chinese")
    }

    func testDropFinalAckInChinese() throws {
        let (outcome, report) = try runInChinese(DropFinalAck())
        let dropped = outcome.timeline.packets.filter { $0.remark?.dropped == true }.count
        XCTAssertGreaterThanOrEqual(dropped, 1)
        XCTAssertEqual(outcome.facts["acks-dropped"], String(dropped), "the nft counter and the ladder agree")
        claim(outcome, "规则的 nft 计数器说它丢掉了 \(dropped) 个报文：正好是时间线上画了叉的那 \(dropped) 个纯 ACK。")
        claim(outcome, "发往端口 \(DropFinalAck.port)、只带 ACK 标志的每个报文段")
        let copies = outcome.segments.filter { $0.role == .synAckRetransmission }.count
        XCTAssertGreaterThanOrEqual(copies, 1)
        claim(outcome, "于是又发了 \(copies) 次，先隔 ")
        claim(outcome, "规则解除之后，服务器下一个 SYN-ACK 副本得到的 ACK 通过了")
        XCTAssertEqual(remarks(outcome).filter { $0 == "服务器的 TCP 还没看到，就被规则丢掉了" }.count, dropped)
        XCTAssertTrue(report.contains("osilab 建立了什么（事后都已清除）"))
        XCTAssertTrue(report.contains { $0.hasSuffix("    # 结束时执行，按 Ctrl-C 时也会执行") })
        XCTAssertTrue(report.contains { $0.contains("规则已解除：nft flush chain inet osilab input") }, "the note is on the ladder")
    }

    func testNoAcceptInChinese() throws {
        let (outcome, report) = try runInChinese(NoAccept(), limit: 20)
        let connected = calls(outcome, .connect).filter { $0.outcome?.isSuccess == true }.count
        XCTAssertEqual(connected, Int(NoAccept.backlog) + 1)
        claim(outcome, "服务器调用了 listen(\(NoAccept.backlog))，从没调用 accept()。")
        claim(outcome, "可是前 \(connected) 个客户端都完成了完整的握手")
        claim(outcome, "也就是 backlog + 1 = \(connected)")
        claim(outcome, "Recv-Q 从 0 变成 \(connected)")
        claim(outcome, "客户端 \(connected + 1) 遇到了满的队列")
        XCTAssertTrue(report.contains("监听套接字（ss -ltn）"))
        XCTAssertTrue(report.contains("  \(connected) 个客户端连上之后："))
    }

    func testStickyInChinese() throws {
        // The bytes of part 2 are shown in hex; some pairs are letters only (`bb`, `bd`).
        let hexWords = Set(Sticky.largeMessage.utf8.map { String(format: "%02x", $0) }.filter { $0.allSatisfy(\.isLetter) })
        let (outcome, report) = try runInChinese(Sticky(), data: Set(["one", "two", "three", "four", "five"]).union(hexWords))
        let large = Sticky.largeMessage.utf8.count
        claim(outcome, "第 1 部分：\(Sticky.smallMessages.count) 次 send() 调用，1 次 recv()：它返回了“one;two;three;four;five;”")
        claim(outcome, "第 2 部分：一次 send() 发出 \(large) 字节")
        // recv(1024) ends inside 络 (e7 bb 9c): 1024 = 51 × 20 + 4, and 络 is bytes 4 to 6 of the phrase.
        claim(outcome, "第一次 recv() 在“络”的中间结束（UTF-8 字节 e7 bb 9c）：它只拿到了这个字符 3 个字节中的 1 个")
        claim(outcome, "完整取回了全部 \(Sticky.smallMessages.count + 1) 条消息")
        XCTAssertTrue(report.contains("服务器的 recv() 调用返回了什么"))
        let first = Array(Sticky.largeMessage.utf8.prefix(Sticky.readSize))
        let hex = { (bytes: ArraySlice<UInt8>) in bytes.map { String(format: "%02x", $0) }.joined(separator: " ") }
        XCTAssertEqual(hex(Array("络".utf8)[...]), "e7 bb 9c")
        XCTAssertTrue(report.contains("    recv #1：\(Sticky.readSize) 字节，单独看不是合法的 UTF-8（开头 \(hex(first.prefix(3)))，"
            + "结尾 \(hex(first.suffix(3)))）"), report.joined(separator: "\n"))
    }

    func testTeardownInChinese() throws {
        let (outcome, _) = try runInChinese(Teardown(), data: ["reply", "after", "your"])
        claim(outcome, "连接 1 以两个方向各一个 FIN 结束")
        claim(outcome, "客户端也收到了“reply after your FIN”")
        claim(outcome, "接收缓冲区里还有 \("data nobody reads".utf8.count) 字节没读")
        claim(outcome, "客户端的下一次 recv() 以 ECONNRESET 失败")
        let client = try XCTUnwrap(outcome.segments.first?.client)
        claim(outcome, "ss 显示连接 1 的客户端一端（\(client)）处于 TIME-WAIT")
    }

    func testUDPInChinese() throws {
        // `UDP 3 bytes`: the Report module's arrow label for a datagram (Sources/Report/Ladder.swift), not this area's.
        let (outcome, _) = try runInChinese(UDPDatagrams(), data: ["one", "two", "three", "bytes"])
        let sizes = ["one", "two two", "three three three"].map { String($0.utf8.count) }
        claim(outcome, "每次 sendto() 正好变成一个报文：3 个数据报，分别是 \(sizes.joined(separator: "、")) 字节。")
        claim(outcome, "每次 recvfrom() 都返回一个完整的数据报（“one”、“two two”、“three three three”）")
        let closed = try XCTUnwrap(outcome.timeline.packets.compactMap { entry -> UInt16? in
            if case .udp(_, let destination, _) = entry.content, entry.remark != nil { return destination.port }
            return nil
        }.first)
        XCTAssertTrue(remarks(outcome).contains("发往端口 \(closed)，那里没有程序在监听"))
        claim(outcome, "发往端口 \(closed) 的两个数据报都得到了 ICMP“端口不可达”的回应")
        claim(outcome, "下一次 recv() 以 ECONNREFUSED 失败")
    }

    func testDeferAcceptInChinese() throws {
        let (outcome, _) = try runInChinese(DeferAccept())
        claim(outcome, "握手照常进行")
        claim(outcome, "第一个数据报文段（\("hello".utf8.count) 字节）到达")
        claim(outcome, "服务器一侧却是 SYN-RECV")
        XCTAssertTrue(remarks(outcome).contains("监听套接字丢弃了它：TCP_DEFER_ACCEPT 在等数据"))
    }

    func testNonBlockingInChinese() throws {
        let (outcome, _) = try runInChinese(NonBlocking())
        claim(outcome, "对非阻塞监听套接字调用 accept()")
        claim(outcome, "设了 500 ms 的超时后，recv() 阻塞了")
        claim(outcome, "客户端的 \("late".utf8.count) 字节到了")
        claim(outcome, "recv() 等待期间，抓包一个报文都没看到")
    }

    func testManyClientsInChinese() throws {
        let (outcome, _) = try runInChinese(ManyClients(), limit: 40)
        claim(outcome, "迭代式服务器服务了全部 50 个客户端，从未同时服务两个")
        claim(outcome, "ss 显示监听套接字的 Recv-Q 为 49")
        claim(outcome, "每连接一线程的服务器同时服务了 50 个客户端，用了 51 个线程")
        claim(outcome, "poll() 服务器在一个线程里同时服务了 50 个客户端")
    }

    func testCloseWaitInChinese() throws {
        let (outcome, _) = try runInChinese(CloseWait())
        claim(outcome, "服务器的每次 recv() 都返回了 b\"\"（\(CloseWait.clients) 次中 \(CloseWait.clients) 次）")
        claim(outcome, "ss 显示服务器的 \(CloseWait.clients) 个连接处于 CLOSE-WAIT")
        claim(outcome, "不再有套接字处于 CLOSE-WAIT")
    }

    func testReuseAddressInChinese() throws {
        let (outcome, _) = try runInChinese(ReuseAddress())
        let port = try XCTUnwrap(outcome.server?.port)
        claim(outcome, "ss 显示服务器一端（127.0.0.1:\(port)）处于 TIME-WAIT")
        claim(outcome, "bind() 到端口 \(port) 以 EADDRINUSE 失败（errno 98")
        claim(outcome, "Linux 两个套接字都要检查")
        claim(outcome, "两个套接字都设了 SO_REUSEPORT")
    }

    func testDataTransferInChinese() throws {
        let (outcome, _) = try runInChinese(DataTransfer())
        let total = DataTransfer.messageSizes.reduce(0, +)
        claim(outcome, "全部收到之后，它的 ACK 号是 \(total + 1)：SYN 占 1，再加上收到的每个字节各占 1。")
        claim(outcome, "客户端用 ack=\(DataTransfer.replySize + 1) 确认了它")
        claim(outcome, "降到了 0。接收方告诉发送方自己还能收多少：这就是流量控制。")
        claim(outcome, "个零窗口探测")
        claim(outcome, "连接 3，开着 Nagle：\(DataTransfer.pieces) 次写入变成了 2 个报文段")
        claim(outcome, "连接 4，TCP_NODELAY：同样的 \(DataTransfer.pieces) 次写入变成了 \(DataTransfer.pieces) 个报文段")
        XCTAssertTrue(remarks(outcome).contains("零窗口探测：seq 比下一个字节小 1"))
        XCTAssertTrue(remarks(outcome).contains("被 Nagle 扣住，直到那个 ACK 到来"))
    }

    func testRetransmitInChinese() throws {
        let (outcome, report) = try runInChinese(Retransmit())
        claim(outcome, "第二条消息一共发了 \(Retransmit.drops + 1) 次，每一份都是 seq=14、14 字节")
        claim(outcome, "nft 计数器数到 \(Retransmit.drops) 个被丢掉的报文段")
        claim(outcome, "每超时一次，重传计时器就加倍（指数退避）")
        XCTAssertEqual(remarks(outcome).filter { $0.hasSuffix("被规则丢掉了") }.count, Retransmit.drops)
        XCTAssertTrue(report.contains("osilab 建立了什么（事后都已清除）"))
    }

    /// The list lines up in Chinese: names, needs and summaries each start in one column, and
    /// nothing is wider than the terminal.
    func testTheListInChineseLinesUpAtEveryWidth() {
        let infos: [ExperimentInfo] = ExperimentCatalogue.all.map { $0.info }
        for width in [60, 80, 100] {
            let lines = ExperimentCatalogue.listing(width: width, language: .chinese)
            for line in lines {
                XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "wider than \(width): \(line)")
            }
            guard let header = lines.firstIndex(where: { $0.hasPrefix("名称") }) else {
                return XCTFail("no column header at \(width) columns:\n" + lines.joined(separator: "\n"))
            }
            let headerLine = lines[header]
            let needsColumn = column(of: "需要", in: headerLine)
            guard let showsColumn = column(of: "它证明什么", in: headerLine) else {
                return XCTFail("no summary column in: \(headerLine)")
            }
            XCTAssertEqual(needsColumn, DisplayWidth.of("drop-final-ack") + 2, "the needs column follows the longest name")
            for info in infos {
                guard let row = lines.firstIndex(where: { $0.hasPrefix(info.name + " ") }) else {
                    XCTFail("\(info.name) is not listed at \(width)")
                    continue
                }
                let needs = info.needs.map { $0 == .capture ? "抓包" : $0.label }.joined(separator: ",")
                XCTAssertEqual(column(of: needs + " ", in: lines[row]), needsColumn, "\(info.name)'s needs line up at \(width)")
                let summaryStart = String(lines[row].dropFirst(prefixLength(lines[row], columns: showsColumn)))
                XCTAssertTrue(summaryStart.first.map { !$0.isWhitespace } ?? false, "\(info.name)'s summary starts in its column")
                // Continuation lines hang under the summary's first character.
                var next = row + 1
                while next < lines.count, lines[next].hasPrefix(String(repeating: " ", count: showsColumn)), !lines[next].isEmpty {
                    XCTAssertFalse(lines[next].dropFirst(showsColumn).hasPrefix(" "), "continuation in the column: \(lines[next])")
                    next += 1
                }
                let wrapped = ([summaryStart] + lines[(row + 1)..<next].map { String($0.dropFirst(showsColumn)) }).joined()
                XCTAssertEqual(wrapped.replacingOccurrences(of: " ", with: ""),
                               info.summary(in: .chinese).replacingOccurrences(of: " ", with: ""),
                               "\(info.name)'s whole Chinese summary is shown at \(width)")
            }
            let names = Set(infos.flatMap { $0.name.split(separator: "-").map(String.init) })
            XCTAssertEqual(SentenceAudit.englishWords(in: lines.joined(separator: "\n"),
                                                      allowed: names.union(Self.names).union(Self.commandWords)), [],
                           lines.joined(separator: "\n"))
            XCTAssertTrue(lines[0].hasPrefix("实验（运行一个：osilab experiment 名称"))
        }
    }

    /// The osilab binary, built next to the test bundle.

    /// The display column where `text` starts in `line`.
    func column(of text: String, in line: String) -> Int? {
        guard let range = line.range(of: text) else { return nil }
        return DisplayWidth.of(line[..<range.lowerBound])
    }

    /// How many characters of `line` fill its first `columns` display columns.
    func prefixLength(_ line: String, columns: Int) -> Int {
        var width = 0, count = 0
        for character in line {
            if width >= columns { break }
            width += DisplayWidth.of(character)
            count += 1
        }
        return count
    }

    func testToolErrorsInChinese() {
        XCTAssertThrowsError(try ExternalTool.run(["osilab-no-such-tool"])) { error in
            XCTAssertEqual((error as? ToolError)?.message(in: .chinese),
                           "这个实验要运行 `osilab-no-such-tool`，但它没有安装。安装命令：sudo apt-get install osilab-no-such-tool")
        }
        XCTAssertThrowsError(try ExternalTool.run(["ip", "netns", "del", "osilab-no-such-namespace"])) { error in
            guard let error = error as? ToolError else { return XCTFail("a ToolError, not \(error)") }
            let detail = error.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertFalse(detail.isEmpty)
            XCTAssertEqual(error.message(in: .chinese), "`ip netns del osilab-no-such-namespace` 失败了（退出状态 1）：\(detail)")
            XCTAssertEqual(error.description, "`ip netns del osilab-no-such-namespace` failed (exit status 1): \(detail)",
                           "the English message is as it was")
        }
        XCTAssertEqual(ExperimentError.hung("服务器一直没有调用 accept()").message(in: .chinese),
                       "实验卡住了：服务器一直没有调用 accept()。它建立的一切都已清除。")
        XCTAssertEqual(NamespaceError.overran(name: "osilab-1-1", seconds: 12).message(in: .chinese),
                       "osilab-1-1 里的实验没有在 12 秒内结束，已被放弃。")
    }

    /// The lesson runner starts `osilab experiment NAME` with `OSILAB_LANG=zh`: the report is
    /// Chinese, and `--json` for scripts stays English.
    func testTheCommandSpeaksTheRunnersLanguageAndJSONStaysEnglish() throws {
        let binary = try osilabBinary()
        func launch(_ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["OSILAB_LANG"] = "zh"
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let plain = try launch(["experiment", "refused", "--plain"])
        XCTAssertEqual(plain.status, 0)
        XCTAssertTrue(plain.output.contains("在 Linux 上 \(ECONNREFUSED) 就是 ECONNREFUSED"), plain.output)
        let json = try launch(["experiment", "refused", "--json"])
        XCTAssertEqual(json.status, 0)
        XCTAssertTrue(json.output.contains("on Linux \(ECONNREFUSED) is ECONNREFUSED"), json.output)
        XCTAssertFalse(json.output.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "no Chinese in JSON")
        let list = try launch(["experiment"])
        XCTAssertTrue(list.output.hasPrefix("实验（运行一个："), list.output)
    }

    /// Ctrl-C during a Chinese run says in Chinese what it removed.
    func testInterruptingAChineseRunSaysWhatItRemovedInChinese() throws {
        let run = try interruptDropFinalAck(["--lang", "zh"])
        XCTAssertTrue(run.ended, "osilab exits after SIGINT")
        XCTAssertTrue(run.message.contains("已中断；清除了：网络命名空间 \(run.namespace)"), run.message)
        XCTAssertFalse(try NetworkNamespace.list().contains(run.namespace))
    }
}
