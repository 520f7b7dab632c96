import Foundation
import Grading
import TextUI
import Workspace
import XCTest

/// The Chinese titles of the checks (`checks_zh` in Exercises/exercises.json) against the test
/// classes that run them: `osilab check --lang zh` names each check by its title, so every test
/// method needs one, and each one must be Chinese.
final class CheckTitlesTests: XCTestCase {
    let root = CatalogueTests.root

    /// Identifiers from the stubs that a title names as they are.
    let identifiers: Set<String> = ["nil", "receive"]

    /// The test methods a test file defines, in its order: each `func testSomething(`.
    static func testMethods(in source: String) throws -> [String] {
        let pattern = try Regex(#"func\s+(test\w+)\s*\("#)
        return source.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) }
    }

    func source(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func testTheMethodReaderFindsTestMethodsOnly() throws {
        let source = """
            final class ExampleTests: XCTestCase {
                func testSendsAll() { check() }
                func testReadsTheTCPHeader()  { check() }
                /// Not a test: a helper the tests call.
                func makeReader() -> Int { 1 }
                func parse(_ text: String) -> Int { 2 }
                // func testInAComment( would still count; the test files have none.
            }
            """
        XCTAssertEqual(try Self.testMethods(in: source), ["testSendsAll", "testReadsTheTCPHeader", "testInAComment"])
    }

    func testEveryCheckOfEveryExerciseHasAChineseTitle() throws {
        let catalogue = try ExerciseCatalogue.load(from: LabHome(root: root))
        var total = 0
        for exercise in catalogue.exercises {
            let methods = try Self.testMethods(in: source("Tests/ExerciseTests/\(exercise.tests).swift"))
            XCTAssertFalse(methods.isEmpty, "\(exercise.name): no test methods in Tests/ExerciseTests/\(exercise.tests).swift")
            // The reference class runs the same methods (scripts/prove-exercises insists), so the
            // titles fit both.
            let reference = try Self.testMethods(in: source("Tests/ExerciseSolutionTests/\(exercise.tests.dropLast(5))Reference.swift"))
            XCTAssertEqual(Set(reference), Set(methods), "\(exercise.name): the reference class runs other methods")
            let titles = try XCTUnwrap(exercise.checksZh, "\(exercise.name) has no checks_zh")
            let untitled = methods.filter { titles[$0] == nil }
            XCTAssertEqual(untitled, [], "\(exercise.name): these checks of \(exercise.tests) have no title in checks_zh")
            let stale = titles.keys.filter { !methods.contains($0) }.sorted()
            XCTAssertEqual(stale, [], "\(exercise.name): checks_zh names methods that \(exercise.tests) does not have")
            total += methods.count
        }
        XCTAssertEqual(catalogue.exercises.map { $0.checksZh?.count ?? 0 }.reduce(0, +), total,
                       "one title for each test method, no more")
    }

    func testEveryTitleIsShortChinese() throws {
        let catalogue = try ExerciseCatalogue.load(from: LabHome(root: root))
        for exercise in catalogue.exercises {
            for (method, title) in (exercise.checksZh ?? [:]).sorted(by: { $0.key < $1.key }) {
                let place = "\(exercise.name).\(method): \(title)"
                XCTAssertTrue(title.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, place)
                XCTAssertEqual(SentenceAudit.englishWords(in: title, allowed: identifiers), [], place)
                // A title is a name, not a sentence: no full stop, and one line of a failing check
                // ("  ✗ " and the title, not wrapped) fits 60 columns.
                XCTAssertFalse(title.hasSuffix("。"), place)
                XCTAssertLessThanOrEqual(DisplayWidth.of("  ✗ " + title), 60, place)
                XCTAssertEqual(title, title.trimmingCharacters(in: .whitespacesAndNewlines), place)
            }
        }
    }

    func testTitlesAreShownOnlyInChinese() throws {
        let catalogue = try ExerciseCatalogue.load(from: LabHome(root: root))
        let sendAll = try XCTUnwrap(catalogue.find("send-all")?.exercise)
        XCTAssertEqual(sendAll.checkTitle("testSendsTheRestAfterAPartialSend", in: .chinese), "只发出一部分之后，接着发剩下的字节")
        XCTAssertNil(sendAll.checkTitle("testSendsTheRestAfterAPartialSend", in: .english))
        XCTAssertNil(sendAll.checkTitle("testNoSuchCheck", in: .chinese))
    }
}
