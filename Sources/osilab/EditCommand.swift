import ArgumentParser
import Foundation
import Grading
import TextUI

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open an exercise in your editor ($EDITOR, then $VISUAL, then nano, vim or vi).",
        discussion: "When you close the editor, grade your work with osilab check NAME.")

    @Argument(help: "The exercise. Default: the next one not passed yet.")
    var name: String?

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let book = try openExerciseBook(language: labLanguage(flag: lang.language))
        let say = ExerciseStrings(book.language)
        let (number, exercise) = try resolveExercise(name, in: book)
        let file = book.fileURL(of: exercise)
        guard let choice = EditorChoice.resolve(environment: ProcessInfo.processInfo.environment, language: book.language) else {
            printError(say(.noEditor, EditorChoice.fallbacks.joined(separator: ", "), file.path))
            throw ExitCode(1)
        }
        if let note = choice.note {
            // On a terminal, wrapped to its width: the note is read just before the editor opens.
            let onTerminal = isatty(STDERR_FILENO) == 1
            for line in note.split(separator: "\n").map(String.init) {
                printError(onTerminal ? TextWrapper.wrap(line, width: terminalWidth()).joined(separator: "\n") : line)
            }
        }
        print(say(.opening, String(number), exercise.name, exercise.path))
        // The editor's screen replaces the note at once: let a learner read how to quit first.
        if choice.waitsBeforeOpening, isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 {
            FileHandle.standardError.write(Data(say(.editorPressEnter, choice.command).utf8))
            _ = readLine()
        }
        let status: Int32
        do {
            status = try EditorChoice.open(file, with: choice)
        } catch {
            printError("osilab: " + say(.couldNotStartEditor, choice.command, error.message(in: book.language)))
            throw ExitCode(1)
        }
        if status != 0 {
            printError(say(.editorStatus, choice.command, String(status)))
        }
        print(say(.gradeItWith, exercise.name))
    }
}
