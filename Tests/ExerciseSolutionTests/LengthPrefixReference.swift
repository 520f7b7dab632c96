// The reference solution of exercise length-prefix must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter LengthPrefixTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class LengthPrefixReference: XCTestCase {
    func testFramesWithAFourByteBigEndianLength() { LengthPrefixChecks.framesWithALengthPrefix(frame(_:)) }
    func testReadsMessagesThatArriveStuckTogether() { LengthPrefixChecks.readsMessagesStuckTogether(makeReader) }
    func testWaitsForTheRestOfAMessage() { LengthPrefixChecks.waitsForTheRestOfAMessage(makeReader) }
    func testReadsAStreamFedByteByByte() { LengthPrefixChecks.readsByteByByte(makeReader) }
    func testSurvivesACutAnywhereEvenInsideACharacter() { LengthPrefixChecks.survivesEveryCut(makeReader) }
    func testSurvivesRandomChunks() { LengthPrefixChecks.survivesRandomChunks(makeReader) }
    func testReadsBackWhatFrameWrote() { LengthPrefixChecks.roundTrip(frame(_:), makeReader) }

    /// A fresh MessageReader of the learner's, as a function that feeds it.
    func makeReader() -> ([UInt8]) -> [String] {
        var reader = MessageReader()
        return { reader.feed($0) }
    }
}
