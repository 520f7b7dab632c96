// Grades Exercises/05_ListeningSocket.swift: `osilab check listening-socket`, or
// `swift test --filter ListeningSocketTests`. The checks are in Sources/GradingChecks/ListeningSocketChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class ListeningSocketTests: XCTestCase {
    func testListensOnLoopbackAndAcceptsAClient() { ListeningSocketChecks.listensOnLoopback(makeListeningSocket(port:)) }
    func testBindsTheRequestedPort() { ListeningSocketChecks.usesTheRequestedPort(makeListeningSocket(port:)) }
    func testSetsReuseAddress() { ListeningSocketChecks.setsReuseAddress(makeListeningSocket(port:)) }
    func testCanRestartOnAPortInTimeWait() { ListeningSocketChecks.restartsAtOnce(makeListeningSocket(port:)) }
    func testThrowsWhenThePortIsTaken() { ListeningSocketChecks.reportsAPortInUse(makeListeningSocket(port:)) }
}
