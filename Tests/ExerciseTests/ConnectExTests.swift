// Grades Exercises/06_ConnectEx.swift: `osilab check connect-ex`, or `swift test --filter ConnectExTests`.
// The checks are in Sources/GradingChecks/ConnectExChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class ConnectExTests: XCTestCase {
    func testReturnsZeroWhenSomethingListens() { ConnectExChecks.openPort(probe(host:port:)) }
    func testReturnsTheRefusedErrnoWhenNothingListens() { ConnectExChecks.refusedPort(probe(host:port:)) }
    func testClosesEverySocketItOpens() { ConnectExChecks.closesItsSockets(probe(host:port:)) }
    func testFindsTheOpenPorts() { ConnectExChecks.scansPorts(openPorts(on:among:)) }
}
