import Report
import TextUI
import Timeline
import Trace
import Wire
import WireFixtures
import XCTest

/// The line `osilab read` prints for a segment of a connection whose handshake the capture
/// does not hold: one pair of parentheses around its note, in both languages.
final class MidstreamLineTests: XCTestCase {
    func line(_ language: Language, numbers: NumberStyle) -> String {
        var lines = PacketLines(numbers: numbers, language: language)
        // PSH-ACK with 10 bytes, the first segment of a connection already running.
        let frame = Build.ethernetIPv4TCP(Build.tcp(sequence: 900_000, acknowledgment: 400_000, flags: 0x18,
                                                    payload: Array(repeating: 0x61, count: 10)))
        return frame.withUnsafeBytes {
            lines.line(timestamp: Instant(nanosecondsSinceEpoch: 1_000_000_000), bytes: $0, originalLength: frame.count,
                       linkType: .ethernet)
        }
    }

    func testTheMidstreamNoteGetsOneParenthesisPair() {
        let english = line(.english, numbers: .absolute)
        XCTAssertTrue(english.hasSuffix("PSH-ACK seq=900000 ack=400000 len=10  (handshake not captured)"), english)
        XCTAssertFalse(english.contains("(("), english)
        let chinese = line(.chinese, numbers: .absolute)
        XCTAssertTrue(chinese.hasSuffix("没有抓到握手）"), chinese)
        XCTAssertFalse(chinese.contains("（（"), chinese)
    }

    func testTheRelativeMidstreamLineSaysWhereItsNumbersCountFrom() {
        let english = line(.english, numbers: .relative)
        XCTAssertTrue(english.hasSuffix("PSH-ACK seq=1 ack=1 len=10  (handshake not captured; numbers count from the first segment seen each way (shown as 1), as Wireshark does)"), english)
        let chinese = line(.chinese, numbers: .relative)
        XCTAssertTrue(chinese.contains("seq=1 ack=1 len=10"), chinese)
        XCTAssertTrue(chinese.contains("和 Wireshark 的做法一样"), chinese)
    }
}
