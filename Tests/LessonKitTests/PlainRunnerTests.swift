import Foundation
@testable import LessonKit
import TextUI
import Workspace
import XCTest

/// The sequential runner used when output is not a terminal, driven through its API.
final class PlainRunnerTests: XCTestCase {
    func run(lesson: Int, input: [String], asks: Bool = true, width: Int = 80) throws -> (String, ProgressStore) {
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let library = try LessonLibrary.load(from: fixtures.appendingPathComponent("Lessons"))
        let store = ProgressStore.temporary()
        let session = LessonSession(library: library, store: store, environment: .forTests(),
                                    size: .init(columns: width, rows: 24), start: .lesson(lesson))
        var output = ""
        var lines = input[...]
        let runner = PlainRunner(session: session, style: .plain, width: width, write: { output += $0 },
                                 readLine: { lines.popFirst() }, asks: asks)
        runner.run(lesson: lesson)
        return (output, store)
    }

    func testQuestionsAreAnsweredFromInputLines() throws {
        let (output, store) = try run(lesson: 1, input: ["b"])
        XCTAssertTrue(output.contains("Your answer (a or b): b\n✓ Right.\n"), output)
        XCTAssertEqual(store.load().checkpoints["fixture-stream"]?.correct, true)
        XCTAssertTrue(output.contains("Run it in a terminal: osilab doctor"), "a lab without prediction is not run when piped")
        XCTAssertTrue(output.hasSuffix("End of lesson 2.\n"), output)
    }

    func testWithoutAskingQuestionsArePrintedButNotPrompted() throws {
        let (output, store) = try run(lesson: 0, input: ["b"], asks: false)
        XCTAssertFalse(output.contains("Your answer"), output)
        XCTAssertFalse(output.contains("standard input ended"), output)
        XCTAssertTrue(output.contains("Which layer routes packets?"))
        XCTAssertTrue(store.load().checkpoints.isEmpty)
    }

    func testNarrowOutputStaysWithinTheWidth() throws {
        let (output, _) = try run(lesson: 0, input: ["a", "111", "b"], width: 30)
        for line in output.split(separator: "\n") {
            XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 30, String(line))
        }
        XCTAssertFalse(output.contains("\u{1B}"))
    }
}
