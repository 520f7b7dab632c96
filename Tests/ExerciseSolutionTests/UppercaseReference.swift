// The reference solution of exercise uppercase must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter UppercaseTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class UppercaseReference: XCTestCase {
    func testTurnsAsciiLettersToUpperCase() { UppercaseChecks.asciiLetters(uppercaseReply(_:)) }
    func testLeavesNonAsciiTextAlone() { UppercaseChecks.leavesOtherBytesAlone(uppercaseReply(_:)) }
    func testWorksOnBytesThatAreNotText() { UppercaseChecks.worksOnAnyBytes(uppercaseReply(_:)) }
}
