// Grades Exercises/15_SafePaths.swift: `osilab check safe-paths`, or `swift test --filter SafePathsTests`.
// The checks are in Sources/GradingChecks/SafePathsChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class SafePathsTests: XCTestCase {
    func testServesFilesInsideTheRoot() { SafePathsChecks.servesFilesInsideTheRoot(fileToServe(_:root:)) }
    func testRefusesPathsThatClimbOutWithDotDot() { SafePathsChecks.refusesParentFolders(fileToServe(_:root:)) }
    func testRefusesAbsolutePaths() { SafePathsChecks.refusesAbsolutePaths(fileToServe(_:root:)) }
    func testRefusesSymbolicLinksOutOfTheRoot() { SafePathsChecks.refusesLinksOutOfTheRoot(fileToServe(_:root:)) }
    func testRefusesFoldersAndMissingFiles() { SafePathsChecks.refusesWhatIsNotAFile(fileToServe(_:root:)) }
}
