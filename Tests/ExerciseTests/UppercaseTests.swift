// Grades Exercises/10_Uppercase.swift: `osilab check uppercase`, or `swift test --filter UppercaseTests`.
// The checks are in Sources/GradingChecks/UppercaseChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class UppercaseTests: XCTestCase {
    func testTurnsASCIILettersToUpperCase() { UppercaseChecks.asciiLetters(uppercaseReply(_:)) }
    func testLeavesNonASCIITextAlone() { UppercaseChecks.leavesOtherBytesAlone(uppercaseReply(_:)) }
    func testWorksOnBytesThatAreNotText() { UppercaseChecks.worksOnAnyBytes(uppercaseReply(_:)) }
}
