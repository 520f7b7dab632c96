import Sockets
import Trace
import XCTest

final class SyscallTraceTests: XCTestCase {
    func testTraceRecordsEachCallInOrderWithPlausibleTimes() throws {
        let tracer = TraceRecorder()
        let before = Instant.now()
        let (listener, address) = try makeListener(tracer: tracer)
        let client = try Socket(family: .inet, type: .stream, tracer: tracer, role: "client")
        try client.connect(to: address)
        let (connection, _) = try listener.accept(role: "server")
        try client.sendAll(Array("hi".utf8))
        _ = try connection.recv(maxBytes: 16)
        client.close()
        connection.close()
        listener.close()
        let after = Instant.now()

        let records = tracer.snapshot()
        XCTAssertEqual(records.map(\.call.rawValue),
                       ["socket", "bind", "listen", "socket", "connect", "accept", "send", "recv", "close", "close", "close"])
        XCTAssertEqual(records.map(\.sequence), Array(0..<records.count))
        for record in records {
            XCTAssertFalse(record.isPending, "\(record.call) returned")
            guard let returned = record.returned else { continue }
            XCTAssertLessThanOrEqual(record.entered, returned, "\(record.call) returned before it was entered")
            XCTAssertGreaterThanOrEqual(record.entered, before)
            XCTAssertLessThanOrEqual(returned, after)
            XCTAssertEqual(record.outcome?.isSuccess, true, "\(record.call) succeeded")
        }
        for (earlier, later) in zip(records, records.dropFirst()) {
            XCTAssertLessThanOrEqual(earlier.entered, later.entered, "records are in the order calls were entered")
        }
        let connect = try XCTUnwrap(records.first { $0.call == .connect })
        let accept = try XCTUnwrap(records.first { $0.call == .accept })
        XCTAssertEqual(connect.role, "client")
        XCTAssertEqual(accept.role, "server")
        XCTAssertEqual(connect.peer, address.endpoint, "the trace knows where connect() went")
        XCTAssertEqual(accept.peer, connect.local, "accept() names the client's own address")
        XCTAssertEqual(accept.local, address.endpoint)
        let send = try XCTUnwrap(records.first { $0.call == .send })
        XCTAssertEqual(send.outcome, .returned(2))
    }

    func testFailedCallsAreRecordedWithTheirErrno() throws {
        let tracer = TraceRecorder()
        let (holder, address) = try closedPort()
        defer { holder.close() }
        let client = try Socket(family: .inet, type: .stream, tracer: tracer, role: "client")
        defer { client.close() }
        XCTAssertEqual(client.connectEx(to: address), 111)
        let connect = try XCTUnwrap(tracer.snapshot().first { $0.call == .connect })
        XCTAssertEqual(connect.outcome, .failed(errno: 111, name: "ECONNREFUSED"))
    }

    func testPendingCallIsVisibleWhileBlocked() throws {
        let tracer = TraceRecorder()
        let (listener, address) = try makeListener(tracer: tracer)
        defer { listener.close() }
        let entered = expectation(description: "accept entered")
        tracer.observe { event in
            if case .entered(let record) = event, record.call == .accept { entered.fulfill() }
        }
        let thread = Thread {
            if let (connection, _) = try? listener.accept() { connection.close() }
        }
        thread.start()
        wait(for: [entered], timeout: 5)
        usleep(20_000)
        let accept = try XCTUnwrap(tracer.snapshot().last { $0.call == .accept })
        XCTAssertTrue(accept.isPending, "accept() is still blocked: nobody has connected")
        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        let deadline = Date().addingTimeInterval(5)
        while tracer.snapshot().last(where: { $0.call == .accept })?.isPending == true, Date() < deadline { usleep(1000) }
        XCTAssertFalse(try XCTUnwrap(tracer.snapshot().last { $0.call == .accept }).isPending)
    }

    func testInstantFormatting() {
        XCTAssertEqual(Instant(seconds: 12, nanoseconds: 5).description, "12.000000005")
        XCTAssertEqual(formatDuration(nanoseconds: 850), "850 ns")
        XCTAssertEqual(formatDuration(nanoseconds: 12_400), "12.4 µs")
        XCTAssertEqual(formatDuration(nanoseconds: 3_200_000), "3.20 ms")
        XCTAssertEqual(formatDuration(nanoseconds: 1_500_000_000), "1.500 s")
    }
}
