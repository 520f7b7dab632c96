import Grading
import XCTest

/// XCTest's and the compiler's output, as osilab check reads them. The samples are cut from
/// real runs on Linux (paths shortened to /lab).
final class TestReportTests: XCTestCase {
    let failingRun = """
        Test Suite 'Selected tests' started at 2026-11-25 22:24:18.697
        Test Suite 'SendAllTests' started at 2026-11-25 22:24:18.698
        Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' started at 2026-11-25 22:24:18.698
        Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' passed (0.001 seconds)
        Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' started at 2026-11-25 22:24:18.699
        /lab/Tests/ExerciseTests/SendAllTests.swift:8: error: SendAllTests.testSendsTheRestAfterAPartialSend : failed - you sent 3 of 12 bytes: send() took only 3 at a time
        /lab/Tests/ExerciseTests/SendAllTests.swift:8: error: SendAllTests.testSendsTheRestAfterAPartialSend : XCTAssertEqual failed: ("1") is not equal to ("2") - a second failure
        that runs over two lines
        Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' failed (0.002 seconds)
        Test Suite 'SendAllTests' failed at 2026-11-25 22:24:18.700
        \t Executed 2 tests, with 2 failures (0 unexpected) in 0.003 (0.003) seconds
        Test Suite 'Selected tests' failed at 2026-11-25 22:24:18.700
        \t Executed 2 tests, with 2 failures (0 unexpected) in 0.003 (0.003) seconds
        ◇ Test run started.
        ✔ Test run with 0 tests in 0 suites passed after 0.001 seconds.
        """

    func testReadsCasesFailuresAndTheSummary() {
        let report = TestReport.parse(failingRun)
        XCTAssertEqual(report.cases.map(\.method), ["testSendsNothingWhenThereIsNothingToSend", "testSendsTheRestAfterAPartialSend"])
        XCTAssertEqual(report.cases.map(\.status), [.passed, .failed])
        XCTAssertEqual(report.executed, 2)
        XCTAssertEqual(report.failureCount, 2)
        XCTAssertTrue(report.finished)
        XCTAssertNil(report.crash)
        let failures = report.cases[1].failures
        XCTAssertEqual(failures.count, 2)
        XCTAssertEqual(failures.first, TestReport.Failure(
            file: "/lab/Tests/ExerciseTests/SendAllTests.swift", line: 8,
            message: "you sent 3 of 12 bytes: send() took only 3 at a time"),
            "XCTFail's \"failed - \" prefix is dropped: it tells the learner nothing")
        XCTAssertEqual(failures.last?.message,
                       "XCTAssertEqual failed: (\"1\") is not equal to (\"2\") - a second failure\nthat runs over two lines")
    }

    func testACrashKeepsTheRuntimeMessageTheRunningCaseAndTheLearnersLine() {
        let output = """
            Test Case 'TCPHeaderTests.testReadsEveryHeaderOfRecordedCaptures' started at 2026-11-25 22:24:19.766
            /lab/Tests/ExerciseTests/TCPHeaderTests.swift:8: error: TCPHeaderTests.testReadsEveryHeaderOfRecordedCaptures : failed - packet 1 is a real [S] segment, but parseTCPHeader returned nil
            Test Case 'TCPHeaderTests.testReadsEveryHeaderOfRecordedCaptures' failed (0.001 seconds)
            Test Case 'TCPHeaderTests.testRejectsFewerThanTwentyBytes' started at 2026-11-25 22:24:19.767
            Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range

            *** Signal 4: Backtracing from 0x7fb5a336df7f... done ***

            *** Program crashed: Illegal instruction at 0x00007fb5a336df7f ***

            Thread 0 "osilabPackageTe" crashed:

              0               0x00007fb5a336df7f closure #1 in closure #1 in _assertionFailure(_:_:file:line:flags:) + 623 in libswiftCore.so
              2 [ra]          0x00007fb5a3b38f05 specialized Array.subscript.getter + 84 in libswiftSwiftOnoneSupport.so
              3 [ra]          0x000055dac092923d parseTCPHeader(_:) + 60 in osilabPackageTests.xctest at /lab/Exercises/04_TCPHeader.swift:54:28
              4 [ra]          0x000055dac0927701 TCPHeaderTests.parse(_:) + 48 in osilabPackageTests.xctest at /lab/Tests/ExerciseTests/TCPHeaderTests.swift:16:9
            """
        let report = TestReport.parse(output)
        XCTAssertFalse(report.finished, "a crashed run never prints its summary")
        XCTAssertEqual(report.crash?.message, "Index out of range")
        XCTAssertEqual(report.crash?.file, "Swift/ContiguousArrayBuffer.swift")
        XCTAssertEqual(report.crash?.line, 692)
        XCTAssertEqual(report.crash?.frames.first, TestReport.Location(file: "/lab/Exercises/04_TCPHeader.swift", line: 54),
                       "the first frame with a source location is the learner's line")
        XCTAssertEqual(report.unfinishedCase?.method, "testRejectsFewerThanTwentyBytes")
        XCTAssertEqual(report.failedCases.map(\.method), ["testReadsEveryHeaderOfRecordedCaptures"])
    }

    func testTurnsTestNamesIntoWords() {
        XCTAssertEqual(TestReport.words("testSendsTheRestAfterAPartialSend"), "sends the rest after a partial send")
        XCTAssertEqual(TestReport.words("testReadsEveryHeaderOfRecordedCaptures"), "reads every header of recorded captures")
        XCTAssertEqual(TestReport.words("testInsistsOnBracketsAroundIPv6"), "insists on brackets around IPv6")
        XCTAssertEqual(TestReport.words("testRejectsPortsAbove65535"), "rejects ports above 65535")
        XCTAssertEqual(TestReport.words("testReadsBracketedIPv6Addresses"), "reads bracketed IPv6 addresses")
        XCTAssertEqual(TestReport.words("testSendsAtLayer4AndUDPv6Too"), "sends at layer 4 and UDPv6 too")
        XCTAssertEqual(TestReport.words("testServes2Clients"), "serves 2 clients")
        XCTAssertEqual(TestReport.words("testFindsTheOpenPorts"), "finds the open ports")
        XCTAssertEqual(TestReport.words("testSendsTwoMegabytesOverARealConnection"), "sends two megabytes over a real connection")
        XCTAssertEqual(TestReport.words("testReadsTheTCPHeader"), "reads the TCP header")
    }

    func testReadsCompilerErrorsOnceEach() {
        let output = """
            [3/12] Compiling Exercises 05_ListeningSocket.swift
            /lab/Exercises/05_ListeningSocket.swift:20:16: error: cannot find 'listner' in scope
            18 |     let listener = try Socket(family: .inet, type: .stream)
               |                `- error: cannot find 'listner' in scope
            /lab/Exercises/05_ListeningSocket.swift:20:16: error: cannot find 'listner' in scope
            /lab/Exercises/05_ListeningSocket.swift:9:1: warning: variable was never used
            error: fatalError
            /lab/Sources/Wire/IPAddress.swift:3:1: error: expected declaration
            """
        XCTAssertEqual(CompilerError.parse(output), [
            CompilerError(file: "/lab/Exercises/05_ListeningSocket.swift", line: 20, column: 16,
                          message: "cannot find 'listner' in scope"),
            CompilerError(file: "/lab/Sources/Wire/IPAddress.swift", line: 3, column: 1, message: "expected declaration"),
        ])
    }
}
