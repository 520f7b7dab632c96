// The reference solution of exercise listening-socket must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter ListeningSocketTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class ListeningSocketReference: XCTestCase {
    func testListensOnLoopbackAndAcceptsAClient() { ListeningSocketChecks.listensOnLoopback(makeListeningSocket(port:)) }
    func testBindsTheRequestedPort() { ListeningSocketChecks.usesTheRequestedPort(makeListeningSocket(port:)) }
    func testSetsReuseAddress() { ListeningSocketChecks.setsReuseAddress(makeListeningSocket(port:)) }
    func testCanRestartOnAPortInTimeWait() { ListeningSocketChecks.restartsAtOnce(makeListeningSocket(port:)) }
    func testThrowsWhenThePortIsTaken() { ListeningSocketChecks.reportsAPortInUse(makeListeningSocket(port:)) }
}
