// Grades Exercises/14_RemoteClient.swift: `osilab check remote-client`, or `swift test --filter RemoteClientTests`.
// The checks are in Sources/GradingChecks/RemoteClientChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class RemoteClientTests: XCTestCase {
    func testReturnsAShortOutput() { RemoteClientChecks.shortOutput(runRemoteCommand(_:over:)) }
    func testReturnsTheServersNoOutputMessage() { RemoteClientChecks.noOutputMessage(runRemoteCommand(_:over:)) }
    func testReadsALongOutputThatArrivesInPieces() { RemoteClientChecks.longOutputInPieces(runRemoteCommand(_:over:)) }
    func testThrowsWhenTheServerClosesEarly() { RemoteClientChecks.serverClosesEarly(runRemoteCommand(_:over:)) }
    func testThrowsWhenTheSizeIsNotANumber() { RemoteClientChecks.rejectsABadSize(runRemoteCommand(_:over:)) }
}
