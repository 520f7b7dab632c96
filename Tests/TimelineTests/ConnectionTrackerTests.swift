import Report
import Timeline
import Trace
import Wire
import TestSupport
import XCTest

final class ConnectionTrackerTests: XCTestCase {
    let j: UInt32 = 1000, k: UInt32 = 5000

    func testLabelsTheThreeStepsAndChecksTheArithmetic() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let syn = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let ack = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))

        XCTAssertEqual(syn.role, .handshakeSYN)
        XCTAssertEqual(syn.step, 1)
        XCTAssertEqual(syn.relativeSequence, 0, "relative numbers count from J")
        XCTAssertEqual(synAck.role, .handshakeSYNACK)
        XCTAssertEqual(synAck.step, 2)
        XCTAssertEqual(synAck.checks.map(\.rule), ["ack = J+1"])
        XCTAssertTrue(synAck.checks.allSatisfy(\.holds))
        XCTAssertEqual(synAck.relativeAcknowledgment, 1)
        XCTAssertEqual(ack.role, .handshakeACK(carriesData: false))
        XCTAssertEqual(ack.step, 3)
        XCTAssertEqual(ack.checks.map(\.rule), ["ack = K+1"])
        XCTAssertTrue(ack.checks.allSatisfy(\.holds))
        XCTAssertEqual(ack.client, talk.client)
        XCTAssertEqual(ack.server, talk.server)
        XCTAssertEqual(tracker.openConnections, 1)
        XCTAssertTrue(tracker.incompleteHandshakes.isEmpty)
    }

    func testAWrongAcknowledgmentFailsItsCheck() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 2))
        XCTAssertEqual(synAck.checks.first?.holds, false, "ack = J+2 is not J+1")
        XCTAssertEqual(synAck.checks.first?.expected, SequenceNumber(j + 1))
        XCTAssertTrue(PacketText.note(synAck, numbers: .relative)?.contains("✗") ?? false)
    }

    func testSequenceNumbersWrapAround() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let nearTop: UInt32 = 0xFFFF_FFFF
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: nearTop))
        let synAck = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: 0))
        XCTAssertTrue(synAck.checks.allSatisfy(\.holds), "J = 2^32-1, so J+1 wraps to 0")
        XCTAssertEqual(synAck.relativeAcknowledgment, 1)
        _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: 0, ack: k + 1))
        let data = tracker.annotate(talk.segment(fromClient: true, [.psh, .ack], seq: 0, ack: k + 1, length: 10))
        XCTAssertEqual(data.role, .data)
        XCTAssertEqual(data.relativeSequence, 1)
        let again = tracker.annotate(talk.segment(fromClient: true, [.psh, .ack], seq: 0, ack: k + 1, length: 10))
        XCTAssertEqual(again.role, .retransmission, "the same bytes again, across the wrap, are a retransmission")
    }

    func testRetransmittedSYNAndSYNACKAreNamed() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let second = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        XCTAssertEqual(second.role, .synRetransmission)
        XCTAssertEqual(second.copy, 2)
        _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let synAckAgain = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        XCTAssertEqual(synAckAgain.role, .synAckRetransmission, "the server repeats its SYN-ACK when the final ACK is lost")
        XCTAssertEqual(synAckAgain.step, 2)
        XCTAssertEqual(tracker.incompleteHandshakes.count, 1)
        XCTAssertEqual(tracker.incompleteHandshakes.first?.sawSYNACK, true)
        XCTAssertEqual(tracker.connectionCount, 1, "retransmissions do not start new connections")
    }

    func testDataCarryingTheFinalAcknowledgmentCompletesTheHandshake() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        let data = tracker.annotate(talk.segment(fromClient: true, [.psh, .ack], seq: j + 1, ack: k + 1, length: 5))
        XCTAssertEqual(data.role, .handshakeACK(carriesData: true))
    }

    func testRefusedConnection() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        let reset = tracker.annotate(talk.segment(fromClient: false, [.rst, .ack], seq: 0, ack: j + 1, window: 0))
        XCTAssertEqual(reset.role, .refused)
        XCTAssertEqual(tracker.openConnections, 0)
        XCTAssertTrue(PacketText.note(reset, numbers: .relative)?.contains("nothing listens on port 4545") ?? false)
    }

    func testTeardownDataAndTheLastACK() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
        _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        let data = tracker.annotate(talk.segment(fromClient: true, [.psh, .ack], seq: j + 1, ack: k + 1, length: 5))
        let dataAck = tracker.annotate(talk.segment(fromClient: false, .ack, seq: k + 1, ack: j + 6))
        let finClient = tracker.annotate(talk.segment(fromClient: true, [.fin, .ack], seq: j + 6, ack: k + 1))
        let finServer = tracker.annotate(talk.segment(fromClient: false, [.fin, .ack], seq: k + 1, ack: j + 7))
        let last = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 7, ack: k + 2))
        XCTAssertEqual(data.role, .data)
        XCTAssertEqual(dataAck.role, .ack)
        XCTAssertEqual(dataAck.relativeAcknowledgment, 6)
        XCTAssertEqual(finClient.role, .fin(first: true))
        XCTAssertEqual(finServer.role, .fin(first: false))
        XCTAssertEqual(last.role, .finalAck)
        XCTAssertEqual(tracker.openConnections, 0, "a closed connection is forgotten")
        let straggler = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 7, ack: k + 2))
        XCTAssertEqual(straggler.connection, last.connection, "a late copy still belongs to the closed connection")
    }

    func testMidstreamConnectionGuessesTheServerByItsLowerPort() {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        let first = tracker.annotate(talk.segment(fromClient: false, [.psh, .ack], seq: 77, ack: 88, length: 3))
        XCTAssertEqual(first.role, .midstream)
        XCTAssertEqual(first.server, talk.server)
        XCTAssertEqual(first.relativeSequence, 1, "without the SYN, the first segment seen counts as 1 (Wireshark)")
    }

    func testMemoryFollowsOpenConnectionsNotTheCapture() {
        var tracker = ConnectionTracker(rememberClosed: 64)
        for index in 0..<5_000 {
            var talk = Conversation()
            talk.client = IPEndpoint(.v4(.loopback), UInt16(20_000 + index % 40_000))
            _ = tracker.annotate(talk.segment(fromClient: true, .syn, seq: j))
            _ = tracker.annotate(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
            _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
            _ = tracker.annotate(talk.segment(fromClient: true, [.fin, .ack], seq: j + 1, ack: k + 1))
            _ = tracker.annotate(talk.segment(fromClient: false, [.fin, .ack], seq: k + 1, ack: j + 2))
            _ = tracker.annotate(talk.segment(fromClient: true, .ack, seq: j + 2, ack: k + 2))
        }
        XCTAssertEqual(tracker.connectionCount, 5_000)
        XCTAssertEqual(tracker.openConnections, 0)
    }
}
