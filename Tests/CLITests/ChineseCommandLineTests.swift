import Foundation
import TextUI
import XCTest

/// The built osilab in Chinese, run as a learner would with its output piped: the real
/// lessons, a temporary XDG_STATE_HOME, and a controlled locale.
final class ChineseCommandLineTests: XCTestCase {
    var stateHome: URL!

    override func setUpWithError() throws {
        stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-zh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: stateHome)
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs osilab on the repository's lessons with `locale` as the only locale variables set
    /// (the test runner's own LANG must not decide).
    func osilab(_ arguments: [String], input: String = "", locale: [String: String] = [:],
                file: StaticString = #filePath, line: UInt = #line) throws -> OsilabProcess.Result {
        var environment = ["XDG_STATE_HOME": stateHome.path, "OSILAB_HOME": Self.packageRoot.path, "COLUMNS": "80",
                           "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "NO_COLOR": "1"]
        environment.merge(locale) { $1 }
        return try OsilabProcess.run(arguments, input: input, environment: environment, timeout: 60, file: file, line: line)
    }

    /// The text without any space or line end: wrapped lines compare equal to the sentence.
    func squeezed(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    func storedLanguage() throws -> String? {
        let data = try Data(contentsOf: stateHome.appendingPathComponent("osilab/progress.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])["language"] as? String
    }

    /// `printf 'b\n' | osilab lesson 4 --lang zh`: the lesson, the prompts, the verdict and
    /// the ending are Chinese, and the choice is remembered.
    func testAPipedLessonSpeaksChineseWithTheFlag() throws {
        let run = try osilab(["lesson", "4", "--lang", "zh"], input: "b\n")
        XCTAssertEqual(run.status, 0, run.error)
        let out = run.output
        XCTAssertTrue(out.hasPrefix("第 4 课：TCP 三次握手\n"), String(out.prefix(300)))
        XCTAssertTrue(out.contains("学完这一课，你将能够："), "the objectives heading is Chinese")
        XCTAssertTrue(out.contains("┌─ 实验 ─"), "the lab box has a Chinese title")
        XCTAssertTrue(out.contains("你的预测（a、b 或 c）：b\n"), "the prediction prompt is Chinese")
        XCTAssertTrue(out.contains("── 正在运行：osilab handshake"), "the lab's header is Chinese")
        // Live or recorded, the prediction gets a verdict in Chinese: b (SYN-ACK) is wrong.
        XCTAssertTrue(out.contains("✗ 抓包结果和你的预测不符：accept() 在最后的 ACK（第 3 步）之后返回。")
            || out.contains("✗ 录好的抓包和你的预测不符：accept() 在最后的 ACK（第 3 步）之后返回。")
            || out.contains("? 没法核对你的预测"), out)
        // The lab itself was told the language (OSILAB_LANG): its ladder and explanation are Chinese.
        XCTAssertTrue(out.contains("客户端 127.0.0.1:") && out.contains("第 1 步：seq = J"), out)
        XCTAssertTrue(squeezed(out).contains(squeezed("所以 accept() 在第 3 步返回")), out)
        XCTAssertTrue(out.contains("（没有作答：标准输入已经结束）"))
        XCTAssertTrue(out.contains("┌─ 小测验 ─"), "checkpoints are titled in Chinese")
        XCTAssertTrue(out.contains("┌─ 勘误：笔记与内核的实际做法不符 ─"), "the erratum box is titled in Chinese")
        XCTAssertTrue(out.hasSuffix("第 4 课结束。\n下一课：osilab lesson 5\n"), String(out.suffix(300)))
        for english in ["Your prediction", "End of lesson", "Checkpoint", "Lesson 4:"] {
            XCTAssertFalse(out.contains(english), "English interface text “\(english)” in the Chinese run")
        }
        XCTAssertEqual(try storedLanguage(), "zh", "--lang is remembered in the progress")
    }

    func testTheFlagCanComeBeforeTheCommand() throws {
        let run = try osilab(["--lang", "zh", "lesson", "4"])
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(run.output.hasPrefix("第 4 课：TCP 三次握手\n"), String(run.output.prefix(200)))
        let list = try osilab(["--lang", "zh", "lessons"])
        XCTAssertTrue(list.output.hasPrefix("课程列表\n"), list.output)
    }

    func testTheLocaleChoosesChineseAndIsNotRemembered() throws {
        let run = try osilab(["lessons"], locale: ["LANG": "zh_CN.UTF-8"])
        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertTrue(run.output.hasPrefix("课程列表\n"), run.output)
        XCTAssertTrue(run.output.contains("TCP 三次握手"), "the titles come from the Chinese lessons")
        XCTAssertTrue(run.output.contains("未开始"))
        let again = try osilab(["lessons"])
        XCTAssertTrue(again.output.hasPrefix("Lessons\n"), "a locale is not stored: \(again.output)")
    }

    func testTheStoredChoiceAppliesUnlessTheLocaleNamesALanguage() throws {
        _ = try osilab(["lessons", "--lang", "zh"])
        XCTAssertTrue(try osilab(["lessons"]).output.hasPrefix("课程列表"), "stored preference, no locale")
        XCTAssertTrue(try osilab(["lessons"], locale: ["LANG": "C.UTF-8"]).output.hasPrefix("课程列表"), "C names no language")
        XCTAssertTrue(try osilab(["lessons"], locale: ["LANG": "en_US.UTF-8"]).output.hasPrefix("Lessons"),
                      "the environment comes before the stored preference")
        XCTAssertTrue(try osilab(["lessons"], locale: ["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"]).output.hasPrefix("Lessons"),
                      "LC_ALL comes before LANG")
        XCTAssertTrue(try osilab(["lessons", "--lang", "en"], locale: ["LANG": "zh_CN.UTF-8"]).output.hasPrefix("Lessons"),
                      "the flag comes before the environment")
        XCTAssertEqual(try storedLanguage(), "en")
    }

    func testAnUnknownLanguageIsRefusedInTheLanguageThatWouldBeUsed() throws {
        let run = try osilab(["lesson", "1", "--lang", "fr"], locale: ["LANG": "zh_CN.UTF-8"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.error.contains("--lang 只能是 zh（中文）或 en（英文），不能是“fr”。"), run.error)
        let english = try osilab(["lesson", "1", "--lang", "fr"])
        XCTAssertTrue(english.error.contains("--lang takes zh (Chinese) or en (English), not “fr”."), english.error)
    }

    func testLabCommandsFollowTheLanguageTheyAreGiven() throws {
        let passed = try osilab(["handshake", "--recorded", "--plain"], locale: ["OSILAB_LANG": "zh", "LANG": "en_US.UTF-8"])
        XCTAssertEqual(passed.status, 0, passed.error)
        XCTAssertTrue(passed.output.contains("第 2 步：seq = K，ack = J+1 [ok]"), "the runner's choice wins: \(passed.output)")
        let locale = try osilab(["handshake", "--recorded", "--plain"], locale: ["LANG": "zh_CN.UTF-8"])
        XCTAssertTrue(squeezed(locale.output).contains(squeezed("所以 connect() 在第 2 步返回")),
                      "by hand, the locale decides: \(locale.output)")
        let english = try osilab(["handshake", "--recorded", "--plain"], locale: ["OSILAB_LANG": "en", "LANG": "zh_CN.UTF-8"])
        XCTAssertTrue(squeezed(english.output).contains(squeezed("So connect() returns at step 2")), english.output)
        let json = try osilab(["handshake", "--recorded", "--json"], locale: ["OSILAB_LANG": "zh"])
        XCTAssertTrue(json.output.contains("\"note\":\"step 1: seq = J\""), "JSON stays English for scripts: \(json.output)")
        let step = try osilab(["handshake", "--recorded", "--step"], locale: ["OSILAB_LANG": "zh"])
        // Piped, step mode prints a transcript, ASCII as --plain is.
        XCTAssertTrue(squeezed(step.output).contains(squeezed("-> 第 1 步：客户端的内核发出 SYN")), step.output)
    }

    func testErrorsShownToTheLearnerAreInChinese() throws {
        let missing = try osilab(["lesson", "99", "--lang", "zh"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("没有第 99 课：课程编号是 1 到"), missing.error)
        let folder = stateHome.appendingPathComponent("osilab")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("{\"language\": \"zh\", \"lessons\": [".utf8).write(to: folder.appendingPathComponent("progress.json"))
        let corrupt = try osilab(["lessons"], locale: ["LANG": "zh_CN.UTF-8"])
        XCTAssertEqual(corrupt.status, 0)
        XCTAssertTrue(corrupt.error.contains("读不出来，已经把它移到"), corrupt.error)
    }

    /// `osilab handshake --lang zh`, live, as root on lo and as an ordinary user in a private
    /// network: the same Chinese ladder and explanation, and no English sentence in either.
    func testTheLiveHandshakeIsChineseForRootAndForALearner() throws {
        for user in [nil, 65534] as [Int?] {
            let run = try OsilabProcess.run(["handshake", "--plain", "--lang", "zh"], asUser: user,
                                            environment: ["COLUMNS": "80", "NO_COLOR": "1"], timeout: 60)
            let who = user.map { "uid \($0)" } ?? "root"
            XCTAssertEqual(run.status, 0, "\(who): \(run.error)")
            let out = run.output
            XCTAssertTrue(out.contains("第 1 步：seq = J"), "\(who): \(out)")
            XCTAssertTrue(out.contains("第 2 步：seq = K，ack = J+1 [ok]"), "\(who): \(out)")  // --plain spells ✓ in ASCII
            XCTAssertTrue(out.contains("第 3 步：ack = K+1 [ok]"), "\(who): \(out)")
            XCTAssertTrue(squeezed(out).contains(squeezed("所以 accept() 在第 3 步返回")), "\(who): \(out)")
            XCTAssertTrue(out.contains("抓包统计：抓到 "), "\(who): the counters are Chinese: \(out)")
            // Addresses, ports and the ladder's numbers aside, nothing English is left (`us`: --plain's µs).
            XCTAssertEqual(SentenceAudit.englishWords(in: out, allowed: ["us"]), [], "\(who): \(out)")
            if user != nil { XCTAssertTrue(run.error.contains("私有网络"), "\(who): the notice is Chinese: \(run.error)") }
        }
    }
}
