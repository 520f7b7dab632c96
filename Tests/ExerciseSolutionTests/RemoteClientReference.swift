// The reference solution of exercise remote-client must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter RemoteClientTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class RemoteClientReference: XCTestCase {
    func testReturnsAShortOutput() { RemoteClientChecks.shortOutput(runRemoteCommand(_:over:)) }
    func testReturnsTheServersNoOutputMessage() { RemoteClientChecks.noOutputMessage(runRemoteCommand(_:over:)) }
    func testReadsALongOutputThatArrivesInPieces() { RemoteClientChecks.longOutputInPieces(runRemoteCommand(_:over:)) }
    func testThrowsWhenTheServerClosesEarly() { RemoteClientChecks.serverClosesEarly(runRemoteCommand(_:over:)) }
    func testThrowsWhenTheSizeIsNotANumber() { RemoteClientChecks.rejectsABadSize(runRemoteCommand(_:over:)) }
}
