// The reference solution of exercise handshake-segments must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter HandshakeSegmentsTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class HandshakeSegmentsReference: XCTestCase {
    func testFindsTheHandshakeInRecordedCaptures() { HandshakeSegmentsChecks.realCaptures(findHandshake(in:)) }
    func testIgnoresOtherConnections() { HandshakeSegmentsChecks.otherTraffic(findHandshake(in:)) }
    func testMatchesSynAckToSynByJPlusOne() { HandshakeSegmentsChecks.matchesByNumbers(findHandshake(in:)) }
    func testStartsAtTheFirstCopyOfARepeatedSyn() { HandshakeSegmentsChecks.repeatedSYN(findHandshake(in:)) }
    func testReturnsNilWhenNoHandshakeCompletes() { HandshakeSegmentsChecks.incompleteHandshakes(findHandshake(in:)) }
    func testLooksPastARefusedConnection() { HandshakeSegmentsChecks.refusedThenConnected(findHandshake(in:)) }
    func testSequenceNumbersWrapAround() { HandshakeSegmentsChecks.wrapsAround(findHandshake(in:)) }
}
