// The reference solution of exercise echo-server must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter EchoServerTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class EchoServerReference: XCTestCase {
    func testAnswersInUpperCase() { EchoServerChecks.answersInUpperCase(serveOneEchoClient(listener:)) }
    func testAnswersEveryMessageOnTheConnection() { EchoServerChecks.answersEveryMessage(serveOneEchoClient(listener:)) }
    func testAnswersAMessageLongerThanOneRecv() { EchoServerChecks.answersALongMessage(serveOneEchoClient(listener:)) }
    func testClosesAndReturnsWhenTheClientCloses() { EchoServerChecks.closesWhenTheClientCloses(serveOneEchoClient(listener:)) }
}
