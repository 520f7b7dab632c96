import Foundation
import TextUI
import Workspace

/// One exercise as the catalogue (`Exercises/exercises.json`) describes it.
public struct Exercise: Codable, Equatable, Sendable {
    /// The name the learner types: `osilab check send-all`.
    public var name: String
    /// The learner's file in `Exercises/`; the reference solution has the same name in
    /// `Exercises/Solutions/`.
    public var file: String
    /// The XCTest class in `Tests/ExerciseTests` that grades it: `swift test --filter <tests>`.
    public var tests: String
    /// The id of the lesson it follows (the `id:` in the lesson's front matter).
    public var lesson: String
    /// One line: what the learner practises.
    public var summary: String
    /// The same line in Chinese (`summary_zh`).
    public var summaryZh: String?
    /// From a nudge to nearly the answer, shown one at a time by `osilab hint`.
    public var hints: [String]
    /// The same hints in Chinese, as many and in the same order (`hints_zh`): a learner who
    /// switches language mid-way gets the next hint, not the first again.
    public var hintsZh: [String]?
    /// Each check's title in Chinese, by the test method that runs it (`checks_zh`):
    /// `testSendsTheRestAfterAPartialSend` is shown as the sentence the learner reads, not as
    /// the method's English name.
    public var checksZh: [String: String]?
    /// Its grading captures packets on loopback (without root it runs in a private network).
    public var captures: Bool?

    enum CodingKeys: String, CodingKey {
        case name, file, tests, lesson, summary, hints, captures
        case summaryZh = "summary_zh"
        case hintsZh = "hints_zh"
        case checksZh = "checks_zh"
    }

    public var capturesPackets: Bool { captures ?? false }

    /// The summary in `language`; English where the catalogue has no translation.
    public func summary(in language: Language) -> String {
        switch language {
        case .english: summary
        case .chinese: summaryZh ?? summary
        }
    }

    /// The hints in `language`; English where the catalogue has no translation.
    public func hints(in language: Language) -> [String] {
        switch language {
        case .english: hints
        case .chinese: hintsZh ?? hints
        }
    }

    /// The title of the check that test method `method` runs, in `language`; nil where the
    /// catalogue has none (English titles are the method's words, see `TestReport.Case.title`).
    public func checkTitle(_ method: String, in language: Language) -> String? {
        switch language {
        case .english: nil
        case .chinese: checksZh?[method]
        }
    }

    /// The learner's file, relative to the lab's root.
    public var path: String { "Exercises/" + file }
    /// The reference solution, relative to the lab's root.
    public var solutionPath: String { "Exercises/Solutions/" + file }
}

/// The ordered list of exercises: the order is the learning order.
public struct ExerciseCatalogue: Sendable, Equatable {
    public var exercises: [Exercise]

    public init(exercises: [Exercise]) {
        self.exercises = exercises
    }

    /// Why the catalogue could not be used.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case missing(path: String)
        case unreadable(path: String, reason: String)
        case invalid(path: String, reason: String)

        public var description: String { message(in: .english) }

        /// Why, in `language`. The reason itself stays as written: it is for whoever edits
        /// the catalogue (its fields are English names).
        public func message(in language: Language) -> String {
            let say = ExerciseStrings(language)
            return switch self {
            case .missing(let path): say(.catalogueMissing, path)
            case .unreadable(let path, let reason): say(.catalogueUnreadable, path, reason)
            case .invalid(let path, let reason): say(.catalogueInvalid, path, reason)
            }
        }
    }

    private struct File: Codable {
        var version: Int
        var exercises: [Exercise]
    }

    /// Reads `Exercises/exercises.json` of the lab at `home`, which must hold every exercise
    /// in every language the lab speaks.
    public static func load(from home: LabHome) throws(LoadError) -> ExerciseCatalogue {
        let url = home.exercises.appendingPathComponent("exercises.json")
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(path: url.path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try parse(data, path: url.path, requiring: Language.allCases)
    }

    /// Parses the catalogue's JSON and checks what the runner relies on.
    ///
    /// - Parameter languages: the languages every exercise must have a summary, hints and
    ///   check titles in (English is always required). A translation that is there is checked
    ///   either way: its hints must be as many as the English ones, its titles not empty.
    public static func parse(_ data: Data, path: String = "exercises.json",
                             requiring languages: [Language] = [.english]) throws(LoadError) -> ExerciseCatalogue {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw .invalid(path: path, reason: describe(decodingError: error))
        }
        var seen = Set<String>()
        for exercise in file.exercises {
            guard !exercise.name.isEmpty,
                  exercise.name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw .invalid(path: path, reason: "the name \"\(exercise.name)\" must be lower-case letters, digits and -")
            }
            guard seen.insert(exercise.name).inserted else {
                throw .invalid(path: path, reason: "the name \"\(exercise.name)\" appears twice")
            }
            guard exercise.file.hasSuffix(".swift"), !exercise.file.contains("/") else {
                throw .invalid(path: path, reason: "\(exercise.name): the file must be a .swift file name inside Exercises/")
            }
            guard exercise.tests.hasSuffix("Tests"), exercise.tests.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw .invalid(path: path, reason: "\(exercise.name): the test class must be a name ending in Tests, so "
                               + "that `swift test --filter \(exercise.tests)` never matches the reference tests")
            }
            guard !exercise.hints.isEmpty else {
                throw .invalid(path: path, reason: "\(exercise.name) has no hints")
            }
            if languages.contains(.chinese) {
                guard let summary = exercise.summaryZh, !summary.isEmpty else {
                    throw .invalid(path: path, reason: "\(exercise.name) has no Chinese summary (summary_zh)")
                }
                guard exercise.hintsZh != nil else {
                    throw .invalid(path: path, reason: "\(exercise.name) has no Chinese hints (hints_zh)")
                }
            }
            if let hints = exercise.hintsZh {
                guard hints.count == exercise.hints.count else {
                    throw .invalid(path: path, reason: "\(exercise.name) has \(exercise.hints.count) hints but "
                                   + "\(hints.count) in hints_zh; each hint needs its translation, in the same order")
                }
                guard !hints.contains(where: \.isEmpty) else {
                    throw .invalid(path: path, reason: "\(exercise.name) has an empty hint in hints_zh")
                }
            }
            if languages.contains(.chinese), exercise.checksZh?.isEmpty ?? true {
                throw .invalid(path: path, reason: "\(exercise.name) has no Chinese check titles (checks_zh)")
            }
            if let checks = exercise.checksZh {
                // Whether each method exists, and has its title, Tests/GradingTests checks against
                // the test classes: loading reads the catalogue alone.
                if let method = checks.keys.sorted().first(where: { !$0.hasPrefix("test") }) {
                    throw .invalid(path: path, reason: "\(exercise.name): \"\(method)\" in checks_zh is not a test method "
                                   + "(checks_zh maps each test method of \(exercise.tests) to its title)")
                }
                if let method = checks.keys.sorted().first(where: { checks[$0]?.isEmpty ?? true }) {
                    throw .invalid(path: path, reason: "\(exercise.name) has an empty title for \(method) in checks_zh")
                }
            }
        }
        return ExerciseCatalogue(exercises: file.exercises)
    }

    private static func describe(decodingError error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "\"\(key.stringValue)\" is missing at \(pathText(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription) at \(pathText(context.codingPath))"
        case .dataCorrupted(let context):
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }

    private static func pathText(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// The exercise called `name` (or whose file is `name`, or whose number it is), and its
    /// position in the learning order, from 1.
    public func find(_ name: String) -> (number: Int, exercise: Exercise)? {
        let wanted = name.lowercased()
        if let number = Int(wanted), exercises.indices.contains(number - 1) {
            return (number, exercises[number - 1])
        }
        let file = (wanted as NSString).lastPathComponent
        guard let index = exercises.firstIndex(where: { $0.name == wanted || $0.file.lowercased() == file }) else {
            return nil
        }
        return (index + 1, exercises[index])
    }

    /// The names closest to a mistyped one, for "did you mean".
    public func suggestions(for name: String) -> [String] {
        let wanted = name.lowercased()
        let scored = exercises.map { ($0.name, NameSuggestion.editDistance($0.name, wanted)) }
            .filter { $0.1 <= max(2, wanted.count / 3) || (!wanted.isEmpty && $0.0.contains(wanted)) }
        return scored.sorted { $0.1 < $1.1 }.prefix(3).map(\.0)
    }

    /// The first exercise not passed yet, in the learning order.
    public func next(in progress: [String: LearnerProgress.ExerciseState]) -> (number: Int, exercise: Exercise)? {
        guard let index = exercises.firstIndex(where: { progress[$0.name]?.status != .passed }) else { return nil }
        return (index + 1, exercises[index])
    }
}

/// Lesson numbers and titles by id, read from the lessons' front matter, so the list can say
/// `after lesson 4, "The three-way handshake"` without loading the lessons themselves.
public struct LessonTitles: Sendable {
    public struct Entry: Sendable, Equatable {
        public var number: Int
        public var title: String
    }

    public var byID: [String: Entry]

    public init(byID: [String: Entry]) {
        self.byID = byID
    }

    /// Reads `Lessons/NN-*/lesson.en.md` (for Chinese `lesson.zh.md`, or the English one
    /// where a lesson has no translation); lessons that cannot be read are left out.
    public static func read(from home: LabHome, language: Language = .english) -> LessonTitles {
        var result: [String: Entry] = [:]
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: home.lessons.path)) ?? []
        for folder in folders.sorted() {
            guard let number = Int(folder.prefix(while: \.isNumber)) else { continue }
            let lesson = home.lessons.appendingPathComponent(folder)
            let own = lesson.appendingPathComponent("lesson.\(language.rawValue).md")
            guard let text = (try? String(contentsOf: own, encoding: .utf8))
                ?? (try? String(contentsOf: lesson.appendingPathComponent("lesson.en.md"), encoding: .utf8)) else { continue }
            var id: String?, title: String?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(30) {
                if line.hasPrefix("id:") { id = line.dropFirst(3).trimmingCharacters(in: .whitespaces) }
                if line.hasPrefix("title:") { title = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
            }
            if let id { result[id] = Entry(number: number, title: title ?? id) }
        }
        return LessonTitles(byID: result)
    }

    /// `lesson 4, "The three-way handshake"`, or the id when the lesson is unknown.
    public func describe(_ id: String, in language: Language = .english) -> String {
        let say = ExerciseStrings(language)
        guard let lesson = byID[id] else { return say(.lessonUnknown, id) }
        return say(.lessonNamed, String(lesson.number), lesson.title)
    }

    /// `4`, or `?` when the lesson is unknown.
    public func number(_ id: String) -> String {
        byID[id].map { String($0.number) } ?? "?"
    }
}
