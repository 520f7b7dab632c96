import Foundation
@testable import LessonKit
import XCTest

/// The real child-process runner, with /bin/sh standing in for the osilab binary.
final class LabRunnerTests: XCTestCase {
    func testExitStatusIsReported() {
        let outcome = LabRunner.run(executable: "/bin/sh", arguments: ["-c", "exit 7"], wantsFacts: false, inheritInput: false)
        XCTAssertEqual(outcome, LabOutcome(exit: .exited(7), facts: .none))
    }

    /// The runner ignores SIGINT while a lab runs (so Ctrl-C stops the lab, not the lesson),
    /// but the lab itself must get the default action, or Ctrl-C could never stop it.
    func testTheChildDiesOfSIGINTWhileTheRunnerSurvives() {
        let outcome = LabRunner.run(executable: "/bin/sh", arguments: ["-c", "kill -INT $$; sleep 2; exit 0"],
                                    wantsFacts: false, inheritInput: false)
        XCTAssertEqual(outcome.exit, .signalled(SIGINT), "the lab must die of Ctrl-C's signal")
    }

    func testFactsFileIsPassedAndRead() {
        let script = #"while [ $# -gt 0 ]; do [ "$1" = --facts ] && printf '{"handshake-complete":"yes"}' > "$2"; shift; done"#
        let outcome = LabRunner.run(executable: "/bin/sh", arguments: ["-c", script, "sh", "handshake"],
                                    wantsFacts: true, inheritInput: false)
        XCTAssertEqual(outcome, LabOutcome(exit: .exited(0), facts: .facts(["handshake-complete": "yes"])))
    }

    func testStandardInputIsDetachedWhenAsked() {
        // `read` fails at once on /dev/null; with a terminal or pipe attached it would wait.
        let outcome = LabRunner.run(executable: "/bin/sh", arguments: ["-c", "read line && exit 1 || exit 0"],
                                    wantsFacts: false, inheritInput: false)
        XCTAssertEqual(outcome.exit, .exited(0))
    }

    func testAMissingExecutableIsReported() {
        guard case .failedToStart(let message) = LabRunner.run(executable: "/nonexistent/osilab", arguments: [], wantsFacts: false, inheritInput: false).exit else {
            return XCTFail("a missing binary must be reported as failing to start")
        }
        XCTAssertTrue(message.contains("/nonexistent/osilab"), message)
    }

    func testMalformedFacts() throws {
        let file = makeTemporaryDirectory("facts").appendingPathComponent("f.json")
        try Data("[1,2]".utf8).write(to: file)
        XCTAssertEqual(LabRunner.readFacts(file.path), .unreadable("not a JSON object"))
        try Data("{".utf8).write(to: file)
        XCTAssertEqual(LabRunner.readFacts(file.path), .unreadable("not JSON"))
        XCTAssertEqual(LabRunner.readFacts(file.path + ".missing"), .none)
    }
}
