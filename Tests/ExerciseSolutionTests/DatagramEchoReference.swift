// The reference solution of exercise datagram-echo must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter DatagramEchoTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class DatagramEchoReference: XCTestCase {
    func testEchoesADatagram() { DatagramEchoChecks.echoesADatagram(serveDatagrams(on:count:)) }
    func testAnswersEachSenderAtItsOwnAddress() { DatagramEchoChecks.answersEachSender(serveDatagrams(on:count:)) }
    func testKeepsDatagramsApart() { DatagramEchoChecks.keepsDatagramsApart(serveDatagrams(on:count:)) }
    func testEchoesAnEmptyDatagram() { DatagramEchoChecks.echoesAnEmptyDatagram(serveDatagrams(on:count:)) }
}
