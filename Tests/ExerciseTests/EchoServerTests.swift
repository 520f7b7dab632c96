// Grades Exercises/11_EchoServer.swift: `osilab check echo-server`, or `swift test --filter EchoServerTests`.
// The checks are in Sources/GradingChecks/EchoServerChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class EchoServerTests: XCTestCase {
    func testAnswersInUpperCase() { EchoServerChecks.answersInUpperCase(serveOneEchoClient(listener:)) }
    func testAnswersEveryMessageOnTheConnection() { EchoServerChecks.answersEveryMessage(serveOneEchoClient(listener:)) }
    func testAnswersAMessageLongerThanOneRecv() { EchoServerChecks.answersALongMessage(serveOneEchoClient(listener:)) }
    func testClosesAndReturnsWhenTheClientCloses() { EchoServerChecks.closesWhenTheClientCloses(serveOneEchoClient(listener:)) }
}
