@testable import Capture
import Foundation
@testable import Report
import TextUI
import Timeline
import TestSupport
import XCTest

/// The capture labs' report and step mode in Chinese, on the capture recorded for the lessons.
final class ChineseReportTests: XCTestCase {
    func testTheTablesMatch() {
        XCTAssertEqual(Phrasebook.osilab.missing(LabText.self), [])
    }

    func testTheReportSpeaksChineseAndKeepsItsNumbers() throws {
        let run = try recordedRun()
        let timeline = run.timeline()
        let findings = try XCTUnwrap(timeline.findings.first)
        let explanation = HandshakeExplanation.sentences(for: findings, language: .chinese)
        let style = ReportStyle(format: .plain, width: 100, colour: false, language: .chinese)
        let lines = RunReport.lines(for: run, timeline: timeline, style: style, explanation: explanation)
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(lines.first?.contains("客户端 ") ?? false, text)
        XCTAssertTrue(lines.first?.contains("服务器 ") ?? false, text)
        XCTAssertTrue(text.contains("第 2 步：seq = K，ack = J+1 [ok]"), text)  // --plain spells ✓ in ASCII
        XCTAssertTrue(text.contains("所以 accept() 在第 3 步返回"), text)
        for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 100, line) }
        var withLayers = style
        withLayers.layers = true
        let layers = RunReport.lines(for: run, timeline: timeline, style: withLayers, explanation: []).joined(separator: "\n")
        XCTAssertTrue(layers.contains("第 1 个报文：SYN seq=0（第 1 步：seq = J）"), layers)
        // JSON is for scripts: English notes whatever the language.
        let json = RunReport.lines(for: run, timeline: timeline, style: ReportStyle(format: .json), explanation: [])
        XCTAssertTrue(json.joined().contains("step 2: seq = K"), "JSON keeps the English notes")
    }

    func testTheCaptureCountersAreInChinese() throws {
        var run = try recordedRun()
        run.statistics = CaptureStatistics(received: 20, dropped: 2, droppedByInterface: 0, delivered: 10)
        let style = ReportStyle(format: .plain, width: 100, colour: false, language: .chinese)
        let lines = RunReport.lines(for: run, timeline: run.timeline(), style: style, explanation: [])
        // The counters are wrapped to the width like the sentences above them, and say why the
        // filter's count is double on lo; --plain spells “” in ASCII.
        func lastParagraph(_ lines: [String]) -> [String] { Array(lines.reversed().prefix { !$0.isEmpty }.reversed()) }
        let chinese = "抓包统计：抓到 10 个报文，过滤器收到 20 个，内核丢弃 2 个。（在回环接口 lo 上，\"过滤器收到\"把每个报文算了两次："
            + "发出时一次，到达时一次；libpcap 只留下到达的那一份。）内核丢弃了一些报文，所以时间线上可能缺了几行。"
        XCTAssertEqual(lastParagraph(lines), TextWrapper.wrap(chinese, width: 100))
        XCTAssertGreaterThan(lastParagraph(lines).count, 1, "too long for one line of 100 columns")
        let english = RunReport.lines(for: run, timeline: run.timeline(), style: ReportStyle(format: .plain), explanation: [])
        XCTAssertEqual(lastParagraph(english).joined(separator: " "), "Capture: 10 packets captured, 20 received by filter, 2 dropped by kernel. "
            + "(On lo, received by filter counts each packet twice, once leaving and once arriving; libpcap keeps only the arriving copy.) "
            + "The kernel dropped packets, so the ladder may be missing some.")
    }

    func testStepModeNarratesInChineseWithinTheScreen() throws {
        let run = try recordedRun()
        var screen = StepScreen(run: run, timeline: run.timeline(), numbers: .relative, language: .chinese)
        XCTAssertTrue(screen.narration.hasPrefix("listen() 返回"), screen.narration)
        for _ in 0..<4 { screen.forward() }
        for columns in [60, 80, 120] {
            for layers in [false, true] {
                screen.showLayers = layers
                let lines = screen.lines(columns: columns, rows: 24, mode: .plain)
                XCTAssertEqual(lines.count, 24, "exactly one screenful")
                for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), columns, line) }
                XCTAssertTrue(lines.contains { $0.hasPrefix("第 5/\(screen.count) 个事件：") }, lines.joined(separator: "\n"))
            }
        }
        let transcript = screen.transcript(width: 100).joined(separator: "\n")
        XCTAssertTrue(transcript.contains("-> 第 2 步：回应 SYN-ACK 的是服务器的内核，不是 accept()"), transcript)
    }

    /// An experiment's report: the verdict leads and the no-capture line follow the language,
    /// the sentences the experiment wrote are shown as written.
    func testAnExplainedReportFramesItsClaimsInChinese() throws {
        let run = try recordedRun()
        let timeline = run.timeline()
        var explanation = Explanation()
        explanation.claim(true, "SYN 得到了 RST。")
        explanation.claim(false, "connect() 没有失败。")
        explanation.claim(nil, "没有抓包。")
        func report(_ language: Language, captured: Bool) -> [String] {
            var bare = run
            bare.statistics = nil
            let style = ReportStyle(format: .plain, width: 80, colour: false, language: language)
            return RunReport.lines(for: bare, timeline: timeline, ladder: Ladder.make(from: timeline, language: language),
                                   style: style, sections: [], explanation: explanation, facts: [:], captured: captured)
        }
        let chinese = report(.chinese, captured: false)
        XCTAssertTrue(chinese.contains("[ok] SYN 得到了 RST。"), chinese.joined(separator: "\n"))
        XCTAssertTrue(chinese.contains("[!!] 和课程说的不一样：connect() 没有失败。"), chinese.joined(separator: "\n"))
        XCTAssertTrue(chinese.contains("[??] 没能检查：没有抓包。"), chinese.joined(separator: "\n"))
        XCTAssertEqual(chinese.last, "这次没有抓包：时间线上只有系统调用。")
        // `us`: --plain's ASCII spelling of µs (PlainText).
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese.joined(separator: "\n"), allowed: ["us"]), [])
        let english = report(.english, captured: false)
        XCTAssertTrue(english.contains("[!!] Not what the lesson says: connect() 没有失败。"), english.joined(separator: "\n"))
        XCTAssertEqual(english.last, "No capture was taken: the ladder shows the system calls only.")
    }
}
