import Foundation
import Terminal
import XCTest

final class KeyDecoderTests: XCTestCase {
    func keys(_ bytes: [UInt8]) -> [Key] {
        let decoded = KeyDecoder.decode(bytes)
        return decoded.keys + KeyDecoder.finish(decoded.remainder)
    }

    func testArrowsInNormalAndApplicationMode() {
        XCTAssertEqual(keys(Array("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D".utf8)), [.up, .down, .right, .left])
        XCTAssertEqual(keys(Array("\u{1B}OA\u{1B}OD".utf8)), [.up, .left])
    }

    func testPagingKeys() {
        XCTAssertEqual(keys(Array("\u{1B}[5~\u{1B}[6~\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~".utf8)),
                       [.pageUp, .pageDown, .home, .end, .home, .end])
    }

    func testModifiedArrowIsTheArrow() {
        XCTAssertEqual(keys(Array("\u{1B}[1;5C".utf8)), [.right])
    }

    func testEnterBackspaceTabAndControlC() {
        XCTAssertEqual(keys([0x0D, 0x7F, 0x08, 0x09, 0x03]), [.enter, .backspace, .backspace, .tab, .controlC])
        XCTAssertEqual(keys([0x0D, 0x0A]), [.enter], "CR LF is one Enter")
    }

    func testLettersAndUTF8() {
        XCTAssertEqual(keys(Array("b套".utf8)), [.character("b"), .character("套")])
    }

    func testLoneEscapeIsAKeyOnlyWhenNothingFollows() {
        let decoded = KeyDecoder.decode([0x1B])
        XCTAssertEqual(decoded.keys, [])
        XCTAssertEqual(decoded.remainder, [0x1B], "wait for the rest of a possible sequence")
        XCTAssertEqual(KeyDecoder.finish(decoded.remainder), [.escape])
    }

    func testSequenceCutByTheReadIsKeptForTheNextRead() {
        let first = KeyDecoder.decode(Array("x\u{1B}[".utf8))
        XCTAssertEqual(first.keys, [.character("x")])
        let second = KeyDecoder.decode(first.remainder + Array("6~".utf8))
        XCTAssertEqual(second.keys, [.pageDown])
        let cutCharacter = KeyDecoder.decode(Array(Array("套".utf8).prefix(2)))
        XCTAssertEqual(cutCharacter.keys, [])
        XCTAssertEqual(cutCharacter.remainder.count, 2)
    }

    func testUnknownSequencesAreSkipped() {
        XCTAssertEqual(keys(Array("\u{1B}[200~a".utf8)), [.character("a")])
    }
}

final class TerminalSizeTests: XCTestCase {
    func testEnvironmentFallbacks() {
        XCTAssertEqual(TerminalSize.fromEnvironment { ["COLUMNS": "100", "LINES": "30"][$0] }, TerminalSize(columns: 100, rows: 30))
        XCTAssertEqual(TerminalSize.fromEnvironment { ["COLUMNS": "wide"][$0] }, TerminalSize(columns: 80, rows: 24))
        XCTAssertEqual(TerminalSize.fromEnvironment { _ in nil }, .fallback)
    }

    func testANonTerminalDescriptorFallsBack() throws {
        let pipe = Pipe()
        let size = TerminalSize.current(descriptor: pipe.fileHandleForReading.fileDescriptor) { ["COLUMNS": "66"][$0] }
        XCTAssertEqual(size, TerminalSize(columns: 66, rows: 24))
    }

    func testIsTerminalIsFalseForAPipe() {
        XCTAssertFalse(Terminal.isTerminal(Pipe().fileHandleForWriting.fileDescriptor))
    }
}
