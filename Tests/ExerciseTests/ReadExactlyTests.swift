// Grades Exercises/16_ReadExactly.swift: `osilab check read-exactly`, or `swift test --filter ReadExactlyTests`.
// The checks are in Sources/GradingChecks/ReadExactlyChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class ReadExactlyTests: XCTestCase {
    func testReturnsBytesThatArriveTogether() { ReadExactlyChecks.allAtOnce(receiveExactly(_:from:)) }
    func testCollectsBytesThatArriveInPieces() { ReadExactlyChecks.splitIntoPieces(receiveExactly(_:from:)) }
    func testLeavesTheNextMessageInTheSocket() { ReadExactlyChecks.leavesTheNextMessage(receiveExactly(_:from:)) }
    func testReturnsNothingForZeroBytes() { ReadExactlyChecks.zeroBytes(receiveExactly(_:from:)) }
    func testThrowsWhenThePeerClosesEarly() { ReadExactlyChecks.peerClosesEarly(receiveExactly(_:from:)) }
}
