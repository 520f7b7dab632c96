@testable import Capture
import Foundation
@testable import Report
import TextUI
import Timeline
import TestSupport
import XCTest

/// The ladder uses the terminal's width and never cuts a word (a learner at 160 columns saw
/// `connect() = 0 after 133.5 µs` wrap beside 60 empty columns, and at 60 `listen(backlog=`
/// / `8) = 0`), and `--plain` is what it says: text to paste, ASCII in English, ASCII and
/// Chinese characters with `--lang zh`.
final class LadderWidthTests: XCTestCase {
    /// The display columns of the bars in `line`.
    func bars(_ line: String, bar: Character) -> [Int] {
        var column = 0
        var found: [Int] = []
        for character in line {
            if character == bar { found.append(column) }
            column += DisplayWidth.of(character)
        }
        return found
    }

    /// The texts a row shows.
    func texts(_ row: Ladder.Row) -> [String] {
        switch row {
        case .arrow(_, let label, let note, _): [label] + (note.map { [$0] } ?? [])
        case .call(_, let text, _), .other(let text), .note(let text), .kernel(_, let text): [text]
        }
    }

    /// The words of `text` a line may not cut: each run of ASCII characters between spaces
    /// (in Chinese text too: `connect()`, `160.8`, `TIME-WAIT`, `listen(backlog=8)`).
    func asciiWords(_ text: String) -> [String] {
        text.split { !$0.isASCII || $0 == " " }.map(String.init)
    }

    func testTheLadderUsesTheWidthAndCutsNoWordInEitherLanguage() throws {
        let run = try recordedRun()
        let timeline = run.timeline()
        for language in [Language.english, .chinese] {
            let ladder = Ladder.make(from: timeline, language: language)
            XCTAssertGreaterThan(ladder.entries.count, 20)
            var lineCounts: [Int: Int] = [:]
            for width in [60, 100, 160] {
                for unicode in [true, false] {
                    let place = "\(language) at \(width) columns\(unicode ? "" : ", --plain")"
                    let (header, rows) = LadderRenderer(width: width, unicode: unicode).renderEntries(ladder)
                    let shown = unicode ? ladder : ladder.spelledInASCII()
                    let drawn = rows.map { $0.map(\.plainText) }
                    let all = [header.plainText] + drawn.flatMap { $0 }
                    let picture = all.joined(separator: "\n")
                    for line in all {
                        XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "\(place): wider than the terminal:\n\(picture)")
                    }
                    // The two lifelines sit in the same two columns on every line.
                    let bar: Character = unicode ? "│" : "|"
                    let lifelines = Set(drawn.flatMap { $0 }.map { Array(bars($0, bar: bar).prefix(2)) })
                    XCTAssertEqual(lifelines.count, 1, "\(place): the lifelines move:\n\(picture)")
                    XCTAssertEqual(lifelines.first?.count, 2, "\(place): a line without both lifelines:\n\(picture)")
                    // Every word of a row is on one line of that row.
                    for (entry, lines) in zip(shown.entries, drawn) {
                        let rowText = lines.joined(separator: "\n")
                        for text in texts(entry.row) {
                            for word in asciiWords(text) {
                                XCTAssertTrue(rowText.contains(word), "\(place): \"\(word)\" is cut:\n\(rowText)")
                            }
                        }
                    }
                    lineCounts[width] = drawn.flatMap { $0 }.count
                    if width == 160 {
                        // Everything fits beside everything else: one line per event, and so the
                        // call results that wrapped at a fixed share of the width are whole.
                        XCTAssertEqual(drawn.filter { $0.count > 1 }, [], "\(place): a row wraps:\n\(picture)")
                    }
                }
            }
            let counts = lineCounts
            XCTAssertLessThan(counts[160] ?? 0, counts[100] ?? 0, "\(language): a wider terminal takes fewer lines")
            XCTAssertLessThan(counts[100] ?? 0, counts[60] ?? 0, "\(language): a wider terminal takes fewer lines")
        }
    }

    /// The call the learner saw cut at 60 columns, and the one that wrapped at 160.
    func testTheCallsTheLearnerSawCutAreWhole() throws {
        let run = try recordedRun()
        let ladder = Ladder.make(from: run.timeline())
        let at60 = LadderRenderer(width: 60, unicode: true).render(ladder).map(\.plainText)
        XCTAssertTrue(at60.contains { $0.contains("│ listen(backlog=8)") }, at60.joined(separator: "\n"))
        let at160 = LadderRenderer(width: 160, unicode: true).render(ladder).map(\.plainText)
        let connect = try XCTUnwrap(ladder.entries.lazy.compactMap { entry -> String? in
            if case .call(.client, let text, _) = entry.row, text.hasPrefix("connect() = 0 after ") { return text }
            return nil
        }.first)
        XCTAssertTrue(at160.contains { $0.hasPrefix(" +") && $0.contains(" " + connect + " │") }, at160.joined(separator: "\n"))
    }

    /// Below the point where the longest words fit, the ladder still fits the terminal.
    func testAtTheNarrowestWidthTheLadderStillFits() throws {
        let ladder = Ladder.make(from: try recordedRun().timeline(), language: .chinese)
        for width in [LadderRenderer.minimumWidth, 50] {
            for line in LadderRenderer(width: width, unicode: false).render(ladder).map(\.plainText) {
                XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, line)
            }
        }
    }

    // MARK: --plain

    /// A report of each kind (a handshake's, an experiment's with sections), with every part
    /// --plain can show: the ladder, the layers, the sentences, the counters.
    func plainReports(_ language: Language, width: Int, layers: Bool = true) throws -> [String] {
        var run = try recordedRun()
        run.statistics = CaptureStatistics(received: 20, dropped: 0, droppedByInterface: 0, delivered: 10)
        let timeline = run.timeline()
        let findings = try XCTUnwrap(timeline.findings.first)
        var style = ReportStyle(format: .plain, width: width, colour: false, language: language)
        style.layers = layers
        let handshake = RunReport.lines(for: run, timeline: timeline, style: style,
                                        explanation: HandshakeExplanation.sentences(for: findings, language: language))
        // What experiments write: checks, arrows, quotes and ellipses, in sentences and sections.
        var explanation = Explanation()
        explanation.claim(true, "SYN → RST, as “refused” says…")
        explanation.claim(false, "3 × 1000 bytes – not 3000")
        explanation.context("took 12.5 µs")
        let sections = [ReportSection(title: "Messages", lines: ["message 1: 5 bytes, “hello” ✓", "message 2: ✗"])]
        style.layers = false
        let experiment = RunReport.lines(for: run, timeline: timeline, ladder: Ladder.make(from: timeline, language: language),
                                         style: style, sections: sections, explanation: explanation, facts: [:])
        return handshake + experiment
    }

    func testPlainIsASCIIInEnglish() throws {
        for width in [60, 100, 160] {
            let lines = try plainReports(.english, width: width)
            for line in lines {
                XCTAssertTrue(line.allSatisfy(\.isASCII), "not ASCII at \(width) columns: \(line)")
                XCTAssertLessThanOrEqual(line.count, width, line)
            }
            let text = lines.joined(separator: "\n")
            XCTAssertTrue(text.contains(width < 100 ? "ack = J+1 [ok]" : "step 2: seq = K, ack = J+1 [ok]"), text)
            XCTAssertTrue(text.contains(" us "), "µs is written us")
            XCTAssertTrue(text.contains("+- Layer 3 Network: IPv4  {bytes 14-33}"), text)
            XCTAssertTrue(text.contains("[ok] SYN -> RST, as \"refused\" says..."), text)
            XCTAssertTrue(text.contains("  message 1: 5 bytes, \"hello\" [ok]"), text)
            XCTAssertTrue(text.contains("3 x 1000 bytes - not 3000"), text)
        }
        // The terminal ladder keeps its symbols.
        let run = try recordedRun()
        let terminal = RunReport.lines(for: run, timeline: run.timeline(), style: ReportStyle(format: .ladder, colour: false),
                                       explanation: []).joined(separator: "\n")
        XCTAssertTrue(terminal.contains("ack = J+1 ✓") && terminal.contains(" µs") && terminal.contains("│"), terminal)
    }

    /// `--plain --lang zh`: an ASCII mode cannot hold Chinese sentences, so the Chinese stays,
    /// and only the Chinese: every other character is ASCII. Chinese characters and full-width
    /// punctuation are two columns wide in every font, where `µ`, `“”`, `…`, `→` and box lines
    /// are one or two depending on the font, so the pasted ladder keeps its columns.
    func testPlainInChineseIsASCIIAndChinese() throws {
        for width in [60, 100, 160] {
            let lines = try plainReports(.chinese, width: width)
            for line in lines {
                let other = line.unicodeScalars.filter { scalar in
                    !(scalar.isASCII || (0x4E00...0x9FFF).contains(scalar.value) || (0x3000...0x303F).contains(scalar.value)
                        || (0xFF01...0xFF5E).contains(scalar.value))
                }
                XCTAssertEqual(String(String.UnicodeScalarView(other)), "", "neither ASCII nor Chinese at \(width) columns: \(line)")
                XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, line)
            }
            let text = lines.joined(separator: "\n")
            XCTAssertTrue(text.contains(width < 100 ? "ack = J+1 [ok]" : "第 2 步：seq = K，ack = J+1 [ok]"), text)
            XCTAssertTrue(text.contains("第 3 个报文：ACK ack=1（第 3 步：ack = K+1 [ok]）"), text)
            XCTAssertTrue(text.contains("+- 第 3 层 网络层：IPv4  {字节 14-33}"), text)
            XCTAssertTrue(text.contains("[ok] SYN -> RST, as \"refused\" says..."), text)
            // The sentences are Chinese (the layers are ChineseLayerTests'): `us` is µs spelled in
            // ASCII; the other words are the test's own English claims and section.
            let report = try plainReports(.chinese, width: width, layers: false).joined(separator: "\n")
            let words = SentenceAudit.englishWords(in: report, allowed: ["us", "as", "refused", "says", "bytes", "not", "took",
                                                                        "message", "hello", "Messages"])
            XCTAssertEqual(words, [], report)
        }
    }

    // MARK: The counters

    /// On lo every packet passes the capture twice, leaving and arriving; libpcap keeps the
    /// arriving copy, and the kernel's count (received by filter) is of both. The counters
    /// sentence says so where the learner sees the double count.
    func testTheCountersSayWhyTheFilterCountIsDoubleOnLoopback() throws {
        var run = try recordedRun()
        run.statistics = CaptureStatistics(received: 20, dropped: 0, droppedByInterface: 0, delivered: 10)
        let timeline = run.timeline()
        func counters(_ language: Language) -> String {
            let lines = RunReport.lines(for: run, timeline: timeline, style: ReportStyle(format: .ladder, width: 80, colour: false, language: language),
                                        explanation: [])
            let paragraph = lines.reversed().prefix { !$0.isEmpty }.reversed()
            for line in paragraph { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 80, line) }
            return paragraph.joined(separator: language == .english ? " " : "")
        }
        XCTAssertEqual(counters(.english), "Capture: 10 packets captured, 20 received by filter, 0 dropped by kernel. "
            + "(On lo, received by filter counts each packet twice, once leaving and once arriving; libpcap keeps only the arriving copy.)")
        let chinese = counters(.chinese)
        XCTAssertTrue(chinese.hasPrefix("抓包统计：抓到 10 个报文，过滤器收到 20 个，内核丢弃 0 个。"), chinese)
        XCTAssertTrue(chinese.contains("“过滤器收到”把每个报文算了两次：发出时一次，到达时一次"), chinese)
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [], chinese)
    }
}
