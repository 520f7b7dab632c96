import Experiments
import Foundation
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// How connections end and what they leave behind (lesson 11): CLOSE-WAIT on a server that
/// never closes, and TIME-WAIT on a server's port keeping a restart from binding it. Each
/// claim is checked here against a witness the experiment did not make: the capture's
/// segments, this test's own `ss`, and this test's own bind() straight through Glibc.
final class ClosingTests: ExperimentTestCase {
    func testAServerThatNeverClosesSitsInCloseWaitUntilItDoes() throws {
        let outcome = try run(CloseWait())
        XCTAssertEqual(outcome.facts["server-recv"], "empty", "recv() after the client's FIN returned b\"\"")
        XCTAssertEqual(outcome.facts["server-state-after-fin"], "CLOSE-WAIT")
        XCTAssertEqual(outcome.facts["client-state-after-fin"], "FIN-WAIT-2")
        XCTAssertEqual(outcome.facts["close-wait-count"], String(CloseWait.clients))
        XCTAssertEqual(outcome.facts["server-fin-before-close"], "no")
        XCTAssertEqual(outcome.facts["close-wait-after-close"], "0")

        // The capture: each client's FIN was acknowledged before the server's program closed,
        // and every server FIN came after that.
        let closing = try XCTUnwrap(noteTime(outcome, "the server finally calls close()"))
        for connection in 1...CloseWait.clients {
            let segments = outcome.segments.filter { $0.connection == connection }
            let clientFIN = try XCTUnwrap(segments.first { $0.segment.isFIN && $0.direction == .clientToServer },
                                          "connection \(connection): the client's FIN")
            XCTAssertLessThan(clientFIN.segment.timestamp, closing)
            let next = clientFIN.segment.sequence + clientFIN.segment.sequenceLength
            XCTAssertTrue(segments.contains { $0.direction == .serverToClient && !$0.segment.isFIN
                && $0.segment.acknowledgment == next && $0.segment.timestamp < closing },
                          "connection \(connection): the server's kernel acknowledged the FIN before close()")
            let serverFIN = try XCTUnwrap(segments.first { $0.segment.isFIN && $0.direction == .serverToClient },
                                          "connection \(connection): the server's FIN")
            XCTAssertGreaterThan(serverFIN.segment.timestamp, closing, "connection \(connection): no FIN before close()")
        }
        // Our own ss: the clients, which sent the first FIN, now wait in TIME-WAIT (for 60 s).
        let port = try XCTUnwrap(outcome.server?.port)
        let clients = Set(outcome.segments.map(\.client.port))
        XCTAssertEqual(clients.count, CloseWait.clients)
        let waiting = try timeWaitPorts(toward: port)
        XCTAssertTrue(clients.isSubset(of: waiting), "ss lists \(waiting) in TIME-WAIT toward \(port); the clients were \(clients)")
        assertClaimsHold(outcome)
    }

    func testARestartedServerCannotBindWhileItsOldEndWaitsInTimeWaitUnlessBothSetReuseAddress() throws {
        let outcome = try run(ReuseAddress())
        XCTAssertEqual(outcome.facts["first-fin"], "server")
        XCTAssertEqual(outcome.facts["time-wait-holder"], "server")
        XCTAssertEqual(outcome.facts["bind-without-reuseaddr"], "EADDRINUSE")
        XCTAssertEqual(outcome.facts["bind-with-reuseaddr"], "ok")
        XCTAssertEqual(outcome.facts["second-listener-reuseaddr"], "EADDRINUSE")
        XCTAssertEqual(outcome.facts["reuseaddr-new-only"], "EADDRINUSE")
        XCTAssertEqual(outcome.facts["reuseport-second-bind"], "ok")

        // The capture: the server's FIN came first on the old server's connection.
        let port = try XCTUnwrap(outcome.server?.port)
        let first = outcome.segments.filter { $0.server.port == port && $0.segment.isFIN }
        XCTAssertEqual(first.first?.direction, .serverToClient, "the server closed first")
        // The trace: bind() failed with errno 98 twice on the old server's port (without the
        // flag, and a second listener with it) and once on the other old server's port.
        let failed = calls(outcome, .bind).filter { $0.errorCode == 98 }
        XCTAssertEqual(failed.count, 3, "three binds failed with EADDRINUSE: \(failed)")

        // Our own witnesses, within TIME-WAIT's 60 s: ss lists the server's end, and bind()
        // made here through Glibc fails without SO_REUSEADDR and succeeds with it.
        let serverEnds = try timeWaitPorts(from: port)
        XCTAssertFalse(serverEnds.isEmpty, "ss lists a TIME-WAIT socket whose local port is the server's \(port)")
        XCTAssertEqual(bindErrno(port, reuseAddress: false), EADDRINUSE)
        XCTAssertEqual(bindErrno(port, reuseAddress: true), 0, "the old server had set SO_REUSEADDR, so a new one may bind")
        let plainClient = try XCTUnwrap(calls(outcome, .connect, role: "client 2").first?.peer)
        XCTAssertFalse(try timeWaitPorts(from: plainClient.port).isEmpty)
        XCTAssertEqual(bindErrno(plainClient.port, reuseAddress: true), EADDRINUSE,
                       "the old server had not set SO_REUSEADDR: the flag on the new socket alone is not enough on Linux")
        assertClaimsHold(outcome)
    }

    func testWithoutCaptureTheBindsAreStillCheckedAndTheFinIsNot() throws {
        let outcome = try run(ReuseAddress(), capture: false)
        XCTAssertTrue(outcome.run.packets.isEmpty)
        XCTAssertTrue(outcome.explanation.allClaimsHold)
        XCTAssertNil(outcome.facts["first-fin"], "no fact is made up without a capture")
        XCTAssertEqual(outcome.facts["time-wait-holder"], "server", "ss needs no capture")
        XCTAssertEqual(outcome.facts["bind-without-reuseaddr"], "EADDRINUSE")
    }

    func testWithoutCaptureCloseWaitStillReadsTheStatesFromSs() throws {
        let outcome = try run(CloseWait(), capture: false)
        XCTAssertTrue(outcome.run.packets.isEmpty)
        XCTAssertTrue(outcome.explanation.allClaimsHold)
        XCTAssertTrue(outcome.explanation.items.contains { $0.verdict == .unchecked }, "the FINs could not be checked")
        XCTAssertNil(outcome.facts["server-fin-before-close"], "no fact is made up without a capture")
        XCTAssertEqual(outcome.facts["server-state-after-fin"], "CLOSE-WAIT", "ss needs no capture")
        XCTAssertEqual(outcome.facts["close-wait-after-close"], "0")
    }

    /// The local ports of sockets in TIME-WAIT whose peer port is `port` (with `from`: whose
    /// own port is), read from this test's own `ss -tan`.
    func timeWaitPorts(toward port: UInt16) throws -> Set<UInt16> {
        try timeWait(filter: "dport = :\(port)")
    }

    func timeWaitPorts(from port: UInt16) throws -> Set<UInt16> {
        try timeWait(filter: "sport = :\(port)")
    }

    /// The local ports of the TIME-WAIT sockets `filter` selects.
    private func timeWait(filter: String) throws -> Set<UInt16> {
        let lines = try ExternalTool.run(["ss", "-Htan", "state", "time-wait", filter]).lines
        return Set(lines.compactMap { line -> UInt16? in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            // -H leaves out the header; with a state filter ss leaves out the State column too.
            guard words.count >= 4, let port = words[2].split(separator: ":").last else { return nil }
            return UInt16(port)
        })
    }

    /// bind() to 127.0.0.1:`port` on a fresh TCP socket, straight through Glibc: 0, or the errno.
    func bindErrno(_ port: UInt16, reuseAddress: Bool) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { Glibc.close(descriptor) }
        var on: Int32 = reuseAddress ? 1 : 0
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else { return errno }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0 ? 0 : errno
    }
}
