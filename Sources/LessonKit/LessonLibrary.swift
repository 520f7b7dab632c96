import Foundation

/// All lessons of the lab, in order, checked as a set.
public struct LessonLibrary: Sendable, Equatable {
    /// Sorted by `order`.
    public var lessons: [Lesson]

    public init(lessons: [Lesson]) {
        self.lessons = lessons.sorted { $0.order < $1.order }
    }

    /// The lesson file name for a language: `lesson.en.md`.
    public static func fileName(language: String) -> String { "lesson.\(language).md" }

    /// Loads every lesson under `folder` (`Lessons/`): each sub-folder named `NN-slug` holds
    /// `lesson.<language>.md`, falling back to `lesson.en.md` when that language is missing
    /// (the lesson's ``Lesson/language`` then says `en`, and the runner tells the learner).
    ///
    /// - Parameter displayPrefix: how `folder` is named in messages (`Lessons`).
    /// - Throws: ``LessonProblems`` with every problem in every file, and the problems of
    ///   the set (duplicate ids, a folder number that disagrees with `order`, no lessons).
    public static func load(
        from folder: URL, language: String = "en", facts: FactCatalog = .standard, displayPrefix: String = "Lessons"
    ) throws(LessonProblems) -> LessonLibrary {
        var problems: [LessonProblem] = []
        let manager = FileManager.default
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw LessonProblems([LessonProblem(file: displayPrefix, line: nil, "cannot read the lessons folder \(folder.path): \(error.localizedDescription)")])
        }
        var lessons: [Lesson] = []
        var folderNumbers: [String: Int] = [:]
        for name in names {
            guard let number = folderNumber(name) else { continue }
            var isDirectory: ObjCBool = false
            let directory = folder.appendingPathComponent(name, isDirectory: true)
            guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            var fileName = fileName(language: language)
            if !manager.fileExists(atPath: directory.appendingPathComponent(fileName).path) {
                fileName = Self.fileName(language: "en")
            }
            let display = "\(displayPrefix)/\(name)/\(fileName)"
            let url = directory.appendingPathComponent(fileName)
            guard let data = manager.contents(atPath: url.path) else {
                problems.append(LessonProblem(file: display, line: nil, "missing: every lesson folder holds \(Self.fileName(language: "en"))"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(LessonProblem(file: display, line: nil, "not UTF-8 text"))
                continue
            }
            do {
                var lesson = try LessonParser.parse(text, file: display, facts: facts)
                lesson.language = fileName == Self.fileName(language: language) ? language : "en"
                lessons.append(lesson)
                folderNumbers[lesson.id] = number
            } catch {
                problems += error.problems
            }
        }
        let library = LessonLibrary(lessons: lessons)
        problems += library.problems(folderNumbers: folderNumbers, searched: "\(displayPrefix)/")
        guard problems.isEmpty else { throw LessonProblems(problems) }
        return library
    }

    /// The number a lesson folder starts with (`04-handshake` is 4), or nil for other folders
    /// (`captures/`).
    static func folderNumber(_ name: String) -> Int? {
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, name.dropFirst(digits.count).first == "-" else { return nil }
        return Int(digits)
    }

    /// What is wrong with the lessons as a set.
    func problems(folderNumbers: [String: Int], searched: String) -> [LessonProblem] {
        var problems: [LessonProblem] = []
        if lessons.isEmpty {
            problems.append(LessonProblem(
                file: searched, line: nil,
                "no lessons were found: each lesson is a folder such as \(searched)01-osi-model/ holding lesson.en.md"))
        }
        var lessonIDs: [String: String] = [:]
        var orders: [Int: String] = [:]
        var directiveIDs: [String: String] = [:]
        for lesson in lessons {
            if let other = lessonIDs[lesson.id] {
                problems.append(LessonProblem(file: lesson.file, line: 2, "the lesson id `\(lesson.id)` is also used by \(other)"))
            }
            lessonIDs[lesson.id] = lessonIDs[lesson.id] ?? lesson.file
            if let other = orders[lesson.order] {
                problems.append(LessonProblem(file: lesson.file, line: nil, "order \(lesson.order) is also used by \(other)"))
            }
            orders[lesson.order] = orders[lesson.order] ?? lesson.file
            if let number = folderNumbers[lesson.id], number != lesson.order {
                problems.append(LessonProblem(
                    file: lesson.file, line: nil,
                    "the folder number \(number) and `order: \(lesson.order)` disagree: `osilab lesson N` uses the order, make them equal"))
            }
            for block in lesson.allBlocks {
                guard let id = block.directiveID else { continue }
                let line: Int? = switch block {
                case .checkpoint(let checkpoint): checkpoint.line
                case .lab(let lab): lab.line
                case .erratum(let erratum): erratum.line
                case .markdown: nil
                }
                if let other = directiveIDs[id] {
                    problems.append(LessonProblem(file: lesson.file, line: line, "the id `\(id)` is also used in \(other): ids are unique across all lessons"))
                } else {
                    directiveIDs[id] = "\(lesson.file)" + (line.map { ":\($0)" } ?? "")
                }
            }
        }
        return problems
    }

    /// The lesson with `id`.
    public func lesson(id: String) -> Lesson? {
        lessons.first { $0.id == id }
    }

    /// The position of the lesson with `id` in ``lessons``.
    public func index(of id: String) -> Int? {
        lessons.firstIndex { $0.id == id }
    }
}
