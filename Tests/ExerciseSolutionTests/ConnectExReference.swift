// The reference solution of exercise connect-ex must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter ConnectExTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class ConnectExReference: XCTestCase {
    func testReturnsZeroWhenSomethingListens() { ConnectExChecks.openPort(probe(host:port:)) }
    func testReturnsTheRefusedErrnoWhenNothingListens() { ConnectExChecks.refusedPort(probe(host:port:)) }
    func testClosesEverySocketItOpens() { ConnectExChecks.closesItsSockets(probe(host:port:)) }
    func testFindsTheOpenPorts() { ConnectExChecks.scansPorts(openPorts(on:among:)) }
}
