// Grades Exercises/03_HandshakeSegments.swift: `osilab check handshake-segments`, or
// `swift test --filter HandshakeSegmentsTests`. The checks are in Sources/GradingChecks/HandshakeSegmentsChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class HandshakeSegmentsTests: XCTestCase {
    func testFindsTheHandshakeInRecordedCaptures() { HandshakeSegmentsChecks.realCaptures(findHandshake(in:)) }
    func testIgnoresOtherConnections() { HandshakeSegmentsChecks.otherTraffic(findHandshake(in:)) }
    func testMatchesSynAckToSynByJPlusOne() { HandshakeSegmentsChecks.matchesByNumbers(findHandshake(in:)) }
    func testStartsAtTheFirstCopyOfARepeatedSyn() { HandshakeSegmentsChecks.repeatedSYN(findHandshake(in:)) }
    func testReturnsNilWhenNoHandshakeCompletes() { HandshakeSegmentsChecks.incompleteHandshakes(findHandshake(in:)) }
    func testLooksPastARefusedConnection() { HandshakeSegmentsChecks.refusedThenConnected(findHandshake(in:)) }
    func testSequenceNumbersWrapAround() { HandshakeSegmentsChecks.wrapsAround(findHandshake(in:)) }
}
