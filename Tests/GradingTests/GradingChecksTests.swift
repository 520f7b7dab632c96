import Foundation
import GradingChecks
import Sockets
import Trace
import XCTest

/// The machinery the exercise checks rely on: deadlines, hang reports, freeing a blocked
/// thread, and catching a loop on a closed connection. Real sockets on loopback.
final class GradingChecksTests: XCTestCase {
    func testLearnerCodeThatReturnsOrThrowsIsReportedAsSuch() {
        let returning = LearnerThread("answer()") { 42 }
        guard case .returned(42)? = returning.wait(upTo: .seconds(2)) else { return XCTFail("expected the value 42") }
        struct Oops: Error {}
        let throwing = LearnerThread("oops()") { () throws -> Int in throw Oops() }
        guard case .threw(let error)? = throwing.wait(upTo: .seconds(2)) else { return XCTFail("expected the error") }
        XCTAssertTrue(error is Oops)
    }

    func testAHangIsLocatedInTheBlockedCallAndFreedByTheUnblocker() throws {
        let trace = TraceRecorder()
        let listener = try Socket(family: .inet, type: .stream, tracer: trace, role: "your server")
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let unblock = Unblocker()
        unblock.add(listener)
        let run = LearnerThread("serve(listener:)") { () throws -> Bool in
            _ = try listener.accept()
            return true
        }
        XCTAssertNil(run.wait(upTo: .milliseconds(300)), "nobody connects, so accept() must still be waiting")
        let report = HangReport.describe(function: run.function, seconds: run.secondsRunning, trace: trace)
        XCTAssertTrue(report.hasPrefix("serve(listener:) did not finish: it hung for"), report)
        XCTAssertTrue(report.contains("still waiting in accept()"), report)
        unblock.release()
        guard case .threw? = run.wait(upTo: .seconds(2)) else {
            return XCTFail("shutting the listener down must wake the blocked accept() and end the thread")
        }
    }

    func testCodeNotBlockedInASocketCallIsCalledALoop() {
        let report = HangReport.describe(function: "spin()", seconds: 5, trace: TraceRecorder())
        XCTAssertTrue(report.contains("not blocked in a socket call"), report)
        XCTAssertTrue(report.contains("loop"), report)
    }

    func testALoopOnAClosedConnectionIsCaughtAndParked() throws {
        let trace = TraceRecorder()
        let watch = SpinWatch(trace: trace)
        let connection = try LoopbackConnection.make(trace: trace)
        defer { connection.close() }
        connection.ours.close()
        let theirs = connection.theirs
        // The mistake: ignoring the empty recv() that says the peer closed.
        _ = LearnerThread("readForever()") { () throws -> Void in
            while true { _ = try theirs.recv(maxBytes: 1024) }
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !watch.tripped, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertTrue(watch.tripped, "\(SpinWatch.limit) empty recv() results in a row should trip the watch")
        let recorded = trace.snapshot().count
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(trace.snapshot().count, recorded, "the looping thread is parked: the trace stops growing")
        XCTAssertTrue(SpinWatch.message.contains("peer has closed"))
    }

    func testBytesAndTextAreShownReadably() {
        XCTAssertEqual(showBytes(Array("hi\n".utf8)), "\"hi\\n\"")
        XCTAssertEqual(showBytes([0xff, 0x00]), "[ff 00]")
        XCTAssertEqual(showText("\u{0}\u{0}\u{0}\u{1}5"), "\"\\x00\\x00\\x00\\x015\"")
        XCTAssertTrue(showText(String(repeating: "x", count: 100), limit: 10).hasSuffix("... (100 bytes)"))
    }
}
