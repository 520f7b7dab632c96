// Grades Exercises/08_SendAll.swift: `osilab check send-all`, or `swift test --filter SendAllTests`.
// The checks are in Sources/GradingChecks/SendAllChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class SendAllTests: XCTestCase {
    func testSendsTheRestAfterAPartialSend() { SendAllChecks.sendsTheRestAfterAPartialSend(sendEverything(_:using:)) }
    func testSendsEverythingOneByteAtATime() { SendAllChecks.oneByteAtATime(sendEverything(_:using:)) }
    func testSendsNothingWhenThereIsNothingToSend() { SendAllChecks.sendsNothingForNoBytes(sendEverything(_:using:)) }
    func testLetsASendFailureOut() { SendAllChecks.letsAFailureOut(sendEverything(_:using:)) }
    func testSendsAMegabyteOverARealConnection() { SendAllChecks.realPartialSends(sendEverything(_:using:)) }
}
