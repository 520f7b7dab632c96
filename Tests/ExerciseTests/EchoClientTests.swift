// Grades Exercises/12_EchoClient.swift: `osilab check echo-client`, or `swift test --filter EchoClientTests`.
// The checks are in Sources/GradingChecks/EchoClientChecks.swift. The last one captures
// packets on loopback, which needs root.
import Exercises
import GradingChecks
import XCTest

final class EchoClientTests: XCTestCase {
    func testReturnsTheReplyToEveryMessage() { EchoClientChecks.getsEveryReply(echoClient(server:messages:)) }
    func testReadsAReplyThatArrivesInPieces() { EchoClientChecks.readsAReplyInPieces(echoClient(server:messages:)) }
    func testConnectionShowsAHandshakeAndAFinEachWay() { EchoClientChecks.opensAndClosesProperly(echoClient(server:messages:)) }
}
