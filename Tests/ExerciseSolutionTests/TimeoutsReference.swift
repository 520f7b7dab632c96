// The reference solution of exercise timeouts must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter TimeoutsTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class TimeoutsReference: XCTestCase {
    func testReceiveGivesUpWhenNothingArrives() { TimeoutsChecks.givesUpWhenNothingArrives(receive(from:waitingAtMost:)) }
    func testReceiveReturnsWhatHasArrived() { TimeoutsChecks.returnsWhatArrives(receive(from:waitingAtMost:)) }
    func testReceiveWaitsForDataWithinTheLimit() { TimeoutsChecks.waitsForLateData(receive(from:waitingAtMost:)) }
    func testReceiveTellsAClosedPeerFromASilentOne() { TimeoutsChecks.tellsClosedFromSilent(receive(from:waitingAtMost:)) }
    func testAcceptReturnsNilAtOnceWithoutAClient() { TimeoutsChecks.returnsNilWithoutAClient(acceptIfWaiting(on:)) }
    func testAcceptTakesAWaitingClient() { TimeoutsChecks.takesAWaitingClient(acceptIfWaiting(on:)) }
}
