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

extension ExerciseBook {
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
            StyledLine("Exercises: \(passed) of \(catalogue.exercises.count) passed", bold),
            .blank,
        ]
        let nameWidth = catalogue.exercises.map(\.name.count).max() ?? 10
        lines.append(StyledLine("     #  " + "exercise".padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
                                + "status       after", dim))
        for (index, exercise) in catalogue.exercises.enumerated() {
            let status = progress[exercise.name]?.status ?? .notStarted
            let isNext = next?.exercise.name == exercise.name
            var line = StyledLine(isNext ? " ▶ " : "   ", isNext ? TextStyle(bold: true, foreground: .cyan) : .plain)
            line.append(String(format: "%2d  ", index + 1), isNext ? bold : dim)
            line.append(exercise.name.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0), isNext ? bold : .plain)
            let (label, style): (String, TextStyle) = switch status {
            case .passed: ("passed     ", green)
            case .failing: ("failing    ", red)
            case .notStarted: ("not started", dim)
            }
            line.append(label, style)
            line.append("  lesson \(lessons.number(exercise.lesson))", dim)
            lines.append(line)
            if isNext {
                lines += wrapped(exercise.summary, width: width, indent: 7 + nameWidth + 2, style: cyan)
            }
        }
        lines.append(.blank)
        if let next {
            lines += wrapped("Next: exercise \(next.number), \(next.exercise.name), in \(next.exercise.path) "
                             + "(after \(lessons.describe(next.exercise.lesson))). Open it with `osilab edit "
                             + "\(next.exercise.name)`, grade it with `osilab check`, and ask for a hint with "
                             + "`osilab hint \(next.exercise.name)`.", width: width, indent: 0)
        } else {
            lines += wrapped("Every exercise passes. Well done! `osilab hint NAME --solution` shows a reference solution "
                             + "to compare with yours.", width: width, indent: 0, style: green)
        }
        return lines
    }

    // MARK: osilab check

    /// The heading printed before a grading starts.
    public func checkingLine(number: Int, exercise: Exercise) -> StyledLine {
        var line = StyledLine("Checking exercise \(number), ", bold)
        line.append(exercise.name, TextStyle(bold: true, foreground: .cyan))
        line.append(" (\(exercise.path))", dim)
        return line
    }

    /// A short, friendly account of a grading: what failed, where, and what to do next.
    public func summaryLines(for result: CheckResult, number: Int, exercise: Exercise, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        let name = exercise.name
        switch result {
        case .passed(let report):
            var line = StyledLine("✓ ", green)
            line.append("\(name) passes all \(report.cases.count) checks. Well done!", green)
            lines.append(line)
            if let next = catalogue.next(in: store.load().exercises) {
                lines += wrapped("Next: exercise \(next.number), \(next.exercise.name): \(next.exercise.summary) "
                                 + "Run `osilab check` to grade it. To compare your code with the reference solution: "
                                 + "`osilab hint \(name) --solution`.", width: width, indent: 2)
            } else {
                lines += wrapped("That was the last one: every exercise passes. `osilab hint \(name) --solution` shows "
                                 + "the reference solution.", width: width, indent: 2)
            }

        case .failed(let report):
            // In the order of the test file, which follows the exercise's task.
            let failing = report.failedCases.sorted { ($0.failures.first?.line ?? .max) < ($1.failures.first?.line ?? .max) }
            var line = StyledLine("✗ ", red)
            line.append("\(name): \(failing.count) of \(report.cases.count) checks fail", red)
            lines.append(line)
            lines.append(StyledLine("  Your file: \(exercise.path)", dim))
            lines.append(.blank)
            lines += failureLines(failing, width: width)
            let passing = report.passedCases
            if !passing.isEmpty {
                lines += wrapped("Passing: " + passing.map(\.title).joined(separator: "; "), width: width, indent: 2,
                                 style: TextStyle(foreground: .green))
            }
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .crashed(let report):
            let during = report.unfinishedCase.map { " while the grading ran \"\($0.title)\"" } ?? ""
            var line = StyledLine("✗ ", red)
            line.append("\(name): your code crashed\(during)", red)
            lines.append(line)
            if let crash = report.crash {
                lines += wrapped("Fatal error: \(crash.message)", width: width, indent: 4, style: bold)
                // The learner's own line first: the runtime's own location is usually inside the
                // standard library (where the out-of-range index was noticed).
                let exercisesFolder = home.exercises.path + "/"
                if let own = crash.frames.first(where: { $0.file.hasPrefix(exercisesFolder) }) {
                    lines.append(StyledLine("    in your code at \(relative(own.file)):\(own.line)", yellow))
                } else if let file = crash.file, let number = crash.line {
                    lines.append(StyledLine("    at \(relative(file)):\(number)", yellow))
                }
            } else {
                lines.append(StyledLine("    The test process ended without a word (killed by a signal).", dim))
            }
            lines += wrapped("A crash ends the grading at once, so the checks after it did not run. Common causes: an "
                             + "index past the end of an array (check the length first), a `!` on a nil value, an "
                             + "arithmetic overflow (UInt32's + on the largest value).", width: width, indent: 2)
            let earlier = report.failedCases.filter { !$0.failures.isEmpty }
            if !earlier.isEmpty {
                lines.append(.blank)
                lines.append(StyledLine("  Before the crash:", dim))
                lines += failureLines(earlier, width: width)
            }
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .timedOut(let report, let seconds):
            let during = report.unfinishedCase.map { "; it was running \"\($0.title)\"" } ?? ""
            var line = StyledLine("✗ ", red)
            line.append("\(name): the grading did not finish within \(seconds) s\(during)", red)
            lines.append(line)
            lines += wrapped("Something in your code never returns, and not in a socket call the grading could "
                             + "interrupt: most likely a loop whose condition never changes.", width: width, indent: 2)
            lines.append(.blank)
            lines += nextStepLines(exercise, width: width)

        case .buildFailed(let errors, _):
            lines += buildFailureLines(errors, width: width)

        case .couldNotRun(let reason):
            var line = StyledLine("✗ ", red)
            line.append("\(name) could not be graded", red)
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
            line.append(testCase.title, bold)
            lines.append(line)
            if let first = testCase.failures.first {
                lines += wrapped(first.message, width: width, indent: 4)
                if testCase.failures.count > 1 {
                    lines.append(StyledLine("    (and \(testCase.failures.count - 1) more like it)", dim))
                }
                lines.append(StyledLine("    \(relative(first.file)):\(first.line)", dim))
            }
        }
        if failing.count > shown {
            lines += wrapped("Also failing: " + failing.dropFirst(shown).map(\.title).joined(separator: "; "),
                             width: width, indent: 2, style: TextStyle(foreground: .red))
        }
        return lines
    }

    func nextStepLines(_ exercise: Exercise, width: Int) -> [StyledLine] {
        let state = state(of: exercise)
        let hint = state.hintsShown < exercise.hints.count
            ? "`osilab hint \(exercise.name)` gives hint \(state.hintsShown + 1) of \(exercise.hints.count)."
            : "You have seen all \(exercise.hints.count) hints (`osilab hint \(exercise.name)` shows the last again)."
        return wrapped("Edit \(exercise.path) (`osilab edit \(exercise.name)`), then run `osilab check \(exercise.name)` "
                       + "again. \(hint)", width: width, indent: 2)
    }

    /// The compiler's errors, grouped by whose file they are in.
    public func buildFailureLines(_ errors: [CompilerError], width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var line = StyledLine("✗ ", red)
        line.append("The exercises do not compile, so nothing could be graded.", red)
        lines.append(line)
        let byExercise = Dictionary(grouping: errors) { error in
            catalogue.exercises.first { error.file.hasSuffix("/" + $0.path) }?.name
        }
        for exercise in catalogue.exercises {
            guard let list = byExercise[exercise.name] else { continue }
            lines.append(.blank)
            lines.append(StyledLine("  In exercise \(exercise.name) (\(exercise.path)):", bold))
            for error in list.prefix(5) {
                lines += wrapped("\(exercise.path):\(error.line):\(error.column): \(error.message)", width: width, indent: 4,
                                 style: yellow)
            }
            if list.count > 5 { lines.append(StyledLine("    (and \(list.count - 5) more)", dim)) }
            lines += wrapped("Fix it (`osilab edit \(exercise.name)`), or put back the original stub with "
                             + "`osilab reset \(exercise.name)`. Every exercise is compiled together, so one that does "
                             + "not compile stops the grading of all of them.", width: width, indent: 4)
        }
        if let others = byExercise[nil], !others.isEmpty {
            lines.append(.blank)
            lines += wrapped("Outside the exercises (the lab's own code; `git status` shows what changed):",
                             width: width, indent: 2, style: bold)
            for error in others.prefix(5) {
                lines += wrapped("\(relative(error.file)):\(error.line):\(error.column): \(error.message)", width: width,
                                 indent: 4, style: yellow)
            }
        }
        return lines
    }

    // MARK: osilab hint

    public func hintLines(number: Int, total: Int, text: String, exercise: Exercise, width: Int) -> [StyledLine] {
        var lines = [StyledLine("Hint \(number) of \(total) for \(exercise.name):", bold)]
        lines += wrapped(text, width: width, indent: 2, style: cyan)
        lines.append(.blank)
        if number < total {
            lines += wrapped("Run `osilab hint \(exercise.name)` again for the next, more direct hint.", width: width, indent: 0, style: dim)
        } else {
            lines += wrapped("That was the last hint. Once your own code passes, `osilab hint \(exercise.name) --solution` "
                             + "shows the reference solution.", width: width, indent: 0, style: dim)
        }
        return lines
    }
}
