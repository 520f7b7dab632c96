// The reference solution of exercise read-exactly must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter ReadExactlyTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class ReadExactlyReference: XCTestCase {
    func testReturnsBytesThatArriveTogether() { ReadExactlyChecks.allAtOnce(receiveExactly(_:from:)) }
    func testCollectsBytesThatArriveInPieces() { ReadExactlyChecks.splitIntoPieces(receiveExactly(_:from:)) }
    func testLeavesTheNextMessageInTheSocket() { ReadExactlyChecks.leavesTheNextMessage(receiveExactly(_:from:)) }
    func testReturnsNothingForZeroBytes() { ReadExactlyChecks.zeroBytes(receiveExactly(_:from:)) }
    func testThrowsWhenThePeerClosesEarly() { ReadExactlyChecks.peerClosesEarly(receiveExactly(_:from:)) }
}
