import Grading
import LessonKit
import Report
import TextUI
import XCTest

/// The two sentence files (`Sources/TextUI/Sentences/`) against every id the code names:
/// same keys, same placeholders, nothing written twice, no sentence no code asks for.
final class SentenceFilesTests: XCTestCase {
    /// Every module's sentence ids, by namespace.
    static let everyID: [(namespace: String, keys: [String])] = [
        (UIText.namespace, UIText.allKeys),
        (TimelineText.namespace, TimelineText.allKeys),
        (LabText.namespace, LabText.allKeys),
        // BEGIN experiments
        // END experiments
        // BEGIN exercises
        (ExerciseText.namespace, ExerciseText.allKeys),
        // END exercises
        // BEGIN grading
        // END grading
        // BEGIN labs
        // END labs
        // BEGIN layers
        // END layers
        // BEGIN tools
        // END tools
    ]

    func testBothLanguagesHaveTheSameKeysAndPlaceholders() {
        let problems = Phrasebook.osilab.problems()
        XCTAssertEqual(problems, [], "Sources/TextUI/Sentences: make the files agree:\n" + problems.joined(separator: "\n"))
    }

    func testEveryIdTheCodeNamesHasASentenceInEveryLanguage() {
        let book = Phrasebook.osilab
        var missing: [String] = []
        for (_, keys) in Self.everyID {
            for key in keys {
                for language in Language.allCases where book.sentence(key, in: language) == nil {
                    missing.append("\(language): \(key)")
                }
            }
        }
        XCTAssertEqual(missing, [], "write these sentences in Sources/TextUI/Sentences:\n" + missing.joined(separator: "\n"))
    }

    func testEverySentenceIsOneTheCodeAsksFor() {
        let named = Set(Self.everyID.flatMap(\.keys))
        let unused = Phrasebook.osilab.keys.subtracting(named).sorted()
        XCTAssertEqual(unused, [], "no code names these keys: remove them, or add the id to its enum")
    }

    func testNamespacesAreNotShared() {
        let namespaces = Self.everyID.map(\.namespace)
        XCTAssertEqual(namespaces.count, Set(namespaces).count, "two enums use one namespace: \(namespaces)")
    }

    /// A sentence copied from English and never translated would pass the key checks.
    func testEveryChineseSentenceIsChinese() {
        let book = Phrasebook.osilab
        var untranslated: [String] = []
        for (key, english) in book.written[.english] ?? [] {
            guard let chinese = book.sentence(key, in: .chinese) else { continue }
            let hasWords = !SentenceAudit.englishWords(in: english).isEmpty
            if hasWords, chinese == english || !SentenceAudit.englishWords(in: chinese, allowed: Self.keptInChinese).isEmpty {
                untranslated.append("\(key): \(chinese)")
            }
        }
        XCTAssertEqual(untranslated, [], "these Chinese sentences still hold English words:\n" + untranslated.joined(separator: "\n"))
    }

    /// Words a Chinese sentence keeps on purpose beyond ``SentenceAudit/keptWords``: key
    /// names and other tokens the learner types or reads elsewhere as they are.
    static let keptInChinese: Set<String> = [
        "Enter", "Esc", "Tab", "Space", "Home", "End", "Ctrl", "PgUp", "PgDn", "Backspace",
        // BEGIN kept-experiments
        // END kept-experiments
        // BEGIN kept-exercises
        "git", "export", "install",
        // END kept-exercises
        // BEGIN kept-grading
        // END kept-grading
        // BEGIN kept-labs
        // END kept-labs
        // BEGIN kept-layers
        // END kept-layers
        // BEGIN kept-tools
        // END kept-tools
    ]
}
