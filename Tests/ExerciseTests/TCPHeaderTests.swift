// Grades Exercises/04_TCPHeader.swift: `osilab check tcp-header`, or `swift test --filter TCPHeaderTests`.
// The checks are in Sources/GradingChecks/TCPHeaderChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class TCPHeaderTests: XCTestCase {
    func testReadsEveryHeaderOfRecordedCaptures() { TCPHeaderChecks.recordedPackets(parse) }
    func testReadsAHeaderWithOptionsAndData() { TCPHeaderChecks.optionsAndData(parse) }
    func testRejectsFewerThanTwentyBytes() { TCPHeaderChecks.tooShort(parse) }
    func testRejectsImpossibleDataOffsets() { TCPHeaderChecks.impossibleOffsets(parse) }
    func testNeverCrashesOnRandomBytes() { TCPHeaderChecks.randomBytes(parse) }

    /// The learner's function, its answer in the form the checks compare.
    func parse(_ bytes: [UInt8]) -> ParsedTCPHeader? {
        parseTCPHeader(bytes).map {
            ParsedTCPHeader(sourcePort: $0.sourcePort, destinationPort: $0.destinationPort, sequence: $0.sequence,
                            acknowledgment: $0.acknowledgment, headerLength: $0.headerLength, flags: $0.flags,
                            window: $0.window)
        }
    }
}
