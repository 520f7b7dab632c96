// The reference solution of exercise safe-paths must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter SafePathsTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class SafePathsReference: XCTestCase {
    func testServesFilesInsideTheRoot() { SafePathsChecks.servesFilesInsideTheRoot(fileToServe(_:root:)) }
    func testRefusesPathsThatClimbOutWithDotDot() { SafePathsChecks.refusesParentFolders(fileToServe(_:root:)) }
    func testRefusesAbsolutePaths() { SafePathsChecks.refusesAbsolutePaths(fileToServe(_:root:)) }
    func testRefusesSymbolicLinksOutOfTheRoot() { SafePathsChecks.refusesLinksOutOfTheRoot(fileToServe(_:root:)) }
    func testRefusesFoldersAndMissingFiles() { SafePathsChecks.refusesWhatIsNotAFile(fileToServe(_:root:)) }
}
