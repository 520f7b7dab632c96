import Report
import TestSupport
import TextUI
@testable import Timeline
import Trace
import Wire
import XCTest

/// Handshakes a real capture brings that the textbook drawing does not: data on the SYN
/// (TCP Fast Open), steps recorded out of order, connections whose SYN was never seen,
/// ECN flags and resets. The expected numbers are worked out by hand from RFC 9293's
/// arithmetic (a SYN and a FIN take one sequence number each, data one per byte).
final class HardHandshakesTests: XCTestCase {
    let j: UInt32 = 1000, k: UInt32 = 5000

    // MARK: #16.4 data on the SYN

    func testTheSYNACKOfASYNWithDataAcknowledgesJPlusOnePlusTheData() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let syn = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j, length: 100))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 101))
        XCTAssertEqual(syn.synDataLength, 100)
        XCTAssertEqual(synAck.checks.map(\.rule), ["ack = J+1+100"])
        XCTAssertTrue(synAck.checks.allSatisfy(\.holds), "J+1+100 is what a server that takes the data must send")
        XCTAssertEqual(synAck.relativeAcknowledgment, 101)
        let note = PacketText.note(synAck, numbers: .relative) ?? ""
        XCTAssertFalse(note.contains("✗"), note)
        XCTAssertEqual(note, "step 2: seq = K, ack = J+1+100 ✓: J+1 plus the SYN's data (len=100)")
        let ack = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 101, ack: k + 1))
        XCTAssertEqual(ack.role, .handshakeACK(carriesData: false))
        XCTAssertEqual(ack.relativeSequence, 101, "the client's next byte follows the SYN's 100")
    }

    func testAServerMayAcknowledgeTheSYNWithoutItsData() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j, length: 50))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        XCTAssertEqual(synAck.checks.map(\.rule), ["ack = J+1"], "RFC 7413 4.2: the server may ignore the SYN's data")
        XCTAssertTrue(synAck.checks.allSatisfy(\.holds))
        XCTAssertTrue(PacketText.note(synAck, numbers: .relative)?.contains("not its data (len=50)") ?? false)
    }

    func testAFailedCheckShowsNumbersInTheLinesOwnMode() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j, length: 100))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 111))
        XCTAssertEqual(synAck.checks.first?.holds, false)
        // The line reads ack=111 in relative numbers; its check must too: J+1+100 is 101.
        XCTAssertEqual(PacketText.note(synAck, numbers: .relative),
                       "step 2: seq = K, ack = J+1+100 ✗ (expected 101, got 111): J+1 plus the SYN's data (len=100)")
        XCTAssertEqual(PacketText.note(synAck, numbers: .absolute),
                       "step 2: seq = K, ack = J+1+100 ✗ (expected \(j + 101), got \(j + 111)): J+1 plus the SYN's data (len=100)")
        let chinese = PacketText.note(synAck, numbers: .relative, strings: .timeline(.chinese)) ?? ""
        XCTAssertTrue(chinese.contains("应为 101，实为 111"), chinese)
    }

    func testTheExplanationCountsTheSYNsData() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let segments = [
            tracker.annotate(talk.segment(fromClient: true, .syn, seq: j, length: 100)),
            tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 101)),
            tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 101, ack: k + 1)),
        ]
        let findings = HandshakeFindings(connection: 1, client: talk.client, server: talk.server,
                                         syn: segments[0], synAck: segments[1], finalAck: segments[2])
        let english = HandshakeExplanation.sentences(for: findings)
        XCTAssertTrue(english[0].contains("ack = 1101, which is J+1+100 as it must be"), english[0])
        let chinese = HandshakeExplanation.sentences(for: findings, language: .chinese)
        XCTAssertTrue(chinese[0].contains("J+1+100"), chinese[0])
    }

    // MARK: #16.5 the SYN-ACK recorded before the SYN

    func testASYNACKBeforeItsSYNIsStillStepTwoOfOneConnection() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let syn = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let ack = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        XCTAssertEqual([synAck.step, syn.step, ack.step], [2, 1, 3])
        XCTAssertEqual(synAck.role, .handshakeSYNACK)
        XCTAssertEqual(syn.role, .handshakeSYN)
        XCTAssertEqual(ack.role, .handshakeACK(carriesData: false))
        XCTAssertEqual(tracker.connectionCount, 1, "one connection, not one for the SYN-ACK and one for the SYN")
        XCTAssertEqual(syn.connection, synAck.connection)
        XCTAssertEqual(synAck.client, talk.client)
        XCTAssertEqual(syn.captureOrder, .synAfterSYNACK(synAckPacket: 1))
        XCTAssertEqual(syn.checks.map(\.holds), [true], "the SYN-ACK's ack = J+1 is checked once J is known")
        XCTAssertTrue(tracker.incompleteHandshakes.isEmpty)
        let note = PacketText.note(syn, numbers: .relative) ?? ""
        XCTAssertTrue(note.contains("the capture order differs from the protocol order"), note)
        let chinese = PacketText.note(syn, numbers: .relative, strings: .timeline(.chinese)) ?? ""
        XCTAssertTrue(chinese.contains("抓包里的顺序和协议的顺序不同"), chinese)
    }

    func testASYNTheEarlierSYNACKDidNotAcknowledgeStartsItsOwnConnection() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let other = tracker.annotate(talk.segment(fromClient: true, .syn, seq: 77_777))
        XCTAssertNotEqual(other.connection, synAck.connection, "J = 77777 is not the J the SYN-ACK acknowledged")
        XCTAssertNil(other.captureOrder)
    }

    func testAConnectionWithOnlyItsSYNACKIsExplainedAsSuch() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let ack = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        XCTAssertEqual([synAck.step, ack.step], [2, 3], "steps 2 and 3 are labelled without the SYN")
        let findings = HandshakeFindings(connection: 1, client: talk.client, server: talk.server,
                                         syn: nil, synAck: synAck, finalAck: ack)
        XCTAssertEqual(HandshakeExplanation.sentences(for: findings),
                       ["The capture holds this connection's SYN-ACK (step 2) but not its SYN: the capture began after the SYN went out, or missed it. J is taken from the SYN-ACK as ack - 1 = \(j)."])
        XCTAssertTrue(HandshakeExplanation.sentences(for: findings, language: .chinese).first?.contains("ack - 1 = \(j)") ?? false)
    }

    func testTheExplanationSaysTheCaptureOrderDiffers() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let syn = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let ack = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        let findings = HandshakeFindings(connection: 1, client: talk.client, server: talk.server,
                                         syn: syn, synAck: synAck, finalAck: ack)
        let english = HandshakeExplanation.sentences(for: findings)
        XCTAssertTrue(english.contains { $0.hasPrefix("The capture holds the SYN-ACK (packet #1) before the SYN (packet #2)") }, "\(english)")
        XCTAssertTrue(english[0].contains("which is J+1 as it must be"), english[0])
        let chinese = HandshakeExplanation.sentences(for: findings, language: .chinese)
        XCTAssertTrue(chinese.contains { $0.contains("SYN-ACK（第 1 个包）排在 SYN（第 2 个包）前面") }, "\(chinese)")
    }

    // MARK: #16.6 relative numbers, flags, resets

    func testWithoutTheSYNNumbersCountFromTheFirstSegmentSeenEachWay() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        // Wireshark's rule: a direction's base is its first seq minus one, or the other side's ack minus one.
        let first = tracker.annotate(talk.segment(fromClient: true, [.psh, .ack], seq: 900_000, ack: 400_000, length: 10))
        let reply = tracker.annotate(talk.segment(fromClient: false, [.psh, .ack], seq: 400_000, ack: 900_010, length: 30))
        XCTAssertEqual(first.relativeSequence, 1)
        XCTAssertEqual(first.relativeAcknowledgment, 1)
        XCTAssertEqual(reply.relativeSequence, 1)
        XCTAssertEqual(reply.relativeAcknowledgment, 11)
        XCTAssertEqual(PacketText.note(first, numbers: .relative),
                       "handshake not captured; numbers count from the first segment seen each way (shown as 1), as Wireshark does")
        XCTAssertEqual(PacketText.note(first, numbers: .absolute), "handshake not captured")
    }

    func testStragglersAfterTheCloseKeepTheirRelativeNumbersAndDirection() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        _ = tracker.annotate(talk.segment(fromClient: true, [.fin, .ack], seq: j + 1, ack: k + 1))
        _ = tracker.annotate(talk.segment(fromClient: false, [.fin, .ack], seq: k + 1, ack: j + 2))
        let last = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 2, ack: k + 2))
        XCTAssertEqual(last.role, .finalAck)
        let late = tracker.annotate(talk.segment(fromClient: false, [.fin, .ack], seq: k + 1, ack: j + 2))
        XCTAssertEqual(late.connection, last.connection)
        XCTAssertEqual(late.direction, .serverToClient, "the server's late FIN still goes from the server")
        XCTAssertEqual(late.relativeSequence, 1)
        XCTAssertEqual(late.relativeAcknowledgment, 2)
        XCTAssertEqual(late.role, .retransmission, "the server's FIN again: the last ACK did not reach it")
    }

    func testECNFlagsAreNamed() {
        XCTAssertEqual(PacketText.flagName([.syn, .ece, .cwr]), "SYN, ECE, CWR", "RFC 3168: the SYN that asks for ECN")
        XCTAssertEqual(PacketText.flagName([.syn, .ack, .ece]), "SYN-ACK, ECE")
        XCTAssertEqual(PacketText.flagName([.ack, .ece]), "ACK, ECE")
        XCTAssertEqual(PacketText.flagName([.psh, .ack, .cwr]), "PSH-ACK, CWR")
        XCTAssertEqual(PacketText.flagName([.ece]), "ECE", "a segment with ECE alone has a flag")
        XCTAssertEqual(PacketText.flagName([.ack, .ae]), "ACK, AE")
        XCTAssertEqual(PacketText.flagName([]), "(no flags)")
    }

    func testARSTACKShowsItsSequenceNumber() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        let reset = tracker.annotate(talk.segment(fromClient: false, [.rst, .ack], seq: k + 1, ack: j + 1))
        XCTAssertEqual(reset.role, .reset)
        XCTAssertEqual(PacketText.arrowLabel(reset, numbers: .relative), "RST-ACK seq=1 ack=1")
        XCTAssertEqual(PacketText.arrowLabel(reset, numbers: .absolute), "RST-ACK seq=\(k + 1) ack=\(j + 1)")
    }
}
