import Experiments
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// The handshake claims: connect() returns at step 2, accept() at step 3, the SYN-ACK comes
/// from the kernel, not from accept().
final class HandshakeProofTests: ExperimentTestCase {
    func testHandshakeDemoFactsOverIPv4() throws {
        let run = try HandshakeDemo(options: .init(ipv6: false)).run()
        XCTAssertEqual(RunReport.facts(run.timeline()),
                       ["connect-returned-after": "synack", "accept-returned-after": "ack", "handshake-complete": "yes"])
    }

    func testHandshakeDemoFactsOverIPv6() throws {
        let run = try HandshakeDemo(options: .init(ipv6: true)).run()
        XCTAssertEqual(RunReport.facts(run.timeline()),
                       ["connect-returned-after": "synack", "accept-returned-after": "ack", "handshake-complete": "yes"])
    }

    func testDroppingTheFinalAckHoldsAcceptBackUntilTheRuleIsLifted() throws {
        let outcome = try run(DropFinalAck(release: .lift))
        let connect = try XCTUnwrap(calls(outcome, .connect).first)
        let accept = try XCTUnwrap(calls(outcome, .accept).first)
        let lifted = try XCTUnwrap(noteTime(outcome, "rule lifted"), "the timeline notes when the rule was lifted")
        let connected = try XCTUnwrap(connect.returned)
        let accepted = try XCTUnwrap(accept.returned, "accept() never returned")
        XCTAssertTrue(connect.outcome?.isSuccess ?? false, "connect() succeeded")
        XCTAssertLessThan(connected, lifted, "connect() returned while the final ACK was being dropped")
        XCTAssertGreaterThan(accepted, lifted, "accept() returned only after the rule was lifted")
        XCTAssertGreaterThan(lifted.nanoseconds(since: connected), 900_000_000,
                             "accept() was held back for about a second at least")

        let segments = outcome.segments
        let synAckCopies = segments.filter { $0.role == .synAckRetransmission }
        XCTAssertGreaterThanOrEqual(synAckCopies.count, 1, "the server resent its SYN-ACK while the ACK was dropped")
        let droppedAcks = outcome.timeline.packets.filter { $0.remark?.dropped == true }
        XCTAssertGreaterThanOrEqual(droppedAcks.count, 1)
        let counted = try XCTUnwrap(outcome.facts["acks-dropped"].flatMap(Int.init), "the nft counter was read")
        XCTAssertGreaterThanOrEqual(counted, 1, "the rule dropped at least one ACK")
        XCTAssertEqual(counted, droppedAcks.count, "the nft counter matches the ACKs the capture saw while the rule held")
        // The ACK that got through came after the lift, and accept() after it.
        let passing = try XCTUnwrap(segments.last { $0.direction == .clientToServer && $0.segment.isPureACK
            && $0.segment.timestamp > lifted && $0.segment.timestamp <= accepted })
        XCTAssertLessThan(passing.segment.timestamp, accepted)

        // The learner sees the loss: in plain text a dropped ACK's arrow ends in "x" at the server's lifeline.
        let plain = outcome.reportLines(style: ReportStyle(format: .plain, width: 100, colour: false))
        XCTAssertEqual(plain.filter { $0.contains("ACK ack=1 ") && $0.contains("x| ") }.count, droppedAcks.count,
                       "each dropped ACK is drawn with a cross:\n" + plain.joined(separator: "\n"))
        XCTAssertTrue(plain.contains { $0.contains("rule lifted") }, "the lift is a row of its own")

        XCTAssertEqual(outcome.facts["connect-returned-after"], "synack")
        XCTAssertEqual(outcome.facts["accept-returned-after"], "ack")
        XCTAssertEqual(outcome.facts["accept-waiting-at-release"], "yes")
        XCTAssertEqual(outcome.facts["connect-returned-before-release"], "yes")
        assertClaimsHold(outcome)
    }

    func testDataFromTheClientCarriesTheAcknowledgmentPastTheRule() throws {
        let outcome = try run(DropFinalAck(release: .data))
        let accept = try XCTUnwrap(calls(outcome, .accept).first?.returned, "accept() never returned")
        let data = try XCTUnwrap(outcome.segments.first { $0.direction == .clientToServer && $0.segment.payloadLength > 0 },
                                 "the client's data segment was captured")
        XCTAssertLessThan(data.segment.timestamp, accept, "accept() returned after the data arrived")
        let copies = outcome.segments.filter { $0.role == .synAckRetransmission }
        XCTAssertGreaterThanOrEqual(copies.count, 2, "two SYN-ACK copies (after 1 s and 2 s more) before the data")
        if copies.count >= 2, let first = outcome.timeline.findings.first?.synAck {
            let gap1 = copies[0].segment.timestamp.nanoseconds(since: first.segment.timestamp)
            let gap2 = copies[1].segment.timestamp.nanoseconds(since: copies[0].segment.timestamp)
            XCTAssertGreaterThan(gap2, gap1 + gap1 / 2, "the SYN-ACK gaps grow (exponential backoff)")
        }
        XCTAssertEqual(outcome.facts["accept-returned-after"], "data")
        XCTAssertGreaterThanOrEqual(Int(outcome.facts["acks-dropped"] ?? "") ?? 0, 3)
        assertClaimsHold(outcome)
    }

    func testAServerThatNeverAcceptsStillCompletesHandshakesUntilTheQueueIsFull() throws {
        let overflowsBefore = listenOverflows()
        let outcome = try run(NoAccept())
        if let before = overflowsBefore, let after = listenOverflows() {
            // At least the extra client's first SYN and the late client's final ACK.
            XCTAssertGreaterThanOrEqual(after - before, 2, "TcpExtListenOverflows counts both kinds of overflow")
        }
        XCTAssertTrue(calls(outcome, .accept).isEmpty, "the server made no accept() call")
        let completed = outcome.timeline.findings.filter { $0.handshakeComplete }
        XCTAssertEqual(completed.count, Int(NoAccept.backlog) + 1,
                       "Linux completes backlog + 1 handshakes with nobody calling accept()")
        for findings in completed {
            XCTAssertEqual(findings.connectReturnedAfter, .synack, "connection \(findings.connection): connect() returned at step 2")
        }
        // The next client: its SYN is dropped, never answered, and sent again.
        let answered = Set(completed.map(\.client))
        let extra = outcome.segments.filter { !answered.contains($0.client) }
        XCTAssertTrue(extra.allSatisfy { $0.direction == .clientToServer }, "nothing came back to the extra client")
        XCTAssertGreaterThanOrEqual(extra.filter { $0.role == .synRetransmission }.count, 2, "its SYN was sent again")
        let lastConnect = try XCTUnwrap(calls(outcome, .connect).last)
        XCTAssertEqual(lastConnect.failure, "EINPROGRESS (timeout)",
                       "the extra client's connect() timed out: SO_SNDTIMEO expiry in connect() is EINPROGRESS")
        XCTAssertEqual(outcome.facts["overflow"], "syn-dropped")
        XCTAssertTrue(extra.allSatisfy { !$0.segment.isRST }, "no RST answers a SYN at a full accept queue")
        XCTAssertEqual(outcome.facts["syn-reset"], "no")
        // The second case, on its own listener: the final ACK finds the queue full.
        XCTAssertEqual(outcome.facts["late-connect"], "returned", "the late client's connect() returned at the SYN-ACK")
        XCTAssertEqual(outcome.facts["late-overflow"], "ack-dropped", "its final ACK was dropped, the server side stays SYN-RECV")
        XCTAssertEqual(outcome.facts["recv-q-after"], String(completed.count), "ss Recv-Q counts the queued connections")
        XCTAssertEqual(outcome.facts["send-q"], String(NoAccept.backlog), "ss Send-Q shows the backlog")
        assertClaimsHold(outcome)
    }

    func testDeferAcceptReturnsWithTheFirstDataSegmentNotTheBareAck() throws {
        let outcome = try run(DeferAccept())
        let accept = try XCTUnwrap(calls(outcome, .accept).first?.returned, "accept() never returned")
        let findings = try XCTUnwrap(outcome.timeline.findings.first)
        let ack = try XCTUnwrap(findings.finalAck, "the bare ACK was captured")
        XCTAssertFalse(ack.segment.payloadLength > 0, "step 3 was a bare ACK")
        XCTAssertGreaterThan(accept.nanoseconds(since: ack.segment.timestamp), 1_000_000_000,
                             "accept() did not return when the bare ACK arrived")
        let data = try XCTUnwrap(outcome.segments.first { $0.direction == .clientToServer && $0.segment.payloadLength > 0 })
        XCTAssertLessThan(data.segment.timestamp, accept, "accept() returned after the data segment")
        XCTAssertEqual(findings.acceptReturnedAfter, .data)
        XCTAssertEqual(outcome.facts["server-state-while-waiting"], "SYN-RECV")
        assertClaimsHold(outcome)
    }
}

/// TcpExtListenOverflows from /proc/net/netstat, read by the test itself.
private func listenOverflows() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/net/netstat", encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n")
    for (index, line) in lines.enumerated() where line.hasPrefix("TcpExt:") && index + 1 < lines.count {
        let names = line.split(separator: " "), values = lines[index + 1].split(separator: " ")
        if let at = names.firstIndex(of: "ListenOverflows"), at < values.count { return Int(values[at]) }
    }
    return nil
}
