// The reference solution of exercise send-all must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter SendAllTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class SendAllReference: XCTestCase {
    func testSendsTheRestAfterAPartialSend() { SendAllChecks.sendsTheRestAfterAPartialSend(sendEverything(_:using:)) }
    func testSendsEverythingOneByteAtATime() { SendAllChecks.oneByteAtATime(sendEverything(_:using:)) }
    func testSendsNothingWhenThereIsNothingToSend() { SendAllChecks.sendsNothingForNoBytes(sendEverything(_:using:)) }
    func testLetsASendFailureOut() { SendAllChecks.letsAFailureOut(sendEverything(_:using:)) }
    func testSendsAMegabyteOverARealConnection() { SendAllChecks.realPartialSends(sendEverything(_:using:)) }
}
