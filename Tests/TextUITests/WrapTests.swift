import TextUI
import XCTest

final class WrapTests: XCTestCase {
    func testBreaksBetweenWords() {
        XCTAssertEqual(
            TextWrapper.wrap("The client calls connect and the server calls accept", width: 20),
            ["The client calls", "connect and the", "server calls accept"])
    }

    func testExactFitStaysOnOneLine() {
        XCTAssertEqual(TextWrapper.wrap("twelve chars", width: 12), ["twelve chars"])
    }

    func testEmptyTextGivesOneEmptyLine() {
        XCTAssertEqual(TextWrapper.wrap("", width: 10), [""])
    }

    func testHardBreaksAreKept() {
        XCTAssertEqual(TextWrapper.wrap("one\ntwo three", width: 40), ["one", "two three"])
    }

    func testLongWordIsCutBetweenCharacters() {
        XCTAssertEqual(TextWrapper.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
    }

    func testHangingIndentForListItems() {
        XCTAssertEqual(
            TextWrapper.wrap("the kernel sends the SYN-ACK", width: 14, firstPrefix: "• ", restPrefix: "  "),
            ["• the kernel", "  sends the", "  SYN-ACK"])
    }

    func testQuotePrefixOnEveryLine() {
        XCTAssertEqual(
            TextWrapper.wrap("a b c d e f", width: 5, firstPrefix: "│ ", restPrefix: "│ "),
            ["│ a b", "│ c d", "│ e f"])
    }

    func testCJKBreaksBetweenCharacters() {
        XCTAssertEqual(TextWrapper.wrap("套接字是网络编程的基础", width: 10), ["套接字是网", "络编程的基", "础"])
    }

    func testCJKNeverStartsALineWithClosingPunctuation() {
        // "们，" would end at column 12: rather than start a line with "，", "们" moves down too.
        let lines = TextWrapper.wrap("套接字我们，你好", width: 10)
        XCTAssertEqual(lines, ["套接字我", "们，你好"])
        for line in lines { XCTAssertFalse(line.hasPrefix("，"), "line starts with a comma: \(line)") }
    }

    func testMixedCJKAndASCII() {
        XCTAssertEqual(TextWrapper.wrap("使用socket函数创建TCP连接", width: 12), ["使用socket函", "数创建TCP连", "接"])
    }

    func testWideCharacterThatDoesNotFitMovesToTheNextLine() {
        XCTAssertEqual(TextWrapper.wrap("abc套", width: 4), ["abc", "套"])
    }

    func testHyphenatedNamesStayWhole() {
        XCTAssertEqual(TextWrapper.wrap("the kernel sends the SYN-ACK", width: 24), ["the kernel sends the", "SYN-ACK"])
        XCTAssertEqual(TextWrapper.wrap("run drop-final-ack now", width: 16), ["run", "drop-final-ack", "now"])
        XCTAssertEqual(TextWrapper.wrap("use --facts", width: 7), ["use", "--facts"])
    }

    func testStylesSurviveWrapping() {
        let spans = [Span("bold words ", TextStyle(bold: true)), Span("plain")]
        let lines = TextWrapper.wrap(spans, width: 10)
        XCTAssertEqual(lines.map(\.plainText), ["bold words", "plain"])
        XCTAssertEqual(lines[0].spans, [Span("bold words", TextStyle(bold: true))])
        XCTAssertEqual(lines[1].spans, [Span("plain")])
    }

    /// The property the lesson runner relies on at every terminal width: mixed CJK and ASCII
    /// text never overflows a line, never loses or reorders a character, never splits one.
    func testMixedTextAtEveryWidthFitsAndKeepsEveryCharacter() {
        let text = """
            TCP（传输控制协议）是面向连接的、可靠的、基于字节流的传输层协议。The client's connect() \
            returns after the SYN-ACK；服务器的accept()在最后一个ACK到达后返回。粘包 happens because TCP \
            is a byte stream 👍🏽 with no message boundaries, e\u{301}tait ＴＣＰ１２３ 🇨🇳 done.
            """
        let characters = text.filter { $0 != " " }
        for width in 10...80 {
            let lines = TextWrapper.wrap([Span(text)], width: width, firstPrefix: "• ", restPrefix: "  ")
            for line in lines {
                XCTAssertLessThanOrEqual(line.width, width, "width \(width): line too wide: \(line.plainText)")
            }
            let rejoined = lines.map { String($0.plainText.dropFirst(2)) }.joined().filter { $0 != " " }
            XCTAssertEqual(rejoined, characters, "width \(width): characters lost, split or reordered")
        }
    }
}

final class TruncateAndPadTests: XCTestCase {
    func testTruncationShowsAMarkerAtTheEdge() {
        let line = StyledLine("print(\"a very long line\")").truncated(to: 10, marker: Span("›"))
        XCTAssertEqual(line.plainText, "print(\"a ›")
        XCTAssertEqual(line.width, 10)
    }

    func testTruncationNeverSplitsAWideCharacter() {
        let line = StyledLine("ab套接字").truncated(to: 4, marker: Span("›"))
        XCTAssertEqual(line.plainText, "ab ›", "the column left by 套 is padded, then the marker")
        XCTAssertEqual(line.width, 4)
        XCTAssertEqual(StyledLine("ab套接字").truncated(to: 5, marker: Span("›")).plainText, "ab套›")
        XCTAssertEqual(StyledLine("套接字").truncated(to: 5).plainText, "套接")
    }

    func testPaddingByDisplayWidth() {
        XCTAssertEqual(StyledLine("套接字").padded(to: 8).plainText, "套接字  ")
    }
}

final class StyleRenderingTests: XCTestCase {
    let styled = StyledLine([
        Span("Lesson", TextStyle(bold: true, foreground: .cyan)), Span(" one "),
        Span("connect()", TextStyle(underline: true, inverse: true)),
    ])

    func testANSIModeWrapsStyledSpansInSGRCodes() {
        XCTAssertEqual(styled.rendered(.ansi), "\u{1B}[1;36mLesson\u{1B}[0m one \u{1B}[4;7mconnect()\u{1B}[0m")
    }

    func testNoColorOutputHasNoEscapeCodes() {
        let mode = StyleMode.resolve(noColor: "1", isTerminal: true)
        XCTAssertEqual(mode, .plain, "NO_COLOR=1 on a terminal must turn styling off")
        let out = [styled, StyledLine("x", TextStyle(dim: true))].rendered(mode)
        XCTAssertFalse(out.contains("\u{1B}"), "NO_COLOR output contains an escape code: \(out.debugDescription)")
        XCTAssertEqual(out, "Lesson one connect()\nx")
    }

    func testEmptyNoColorDoesNotDisableColour() {
        XCTAssertEqual(StyleMode.resolve(noColor: "", isTerminal: true), .ansi, "no-color.org: only a non-empty value counts")
        XCTAssertEqual(StyleMode.resolve(noColor: nil, isTerminal: true), .ansi)
    }

    func testPipesGetPlainText() {
        XCTAssertEqual(StyleMode.resolve(noColor: nil, isTerminal: false), .plain)
    }
}

final class BoxTests: XCTestCase {
    func testFrameWithTitle() {
        let box = Box.frame(["one", "two"], width: 12, title: "Lab")
        XCTAssertEqual(box.plainText, """
            ┌─ Lab ────┐
            │ one      │
            │ two      │
            └──────────┘
            """)
        for line in box { XCTAssertEqual(line.width, 12) }
    }

    func testFrameKeepsWideContentAligned() {
        let box = Box.frame(["套接字"], width: 10)
        XCTAssertEqual(box.plainText, """
            ┌────────┐
            │ 套接字 │
            └────────┘
            """)
    }

    func testLongTitleIsCutWithAMarker() {
        XCTAssertEqual(Box.frame([], width: 14, title: "Checkpoint two").first?.plainText, "┌─ Checkpo… ─┐")
    }

    func testRuleWithLabel() {
        XCTAssertEqual(Box.rule(width: 16, label: "Part 2").plainText, "── Part 2 ──────")
    }
}
