// The reference solution of exercise uppercase must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter UppercaseTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class UppercaseReference: XCTestCase {
    func testTurnsASCIILettersToUpperCase() { UppercaseChecks.asciiLetters(uppercaseReply(_:)) }
    func testLeavesNonASCIITextAlone() { UppercaseChecks.leavesOtherBytesAlone(uppercaseReply(_:)) }
    func testWorksOnBytesThatAreNotText() { UppercaseChecks.worksOnAnyBytes(uppercaseReply(_:)) }
}
