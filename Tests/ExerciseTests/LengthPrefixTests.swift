// Grades Exercises/17_LengthPrefix.swift: `osilab check length-prefix`, or `swift test --filter LengthPrefixTests`.
// The checks are in Sources/GradingChecks/LengthPrefixChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class LengthPrefixTests: XCTestCase {
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
