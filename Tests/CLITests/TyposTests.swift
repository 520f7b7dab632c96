import Foundation
@testable import osilab
import TextUI
import XCTest

/// What a learner sees after a typo, from the built osilab: a mistyped command gets the
/// closest names and the list of commands (not the usage of the hidden default `start`), a
/// mistyped experiment the experiments' names, and a port out of range the range every port
/// has (0 to 65535, as lesson 3 and exercise 2 teach), in English and in Chinese.
final class TyposTests: XCTestCase {
    var stateHome: URL!

    override func setUpWithError() throws {
        stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-typos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stateHome, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: stateHome)
    }

    /// osilab with no locale, no stored language and no `OSILAB_LANG`: English unless `--lang zh`.
    func osilab(_ arguments: [String], columns: Int = 100, file: StaticString = #filePath, line: UInt = #line)
        throws -> OsilabProcess.Result {
        let environment = ["XDG_STATE_HOME": stateHome.path, "OSILAB_HOME": packageRoot.path, "COLUMNS": "\(columns)",
                           "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": "", "NO_COLOR": "1"]
        return try OsilabProcess.run(arguments, environment: environment, timeout: 60, file: file, line: line)
    }

    /// The subcommands `osilab --help` lists (argument-parser's own rendering), in its order.
    func commandsInHelp() throws -> [String] {
        let help = try osilab(["--help"]).output
        let section = try XCTUnwrap(help.components(separatedBy: "SUBCOMMANDS:\n").last)
        return section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { return nil }
            return name == "See" ? nil : String(name)
        }
    }

    /// The experiments `osilab experiment` lists, in its order: the first word of each row
    /// under the NAME heading.
    func experimentsListed() throws -> [String] {
        let listing = try osilab(["experiment"]).output.split(separator: "\n", omittingEmptySubsequences: false)
        let heading = try XCTUnwrap(listing.firstIndex { $0.hasPrefix("NAME ") })
        return listing[(heading + 1)...].prefix { !$0.isEmpty }
            .filter { !$0.hasPrefix(" ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// `(name, description)` for each line of the command list in `error`, after `heading`.
    func commandRows(_ error: String, heading: String) throws -> [(name: String, column: Int, line: String)] {
        let lines = error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex(of: heading), "no line “\(heading)” in:\n\(error)")
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { return nil }
            let afterName = line.dropFirst(2 + name.count)
            let column = 2 + name.count + afterName.prefix { $0 == " " }.count
            return (String(name), column, line)
        }
    }

    // MARK: A mistyped command

    func testAMistypedCommandSuggestsTheClosestAndListsEveryCommand() throws {
        let run = try osilab(["handshak"])
        XCTAssertEqual(run.status, 64, "a typo is a usage error, as argument-parser's are")
        XCTAssertEqual(run.output, "", "the message goes to standard error")
        let lines = run.error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first, "osilab has no command 'handshak'. Did you mean `osilab handshake`?")
        XCTAssertFalse(run.error.contains("osilab start"), "not the usage of the default command:\n\(run.error)")
        XCTAssertFalse(run.error.contains("Unexpected argument"), run.error)
        let rows = try commandRows(run.error, heading: "The commands:")
        XCTAssertEqual(rows.map(\.name), try commandsInHelp(), "every command osilab --help lists, in its order")
        XCTAssertEqual(Set(rows.map(\.column)).count, 1, "the descriptions start in one column:\n\(run.error)")
        XCTAssertTrue(rows.contains { $0.line.hasSuffix("Watch a real TCP handshake on loopback, next to connect() and accept()") })
        XCTAssertEqual(lines.last(where: { !$0.isEmpty }), "`osilab help COMMAND` (or `osilab COMMAND --help`) says more about one.")
    }

    func testACommandTypoIsAlsoCaughtAfterTheLanguageFlagAndInCapitals() throws {
        let run = try osilab(["--lang", "en", "HANDSHAKE", "--port", "4545"])
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(run.error.hasPrefix("osilab has no command 'HANDSHAKE'. Did you mean `osilab handshake`?\n"), run.error)
    }

    func testEveryCloseCommandIsSuggestedAndAFarOneNone() throws {
        let lessons = try osilab(["lesons"])
        XCTAssertEqual(lessons.status, 64)
        XCTAssertTrue(lessons.error.hasPrefix(
            "osilab has no command 'lesons'. Did you mean `osilab lessons` or `osilab lesson`?\n"), lessons.error)
        let prefix = try osilab(["ex"])
        XCTAssertTrue(prefix.error.hasPrefix(
            "osilab has no command 'ex'. Did you mean `osilab exercises` or `osilab experiment`?\n"), prefix.error)
        let far = try osilab(["frobnicate"])
        XCTAssertEqual(far.status, 64)
        XCTAssertTrue(far.error.hasPrefix("osilab has no command 'frobnicate'.\n\nThe commands:\n"), far.error)
    }

    func testAMistypedCommandInChinese() throws {
        let run = try osilab(["handshak", "--lang", "zh"])
        XCTAssertEqual(run.status, 64)
        let lines = run.error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first, "osilab 没有“handshak”这个命令。你是想输入 `osilab handshake` 吗？")
        let rows = try commandRows(run.error, heading: "所有命令：")
        XCTAssertEqual(rows.map(\.name), try commandsInHelp())
        XCTAssertTrue(rows.contains { $0.line.hasSuffix("在回环接口上看一次真实的 TCP 握手，以及 connect() 和 accept()") }, run.error)
        // Besides the commands' names (kept in every language): the word typed and the lab names.
        XCTAssertEqual(SentenceAudit.englishWords(in: run.error, allowed: ["handshak", "echo", "remote", "files"]), [],
                       "every command is described in Chinese:\n\(run.error)")
    }

    /// At 60 columns the Chinese list wraps each description under itself.
    func testTheChineseCommandListFitsSixtyColumns() throws {
        let run = try osilab(["--lang", "zh", "lesons"], columns: 60)
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(withoutSpaces(run.error).hasPrefix(withoutSpaces("osilab 没有“lesons”这个命令。你是想输入 `osilab lessons` 或 `osilab lesson` 吗？")),
                      run.error)
        let lines = run.error.split(separator: "\n").map(String.init)
        for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 60, "too wide: \(line)") }
        let rows = try commandRows(run.error, heading: "所有命令：")
        let column = try XCTUnwrap(rows.first?.column)
        XCTAssertEqual(Set(rows.map(\.column)), [column])
        // A continuation line hangs under the description, not under the name.
        let list = lines.drop { $0 != "所有命令：" }.dropFirst().prefix { !$0.hasPrefix("想详细") }
        let continuations = list.filter { $0.hasPrefix("   ") }
        XCTAssertFalse(continuations.isEmpty, "the start line is longer than 60 columns:\n\(run.error)")
        for line in continuations {
            XCTAssertEqual(line.prefix { $0 == " " }.count, column, "hangs under the description: \(line)")
        }
    }

    func testRightCommandsAreNotMistakenForTypos() throws {
        let lessons = try osilab(["--lang", "zh", "lessons"])
        XCTAssertEqual(lessons.status, 0, lessons.error)
        XCTAssertTrue(lessons.output.hasPrefix("课程列表\n"), lessons.output)
        let pointer = try osilab(["help", "zh"])
        XCTAssertEqual(pointer.status, 0, pointer.error)
        XCTAssertTrue(pointer.output.contains("中文使用说明"), pointer.output)
        let version = try osilab(["--version"])
        XCTAssertEqual(version.status, 0)
    }

    /// Only a word where a command's name belongs is looked at: not an option's value, not a
    /// lesson number, not a program after `--`, not the words of a command without subcommands.
    func testOnlyWordsWhereACommandNameBelongsAreChecked() {
        XCTAssertNil(CommandTypo.find(in: []))
        XCTAssertNil(CommandTypo.find(in: ["--lang", "zh", "lesson", "4"]))
        XCTAssertNil(CommandTypo.find(in: ["--lang=zh", "experiment", "refused", "--no-capture"]))
        XCTAssertNil(CommandTypo.find(in: ["watch", "--", "python3", "server.py"]))
        XCTAssertNil(CommandTypo.find(in: ["--", "handshak"]))
        XCTAssertNil(CommandTypo.find(in: ["help", "watch"]))
        XCTAssertNil(CommandTypo.find(in: ["serve", "echo", "--port", "4545"]))
        XCTAssertNil(CommandTypo.find(in: ["--bogus", "handshak"]), "an unknown option first: argument-parser says so")
        let typo = CommandTypo.find(in: ["--lang", "zh", "experiment", "--lang", "en", "nosuch"])
        XCTAssertEqual(typo?.parent, ["osilab", "experiment"])
        XCTAssertEqual(typo?.typed, "nosuch")
    }

    // MARK: A mistyped experiment

    func testAMistypedExperimentNamesTheExperiments() throws {
        let run = try osilab(["experiment", "nosuch"])
        XCTAssertEqual(run.status, 64)
        let names = try experimentsListed()
        XCTAssertTrue(names.contains("drop-final-ack") && names.count >= 8, "\(names)")
        XCTAssertEqual(squeezedLines(run.error), "There is no experiment 'nosuch'.\nThe experiments: "
            + names.joined(separator: ", ") + ". `osilab experiment` says what each one shows.")
        XCTAssertFalse(run.error.contains("Usage:"), run.error)
    }

    func testAMistypedExperimentSuggestsTheClosestInChinese() throws {
        let run = try osilab(["experiment", "--lang", "zh", "refuse"])
        XCTAssertEqual(run.status, 64)
        let names = try experimentsListed()
        XCTAssertEqual(withoutSpaces(run.error), withoutSpaces("没有叫“refuse”的实验。你是想输入 `osilab experiment refused` 吗？实验有："
            + names.joined(separator: "、") + "。运行 `osilab experiment` 可以看到每个实验证明什么。"), run.error)
        XCTAssertEqual(SentenceAudit.englishWords(in: run.error, allowed: Set(names + ["refuse"])), [], run.error)
    }

    func testAnExperimentTypoInEnglishSuggestsToo() throws {
        let run = try osilab(["experiment", "teardwon", "--no-capture"])
        XCTAssertEqual(run.status, 64)
        XCTAssertTrue(run.error.hasPrefix("There is no experiment 'teardwon'. Did you mean `osilab experiment teardown`?\n"), run.error)
    }

    /// The text without any space or line end: wrapped lines compare equal to the sentence.
    func withoutSpaces(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    /// An English message with its wrapped lines joined again by a space: a line that does
    /// not start one of the message's sentences continues the one before.
    func squeezedLines(_ text: String) -> String {
        var result: [String] = []
        for line in text.split(separator: "\n").map(String.init) {
            if result.isEmpty || ["There is", "The experiments"].contains(where: { line.hasPrefix($0) }) {
                result.append(line)
            } else {
                result[result.count - 1] += " " + line
            }
        }
        return result.joined(separator: "\n")
    }

    // MARK: --port

    /// Every command that takes a port, with the arguments it needs besides.
    static let portCommands: [[String]] = [["serve", "echo"], ["client", "echo"], ["handshake"], ["watch"]]

    func testAPortAbove65535IsRefusedWithTheRangeByEveryCommand() throws {
        for command in Self.portCommands {
            for port in ["70000", "65536", "123456789012345678901234567890"] {
                let run = try osilab(command + ["--port", port])
                let label = (command + ["--port", port]).joined(separator: " ")
                XCTAssertEqual(run.status, 64, "\(label): a usage error")
                XCTAssertTrue(run.error.hasPrefix(
                    "Error: --port \(port) is not a port: a port is a 16-bit number, so ports run from 0 to 65535.\n"),
                              "\(label):\n\(run.error)")
                XCTAssertTrue(run.error.contains("Usage: osilab \(command[0])"), "\(label): the usage follows:\n\(run.error)")
            }
        }
    }

    func testAPortAbove65535IsRefusedInChineseByEveryCommand() throws {
        for command in Self.portCommands {
            let run = try osilab(command + ["--port=70000", "--lang", "zh"])
            let label = command.joined(separator: " ")
            XCTAssertEqual(run.status, 64, label)
            let first = run.error.split(separator: "\n").first.map(String.init)
            XCTAssertEqual(first, "Error: --port 70000 不是端口：端口是一个 16 位的数，所以范围是 0 到 65535。", "\(label):\n\(run.error)")
            // argument-parser's own frame ("Error:", the usage) stays English; the sentence is Chinese.
            XCTAssertEqual(SentenceAudit.englishWords(in: first ?? "", allowed: ["Error"]), [], label)
        }
    }

    /// As exercise 2 teaches: a port is written with the digits 0 to 9 only (`+80` and `http`
    /// are not ports).
    func testAPortThatIsNotANumberSaysHowPortsAreWritten() throws {
        for command in Self.portCommands {
            for port in ["http", "+80", "80.5"] {
                let english = try osilab(command + ["--port", port])
                XCTAssertEqual(english.status, 64, "\(command) \(port)")
                XCTAssertTrue(english.error.hasPrefix(
                    "Error: --port \(port) is not a port: a port is written with the digits 0 to 9 only, and ports run from 0 to 65535.\n"),
                              english.error)
                let chinese = try osilab(command + ["--port", port, "--lang", "zh"])
                XCTAssertEqual(chinese.status, 64)
                XCTAssertTrue(chinese.error.hasPrefix(
                    "Error: --port \(port) 不是端口：端口只能用数字 0 到 9 来写，范围是 0 到 65535。\n"), chinese.error)
            }
        }
    }

    /// The ends of the range are ports: 0 (the kernel picks one) and 65535 get past the check.
    func testTheEndsOfTheRangeArePorts() throws {
        for port in ["0", "65535", "065535"] {
            let run = try osilab(["handshake", "--recorded", "--plain", "--port", port])
            XCTAssertEqual(run.status, 0, "--port \(port): \(run.error)")
            XCTAssertFalse(run.error.contains("is not a port"), run.error)
        }
    }
}
