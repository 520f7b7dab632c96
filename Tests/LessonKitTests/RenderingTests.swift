@testable import LessonKit
import TextUI
import XCTest

final class MarkdownRenderingTests: XCTestCase {
    func testHeadingsAreUnderlinedByLevel() {
        XCTAssertEqual(rendered("# Title\n\n## Screen\n\n### Part"), """
            Title
            ═════

            Screen
            ──────

            Part
            """)
    }

    func testParagraphWrapsAndJoinsSoftBreaks() {
        XCTAssertEqual(rendered("The client calls connect\nand the server calls accept.", width: 24), """
            The client calls connect
            and the server calls
            accept.
            """)
    }

    func testHardLineBreakIsKept() {
        XCTAssertEqual(rendered("one  \ntwo"), "one\ntwo")
    }

    func testEmphasisStrongAndCodeLoseTheirMarkersButKeepStyles() {
        let blocks = MarkdownParser.parse("*soft* **hard** `code`")
        let lines = MarkdownRenderer(width: 40).render(blocks)
        XCTAssertEqual(lines.plainText, "soft hard code")
        let theme = Theme.standard
        XCTAssertEqual(lines[0].spans, [
            Span("soft", theme.emphasis), Span(" "), Span("hard", theme.strong), Span(" "), Span("code", theme.inlineCode),
        ])
    }

    func testLinksShowTheirURL() {
        XCTAssertEqual(rendered("See [the RFC](https://www.rfc-editor.org/rfc/rfc9293) now.", width: 80),
                       "See the RFC (https://www.rfc-editor.org/rfc/rfc9293) now.")
        XCTAssertEqual(rendered("<https://no-color.org>", width: 80), "https://no-color.org", "an autolink is not repeated")
    }

    func testBlockQuoteHasABarOnEveryLine() {
        XCTAssertEqual(rendered("> The kernel wins when the notes and the kernel disagree.", width: 30), """
            │ The kernel wins when the
            │ notes and the kernel
            │ disagree.
            """)
    }

    func testBulletListWithHangingIndentAndNesting() {
        XCTAssertEqual(rendered("- one\n- a longer item that wraps here\n  - nested", width: 20), """
            • one
            • a longer item that
              wraps here
              ◦ nested
            """)
    }

    func testOrderedListAlignsNumbers() {
        let items = (1...10).map { "\($0). item" }.joined(separator: "\n")
        let lines = rendered(items).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, " 1. item")
        XCTAssertEqual(lines.last, "10. item")
    }

    func testOrderedListKeepsItsStart() {
        XCTAssertEqual(rendered("3. three\n4. four"), "3. three\n4. four")
    }

    func testLooseListSeparatesItems() {
        XCTAssertEqual(rendered("- one\n\n- two"), "• one\n\n• two")
    }

    func testThematicBreakIsARule() {
        XCTAssertEqual(rendered("a\n\n---\n\nb", width: 10), "a\n\n──────────\n\nb")
    }

    func testCodeIsIndentedAndNeverWrapped() {
        let code = "```python\nconn, addr = s.accept()  # blocks until a connection is queued\n```"
        XCTAssertEqual(rendered(code, width: 40), """
                conn, addr = s.accept()  # blocks u›
            """, "a code line too wide is cut with a marker, not reflowed")
        XCTAssertEqual(rendered("```\nshort\n\tindented\n```"), "    short\n        indented", "tabs expand to four columns")
    }

    func testPipeTableAlignsColumnsByDisplayWidth() {
        let table = """
            | Call | 中文 |
            | --- | ---: |
            | connect() | 连接 |
            | accept() | 接受连接 |
            """
        XCTAssertEqual(rendered(table, width: 40), """
            Call      │     中文
            ──────────┼─────────
            connect() │     连接
            accept()  │ 接受连接
            """)
    }

    func testPipeTableWrapsCellsWhenTooWide() {
        let table = """
            | Segment | Sent by |
            | --- | --- |
            | SYN-ACK | the server's kernel, by itself |
            """
        XCTAssertEqual(rendered(table, width: 24), """
            Segment │ Sent by
            ────────┼───────────────
            SYN-ACK │ the server's
                    │ kernel, by
                    │ itself
            """)
    }

    func testVeryNarrowTableIsStacked() {
        let table = "| A | B | C | D |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |"
        XCTAssertEqual(rendered(table, width: 20), "A: 1\nB: 2\nC: 3\nD: 4")
    }

    func testControlCharactersInTextAreRemoved() {
        XCTAssertEqual(rendered("bell\u{7} and escape\u{1B}[31m"), "bell and escape[31m")
    }

    func testCJKParagraphWrapsWithinWidth() {
        let lines = MarkdownRenderer(width: 20).render(MarkdownParser.parse("粘包 happens because TCP is a byte stream, 没有消息边界。"))
        for line in lines { XCTAssertLessThanOrEqual(line.width, 20, line.plainText) }
        XCTAssertEqual(lines.map(\.plainText).joined().filter { $0 != " " }, "粘包happensbecauseTCPisabytestream,没有消息边界。")
        for line in lines { XCTAssertFalse(line.plainText.hasPrefix("。"), "a line starts with a full stop") }
    }
}

final class HighlighterTests: XCTestCase {
    func kinds(_ code: String, _ language: String) -> [(CodeTokenKind, String)] {
        Highlighter.tokenize(code, language: language).flatMap { $0 }.filter { !$0.1.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    func testPythonKeywordsStringsCommentsNumbers() {
        let tokens = kinds("def serve(port=4545):  # the echo server\n    return b'hi' + \"x\"", "python")
        XCTAssertTrue(tokens.contains { $0 == (.keyword, "def") })
        XCTAssertTrue(tokens.contains { $0 == (.keyword, "return") })
        XCTAssertTrue(tokens.contains { $0 == (.number, "4545") })
        XCTAssertTrue(tokens.contains { $0 == (.comment, "# the echo server") })
        XCTAssertTrue(tokens.contains { $0 == (.string, "b'hi'") })
        XCTAssertTrue(tokens.contains { $0 == (.string, "\"x\"") })
        XCTAssertFalse(tokens.contains { $0.0 == .keyword && $0.1.contains("serve") }, "a name is not a keyword")
    }

    func testSwiftKeywordsStringsAndBlockComments() {
        let tokens = kinds("let socket = try Socket(.inet) /* TCP */\nguard n > 0x1F else { return \"a\\\"b\" }", "swift")
        XCTAssertTrue(tokens.contains { $0 == (.keyword, "let") })
        XCTAssertTrue(tokens.contains { $0 == (.keyword, "try") })
        XCTAssertTrue(tokens.contains { $0 == (.keyword, "guard") })
        XCTAssertTrue(tokens.contains { $0 == (.comment, "/* TCP */") })
        XCTAssertTrue(tokens.contains { $0 == (.number, "0x1F") })
        XCTAssertTrue(tokens.contains { $0 == (.string, "\"a\\\"b\"") }, "an escaped quote does not end the string")
    }

    func testMultiLineStringIsSplitAtLineEnds() {
        let lines = Highlighter.tokenize("x = \"\"\"one\ntwo\"\"\"", language: "python")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[1].contains { $0 == (.string, "two\"\"\"") })
    }

    func testOtherLanguagesArePlainAndUnchanged() {
        let code = "sudo setcap cap_net_raw=eip osilab # not a comment here"
        XCTAssertEqual(Highlighter.tokenize(code, language: "sh").flatMap { $0 }.map(\.1).joined(), code)
        XCTAssertTrue(Highlighter.tokenize(code, language: "sh").flatMap { $0 }.allSatisfy { $0.0 == .plain })
    }

    func testTokenizingNeverChangesTheText() {
        let code = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\ns.sendall(b\"GET / HTTP/1.0\\r\\n\\r\\n\")\n"
        let joined = Highlighter.tokenize(code, language: "python").map { $0.map(\.1).joined() }.joined(separator: "\n")
        XCTAssertEqual(joined, code)
    }
}
