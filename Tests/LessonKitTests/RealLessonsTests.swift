@testable import LessonKit
import Workspace
import XCTest

/// The repository's own `Lessons/` folder, found from this file's path.
enum RealLessons {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var folder: URL { root.appendingPathComponent("Lessons") }

    /// Loads them, failing the test with every problem (file:line: message) if they do not.
    static func load(file: StaticString = #filePath, line: UInt = #line) -> LessonLibrary? {
        do {
            return try LessonLibrary.load(from: folder)
        } catch {
            XCTFail("the lessons in \(folder.path) do not load:\n\(error)", file: file, line: line)
            return nil
        }
    }

    /// Renders every screen of `library` at a narrow and a normal width, and fails for each
    /// line wider than the screen.
    static func assertEveryScreenFits(_ library: LessonLibrary, file: StaticString = #filePath, line: UInt = #line) {
        let store = ProgressStore.temporary()
        for width in [40, 80] {
            let session = LessonSession(library: library, store: store, environment: .forTests(), size: .init(columns: width, rows: 30))
            for (lessonIndex, lesson) in library.lessons.enumerated() {
                for screen in lesson.screens.indices {
                    for block in session.renderedBlocks(lesson: lessonIndex, screen: screen, width: session.contentWidth, interactive: true) {
                        for rendered in block.lines where rendered.width > session.contentWidth {
                            XCTFail("\(lesson.file), screen \(screen + 1), width \(width): line too wide: \(rendered.plainText)",
                                    file: file, line: line)
                        }
                    }
                }
            }
        }
    }
}

/// Every lesson under Lessons/ parses, every directive is valid, ids are unique: the check
/// a teacher runs after editing a lesson (`swift test --filter LessonKitTests`).
final class RealLessonsTests: XCTestCase {
    func testEveryLessonParsesAndEveryDirectiveIsValid() throws {
        guard let library = RealLessons.load() else { return }
        XCTAssertFalse(library.lessons.isEmpty, "no lessons were found in \(RealLessons.folder.path)")
        for lesson in library.lessons {
            XCTAssertFalse(lesson.screens.isEmpty, "\(lesson.file) has no screens")
            XCTAssertFalse(lesson.objectives.isEmpty, "\(lesson.file) has no objectives")
        }
    }

    func testLessonsAreNumberedOneToN() throws {
        guard let library = RealLessons.load() else { return }
        XCTAssertEqual(library.lessons.map(\.order), Array(1...max(1, library.lessons.count)),
                       "`osilab lesson N` opens the Nth lesson: number them 1, 2, 3, ... without gaps")
    }

    /// Each lesson renders at a narrow and a normal width without a line overflowing.
    func testEveryScreenRendersWithinTheWidth() throws {
        guard let library = RealLessons.load() else { return }
        RealLessons.assertEveryScreenFits(library)
    }
}
