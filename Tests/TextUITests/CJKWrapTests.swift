import TextUI
import XCTest

/// Chinese text mixed with code names and numbers, wrapped at every width a terminal can
/// have: no line is wider than the width, no character is split or lost, and Chinese
/// punctuation never starts a line.
final class CJKWrapTests: XCTestCase {
    static let paragraphs = [
        "服务器调用 listen() 之后，内核就会自己应答 SYN：SYN-ACK 携带 seq = K 和 ack = J+1。accept() 什么都不发送。",
        "connect() 在第 2 步返回（收到 SYN-ACK 之后），accept() 在第 3 步返回，用 osilab handshake --step 可以一步一步看。",
        "错误码 111 是 Linux 上的 ECONNREFUSED；笔记里的 10061 是 Windows 的 WSAECONNREFUSED。",
        "ａｂｃ全角字母、１２３全角数字，还有“引号”和《书名号》，以及 emoji 👍🏽 和 e\u{301} 这样的组合字符。",
    ]

    func testEveryLineFitsAndNothingIsLostAtAnyWidth() {
        for paragraph in Self.paragraphs {
            for width in 2...90 {
                let lines = TextWrapper.wrap(paragraph, width: width)
                for line in lines {
                    XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "width \(width): “\(line)”")
                }
                // Only the spaces where lines broke may go: every character is kept, in order, whole.
                XCTAssertEqual(lines.joined().filter { $0 != " " }, paragraph.filter { $0 != " " }, "width \(width)")
            }
        }
    }

    /// From 8 columns up, where the longest run that may not be broken (`号》，`, 6 columns)
    /// fits on a line; narrower than that, some rule has to give.
    func testChinesePunctuationNeverStartsALine() {
        let closing: Set<Character> = ["，", "。", "、", "：", "；", "）", "”", "》", "！", "？"]
        for paragraph in Self.paragraphs {
            for width in 8...90 {
                for line in TextWrapper.wrap(paragraph, width: width).dropFirst() {
                    if let first = line.first {
                        XCTAssertFalse(closing.contains(first), "width \(width): a line starts with “\(first)”: “\(line)”")
                    }
                }
            }
        }
    }

    func testAWordLongerThanTheLineIsNotCutBeforePunctuation() {
        XCTAssertEqual(TextWrapper.wrap("是 ECONNREFUSED；笔记里", width: 12), ["是", "ECONNREFUSE", "D；笔记里"])
        XCTAssertEqual(TextWrapper.wrap("WSAECONNREFUSED。", width: 8), ["WSAECONN", "REFUSE", "D。"])
        XCTAssertEqual(TextWrapper.wrap("（ECONNREFUSED）", width: 8), ["（ECONNR", "EFUSED）"])
    }

    func testAWideCharacterIsNeverCutInHalf() {
        // At an odd width a line of Chinese characters ends one column short rather than
        // splitting the next character over two lines.
        let lines = TextWrapper.wrap("握手由内核完成", width: 5)
        XCTAssertEqual(lines, ["握手", "由内", "核完", "成"])
        XCTAssertEqual(lines.map(DisplayWidth.of), [4, 4, 4, 2])
    }

    func testMixedLineBreaksBetweenChineseAndCodeWithoutCuttingNames() {
        // `SYN-ACK` and `connect()` stay whole; the break falls between Chinese characters.
        XCTAssertEqual(TextWrapper.wrap("服务器的内核发出SYN-ACK，客户端的connect()返回", width: 20),
                       ["服务器的内核发出", "SYN-ACK，客户端的", "connect()返回"])
    }

    func testStyledPrefixesKeepChineseTextInItsColumn() {
        let lines = TextWrapper.wrap([Span("第一步：客户端的内核发出 SYN，携带初始序列号 J。")], width: 16,
                                     firstPrefix: StyledLine("• "), restPrefix: StyledLine("  "))
        XCTAssertEqual(lines.map(\.plainText), ["• 第一步：客户端", "  的内核发出", "  SYN，携带初始", "  序列号 J。"])
        for line in lines { XCTAssertLessThanOrEqual(line.width, 16) }
    }
}
