import Foundation
@testable import Report
import Timeline
import Trace
import Wire
import TestSupport
import XCTest

final class TimelineTests: XCTestCase {
    func testEventsAreMergedByTime() {
        let timeline = sampleTimeline()
        let kinds = timeline.events.map { event -> String in
            switch event {
            case .packet(let entry):
                if case .tcp(let segment) = entry.content { return PacketText.flagName(segment.segment.flags) }
                return "?"
            case .callEntered(let record): return "\(record.call) in"
            case .callReturned(let record): return "\(record.call) out"
            case .note(let note): return note.text
            case .kernel: return "kernel"
            }
        }
        XCTAssertEqual(kinds, ["accept in", "connect in", "SYN", "SYN-ACK", "connect out", "ACK", "accept out"])
    }

    func testFindingsSayWhereEachCallReturned() throws {
        let findings = try XCTUnwrap(sampleTimeline().findings.first)
        XCTAssertEqual(findings.connectReturnedAfter, .synack)
        XCTAssertEqual(findings.acceptReturnedAfter, .ack)
        XCTAssertTrue(findings.handshakeComplete)
        XCTAssertEqual(findings.facts, ["handshake-complete": "yes", "connect-returned-after": "synack",
                                        "accept-returned-after": "ack"])
        let sentences = HandshakeExplanation.sentences(for: findings)
        XCTAssertTrue(sentences.contains { $0.contains("So connect() returns at step 2") }, "\(sentences)")
        XCTAssertTrue(sentences.contains { $0.contains("So accept() returns at step 3") }, "\(sentences)")
        XCTAssertTrue(sentences.contains { $0.contains("J = 100") && $0.contains("K = 900") })
    }

    /// The columns follow what the ladder holds: the calls' column is as wide as its longest
    /// call (`connect() = 0 after 20.0 us`, 27), the notes' column as its longest note
    /// (`step 2: seq = K, ack = J+1 [ok]`, 31), the arrow takes the rest (10 + 27 + 28 + 31 + 4
    /// = 100), and --plain spells µs and ✓ in ASCII.
    func testPlainLadderIsExact() {
        let ladder = Ladder.make(from: sampleTimeline())
        let lines = LadderRenderer(width: 100, unicode: false).render(ladder).map(\.plainText)
        let expected = [
            "                client 127.0.0.1:51000                              server 127.0.0.1:4545",
            "        0                             |                            | accept() called",
            "  +4.0 us            connect() called |                            |",
            "  +5.0 us                             |-- SYN seq=0 -------------->| step 1: seq = J",
            " +10.0 us                             |<---- SYN-ACK seq=0 ack=1 --| step 2: seq = K, ack = J+1 [ok]",
            "  +5.0 us connect() = 0 after 20.0 us |                            |",
            "  +5.0 us                             |-- ACK ack=1 -------------->| step 3: ack = K+1 [ok]",
            " +10.0 us                             |                            | accept() = fd 4 after 39.0 us",
        ]
        XCTAssertEqual(lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }, expected,
                       "\n" + lines.joined(separator: "\n"))
    }

    func testAbsoluteNumbersShowTheRawValues() {
        let ladder = Ladder.make(from: sampleTimeline(), numbers: .absolute)
        let text = LadderRenderer(width: 100, unicode: false).render(ladder).map(\.plainText).joined(separator: "\n")
        XCTAssertTrue(text.contains("SYN-ACK seq=900 ack=101"), text)
    }

    func testJSONLinesAreValidJSONWithTheFields() throws {
        let lines = TimelineJSON.lines(sampleTimeline(), numbers: .relative)
        XCTAssertEqual(lines.count, 7)
        let objects = try lines.map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let synAck = try XCTUnwrap(objects.first { $0["flags"] as? String == "SYN-ACK" })
        XCTAssertEqual(synAck["step"] as? Int, 2)
        XCTAssertEqual(synAck["seq"] as? Int, 0)
        XCTAssertEqual(synAck["ack"] as? Int, 1)
        XCTAssertEqual(synAck["absolute_ack"] as? Int, 101)
        XCTAssertEqual(synAck["checks_hold"] as? Bool, true)
        let connectOut = try XCTUnwrap(objects.first { $0["event"] as? String == "call-returned" && $0["call"] as? String == "connect" })
        XCTAssertEqual(connectOut["result"] as? Int, 0)
        XCTAssertEqual(JSONValue.quote("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"")
    }
}
