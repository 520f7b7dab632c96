import Foundation
import Grading
import Workspace
import XCTest

/// The real catalogue, checked against the files of this checkout.
final class CatalogueTests: XCTestCase {
    /// This checkout: three folders up from this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let home = LabHome(root: CatalogueTests.root)

    func catalogue() throws -> ExerciseCatalogue {
        do {
            return try ExerciseCatalogue.load(from: home)
        } catch {
            XCTFail("Exercises/exercises.json does not load: \(error)")
            throw error
        }
    }

    func testHasAtLeastFourteenExercisesWithLayeredHints() throws {
        let exercises = try catalogue().exercises
        XCTAssertGreaterThanOrEqual(exercises.count, 14)
        for exercise in exercises {
            XCTAssertGreaterThanOrEqual(exercise.hints.count, 2, "\(exercise.name) needs a nudge and a nearly-the-answer hint")
            XCTAssertFalse(exercise.summary.isEmpty, "\(exercise.name) has no summary")
        }
    }

    func testEveryExerciseHasItsStubSolutionAndGradings() throws {
        let manager = FileManager.default
        for exercise in try catalogue().exercises {
            for path in [exercise.path, exercise.solutionPath, "Tests/ExerciseTests/\(exercise.tests).swift",
                         "Tests/ExerciseSolutionTests/\(exercise.tests.dropLast(5))Reference.swift"] {
                XCTAssertTrue(manager.fileExists(atPath: home.root.appendingPathComponent(path).path),
                              "\(exercise.name): \(path) is missing")
            }
        }
    }

    func testEveryExerciseFollowsALessonThatExists() throws {
        let lessons = LessonTitles.read(from: home)
        for exercise in try catalogue().exercises {
            XCTAssertNotNil(lessons.byID[exercise.lesson], "\(exercise.name) follows lesson \"\(exercise.lesson)\", which does not exist")
        }
    }

    /// `swift test --filter SendAllTests` is a regular expression over `Module.Class/method`:
    /// no other test class may contain the grading class's name, or the learner's run would
    /// also run it (a reference class would even pass).
    func testEachLearnersFilterMatchesOnlyItsGrading() throws {
        let tests = home.root.appendingPathComponent("Tests")
        var classes: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: tests.path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift"),
                  let text = try? String(contentsOf: tests.appendingPathComponent(path), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.contains(": XCTestCase") {
                if let name = line.split(separator: " ").first(where: { $0.hasSuffix(":") })?.dropLast() {
                    classes.append(String(name))
                }
            }
        }
        for exercise in try catalogue().exercises {
            let matches = classes.filter { $0.contains(exercise.tests) }
            XCTAssertEqual(matches, [exercise.tests], "`swift test --filter \(exercise.tests)` would run \(matches)")
        }
    }

    func testFindsExercisesByNameNumberOrFileAndSuggestsCloseNames() throws {
        let catalogue = try catalogue()
        XCTAssertEqual(catalogue.find("send-all")?.exercise.name, "send-all")
        XCTAssertEqual(catalogue.find("1")?.exercise.name, catalogue.exercises.first?.name)
        XCTAssertEqual(catalogue.find("Exercises/08_SendAll.swift")?.exercise.name, "send-all")
        XCTAssertNil(catalogue.find("sendall"))
        XCTAssertEqual(catalogue.suggestions(for: "sendall").first, "send-all")
        XCTAssertTrue(catalogue.suggestions(for: "echo").contains("echo-server"))
        XCTAssertEqual(catalogue.suggestions(for: "zzzzzzzzzzzzzz"), [])
    }

    func testTheNextExerciseIsTheFirstNotPassed() throws {
        let catalogue = try catalogue()
        var passed = LearnerProgress.ExerciseState()
        passed.status = .passed
        var failing = LearnerProgress.ExerciseState()
        failing.status = .failing
        let names = catalogue.exercises.map(\.name)
        XCTAssertEqual(catalogue.next(in: [:])?.number, 1)
        XCTAssertEqual(catalogue.next(in: [names[0]: passed, names[1]: failing, names[2]: passed])?.exercise.name, names[1])
        XCTAssertNil(catalogue.next(in: Dictionary(uniqueKeysWithValues: names.map { ($0, passed) })))
    }

    func testRejectsABrokenCatalogueWithTheReason() {
        func reason(_ json: String) -> String {
            do {
                _ = try ExerciseCatalogue.parse(Data(json.utf8))
                return "accepted"
            } catch {
                return error.description
            }
        }
        XCTAssertTrue(reason("{").contains("not valid"))
        XCTAssertTrue(reason(#"{"version": 1, "exercises": [{"name": "a"}]}"#).contains("\"file\" is missing"))
        let entry = #"{"name": "a", "file": "A.swift", "tests": "ATests", "lesson": "x", "summary": "s", "hints": ["h"]}"#
        XCTAssertEqual(reason(#"{"version": 1, "exercises": [\#(entry)]}"#), "accepted")
        XCTAssertTrue(reason(#"{"version": 1, "exercises": [\#(entry), \#(entry)]}"#).contains("appears twice"))
        XCTAssertTrue(reason(#"{"version": 1, "exercises": [\#(entry.replacingOccurrences(of: "ATests", with: "ACheck"))]}"#)
            .contains("must be a name ending in Tests"))
        XCTAssertTrue(reason(#"{"version": 1, "exercises": [\#(entry.replacingOccurrences(of: "[\"h\"]", with: "[]"))]}"#)
            .contains("no hints"))
    }

    func testOldProgressFilesStillLoad() throws {
        let old = #"{"version": 1, "exercises": {"send-all": {"status": "passed", "hintsShown": 2}}}"#
        let progress = try JSONDecoder().decode(LearnerProgress.self, from: Data(old.utf8))
        XCTAssertEqual(progress.exercises["send-all"]?.status, .passed)
        XCTAssertEqual(progress.exercises["send-all"]?.hintsShown, 2)
        XCTAssertEqual(progress.exercises["send-all"]?.checks, 0)
        XCTAssertNil(progress.exercises["send-all"]?.firstPassed)
    }
}
