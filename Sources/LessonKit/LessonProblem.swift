/// Something wrong in a lesson file, with where it is.
public struct LessonProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as shown to the author (`Lessons/04-handshake/lesson.en.md`).
    public var file: String
    /// 1-based line, or nil when the problem is about the whole file.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, the form editors and terminals link to.
    public var description: String {
        if let line { "\(file):\(line): \(message)" } else { "\(file): \(message)" }
    }
}

/// One or more problems that stop lessons from loading.
public struct LessonProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [LessonProblem]

    public init(_ problems: [LessonProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
