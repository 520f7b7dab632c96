// The reference solution of exercise echo-client must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter EchoClientTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class EchoClientReference: XCTestCase {
    func testReturnsTheReplyToEveryMessage() { EchoClientChecks.getsEveryReply(echoClient(server:messages:)) }
    func testReadsAReplyThatArrivesInPieces() { EchoClientChecks.readsAReplyInPieces(echoClient(server:messages:)) }
    func testConnectionShowsAHandshakeAndAFinEachWay() { EchoClientChecks.opensAndClosesProperly(echoClient(server:messages:)) }
}
