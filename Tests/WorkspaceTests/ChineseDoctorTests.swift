import Foundation
import Sandbox
import TextUI
import Workspace
import XCTest

/// `osilab doctor` in Chinese: wrapped to the terminal, every item's text hanging under its
/// first line, and the commands whole.
final class ChineseDoctorTests: XCTestCase {
    /// Nothing on PATH (so the tools outside sbin are missing), no privilege and no private
    /// network: the longest report.
    func report(_ language: Language) -> EnvironmentCheck {
        EnvironmentCheck.run(environment: ["PATH": "/nonexistent"], language: language, privateNetworkCheck: {
            Refusal(reason: .turnedOff, probe: ProbeResult(failedStep: .unshareUser, errorNumber: ENOSPC))
        }, canCapture: { false }, canAdminister: { false }, isRoot: false)
    }

    static let marks = ["可用", "缺少", "必须安装"]

    func testEveryLineFitsAndEveryItemHangsUnderItsMark() throws {
        let check = report(.chinese)
        for width in [60, 80] {
            let lines = check.text(in: .chinese, width: width).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let indent = Self.marks.filter { mark in lines.contains { $0.hasPrefix(mark + " ") } }.map(DisplayWidth.of).max() ?? 0
            XCTAssertEqual(indent, DisplayWidth.of("必须安装"), "swift is required and missing")
            var items = 0
            for line in lines {
                XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "wider than \(width) columns: \(line)")
                if let mark = Self.marks.first(where: { line.hasPrefix($0 + " ") }) {
                    items += 1
                    // The item's name starts in the same column on every item's first line.
                    let rest = line.dropFirst(mark.count)
                    XCTAssertEqual(DisplayWidth.of(mark) + rest.prefix { $0 == " " }.count, indent + 2, line)
                } else {
                    XCTAssertTrue(line.hasPrefix(String(repeating: " ", count: indent + 2)), "a continuation hangs under the text: \(line)")
                }
            }
            XCTAssertEqual(items, check.items.count, "one first line per item")
            XCTAssertEqual(SentenceAudit.englishWords(in: lines.joined(separator: "\n"),
                                                      allowed: ["ip", "nc", "install", "sysctl", "echo", "tee"]), [])
        }
    }

    func testTheWrappedReportSaysTheSameAsTheItemsWithTheCommandsWhole() throws {
        let check = report(.chinese)
        let text = check.text(in: .chinese, width: 60)
        // Undo the wrapping: a line break may take the place of a space, so compare without any.
        func squeezed(_ text: String) -> String { text.replacingOccurrences(of: " \\\n", with: " ").filter { !$0.isWhitespace } }
        let joined = squeezed(text)
        let swift = try XCTUnwrap(check.items.first)
        XCTAssertEqual(swift.detail, "构建实验室，给练习评分。安装方法见 https://www.swift.org/install/linux/")
        XCTAssertTrue(joined.contains(squeezed("swift：" + swift.detail)), text)
        XCTAssertTrue(joined.contains(squeezed("python3：运行笔记里原来的 Python 程序，和 osilab 的程序对照。安装方法：sudo apt-get install -y python3")), text)
        XCTAssertTrue(joined.contains(squeezed("私有网络（不需要 root）：这里不允许。这台机器关闭了用户命名空间")), text)
        XCTAssertTrue(joined.contains("错误是ENOSPC。"), text)
        // Commands break only at spaces, after a backslash, so they can be pasted into a shell.
        let lines = text.split(separator: "\n").map(String.init)
        let echo = try XCTUnwrap(lines.firstIndex { $0.contains("echo user.max_user_namespaces=15000") })
        let command = lines[echo...].prefix { _ in true }.reduce(into: [String]()) { partial, line in
            if partial.isEmpty || partial.last?.hasSuffix(" \\") == true { partial.append(line) }
        }
        XCTAssertGreaterThan(command.count, 1, "84 characters do not fit in 60 columns: \(command)")
        XCTAssertEqual(command.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ").replacingOccurrences(of: "\\ ", with: ""),
                       "echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-osilab-userns.conf")
        XCTAssertTrue(lines.contains("              sudo sysctl -w user.max_user_namespaces=15000"), text)
    }

    /// English stays one line per item, whatever the width, with the refusal hanging under it.
    func testEnglishIsTheReportAsItWas() throws {
        let check = report(.english)
        XCTAssertEqual(check.text(in: .english, width: 60), check.text)
        let lines = check.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "MISSING  swift: builds the lab and grades the exercises. Install it with: sudo apt-get install -y "
                        + "(see https://www.swift.org/install/linux/)")
        XCTAssertTrue(lines.contains("missing  python3: runs the notes' original Python programs next to osilab's. "
                                     + "Install it with: sudo apt-get install -y python3"))
        let refusal = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("missing  private network (no root): not allowed here. ") })
        XCTAssertEqual(lines[refusal + 1], "         (osilab tried: unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS) failed with "
                        + "\(String(cString: strerror(ENOSPC))).)")
        XCTAssertEqual(lines[refusal + 3], "             sudo sysctl -w user.max_user_namespaces=15000")
    }
}
