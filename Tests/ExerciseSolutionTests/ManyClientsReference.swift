// The reference solution of exercise many-clients must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter ManyClientsTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class ManyClientsReference: XCTestCase {
    func testAnswersAClientWhileAnotherStaysSilent() { ManyClientsChecks.servesAClientWhileAnotherIsSilent(serveClients(listener:count:)) }
    func testServesFiveClientsAtOnce() { ManyClientsChecks.servesFiveAtOnce(serveClients(listener:count:)) }
    func testReturnsOnlyWhenEveryClientIsDone() { ManyClientsChecks.waitsForEveryClient(serveClients(listener:count:)) }
}
