@testable import LessonKit
import Workspace
import XCTest

/// The Chinese lessons (`lesson.zh.md`) are the English ones in another language: the same
/// screens, the same directives with the same ids, answers, choice tags and commands, and the
/// same topics. Progress is stored by id, so a learner who switches language keeps it; these
/// tests make sure a translation cannot drift from its English twin unnoticed.
final class TranslationTests: XCTestCase {
    static let language = "zh"

    /// Every lesson folder, so a missing translation is not hidden by the English fallback.
    func testEveryLessonFolderHasAChineseLesson() throws {
        let manager = FileManager.default
        let folders = try manager.contentsOfDirectory(atPath: RealLessons.folder.path)
            .filter { LessonLibrary.folderNumber($0) != nil }
        XCTAssertFalse(folders.isEmpty, "no lesson folders in \(RealLessons.folder.path)")
        for folder in folders {
            let path = RealLessons.folder.appendingPathComponent(folder)
                .appendingPathComponent(LessonLibrary.fileName(language: Self.language)).path
            XCTAssertTrue(manager.fileExists(atPath: path),
                          "Lessons/\(folder) has no \(LessonLibrary.fileName(language: Self.language)): translate lesson.en.md")
        }
    }

    func testChineseLessonsKeepTheEnglishStructure() throws {
        guard let english = RealLessons.load(), let chinese = loadChinese() else { return }
        XCTAssertEqual(chinese.lessons.map(\.id), english.lessons.map(\.id), "the Chinese lessons are not the English ones, in order")
        for (en, zh) in zip(english.lessons, chinese.lessons) where en.id == zh.id {
            XCTAssertTrue(zh.file.hasSuffix("lesson.zh.md"), "\(zh.file): the English lesson was loaded instead of the Chinese one")
            XCTAssertEqual(zh.order, en.order, "\(zh.file): order differs from \(en.file)")
            XCTAssertEqual(zh.topics, en.topics, "\(zh.file): topics differ from \(en.file)")
            XCTAssertEqual(zh.objectives.count, en.objectives.count, "\(zh.file): a different number of objectives than \(en.file)")
            XCTAssertEqual(zh.screens.count, en.screens.count,
                           "\(zh.file): \(zh.screens.count) screens, \(en.file) has \(en.screens.count): keep the same `## ` headings")
            XCTAssertEqual(zh.allBlocks.compactMap(\.directiveID), en.allBlocks.compactMap(\.directiveID),
                           "\(zh.file): the directives differ from \(en.file) (same ids, same order)")
            for (enScreen, zhScreen) in zip(en.screens, zh.screens) {
                XCTAssertEqual(zhScreen.blocks.compactMap(\.directiveID), enScreen.blocks.compactMap(\.directiveID),
                               "\(zh.file), screen “\(zhScreen.title ?? "first")”: its directives belong on the screen “\(enScreen.title ?? "first")”")
            }
            compare(en.checkpoints, zh.checkpoints, in: zh.file)
            compare(en.labs, zh.labs, in: zh.file)
            for (e, z) in zip(en.errata, zh.errata) {
                XCTAssertEqual(z.run, e.run, "\(zh.file): erratum `\(z.id)` runs another command than the English")
            }
        }
    }

    /// The English technical terms of the coverage contract also appear in the Chinese
    /// lessons, glossed beside the Chinese term (三次握手（three-way handshake）).
    func testChineseLessonsUseTheCoverageTerms() throws {
        guard let chinese = loadChinese() else { return }
        for topic in coverageTopics {
            for lesson in chinese.lessons where lesson.topics.contains(topic.id) {
                let text = lesson.source.lowercased()
                let missing = topic.terms.filter { !text.contains($0.lowercased()) }
                XCTAssertTrue(missing.isEmpty, "\(lesson.file) claims `\(topic.id)` but never says: \(missing.joined(separator: "; "))")
            }
        }
    }

    /// Chinese characters take two columns: no rendered line may be wider than the screen.
    func testEveryChineseScreenRendersWithinTheWidth() throws {
        guard let library = loadChinese() else { return }
        RealLessons.assertEveryScreenFits(library)
    }

    private func loadChinese(file: StaticString = #filePath, line: UInt = #line) -> LessonLibrary? {
        do {
            return try LessonLibrary.load(from: RealLessons.folder, language: Self.language)
        } catch {
            XCTFail("the Chinese lessons do not load:\n\(error)", file: file, line: line)
            return nil
        }
    }

    private func compare(_ english: [Checkpoint], _ chinese: [Checkpoint], in file: String) {
        for (e, z) in zip(english, chinese) {
            XCTAssertEqual(z.answer, e.answer, "\(file): checkpoint `\(z.id)` has another answer than the English")
            XCTAssertEqual(z.choices.map(\.tag), e.choices.map(\.tag), "\(file): checkpoint `\(z.id)` has other choices than the English")
            let accepted = Set(z.accept.map { $0.lowercased() })
            let dropped = e.accept.filter { !accepted.contains($0.lowercased()) }
            XCTAssertTrue(dropped.isEmpty,
                          "\(file): checkpoint `\(z.id)` no longer accepts \(dropped): keep the English alternatives and add Chinese ones")
        }
    }

    private func compare(_ english: [LabStep], _ chinese: [LabStep], in file: String) {
        for (e, z) in zip(english, chinese) {
            XCTAssertEqual(z.run, e.run, "\(file): lab `\(z.id)` runs another command than the English")
            XCTAssertEqual(z.needs, e.needs, "\(file): lab `\(z.id)` needs something else than the English")
            XCTAssertEqual(z.observe, e.observe, "\(file): lab `\(z.id)` observes another fact than the English")
            XCTAssertEqual(z.choices.map(\.tag), e.choices.map(\.tag), "\(file): lab `\(z.id)` has other prediction tags than the English")
            XCTAssertEqual(z.hasPrediction, e.hasPrediction, "\(file): lab `\(z.id)` asks for a prediction where the English does not, or the reverse")
        }
    }
}
