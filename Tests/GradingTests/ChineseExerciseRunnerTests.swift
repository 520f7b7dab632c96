import Foundation
@testable import Grading
import TextUI
import Workspace
import XCTest

/// The exercise runner in Chinese: the list, the hints, a grading's summary, the errors and
/// the commands themselves (the built osilab, run as a learner would), and the handshake
/// with the checks (`OSILAB_LANG` reaches the test process, Chinese failure text survives).
final class ChineseExerciseRunnerTests: XCTestCase {
    var lab: LabCopy!
    var state: URL!
    var book: ExerciseBook!

    override func setUpWithError() throws {
        lab = try LabCopy(only: ["Exercises", "Lessons"])
        state = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-zh-state-\(UUID().uuidString)")
        book = try ExerciseBook(home: lab.home, store: ProgressStore(file: state.appendingPathComponent("progress.json")),
                                language: .chinese)
    }

    override func tearDown() {
        lab?.remove()
        if let state { try? FileManager.default.removeItem(at: state) }
    }

    func exercise(_ name: String) throws -> Exercise {
        try XCTUnwrap(book.catalogue.find(name)?.exercise)
    }

    func text(_ lines: [StyledLine]) -> String {
        lines.map(\.plainText).joined(separator: "\n")
    }

    /// Without spaces or line ends, so a wrapped sentence compares equal to the sentence.
    func squeezed(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    /// The exercise names: tokens the learner types, the same in every language.
    var names: Set<String> { Set(book.catalogue.exercises.map(\.name)) }

    func assertChinese(_ output: String, allowed: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) {
        let english = SentenceAudit.englishWords(in: output, allowed: names.union(allowed))
        XCTAssertEqual(english, [], "English left in the Chinese output:\n\(output)", file: file, line: line)
    }

    func assertFits(_ lines: [StyledLine], width: Int, file: StaticString = #filePath, line: UInt = #line) {
        for styled in lines {
            XCTAssertLessThanOrEqual(DisplayWidth.of(styled.plainText), width, "wider than \(width): \(styled.plainText)",
                                     file: file, line: line)
        }
    }

    // MARK: osilab exercises

    func testTheListIsChineseAndItsColumnsLineUpAtSixtyAndEightyColumns() throws {
        let exercises = book.catalogue.exercises
        try book.record(.passed(TestReport()), for: exercises[0])
        try book.record(.failed(TestReport()), for: exercises[1])
        for width in [60, 80] {
            let lines = book.listLines(width: width)
            let listing = text(lines)
            assertFits(lines, width: width)
            XCTAssertEqual(lines.first?.plainText, "练习：\(exercises.count) 道中已通过 1 道")
            // The header's columns, in terminal columns (a Chinese character takes two).
            let header = try XCTUnwrap(lines.first { $0.plainText.contains("状态") }).plainText
            func column(of word: String, in line: String) -> Int? {
                line.range(of: word).map { DisplayWidth.of(String(line[..<$0.lowerBound])) }
            }
            let nameColumn = try XCTUnwrap(column(of: "练习", in: header))
            let statusColumn = try XCTUnwrap(column(of: "状态", in: header))
            let afterColumn = try XCTUnwrap(column(of: "学完", in: header))
            var rows = 0
            for exercise in exercises {
                let row = try XCTUnwrap(lines.map(\.plainText).first { $0.contains(" \(exercise.name) ") },
                                        "no row for \(exercise.name)")
                rows += 1
                XCTAssertEqual(column(of: exercise.name, in: row), nameColumn, row)
                let label = ["已通过", "未通过", "还没开始"].first { row.contains($0) }
                let status = try XCTUnwrap(label, "no status in: \(row)")
                XCTAssertEqual(column(of: status, in: row), statusColumn, "the status column: \(row)")
                XCTAssertEqual(column(of: "第 ", in: row), afterColumn, "the lesson column: \(row)")
            }
            XCTAssertEqual(rows, exercises.count)
            let rowOf = { (name: String) in listing.split(separator: "\n").first { $0.contains(" \(name) ") }.map(String.init) ?? "" }
            XCTAssertTrue(rowOf(exercises[0].name).contains("已通过"))
            XCTAssertTrue(rowOf(exercises[1].name).contains("未通过"))
            XCTAssertTrue(rowOf(exercises[2].name).contains("还没开始"))
            XCTAssertTrue(rowOf("layers").hasSuffix("第 1 课"), rowOf("layers"))
            XCTAssertTrue(rowOf("length-prefix").hasSuffix("第 10 课"), rowOf("length-prefix"))
            // The failing one is next: marked, with its Chinese summary under it.
            let marked = listing.split(separator: "\n").filter { $0.contains("▶") }
            XCTAssertEqual(marked.count, 1)
            XCTAssertTrue(marked.first?.contains("socket-address") == true, listing)
            XCTAssertTrue(squeezed(listing).contains(squeezed("拆开 host:port 和 [IPv6]:port，遇到格式不对的地址就拒绝，并给出正确的原因。")),
                          listing)
            XCTAssertTrue(squeezed(listing).contains(squeezed(
                "下一道：练习 2，socket-address，文件是 Exercises/02_SocketAddress.swift（学完第 3 课“什么是套接字”之后做）。"
                    + "用 `osilab edit socket-address` 打开它，用 `osilab check` 评分，需要提示就运行 `osilab hint socket-address`。")),
                          listing)
            assertChinese(listing)
        }
    }

    func testWhenEverythingPassesTheListSaysSoInChinese() throws {
        for exercise in book.catalogue.exercises { try book.record(.passed(TestReport()), for: exercise) }
        let lines = book.listLines(width: 60)
        let listing = text(lines)
        assertFits(lines, width: 60)
        XCTAssertEqual(lines.first?.plainText, "练习：\(book.catalogue.exercises.count) 道中已通过 \(book.catalogue.exercises.count) 道")
        XCTAssertTrue(squeezed(listing).contains("所有练习都通过了，做得好！"), listing)
        assertChinese(listing)
    }

    // MARK: osilab hint

    func testHintsAreTheChineseOnesOneAtATime() throws {
        let sendAll = try exercise("send-all")
        let chinese = try XCTUnwrap(sendAll.hintsZh)
        XCTAssertEqual(chinese.count, sendAll.hints.count)
        let first = try book.nextHint(for: sendAll)
        XCTAssertEqual(first.number, 1)
        XCTAssertEqual(first.text, "记下到目前为止发出了多少字节，只要这个数还小于 bytes.count 就继续循环。")
        let lines = book.hintLines(number: first.number, total: first.total, text: first.text, exercise: sendAll, width: 60)
        let shown = text(lines)
        assertFits(lines, width: 60)
        XCTAssertEqual(lines.first?.plainText, "send-all 的第 1 条提示（共 3 条）：")
        XCTAssertTrue(squeezed(shown).contains(squeezed("再运行一次 `osilab hint send-all`，下一条提示会说得更直接。")), shown)
        assertChinese(shown)
        let second = try book.nextHint(for: sendAll)
        XCTAssertEqual(second.text, chinese[1])
        _ = try book.nextHint(for: sendAll)
        let last = try book.nextHint(for: sendAll)
        XCTAssertEqual(last.number, 3, "after the last hint, the last one again")
        XCTAssertEqual(last.text, chinese[2])
        let ending = text(book.hintLines(number: last.number, total: last.total, text: "", exercise: sendAll, width: 80))
        XCTAssertTrue(squeezed(ending).contains(squeezed("这是最后一条提示。等你自己的代码通过以后，`osilab hint send-all --solution` 会给出参考答案。")),
                      ending)
        assertChinese(ending)
    }

    // MARK: osilab check: the summaries

    /// XCTest's lines as a check in Chinese prints them (what the grading's messages become
    /// with OSILAB_LANG=zh): the text must survive the parse whole, across two lines.
    var chineseRun: String {
        """
        Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' started at 2026-11-25 22:24:18.698
        Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' passed (0.001 seconds)
        Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' started at 2026-11-25 22:24:18.699
        \(lab.root.path)/Tests/ExerciseTests/SendAllTests.swift:8: error: SendAllTests.testSendsTheRestAfterAPartialSend : failed - 你只发出了 12 个字节中的 3 个：send() 每次只收下 3 个。
        请循环调用 send()，直到全部发完：“sendall”就是这样做的。
        Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' failed (0.002 seconds)
        \t Executed 2 tests, with 1 failure (0 unexpected) in 0.003 (0.003) seconds
        """
    }

    let chineseMessage = "你只发出了 12 个字节中的 3 个：send() 每次只收下 3 个。\n请循环调用 send()，直到全部发完：“sendall”就是这样做的。"

    func testTheReportKeepsChineseFailureTextWhole() {
        let report = TestReport.parse(chineseRun)
        XCTAssertEqual(report.failedCases.map(\.method), ["testSendsTheRestAfterAPartialSend"])
        XCTAssertEqual(report.failedCases.first?.failures.first?.message, chineseMessage)
        XCTAssertEqual(report.failedCases.first?.failures.first?.line, 8)
        XCTAssertEqual(report.executed, 2)
    }

    /// The same bytes through a real pipe, in chunks the reader may cut anywhere (even inside
    /// a character): what the grader reads is what the test process wrote.
    func testChineseFailureTextSurvivesThePipe() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-zh-\(UUID().uuidString).txt")
        try Data(chineseRun.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        // dd with a 7-byte block writes the text in pieces that split the 3-byte characters.
        let outcome = try Subprocess.run("/bin/sh", ["-c", "dd if=\"$1\" bs=7 2>/dev/null", "sh", script.path],
                                         in: lab.root)
        XCTAssertEqual(outcome.output, chineseRun)
        XCTAssertEqual(TestReport.parse(outcome.output).failedCases.first?.failures.first?.message, chineseMessage)
    }

    func testAFailureIsFramedInChineseAroundTheChecksMessage() throws {
        let sendAll = try exercise("send-all")
        for width in [60, 80] {
            let lines = book.summaryLines(for: .failed(TestReport.parse(chineseRun)), number: 8, exercise: sendAll, width: width)
            let summary = text(lines)
            assertFits(lines, width: width)
            XCTAssertEqual(lines.first?.plainText, "✗ send-all：2 项检查中有 1 项没通过")
            XCTAssertTrue(summary.contains("  你的文件：Exercises/08_SendAll.swift"), summary)
            XCTAssertTrue(summary.contains("  ✗ 只发出一部分之后，接着发剩下的字节"), summary)
            XCTAssertTrue(squeezed(summary).contains(squeezed(chineseMessage)), summary)
            XCTAssertTrue(summary.contains("    Tests/ExerciseTests/SendAllTests.swift:8"), summary)
            XCTAssertTrue(squeezed(summary).contains("已通过：没有要发的字节时，什么也不发"), summary)
            XCTAssertTrue(squeezed(summary).contains(squeezed(
                "修改 Exercises/08_SendAll.swift（`osilab edit send-all`），然后再运行一次 `osilab check send-all`。"
                    + "`osilab hint send-all` 会给出第 1 条提示（共 3 条）。")), summary)
            // The checks are named by their Chinese titles, not by their English method names.
            assertChinese(summary)
        }
    }

    /// Each check's Chinese title as Exercises/exercises.json spells it, read with
    /// JSONSerialization rather than the catalogue's own decoder.
    func titlesInFile(for name: String) throws -> [String: String] {
        let data = try Data(contentsOf: lab.root.appendingPathComponent("Exercises/exercises.json"))
        let file = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let exercises = try XCTUnwrap(file["exercises"] as? [[String: Any]])
        let entry = try XCTUnwrap(exercises.first { $0["name"] as? String == name }, "no \(name) in exercises.json")
        return try XCTUnwrap(entry["checks_zh"] as? [String: String], "\(name) has no checks_zh")
    }

    /// Two failing checks of send-all and a passing one, as XCTest reports them: in Chinese each
    /// is named by its title in checks_zh, in English by its method's words (as before).
    func testFailingChecksAreNamedByTheirChineseTitles() throws {
        let sendAll = try exercise("send-all")
        let test = "\(lab.root.path)/Tests/ExerciseTests/SendAllTests.swift"
        let run = """
            Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' started at 2026-11-25 22:24:18.699
            \(test):8: error: SendAllTests.testSendsTheRestAfterAPartialSend : failed - 你只发出了 12 个字节中的 3 个。
            Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' failed (0.002 seconds)
            Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' started at 2026-11-25 22:24:18.701
            Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' passed (0.001 seconds)
            Test Case 'SendAllTests.testLetsASendFailureOut' started at 2026-11-25 22:24:18.702
            \(test):11: error: SendAllTests.testLetsASendFailureOut : failed - send() 以 EPIPE 失败，你的函数却正常返回了。
            Test Case 'SendAllTests.testLetsASendFailureOut' failed (0.001 seconds)
            \t Executed 3 tests, with 2 failures (0 unexpected) in 0.004 (0.004) seconds
            """
        let report = TestReport.parse(run)
        XCTAssertEqual(report.failedCases.map(\.method), ["testSendsTheRestAfterAPartialSend", "testLetsASendFailureOut"])
        let titles = try titlesInFile(for: "send-all")
        for width in [60, 80] {
            let lines = book.summaryLines(for: .failed(report), number: 8, exercise: sendAll, width: width)
            let summary = text(lines)
            assertFits(lines, width: width)
            let named = lines.map(\.plainText).filter { $0.hasPrefix("  ✗ ") }.map { String($0.dropFirst(4)) }
            XCTAssertEqual(named, ["只发出一部分之后，接着发剩下的字节", "send() 失败时，把错误抛出去"], summary)
            XCTAssertEqual(named, [titles["testSendsTheRestAfterAPartialSend"], titles["testLetsASendFailureOut"]].compactMap { $0 })
            // Each title is followed by its own message and the line of its test.
            let title = try XCTUnwrap(lines.firstIndex { $0.plainText == "  ✗ send() 失败时，把错误抛出去" })
            XCTAssertTrue(squeezed(lines[(title + 1)...].map(\.plainText).joined()).hasPrefix(squeezed("send() 以 EPIPE 失败，你的函数却正常返回了。")),
                          summary)
            XCTAssertTrue(summary.contains("    Tests/ExerciseTests/SendAllTests.swift:11"), summary)
            XCTAssertTrue(squeezed(summary).contains("已通过：没有要发的字节时，什么也不发"), summary)
            XCTAssertFalse(summary.contains("testSends") || summary.contains("testLets"), summary)
            assertChinese(summary)
        }
        let english = try ExerciseBook(home: lab.home, store: ProgressStore(file: state.appendingPathComponent("en.json")),
                                       language: .english)
        let inEnglish = text(english.summaryLines(for: .failed(report), number: 8, exercise: sendAll, width: 80))
        XCTAssertTrue(inEnglish.contains("  ✗ sends the rest after a partial send\n"), inEnglish)
        XCTAssertTrue(inEnglish.contains("  ✗ lets a send failure out\n"), inEnglish)
    }

    /// Past the first four failing checks, the rest are listed by their Chinese titles too.
    func testTheChecksBeyondTheFirstFourAreListedByTheirChineseTitles() throws {
        let layers = try exercise("layers")
        let titles = try titlesInFile(for: "layers")
        let methods = try XCTUnwrap(layers.checksZh).keys.sorted()
        XCTAssertGreaterThan(methods.count, 4)
        var report = TestReport()
        // Shown in the order of their lines in the test file: here, the order of `methods`.
        report.cases = methods.enumerated().map { index, method in
            TestReport.Case(className: "LayersTests", method: method, status: .failed,
                            failures: [TestReport.Failure(file: lab.root.path + "/Tests/ExerciseTests/LayersTests.swift",
                                                          line: 6 + index, message: "答案不对。")])
        }
        report.executed = methods.count
        let lines = book.summaryLines(for: .failed(report), number: 1, exercise: layers, width: 60)
        let summary = text(lines)
        assertFits(lines, width: 60)
        let named = lines.map(\.plainText).filter { $0.hasPrefix("  ✗ ") }.map { String($0.dropFirst(4)) }
        XCTAssertEqual(named, methods.prefix(4).compactMap { titles[$0] }, summary)
        let rest = methods.dropFirst(4).compactMap { titles[$0] }.joined(separator: "；")
        XCTAssertTrue(squeezed(summary).contains(squeezed("另外没通过的：" + rest)), summary)
        assertChinese(summary, allowed: ["nil"])
    }

    func testPassingCrashingHangingAndNotCompilingAreSaidInChinese() throws {
        let layers = try exercise("layers")
        var passed = TestReport()
        passed.cases = (1...5).map { TestReport.Case(className: "LayersTests", method: "testCase\($0)", status: .passed, failures: []) }
        passed.executed = 5
        try book.record(.passed(passed), for: layers)
        let pass = text(book.summaryLines(for: .passed(passed), number: 1, exercise: layers, width: 60))
        XCTAssertTrue(pass.hasPrefix("✓ layers 的 5 项检查全部通过，做得好！\n"), pass)
        XCTAssertTrue(squeezed(pass).contains(squeezed("下一道：练习 2，socket-address：拆开 host:port 和 [IPv6]:port，")), pass)
        XCTAssertTrue(squeezed(pass).contains(squeezed("想把你的代码和参考答案对照，就运行 `osilab hint layers --solution`。")), pass)
        assertChinese(pass)

        let tcpHeader = try exercise("tcp-header")
        let crashRun = """
            Test Case 'TCPHeaderTests.testRejectsFewerThanTwentyBytes' started at 2026-11-25 22:24:19.767
            Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range
              3 [ra]          0x000055dac092923d parseTCPHeader(_:) + 60 in osilabPackageTests.xctest at \(lab.root.path)/Exercises/04_TCPHeader.swift:54:28
            """
        let crash = text(book.summaryLines(for: .crashed(TestReport.parse(crashRun)), number: 4, exercise: tcpHeader, width: 80))
        XCTAssertTrue(crash.hasPrefix("✗ tcp-header：评分运行“不到 20 个字节就返回 nil”这项检查时，你的代码崩溃了\n"), crash)
        XCTAssertTrue(crash.contains("    运行时的致命错误：Index out of range"), crash)
        XCTAssertTrue(crash.contains("    崩溃在你的代码 Exercises/04_TCPHeader.swift:54"), crash)
        XCTAssertTrue(squeezed(crash).contains("一旦崩溃，评分就立刻结束，后面的检查都没有运行。"), crash)
        // The runtime's own words stay as the Swift runtime prints them.
        assertChinese(crash, allowed: ["nil", "Index", "out", "of", "range"])

        var hung = TestReport()
        hung.cases = [TestReport.Case(className: "TimeoutsTests", method: "testReceiveGivesUp", status: .running, failures: [])]
        let timeouts = try exercise("timeouts")
        let hang = text(book.summaryLines(for: .timedOut(hung, seconds: 150), number: 7, exercise: timeouts, width: 80))
        XCTAssertTrue(hang.hasPrefix("✗ timeouts：评分在 150 秒内没有结束，当时正在运行“testReceiveGivesUp”这项检查\n"), hang)
        assertChinese(hang, allowed: ["testReceiveGivesUp"])

        let compilerMessage = "cannot find 'listner' in scope"
        let errors = [
            CompilerError(file: lab.root.path + "/Exercises/05_ListeningSocket.swift", line: 20, column: 16, message: compilerMessage),
            CompilerError(file: lab.root.path + "/Sources/Wire/IPAddress.swift", line: 3, column: 1, message: compilerMessage),
        ]
        let build = text(book.summaryLines(for: .buildFailed(errors, output: ""), number: 1, exercise: layers, width: 80))
        XCTAssertTrue(build.hasPrefix("✗ 练习编译不通过，所以什么都没法评分。\n"), build)
        XCTAssertTrue(build.contains("  在练习 listening-socket（Exercises/05_ListeningSocket.swift）中："), build)
        XCTAssertTrue(build.contains("    Exercises/05_ListeningSocket.swift:20:16: \(compilerMessage)"), build)
        XCTAssertTrue(squeezed(build).contains(squeezed("或者用 `osilab reset listening-socket` 换回原来的练习文件。")), build)
        XCTAssertTrue(squeezed(build).contains(squeezed("练习之外（实验室自己的代码；`git status` 会列出改动了什么）：")), build)
        XCTAssertTrue(build.contains("    Sources/Wire/IPAddress.swift:3:1: \(compilerMessage)"), build)
        // The compiler's own message is the compiler's.
        assertChinese(build, allowed: Set(SentenceAudit.englishWords(in: compilerMessage)))

        let heading = book.checkingLine(number: 8, exercise: try exercise("send-all")).plainText
        XCTAssertEqual(heading, "正在评分：练习 8，send-all（Exercises/08_SendAll.swift）")
    }

    func testTheErrorsOfANameAreChinese() throws {
        XCTAssertThrowsError(try book.resolve("sendall")) { error in
            XCTAssertEqual((error as? ExerciseBook.LookupError)?.message(in: .chinese),
                           "没有叫“sendall”的练习；你是不是想输入 send-all？`osilab exercises` 会列出所有练习。")
        }
        XCTAssertEqual(ExerciseBook.LookupError.unknown("zzz", suggestions: ["a-b", "c-d"]).message(in: .chinese),
                       "没有叫“zzz”的练习；你是不是想输入 a-b 或 c-d？`osilab exercises` 会列出所有练习。")
        XCTAssertEqual(ExerciseBook.LookupError.unknown("zzz", suggestions: []).message(in: .chinese),
                       "没有叫“zzz”的练习。`osilab exercises` 会列出所有练习。")
        assertChinese(ExerciseBook.LookupError.allPassed.message(in: .chinese))
        assertChinese(Pristine.Failure.notACheckout("/lab").message(in: .chinese), allowed: ["git"])
        assertChinese(Grader.SetupError.noSwift.message(in: .chinese))
        XCTAssertEqual(ExerciseCatalogue.LoadError.missing(path: "/lab/Exercises/exercises.json").message(in: .chinese),
                       "练习目录 /lab/Exercises/exercises.json 不见了；这是完整的 osilab 源码吗？")
    }

    // MARK: The catalogue's Chinese

    func testTheCatalogueHasChineseForEverythingTheLearnerReads() throws {
        for exercise in book.catalogue.exercises {
            let summary = try XCTUnwrap(exercise.summaryZh, "\(exercise.name) has no summary_zh")
            XCTAssertTrue(summary.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(exercise.name): \(summary)")
            // A summary names calls and types (`bytes.upper()`, `host:port`), never English prose.
            XCTAssertEqual(SentenceAudit.englishWords(in: summary, allowed: ["nil"]), [], "\(exercise.name): \(summary)")
            let hints = try XCTUnwrap(exercise.hintsZh, "\(exercise.name) has no hints_zh")
            XCTAssertEqual(hints.count, exercise.hints.count, "\(exercise.name): one Chinese hint for each English one")
            for (english, chinese) in zip(exercise.hints, hints) {
                // A hint that is only code is the same in both languages; every other one is Chinese.
                let isChinese = chinese.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
                XCTAssertTrue(isChinese || chinese == english, "\(exercise.name): an English hint in hints_zh: \(chinese)")
            }
            XCTAssertNotEqual(hints, exercise.hints, "\(exercise.name): its hints are translated")
        }
    }

    func testTheCatalogueCheckRequiresBothLanguages() {
        func reason(_ entry: String, requiring languages: [Language] = Language.allCases) -> String {
            do {
                _ = try ExerciseCatalogue.parse(Data(#"{"version": 1, "exercises": [\#(entry)]}"#.utf8), requiring: languages)
                return "accepted"
            } catch {
                return error.description
            }
        }
        let english = #""name": "a", "file": "A.swift", "tests": "ATests", "lesson": "x", "summary": "s", "hints": ["h1", "h2"]"#
        let chinese = #""summary_zh": "摘要", "hints_zh": ["提示一", "提示二"]"#
        XCTAssertEqual(reason("{\(english), \(chinese), \"checks_zh\": {\"testA\": \"检查一\"}}"), "accepted")
        XCTAssertTrue(reason("{\(english), \(chinese)}").contains("a has no Chinese check titles (checks_zh)"))
        XCTAssertTrue(reason("{\(english), \(chinese), \"checks_zh\": {}}").contains("a has no Chinese check titles (checks_zh)"))
        XCTAssertTrue(reason("{\(english), \(chinese), \"checks_zh\": {\"testA\": \"\"}}")
            .contains("a has an empty title for testA in checks_zh"))
        XCTAssertTrue(reason("{\(english), \(chinese), \"checks_zh\": {\"sendsAll\": \"检查一\"}}")
            .contains("a: \"sendsAll\" in checks_zh is not a test method"))
        XCTAssertTrue(reason("{\(english), \"checks_zh\": {\"testA\": \"\"}}", requiring: [.english]).contains("empty title"))
        XCTAssertTrue(reason("{\(english), \"hints_zh\": [\"提示一\", \"提示二\"]}").contains("a has no Chinese summary (summary_zh)"))
        XCTAssertTrue(reason("{\(english), \"summary_zh\": \"\", \"hints_zh\": [\"提示一\", \"提示二\"]}").contains("summary_zh"))
        XCTAssertTrue(reason("{\(english), \"summary_zh\": \"摘要\"}").contains("a has no Chinese hints (hints_zh)"))
        XCTAssertTrue(reason("{\(english), \"summary_zh\": \"摘要\", \"hints_zh\": [\"提示一\"]}")
            .contains("a has 2 hints but 1 in hints_zh"))
        // A translation that is there is checked even where it is not required.
        XCTAssertTrue(reason("{\(english), \"hints_zh\": [\"提示一\"]}", requiring: [.english]).contains("1 in hints_zh"))
        XCTAssertEqual(reason("{\(english)}", requiring: [.english]), "accepted")
        // The real catalogue is loaded requiring every language (setUp loaded it).
        XCTAssertEqual(book.catalogue.exercises.count,
                       book.catalogue.exercises.filter { $0.summaryZh != nil && $0.hintsZh != nil && $0.checksZh != nil }.count)
    }

    // MARK: The handshake with the checks: OSILAB_LANG reaches the test process

    /// A stand-in `swift` whose test bundle prints what a check would, including the
    /// OSILAB_LANG it was given: the grader's real process path, without a build.
    func testTheGraderTellsTheTestProcessTheLanguageAndReadsItsChineseBack() throws {
        let tools = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-fake-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tools) }
        let swift = tools.appendingPathComponent("swift")
        try Data("#!/bin/sh\necho \(tools.path)\n".utf8).write(to: swift)
        let bundle = tools.appendingPathComponent("osilabPackageTests.xctest")
        let test = "\(lab.root.path)/Tests/ExerciseTests/SendAllTests.swift"
        try Data("""
            #!/bin/sh
            echo "Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' started at 2026-11-25 22:24:18.699"
            echo "\(test):8: error: SendAllTests.testSendsTheRestAfterAPartialSend : failed - 语言是 $OSILAB_LANG：你只发出了 12 个字节中的 3 个。"
            echo "Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' failed (0.002 seconds)"
            echo "Executed 1 test, with 1 failure (0 unexpected) in 0.003 (0.003) seconds"
            exit 1

            """.utf8).write(to: bundle)
        for file in [swift, bundle] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        // The shell's own OSILAB_LANG says English; the learner chose Chinese, which wins.
        let environment = ["PATH": tools.path + ":/usr/bin:/bin", "OSILAB_LANG": "en", "HOME": state.path]
        let sendAll = try exercise("send-all")
        for (language, code) in [(Language.chinese, "zh"), (.english, "en")] {
            let grader = try Grader(home: lab.home, language: language, environment: environment)
            XCTAssertEqual(grader.testEnvironment["OSILAB_LANG"], code)
            let result = grader.runTests(of: sendAll)
            guard case .failed(let report) = result else { return XCTFail("the stand-in tests fail: \(result)") }
            XCTAssertEqual(report.failedCases.first?.failures.first?.message, "语言是 \(code)：你只发出了 12 个字节中的 3 个。")
        }
    }

    /// The grading of one real stub, on this checkout's own build (the test bundle running
    /// this test): it fails, and the summary around the checks' messages is Chinese.
    func testARealGradingOfAStubIsSummarisedInChinese() throws {
        let home = LabHome(root: CatalogueTests.root)
        let grader = try Grader(home: home, language: .chinese)
        let own = try ExerciseBook(home: home, store: ProgressStore(file: state.appendingPathComponent("own.json")), language: .chinese)
        let layers = try XCTUnwrap(own.catalogue.find("layers")?.exercise)
        let result = grader.runTests(of: layers)
        guard case .failed(let report) = result else { return XCTFail("the stub of layers fails its checks: \(result)") }
        let summary = text(own.summaryLines(for: result, number: 1, exercise: layers, width: 80))
        XCTAssertTrue(summary.contains("    Tests/ExerciseTests/LayersTests.swift:"), summary)
        XCTAssertTrue(summary.hasPrefix("✗ layers：\(report.cases.count) 项检查中有 \(report.failedCases.count) 项没通过\n"), summary)
        XCTAssertTrue(summary.contains("  你的文件：Exercises/01_Layers.swift"), summary)
        // The first four failing checks in the test file's order, by their Chinese titles (checks_zh).
        let titles = try XCTUnwrap(layers.checksZh)
        let inFile = try CheckTitlesTests.testMethods(in: String(contentsOf: home.root.appendingPathComponent(
            "Tests/ExerciseTests/LayersTests.swift"), encoding: .utf8))
        let failed = Set(report.failedCases.map(\.method))
        let shown = summary.split(separator: "\n").filter { $0.hasPrefix("  ✗ ") }.map { String($0.dropFirst(4)) }
        XCTAssertEqual(shown.count, min(4, report.failedCases.count), summary)
        XCTAssertEqual(shown, inFile.filter(failed.contains).prefix(4).map { titles[$0] ?? "no title for \($0)" }, summary)
        XCTAssertTrue(squeezed(summary).contains(squeezed("修改 Exercises/01_Layers.swift（`osilab edit layers`）")), summary)
        // The checks' own messages are the grading's (Chinese once it speaks it); the rest is ours.
        let messages = report.cases.flatMap(\.failures).map(\.message).joined(separator: "\n")
        assertChinese(summary, allowed: Set(["nil"] + SentenceAudit.englishWords(in: messages)))
    }

    // MARK: The commands themselves

    /// The built osilab next to this test bundle.
    var osilab: URL {
        let candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [CatalogueTests.root.appendingPathComponent(".build/debug")]
        return candidates.map { $0.appendingPathComponent("osilab") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0].appendingPathComponent("osilab")
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = osilab
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in ["OSILAB_HOME": lab.root.path, "XDG_STATE_HOME": state.path, "COLUMNS": "80", "NO_COLOR": "1",
                             "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": ""].merging(extra, uniquingKeysWith: { $1 }) {
            environment[key] = value
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    func testTheCommandsSpeakChineseWithTheFlagAndTheLocale() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: osilab.path), "build osilab first: \(osilab.path)")
        let list = try run(["exercises", "--lang", "zh"])
        XCTAssertEqual(list.status, 0, list.error)
        XCTAssertTrue(list.output.hasPrefix("练习：\(book.catalogue.exercises.count) 道中已通过 0 道\n"), list.output)
        for line in list.output.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 80, String(line)) }
        assertChinese(list.output)
        let byLocale = try run(["exercises"], environment: ["LANG": "zh_CN.UTF-8"])
        XCTAssertEqual(byLocale.output, list.output, "a Chinese locale chooses Chinese too")
        XCTAssertTrue(try run(["exercises", "--lang", "en"], environment: ["LANG": "zh_CN.UTF-8"]).output
            .hasPrefix("Exercises: 0 of "), "--lang wins over the locale")

        let hint = try run(["hint", "uppercase", "--lang", "zh"])
        XCTAssertEqual(hint.status, 0, hint.error)
        XCTAssertTrue(hint.output.hasPrefix("uppercase 的第 1 条提示（共 3 条）：\n  用 `map` 一个字节一个字节地处理；不要把字节转换成 `String`。\n"),
                      hint.output)
        assertChinese(hint.output)
        let locked = try run(["hint", "uppercase", "--solution"], environment: ["OSILAB_LANG": "zh"])
        XCTAssertEqual(locked.status, 1)
        XCTAssertEqual(locked.error, "uppercase 的参考答案要等你自己的代码通过以后才能看：写好以后运行 `osilab check uppercase`。"
                       + "在那之前，`osilab hint uppercase` 可以帮你。\n")

        let unknown = try run(["check", "sendall", "--lang", "zh"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.error, "osilab: 没有叫“sendall”的练习；你是不是想输入 send-all？`osilab exercises` 会列出所有练习。\n")
        let badFlag = try run(["hint", "layers", "--lang", "fr"], environment: ["LANG": "zh_CN.UTF-8"])
        XCTAssertNotEqual(badFlag.status, 0)
        XCTAssertFalse(badFlag.error.isEmpty)

        let edit = try run(["edit", "layers", "--lang", "zh"], environment: ["EDITOR": "true"])
        XCTAssertEqual(edit.status, 0, edit.error)
        XCTAssertEqual(edit.output, "正在打开练习 1，layers：Exercises/01_Layers.swift\n评分：osilab check layers\n")

        let reset = try run(["reset", "layers", "--lang", "zh", "--yes"])
        XCTAssertEqual(reset.status, 0, reset.error)
        XCTAssertEqual(reset.output, "Exercises/01_Layers.swift 就是原来的练习文件；它的状态现在是“还没开始”。\n")
        try lab.write("// 我的尝试\n", to: "Exercises/01_Layers.swift")
        let restored = try run(["reset", "layers", "--lang", "zh", "--yes"])
        XCTAssertEqual(restored.status, 0, restored.error)
        XCTAssertTrue(restored.output.hasPrefix("已恢复 Exercises/01_Layers.swift。你的版本保存在 \(state.path)/osilab/exercise-backups/"),
                      restored.output)
        let asking = try run(["reset", "layers", "--lang", "zh"])
        try lab.write("// 又一次尝试\n", to: "Exercises/01_Layers.swift")
        let refused = try run(["reset", "layers", "--lang", "zh"])
        XCTAssertEqual(asking.status, 0, "the original stub needs no question")
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.error, "osilab reset 在替换你的文件之前会先问你；现在没有终端可以提问，请加上 --yes。\n")
    }
}
