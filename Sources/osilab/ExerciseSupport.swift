import ArgumentParser
import Foundation
import Grading
import LessonKit
import TextUI
import Workspace

/// What every exercise command needs: the lab, the catalogue and the learner's progress,
/// in the language the learner reads.
func openExerciseBook(language: Language) throws -> ExerciseBook {
    let home: LabHome
    do {
        home = try LabHome.locate()
    } catch let error as LabHome.LocateError {
        printError("osilab: " + UIStrings(language).describe(error))
        throw ExitCode(2)
    } catch {
        printError("osilab: \(error)")
        throw ExitCode(2)
    }
    let store = ProgressStore.standard()
    do {
        let book = try ExerciseBook(home: home, store: store, language: language)
        for problem in store.takeProblems() { printError(UIStrings(language).describe(problem)) }
        return book
    } catch {
        printError("osilab: " + error.message(in: language))
        throw ExitCode(2)
    }
}

/// Finds the exercise a command was given (or the next unfinished one), or explains why not.
func resolveExercise(_ name: String?, in book: ExerciseBook) throws -> (number: Int, exercise: Exercise) {
    do {
        return try book.resolve(name)
    } catch {
        printError("osilab: " + error.message(in: book.language))
        throw ExitCode(2)
    }
}

/// Prints styled lines: colour on a terminal, plain text in a pipe or with NO_COLOR.
func printLines(_ lines: [StyledLine]) {
    let mode = StyleMode.resolve(noColor: ProcessInfo.processInfo.environment["NO_COLOR"],
                                 isTerminal: isatty(STDOUT_FILENO) == 1)
    for line in lines { print(line.rendered(mode)) }
}

/// Shows swift build's progress on one line of the terminal while a build runs.
final class BuildProgressLine {
    private let terminal = isatty(STDOUT_FILENO) == 1
    private var shown = false

    func update(_ line: String) {
        guard terminal else { return }
        let width = max(20, terminalWidth() - 1)
        // In columns, not characters: a Chinese character takes two.
        var text = line
        if DisplayWidth.of(line) > width {
            var kept = ""
            for character in line {
                guard DisplayWidth.of(kept + String(character)) < width else { break }
                kept.append(character)
            }
            text = kept + "…"
        }
        FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}

/// The folder where `osilab reset` keeps the learner's versions it replaces.
func backupFolder() -> URL {
    ProgressStore.stateDirectory(environment: ProcessInfo.processInfo.environment)
        .appendingPathComponent("exercise-backups", isDirectory: true)
}
