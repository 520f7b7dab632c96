// The reference solution of exercise tcp-header must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter TCPHeaderTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class TCPHeaderReference: XCTestCase {
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
