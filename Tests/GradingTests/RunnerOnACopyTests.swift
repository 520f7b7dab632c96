import Foundation
import Grading
import TextUI
import Workspace
import XCTest

/// The runner end to end, as a learner uses it, on a fresh copy of this lab's sources (never
/// its .build): one full build (minutes on two cores), then several gradings, each after
/// an edit that needs only a small rebuild.
final class RunnerOnACopyTests: XCTestCase {
    func testListCheckHintResetHangCrashAndCompileErrorOnACopyOfTheLab() throws {
        let lab = try LabCopy()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-state-\(UUID().uuidString)")
        defer {
            lab.remove()
            try? FileManager.default.removeItem(at: state)
        }
        let book = try ExerciseBook(home: lab.home, store: ProgressStore(file: state.appendingPathComponent("progress.json")))
        let grader = try Grader(home: lab.home)
        func exercise(_ name: String) throws -> Exercise { try XCTUnwrap(book.catalogue.find(name)?.exercise) }
        func text(_ lines: [StyledLine]) -> String { lines.map(\.plainText).joined(separator: "\n") }
        func solution(of name: String) throws -> String { try lab.read(try exercise(name).solutionPath) }

        // 1. The untouched stub fails, with the teacher's message, and is recorded as failing.
        let layers = try exercise("layers")
        var progressLines: [String] = []
        let first = grader.check(layers) { progressLines.append($0) }
        guard case .failed(let report) = first else {
            return XCTFail("the stub of layers should fail its checks; the grading gave \(first)")
        }
        XCTAssertFalse(progressLines.isEmpty, "the build's progress lines reach the caller")
        XCTAssertTrue(report.failedCases.contains { $0.failures.contains { $0.message.contains("osiLayer(of:") } })
        try book.record(first, for: layers)
        XCTAssertEqual(book.state(of: layers).status, .failing)
        let summary = text(book.summaryLines(for: first, number: 1, exercise: layers, width: 100))
        XCTAssertTrue(summary.contains("Tests/ExerciseTests/LayersTests.swift:"), summary)

        // 2. A correct answer passes; the list says so; the reference solution opens.
        let uppercase = try exercise("uppercase")
        try lab.write(try solution(of: "uppercase"), to: uppercase.path)
        let second = grader.check(uppercase)
        XCTAssertTrue(second.passed, "the reference solution copied into the learner's file should pass: \(second)")
        try book.record(second, for: uppercase)
        XCTAssertTrue(book.solutionUnlocked(for: uppercase))
        XCTAssertTrue(text(book.listLines(width: 100)).split(separator: "\n")
            .contains { $0.contains(" uppercase ") && $0.contains("passed") })
        XCTAssertEqual(try book.nextHint(for: uppercase).number, 1)

        // 3. A solution that hangs ends within its check's timeout, with the hang message;
        //    a crashing one is reported with the learner's line. One rebuild for both.
        let timeouts = try exercise("timeouts")
        let hanging = try lab.read(timeouts.path)
            .replacingOccurrences(of: "// TODO: make accept() return at once, and turn \"would block\" into nil.\n    return nil",
                                  with: "return try listener.accept().0")
        XCTAssertNotEqual(hanging, try lab.read(timeouts.path), "the edit must change the stub")
        try lab.write(hanging, to: timeouts.path)
        let tcpHeader = try exercise("tcp-header")
        let crashing = try lab.read(tcpHeader.path)
            .replacingOccurrences(of: "// TODO: check the length first, then read each field, most significant byte first.\n    return nil",
                                  with: "return bytes[19] == 0 ? nil : nil")
        XCTAssertNotEqual(crashing, try lab.read(tcpHeader.path))
        try lab.write(crashing, to: tcpHeader.path)
        let started = ContinuousClock.now
        let third = grader.check(timeouts)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(120), "a hang must not hold the grading for long")
        guard case .failed(let hangReport) = third else { return XCTFail("a hanging accept should fail by assertion: \(third)") }
        let hang = hangReport.failedCases.flatMap(\.failures).map(\.message).first { $0.contains("hung") }
        XCTAssertNotNil(hang, "one failure should say the code hung")
        XCTAssertTrue(hang?.contains("accept()") == true, "and where it waits: \(hang ?? "")")
        let fourth = grader.runTests(of: tcpHeader)
        guard case .crashed(let crashReport) = fourth else { return XCTFail("an index out of range should crash the run: \(fourth)") }
        XCTAssertEqual(crashReport.crash?.message, "Index out of range")
        let crashSummary = text(book.summaryLines(for: fourth, number: 4, exercise: tcpHeader, width: 100))
        XCTAssertTrue(crashSummary.contains("in your code at Exercises/04_TCPHeader.swift:"), crashSummary)

        // 4. A file that does not compile is named, with its line and how to get out.
        let listening = try exercise("listening-socket")
        try lab.write(try lab.read(listening.path) + "\nthis is not Swift\n", to: listening.path)
        let fifth = grader.check(layers)
        guard case .buildFailed(let errors, _) = fifth else { return XCTFail("a broken exercise should stop the build: \(fifth)") }
        XCTAssertTrue(errors.contains { $0.file.hasSuffix("/Exercises/05_ListeningSocket.swift") }, "\(errors)")
        let buildSummary = text(book.summaryLines(for: fifth, number: 1, exercise: layers, width: 300))
        XCTAssertTrue(buildSummary.contains("In exercise listening-socket (Exercises/05_ListeningSocket.swift)"), buildSummary)
        XCTAssertTrue(buildSummary.contains("osilab reset listening-socket"), buildSummary)

        // 5. Reset puts every stub back, and the lab builds and grades again.
        for name in ["listening-socket", "uppercase", "timeouts", "tcp-header"] {
            try book.reset(try exercise(name), backups: state.appendingPathComponent("backups"))
            XCTAssertEqual(book.isEdited(try exercise(name)), false, "\(name) is the original again")
        }
        XCTAssertEqual(book.state(of: uppercase).status, .notStarted)
        let sixth = grader.check(uppercase)
        guard case .failed = sixth else { return XCTFail("after the reset, the stub of uppercase fails again: \(sixth)") }
    }
}
