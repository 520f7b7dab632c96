import Experiments
import Foundation
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// The socket behaviours the notes describe in words, each shown by an experiment.
final class SocketBehaviourTests: ExperimentTestCase {
    func testConnectingToAClosedPortGetsARstAndErrno111() throws {
        let outcome = try run(Refused())
        let segments = outcome.segments
        XCTAssertEqual(segments.filter { $0.role == .handshakeSYN }.count, 2, "two clients, two SYNs")
        XCTAssertEqual(segments.filter { $0.role == .refused }.count, 2, "each SYN answered by RST")
        XCTAssertTrue(segments.filter { $0.role == .refused }.allSatisfy { $0.segment.isRST && $0.direction == .serverToClient })
        XCTAssertFalse(segments.contains { $0.segment.isSYNACK }, "no SYN-ACK from a port nobody listens on")
        let connects = calls(outcome, .connect)
        XCTAssertEqual(connects.map(\.failure), ["ECONNREFUSED", "ECONNREFUSED"])
        XCTAssertEqual(connects.first?.errorCode, 111)
        XCTAssertEqual(outcome.facts["connect-ex"], "111", "connect_ex returns the number, 111 on Linux")
        XCTAssertEqual(outcome.facts["answer"], "rst")
        assertClaimsHold(outcome)
    }

    func testSmallSendsMergeIntoOneRecvAndFramingRecoversEveryMessage() throws {
        let outcome = try run(Sticky())
        let part2 = try XCTUnwrap(noteTime(outcome, "part 2"))
        let part3 = try XCTUnwrap(noteTime(outcome, "part 3"))
        let sends = calls(outcome, .send, role: "client").filter { $0.entered < part2 }
        let recvs = calls(outcome, .recv, role: "server").filter { $0.entered < part2 && $0.outcome?.isSuccess == true }
        XCTAssertEqual(sends.count, Sticky.smallMessages.count)
        XCTAssertLessThan(recvs.count, sends.count, "fewer recv() calls than send() calls: the boundaries are gone")
        XCTAssertEqual(recvs.compactMap(\.returnedCount).reduce(0, +), Sticky.smallMessages.joined().utf8.count)
        let largeRecvs = calls(outcome, .recv, role: "server").filter { $0.entered > part2 && $0.entered < part3 }
        XCTAssertGreaterThan(largeRecvs.count, 1, "one large send() needed several recv() calls")
        let dataSegments = outcome.segments.filter { $0.direction == .clientToServer && $0.segment.payloadLength > 0 }
        XCTAssertFalse(dataSegments.isEmpty, "the capture saw the data segment by segment")
        XCTAssertEqual(outcome.facts["utf8-split"], "yes", "a recv() ended inside a multi-byte character")
        XCTAssertEqual(outcome.facts["framed-intact"], "yes", "every length-prefixed message came back whole")
        assertClaimsHold(outcome)
    }

    func testTeardownShowsFinEachWayTimeWaitOnTheCloserAndResets() throws {
        let outcome = try run(Teardown())
        let first = outcome.segments.filter { $0.connection == 1 }
        XCTAssertTrue(first.contains { $0.segment.isFIN && $0.direction == .clientToServer }, "the client's FIN")
        XCTAssertTrue(first.contains { $0.segment.isFIN && $0.direction == .serverToClient }, "the server's FIN")
        XCTAssertTrue(first.contains { $0.role == .finalAck }, "the last ACK")
        XCTAssertEqual(outcome.facts["first-fin"], "client")
        XCTAssertEqual(outcome.facts["time-wait"], "client", "the side that closed first waits in TIME-WAIT")
        XCTAssertEqual(outcome.facts["half-close"], "yes")
        let second = outcome.segments.filter { $0.connection == 2 }
        XCTAssertTrue(second.contains { $0.segment.isRST && $0.direction == .serverToClient },
                      "close() with unread data sent RST")
        XCTAssertFalse(second.contains { $0.segment.isFIN && $0.direction == .serverToClient }, "and no FIN")
        XCTAssertTrue(calls(outcome, .recv, role: "client 2").contains { $0.failure == "ECONNRESET" })
        let third = outcome.segments.filter { $0.connection == 3 }
        XCTAssertTrue(third.contains { $0.segment.isRST && $0.direction == .clientToServer }, "SO_LINGER 0 close sent RST")
        XCTAssertEqual(outcome.facts["linger-zero-close"], "rst")
        assertClaimsHold(outcome)
    }

    func testUDPHasNoHandshakeAndAClosedPortAnswersWithICMP() throws {
        let outcome = try run(UDPDatagrams())
        XCTAssertTrue(outcome.segments.isEmpty, "no TCP at all, so no SYN")
        let packets = outcome.timeline.packets
        let datagrams = packets.filter { if case .udp = $0.content { true } else { false } }
        XCTAssertGreaterThanOrEqual(datagrams.count, 3)
        if case .udp = packets.first?.content {} else { XCTFail("the first packet was a datagram, not a handshake") }
        let unreachable = packets.filter { if case .icmp(_, _, let summary, _) = $0.content { summary.contains("port unreachable") } else { false } }
        XCTAssertGreaterThanOrEqual(unreachable.count, 1, "the closed port answered with ICMP port unreachable")
        XCTAssertEqual(calls(outcome, .recvfrom, role: "server").filter { $0.outcome?.isSuccess == true }.compactMap(\.returnedCount),
                       [3, 7, 17], "each recvfrom() returned one whole datagram")
        XCTAssertEqual(calls(outcome, .recv, role: "client").last?.failure, "ECONNREFUSED",
                       "the connected UDP socket's recv() reported the ICMP error")
        XCTAssertEqual(outcome.facts["unconnected-error"], "none", "the unconnected socket was told nothing")
        assertClaimsHold(outcome)
    }

    func testNonBlockingCallsFailAtOnceAndATimeoutEndsABlockedRecv() throws {
        let outcome = try run(NonBlocking())
        let accept = try XCTUnwrap(calls(outcome, .accept).first)
        XCTAssertEqual(accept.failure, "EAGAIN")
        XCTAssertLessThan(try XCTUnwrap(accept.blockedNanoseconds), 100_000_000, "non-blocking accept() did not wait")
        let recvs = calls(outcome, .recv, role: "server")
        XCTAssertGreaterThanOrEqual(recvs.count, 3)
        guard recvs.count >= 3 else { return }
        XCTAssertEqual(recvs[0].failure, "EAGAIN")
        XCTAssertLessThan(try XCTUnwrap(recvs[0].blockedNanoseconds), 100_000_000, "non-blocking recv() did not wait")
        XCTAssertEqual(recvs[1].failure, "EAGAIN (timeout)")
        let waited = try XCTUnwrap(recvs[1].blockedNanoseconds)
        XCTAssertGreaterThanOrEqual(waited, 490_000_000, "the timed recv() waited its 500 ms")
        XCTAssertLessThan(waited, 2_000_000_000)
        let during = outcome.segments.filter { $0.segment.timestamp > recvs[1].entered && $0.segment.timestamp < (recvs[1].returned ?? recvs[1].entered) }
        XCTAssertTrue(during.isEmpty, "waiting sends no packets")
        XCTAssertEqual(recvs[2].returnedCount, 4, "the connection still worked after the timeout")
        XCTAssertEqual(outcome.facts["packets-while-waiting"], "0")
        assertClaimsHold(outcome)
    }

    func testWithoutCaptureTheCallsAreStillCheckedAndPacketsAreMarkedUnchecked() throws {
        let outcome = try run(Refused(), capture: false)
        XCTAssertTrue(outcome.run.packets.isEmpty)
        XCTAssertFalse(outcome.captured)
        XCTAssertTrue(outcome.explanation.allClaimsHold)
        XCTAssertTrue(outcome.explanation.items.contains { $0.verdict == .unchecked }, "the RST could not be checked")
        XCTAssertEqual(outcome.facts["connect-ex"], "111")
        XCTAssertNil(outcome.facts["answer"], "no fact is made up without a capture")
    }
}

extension SyscallRecord {
    var errorCode: Int32? {
        if case .failed(let code, _)? = outcome { return code }
        return nil
    }

    var returnedCount: Int? {
        if case .returned(let value)? = outcome { return value }
        return nil
    }
}
