import Capture
import Foundation
@testable import Report
import TextUI
import Timeline
import Trace
import Wire
import TestSupport
import XCTest

final class StepScreenTests: XCTestCase {
    func testStepsMoveWithinBoundsAndNarrateEachEvent() throws {
        let run = try recordedRun()
        var screen = StepScreen(run: run, timeline: run.timeline(), numbers: .relative)
        XCTAssertGreaterThan(screen.count, 10)
        XCTAssertTrue(screen.narration.hasPrefix("listen() returns"), screen.narration)
        screen.back()
        XCTAssertEqual(screen.position, 0, "back from the first event stays there")
        var sentences: [String] = []
        for _ in 0..<screen.count {
            sentences.append(screen.narration)
            screen.forward()
        }
        XCTAssertTrue(screen.isAtEnd)
        XCTAssertEqual(screen.position, screen.count - 1, "forward past the last event stays there")
        let joined = sentences.joined(separator: "\n")
        let stepOne = try XCTUnwrap(sentences.firstIndex { $0.hasPrefix("Step 1:") })
        let stepTwo = try XCTUnwrap(sentences.firstIndex { $0.hasPrefix("Step 2:") })
        let connectReturns = try XCTUnwrap(sentences.firstIndex { $0.hasPrefix("connect() returns") })
        let acceptReturns = try XCTUnwrap(sentences.firstIndex { $0.hasPrefix("accept() returns") })
        XCTAssertLessThan(stepOne, stepTwo)
        XCTAssertLessThan(stepTwo, connectReturns, "connect() returns after the SYN-ACK")
        XCTAssertLessThan(connectReturns, acceptReturns)
        XCTAssertTrue(joined.contains("not accept(), answers SYN-ACK"), joined)
    }

    func testScreenFitsTheTerminalAndHighlightsTheCurrentRow() throws {
        let run = try recordedRun()
        var screen = StepScreen(run: run, timeline: run.timeline(), numbers: .relative)
        for _ in 0..<4 { screen.forward() }
        let lines = screen.lines(columns: 80, rows: 24, mode: .plain)
        XCTAssertEqual(lines.count, 24, "exactly one screenful")
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("Event 5 of") }, lines.joined(separator: "\n"))
        let ansi = screen.lines(columns: 80, rows: 24, mode: .ansi)
        XCTAssertTrue(ansi.contains { $0.contains("\u{1B}[7") || $0.contains(";7") }, "the current row is shown inverse")
        screen.showLayers = true
        let layers = screen.lines(columns: 80, rows: 24, mode: .plain)
        XCTAssertEqual(layers.count, 24)
        XCTAssertTrue(layers.contains { $0.hasPrefix("Packet ") || $0.contains("system call") }, layers.joined(separator: "\n"))
    }

    func testTranscriptForPipesHasEveryEventAndItsSentence() throws {
        let run = try recordedRun()
        let screen = StepScreen(run: run, timeline: run.timeline(), numbers: .relative)
        let transcript = screen.transcript(width: 100)
        // A transcript is made to be pasted: ASCII, as --plain is.
        XCTAssertEqual(transcript.filter { $0.hasPrefix("     -> ") }.count, screen.count)
        XCTAssertTrue(transcript.contains { $0.contains("-> Step 3:") })
        for line in transcript { XCTAssertTrue(line.allSatisfy(\.isASCII), line) }
    }
}
