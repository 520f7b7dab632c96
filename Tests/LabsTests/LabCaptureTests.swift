import Capture
import Foundation
import Labs
import Timeline
import Trace
import Wire
import XCTest

/// `--capture` for the labs: the lab's packets captured next to the client's socket calls.
final class LabCaptureTests: XCTestCase {
    func testEchoSessionIsCapturedWithTheClientsCalls() throws {
        XCTAssertEqual(geteuid(), 0, "capture needs root: run ./scripts/test")
        let server = try TCPLabServer(service: EchoService(), host: "127.0.0.1", port: 0)
        defer { _ = server.stop() }
        let port = try XCTUnwrap(server.address.port)
        let capture = try LabCapture(lab: .echo, port: port, host: "127.0.0.1")
        let tracer = TraceRecorder()
        let client = try EchoClient(host: "127.0.0.1", port: port, timeout: .seconds(5), tracer: tracer)
        XCTAssertEqual(try client.send("hello 套接字").text, "HELLO 套接字")
        client.close()
        let run = try capture.finish(trace: tracer.snapshot())
        let timeline = run.timeline()

        let findings = try XCTUnwrap(timeline.findings.first)
        XCTAssertTrue(findings.handshakeComplete, "the capture saw SYN, SYN-ACK and ACK")
        XCTAssertEqual(findings.connectReturnedAfter, .synack)
        XCTAssertNil(findings.accept, "the server's calls are not traced, only the client's")
        let roles = timeline.events.compactMap { event -> SegmentRole? in
            if case .packet(let entry) = event, case .tcp(let segment) = entry.content { return segment.role }
            return nil
        }
        XCTAssertEqual(roles.filter { $0 == .data }.count, 2, "one data segment each way: \(roles)")
        XCTAssertTrue(roles.contains(.fin(first: true)))
        XCTAssertTrue(roles.contains(.finalAck))
        let calls = Set(run.trace.map(\.call))
        XCTAssertTrue(calls.isSuperset(of: [.connect, .send, .recv, .close]), "\(calls)")
        XCTAssertEqual(run.statistics?.dropped, 0)
    }

    func testLiveLinesArePrintedAsPacketsArrive() throws {
        XCTAssertEqual(geteuid(), 0, "capture needs root: run ./scripts/test")
        let server = try TCPLabServer(service: EchoService(), host: "127.0.0.1", port: 0)
        defer { _ = server.stop() }
        let port = try XCTUnwrap(server.address.port)
        let capture = try LabCapture(lab: .echo, port: port, host: "localhost")
        let printed = PrintedLines()
        capture.printLive { printed.append($0) }
        let client = try EchoClient(host: "127.0.0.1", port: port, timeout: .seconds(5))
        _ = try client.send("x")
        client.close()
        _ = try capture.finish(trace: [])
        let lines = printed.all
        XCTAssertGreaterThanOrEqual(lines.count, 7, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("[wire] ") })
        XCTAssertTrue(lines.first?.contains("SYN seq=0") ?? false, lines.first ?? "")
        XCTAssertTrue(lines.contains { $0.contains("step 3") })
    }
}

/// Lines collected from the capture thread.
final class PrintedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
