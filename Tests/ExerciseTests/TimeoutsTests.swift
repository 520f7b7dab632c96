// Grades Exercises/07_Timeouts.swift: `osilab check timeouts`, or `swift test --filter TimeoutsTests`.
// The checks are in Sources/GradingChecks/TimeoutsChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class TimeoutsTests: XCTestCase {
    func testReceiveGivesUpWhenNothingArrives() { TimeoutsChecks.givesUpWhenNothingArrives(receive(from:waitingAtMost:)) }
    func testReceiveReturnsWhatHasArrived() { TimeoutsChecks.returnsWhatArrives(receive(from:waitingAtMost:)) }
    func testReceiveWaitsForDataWithinTheLimit() { TimeoutsChecks.waitsForLateData(receive(from:waitingAtMost:)) }
    func testReceiveTellsAClosedPeerFromASilentOne() { TimeoutsChecks.tellsClosedFromSilent(receive(from:waitingAtMost:)) }
    func testAcceptReturnsNilAtOnceWithoutAClient() { TimeoutsChecks.returnsNilWithoutAClient(acceptIfWaiting(on:)) }
    func testAcceptTakesAWaitingClient() { TimeoutsChecks.takesAWaitingClient(acceptIfWaiting(on:)) }
}
