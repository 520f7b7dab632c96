// Grades Exercises/09_DatagramEcho.swift: `osilab check datagram-echo`, or
// `swift test --filter DatagramEchoTests`. The checks are in Sources/GradingChecks/DatagramEchoChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class DatagramEchoTests: XCTestCase {
    func testEchoesADatagram() { DatagramEchoChecks.echoesADatagram(serveDatagrams(on:count:)) }
    func testAnswersEachSenderAtItsOwnAddress() { DatagramEchoChecks.answersEachSender(serveDatagrams(on:count:)) }
    func testKeepsDatagramsApart() { DatagramEchoChecks.keepsDatagramsApart(serveDatagrams(on:count:)) }
    func testEchoesAnEmptyDatagram() { DatagramEchoChecks.echoesAnEmptyDatagram(serveDatagrams(on:count:)) }
}
