import Foundation
import Timeline
import Trace
import Wire
import XCTest

final class TimelineTests: XCTestCase {
    /// A small, exact handshake: packets as Ethernet frames built by hand, and a trace.
    func sampleTimeline() -> Timeline {
        let client = IPEndpoint(.v4(.loopback), 51000)
        let server = IPEndpoint(.v4(.loopback), 4545)
        func frame(_ from: IPEndpoint, _ to: IPEndpoint, _ flags: UInt8, seq: UInt32, ack: UInt32) -> [UInt8] {
            var ip: [UInt8] = [0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]
            ip += from.address.bytes + to.address.bytes
            var tcp: [UInt8] = [UInt8(from.port >> 8), UInt8(from.port & 0xff), UInt8(to.port >> 8), UInt8(to.port & 0xff)]
            tcp += withUnsafeBytes(of: seq.bigEndian, Array.init) + withUnsafeBytes(of: ack.bigEndian, Array.init)
            tcp += [0x50, flags, 0x02, 0x00, 0, 0, 0, 0]
            return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp
        }
        let t0: Int64 = 1_700_000_000_000_000_000
        func at(_ microseconds: Int64) -> Instant { Instant(nanosecondsSinceEpoch: t0 + microseconds * 1000) }
        let packets: [(timestamp: Instant, bytes: [UInt8], originalLength: Int, linkType: LinkType)] = [
            (at(10), frame(client, server, 0x02, seq: 100, ack: 0), 54, .ethernet),
            (at(20), frame(server, client, 0x12, seq: 900, ack: 101), 54, .ethernet),
            (at(30), frame(client, server, 0x10, seq: 101, ack: 901), 54, .ethernet),
        ]
        let trace = [
            SyscallRecord(sequence: 0, call: .accept, descriptor: 3, role: "server", entered: at(1), returned: at(40),
                          outcome: .returned(4), local: server, peer: client, detail: ""),
            SyscallRecord(sequence: 1, call: .connect, descriptor: 5, role: "client", entered: at(5), returned: at(25),
                          outcome: .returned(0), local: client, peer: server, detail: "to \(server)"),
        ]
        return Timeline.build(packets: packets, trace: trace)
    }

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

    func testPlainLadderIsExact() {
        let ladder = Ladder.make(from: sampleTimeline())
        let lines = LadderRenderer(width: 100, unicode: false).render(ladder).map(\.plainText)
        let expected = [
            "       client 127.0.0.1:51000                                      server 127.0.0.1:4545",
            "        0                    |                                    | accept() called",
            "  +4.0 µs   connect() called |                                    |",
            "  +5.0 µs                    |-- SYN seq=0 ---------------------->| step 1: seq = J",
            " +10.0 µs                    |<------------ SYN-ACK seq=0 ack=1 --| step 2: seq = K, ack = J+1 ✓",
            "  +5.0 µs      connect() = 0 |                                    |",
            "               after 20.0 µs |                                    |",
            "  +5.0 µs                    |-- ACK ack=1 ---------------------->| step 3: ack = K+1 ✓",
            " +10.0 µs                    |                                    | accept() = fd 4 after 39.0 µs",
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
