// Grades Exercises/13_ManyClients.swift: `osilab check many-clients`, or `swift test --filter ManyClientsTests`.
// The checks are in Sources/GradingChecks/ManyClientsChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class ManyClientsTests: XCTestCase {
    func testAnswersAClientWhileAnotherStaysSilent() { ManyClientsChecks.servesAClientWhileAnotherIsSilent(serveClients(listener:count:)) }
    func testServesFiveClientsAtOnce() { ManyClientsChecks.servesFiveAtOnce(serveClients(listener:count:)) }
    func testReturnsOnlyWhenEveryClientIsDone() { ManyClientsChecks.waitsForEveryClient(serveClients(listener:count:)) }
}
