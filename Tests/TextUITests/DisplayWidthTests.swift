import TextUI
import XCTest

final class DisplayWidthTests: XCTestCase {
    func testASCIITakesOneColumnPerCharacter() {
        XCTAssertEqual(DisplayWidth.of("socket"), 6)
        XCTAssertEqual(DisplayWidth.of(""), 0)
        XCTAssertEqual(DisplayWidth.of("connect() returns"), 17)
    }

    func testCJKIdeographsTakeTwoColumns() {
        XCTAssertEqual(DisplayWidth.of("套接字"), 6, "套接字 (socket) is three wide characters")
        XCTAssertEqual(DisplayWidth.of("粘包"), 4)
        XCTAssertEqual(DisplayWidth.of("TCP协议"), 7)
    }

    func testKanaHangulAndCJKPunctuationAreWide() {
        XCTAssertEqual(DisplayWidth.of("ソケット"), 8)
        XCTAssertEqual(DisplayWidth.of("소켓"), 4)
        XCTAssertEqual(DisplayWidth.of("，。「」"), 8)
    }

    func testFullwidthFormsAreWide() {
        XCTAssertEqual(DisplayWidth.of("ＴＣＰ"), 6, "fullwidth Latin letters take two columns each")
        XCTAssertEqual(DisplayWidth.of("１２３"), 6)
        XCTAssertEqual(DisplayWidth.of("￥"), 2)
    }

    func testHalfwidthKatakanaIsNarrow() {
        XCTAssertEqual(DisplayWidth.of("ｿｹｯﾄ"), 4)
    }

    func testCombiningMarksTakeNoColumns() {
        let decomposed = "e\u{301}"  // e + combining acute
        XCTAssertEqual(DisplayWidth.of(decomposed), 1)
        XCTAssertEqual(DisplayWidth.of("n\u{303}a\u{308}"), 2)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x301)!), 0)
    }

    func testZeroWidthCharactersTakeNoColumns() {
        XCTAssertEqual(DisplayWidth.of("a\u{200B}b"), 2, "ZERO WIDTH SPACE")
        XCTAssertEqual(DisplayWidth.of("a\u{200D}b"), 2, "ZERO WIDTH JOINER between letters")
        XCTAssertEqual(DisplayWidth.of("\u{FEFF}x"), 1, "byte order mark")
    }

    func testEmojiAreTwoColumnsWhateverTheirSequence() {
        XCTAssertEqual(DisplayWidth.of("👍"), 2)
        XCTAssertEqual(DisplayWidth.of("👍🏽"), 2, "skin tone modifier joins the emoji")
        XCTAssertEqual(DisplayWidth.of("👨‍👩‍👧"), 2, "ZWJ family is one cluster")
        XCTAssertEqual(DisplayWidth.of("🇨🇳"), 2, "a flag is two regional indicators")
        XCTAssertEqual(DisplayWidth.of("❤️"), 2, "text symbol with emoji presentation selector")
        XCTAssertEqual(DisplayWidth.of("✅"), 2)
    }

    func testControlCharactersTakeNoColumns() {
        XCTAssertEqual(DisplayWidth.of("\u{1B}"), 0)
        XCTAssertEqual(DisplayWidth.of("a\u{7}b"), 2)
    }

    func testAmbiguousSymbolsCountAsOneColumn() {
        XCTAssertEqual(DisplayWidth.of("─│┌→…•"), 6)
    }
}

final class SanitizerTests: XCTestCase {
    func testEscapeSequencesLoseTheirEscape() {
        XCTAssertEqual(TextSanitizer.clean("a\u{1B}[31mb"), "a[31mb")
    }

    func testTabsExpandToTabStops() {
        XCTAssertEqual(TextSanitizer.clean("a\tb\n\tc", tabWidth: 4), "a   b\n    c")
        XCTAssertEqual(TextSanitizer.clean("套\tb", tabWidth: 4), "套  b", "a wide character counts two columns towards the stop")
    }

    func testCarriageReturnsAreDropped() {
        XCTAssertEqual(TextSanitizer.clean("one\r\ntwo\r"), "one\ntwo")
    }
}
