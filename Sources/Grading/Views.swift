import Foundation
import TextUI
import Workspace

// What the exercise commands print, as styled lines: the commands only render and print
// them, and tests read them as plain text.

private let bold = TextStyle(bold: true)
private let dim = TextStyle(dim: true)
private let red = TextStyle(bold: true, foreground: .red)
private let green = TextStyle(bold: true, foreground: .green)
private let yellow = TextStyle(foreground: .yellow)
private let cyan = TextStyle(foreground: .cyan)

/// Wraps `text` to `width` with `indent` spaces before every line.
func wrapped(_ text: String, width: Int, indent: Int, style: TextStyle = .plain) -> [StyledLine] {
    let prefix = StyledLine(String(repeating: " ", count: indent))
    return TextWrapper.wrap([Span(text, style)], width: max(20, width), firstPrefix: prefix, restPrefix: prefix)
}

/// `text` followed by spaces up to `width` terminal columns (a Chinese character takes two).
func padded(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
}

extension ExerciseBook {
    /// The book's sentences.
    var say: ExerciseStrings { ExerciseStrings(language) }

    /// How a check is named to the learner: in English its method name as words (`sends the
    /// rest after a partial send`); in Chinese the title the catalogue gives that method
    /// (`checks_zh`), or else the method itself, which is what the test file says and what
    /// words made of English would not translate.
    func title(_ testCase: TestReport.Case) -> String {
        if language == .english { return testCase.title }
        let exercise = catalogue.exercises.first { $0.tests == testCase.className }
        return exercise?.checkTitle(testCase.method, in: language) ?? testCase.method
    }

    /// `path` relative to the lab's root when it is inside it.
    func relative(_ path: String) -> String {
        let root = home.root.path.hasSuffix("/") ? home.root.path : home.root.path + "/"
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    // MARK: osilab exercises

    /// The list of exercises with their status; the next one to do is marked.
    public func listLines(width: Int) -> [StyledLine] {
        let progress = store.load().exercises
        let next = catalogue.next(in: progress)
        let passed = catalogue.exercises.filter { progress[$0.name]?.status == .passed }.count
        var lines: [StyledLine] = [
            StyledLine(say(.listHeading, String(passed), String(catalogue.exercises.count)), bold),
            .blank,
        ]
        // Column widths in terminal columns, from the words of this language.
        let nameWidth = (catalogue.exercises.map { DisplayWidth.of($0.name) } + [DisplayWidth.of(say(.columnExercise))]).max() ?? 10
        let statusWidth = [say(.columnStatus), say(.statusPassed), say(.statusFailing), say(.statusNotStarted)]
            .map(DisplayWidth.of).max() ?? 11
        // "#" over the numbers' last digit, each heading over its column (marker 3, number 2, gap 2).
        lines.append(StyledLine("    #  " + padded(say(.columnExercise), to: nameWidth + 2)
                                + padded(say(.columnStatus), to: statusWidth) + "  " + say(.columnAfter), dim))
        for (index, exercise) in catalogue.exercises.enumerated() {
            let status = progress[exercise.name]?.status ?? .notStarted
            let isNext = next?.exercise.name == exercise.name
            var line = StyledLine(isNext ? " ▶ " : "   ", isNext ? TextStyle(bold: true, foreground: .cyan) : .plain)
            line.append(String(format: "%2d  ", index + 1), isNext ? bold : dim)
            line.append(padded(exercise.name, to: nameWidth + 2), isNext ? bold : .plain)
            let (label, style): (String, TextStyle) = switch status {
            case .passed: (say(.statusPassed), green)
            case .failing: (say(.statusFailing), red)
            case .notStarted: (say(.statusNotStarted), dim)
            }
            line.append(padded(label, to: statusWidth), style)
            line.append("  " + say(.listLesson, lessons.number(exercise.lesson)), dim)
            lines.append(line)
            if isNext {
                lines += wrapped(exercise.summary(in: language), width: width, indent: 7 + nameWidth + 2, style: cyan)
            }
        }
        lines.append(.blank)
        if let next {
            lines += wrapped(say(.listNext, String(next.number), next.exercise.name, next.exercise.path,
                                 lessons.describe(next.exercise.lesson, in: language)), width: width, indent: 0)
        } else {
            lines += wrapped(say(.listAllPassed), width: width, indent: 0, style: green)
        }
        return lines
    }

    // MARK: osilab check

    /// The heading printed before a grading starts.
    public func checkingLine(number: Int, exercise: Exercise) -> StyledLine {
        // The sentence up to the name is bold, the name cyan: split at the name's placeholder.
        let marker = "\u{E000}"
        let parts = say(.checking, String(number), marker).components(separatedBy: marker)
        var line = StyledLine(parts[0], bold)
        line.append(exercise.name, TextStyle(bold: true, foreground: .cyan))
        if parts.count > 1, !parts[1].isEmpty { line.append(parts[1], bold) }
        line.append(say(.checkingFile, exercise.path), dim)
        return line
    }

    /// A short, friendly account of a grading: what failed, where, and what to do next.
    public func summaryLines(for result: CheckResult, number: Int, exercise: Exercise, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        let name = exercise.name
        switch result {
        case .passed(let report):
            var line = StyledLine("✓ ", green)
            line.append(say(.passedAll, name, String(report.cases.count)), green)
            lines.append(line)
            if let next = catalogue.next(in: store.load().exercises) {
                lines += wrapped(say(.passedNext, String(next.number), next.exercise.name, next.exercise.summary(in: language), name),
                                 width: width, indent: 2)
            } else {
                lines += wrapped(say(.passedLast, name), width: width, indent: 2)
            }

        case .failed(let report):
            // In the order of the test file, which follows the exercise's task.
            let failing = report.failedCases.sorted { ($0.failures.first?.line ?? .max) < ($1.failures.first?.line ?? .max) }
            var line = StyledLine("✗ ", red)
            line.append(say(.failedCount, name, String(failing.count), String(report.cases.count)), red)
            lines.append(line)
            lines.append(StyledLine("  " + say(.yourFile, exercise.path), dim))
            lines.append(.blank)
            lines += failureLines(failing, width: width)
            let passing = report.passedCases
            if !passing.isEmpty {
                lines += wrapped(say(.passing, passing.map(title).joined(separator: say(.titleSeparator))), width: width,
                                 indent: 2, style: TextStyle(foreground: .green))
            }
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .crashed(let report):
            var line = StyledLine("✗ ", red)
            line.append(report.unfinishedCase.map { say(.crashedDuring, name, title($0)) } ?? say(.crashed, name), red)
            lines.append(line)
            if let crash = report.crash {
                lines += wrapped(say(.fatalError, crash.message), width: width, indent: 4, style: bold)
                // The learner's own line first: the runtime's own location is usually inside the
                // standard library (where the out-of-range index was noticed).
                let exercisesFolder = home.exercises.path + "/"
                if let own = crash.frames.first(where: { $0.file.hasPrefix(exercisesFolder) }) {
                    lines.append(StyledLine("    " + say(.crashInYourCode, "\(relative(own.file)):\(own.line)"), yellow))
                } else if let file = crash.file, let number = crash.line {
                    lines.append(StyledLine("    " + say(.crashAt, "\(relative(file)):\(number)"), yellow))
                }
            } else {
                lines.append(StyledLine("    " + say(.crashSilent), dim))
            }
            lines += wrapped(say(.crashAdvice), width: width, indent: 2)
            let earlier = report.failedCases.filter { !$0.failures.isEmpty }
            if !earlier.isEmpty {
                lines.append(.blank)
                lines.append(StyledLine("  " + say(.beforeCrash), dim))
                lines += failureLines(earlier, width: width)
            }
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .timedOut(let report, let seconds):
            var line = StyledLine("✗ ", red)
            line.append(report.unfinishedCase.map { say(.timedOutDuring, name, String(seconds), title($0)) }
                        ?? say(.timedOut, name, String(seconds)), red)
            lines.append(line)
            lines += wrapped(say(.timedOutAdvice), width: width, indent: 2)
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .buildFailed(let errors, _):
            lines += buildFailureLines(errors, width: width)

        case .couldNotRun(let reason):
            var line = StyledLine("✗ ", red)
            line.append(say(.couldNotGrade, name), red)
            lines.append(line)
            lines += wrapped(reason, width: width, indent: 2)
        }
        return lines
    }

    /// Each failing check with its first message and where the test is.
    func failureLines(_ failing: [TestReport.Case], width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        let shown = 4
        for testCase in failing.prefix(shown) {
            var line = StyledLine("  ✗ ", red)
            line.append(title(testCase), bold)
            lines.append(line)
            if let first = testCase.failures.first {
                lines += wrapped(first.message, width: width, indent: 4)
                if testCase.failures.count > 1 {
                    lines.append(StyledLine("    " + say(.andMoreLikeIt, String(testCase.failures.count - 1)), dim))
                }
                lines.append(StyledLine("    \(relative(first.file)):\(first.line)", dim))
            }
        }
        if failing.count > shown {
            lines += wrapped(say(.alsoFailing, failing.dropFirst(shown).map(title).joined(separator: say(.titleSeparator))),
                             width: width, indent: 2, style: TextStyle(foreground: .red))
        }
        return lines
    }

    func nextStepLines(_ exercise: Exercise, width: Int) -> [StyledLine] {
        let state = state(of: exercise)
        let total = exercise.hints(in: language).count
        let hint = state.hintsShown < total
            ? say(.nextHint, exercise.name, String(state.hintsShown + 1), String(total))
            : say(.allHintsSeen, String(total), exercise.name)
        return wrapped(say(.editThenCheck, exercise.path, exercise.name, hint), width: width, indent: 2)
    }

    /// The compiler's errors, grouped by whose file they are in.
    public func buildFailureLines(_ errors: [CompilerError], width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var line = StyledLine("✗ ", red)
        line.append(say(.buildFailed), red)
        lines.append(line)
        let byExercise = Dictionary(grouping: errors) { error in
            catalogue.exercises.first { error.file.hasSuffix("/" + $0.path) }?.name
        }
        for exercise in catalogue.exercises {
            guard let list = byExercise[exercise.name] else { continue }
            lines.append(.blank)
            lines.append(StyledLine("  " + say(.inExercise, exercise.name, exercise.path), bold))
            for error in list.prefix(5) {
                lines += wrapped("\(exercise.path):\(error.line):\(error.column): \(error.message)", width: width, indent: 4,
                                 style: yellow)
            }
            if list.count > 5 { lines.append(StyledLine("    " + say(.andMore, String(list.count - 5)), dim)) }
            lines += wrapped(say(.fixOrReset, exercise.name), width: width, indent: 4)
        }
        if let others = byExercise[nil], !others.isEmpty {
            lines.append(.blank)
            lines += wrapped(say(.outsideExercises), width: width, indent: 2, style: bold)
            for error in others.prefix(5) {
                lines += wrapped("\(relative(error.file)):\(error.line):\(error.column): \(error.message)", width: width,
                                 indent: 4, style: yellow)
            }
        }
        return lines
    }

    // MARK: osilab hint

    public func hintLines(number: Int, total: Int, text: String, exercise: Exercise, width: Int) -> [StyledLine] {
        var lines = [StyledLine(say(.hintHeading, String(number), String(total), exercise.name), bold)]
        lines += wrapped(text, width: width, indent: 2, style: cyan)
        lines.append(.blank)
        if number < total {
            lines += wrapped(say(.hintAgain, exercise.name), width: width, indent: 0, style: dim)
        } else {
            lines += wrapped(say(.hintLast, exercise.name), width: width, indent: 0, style: dim)
        }
        return lines
    }
}
