import ArgumentParser
import Foundation
import Grading

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open an exercise in your editor ($EDITOR, then $VISUAL, then nano, vim or vi).",
        discussion: "When you close the editor, grade your work with osilab check NAME.")

    @Argument(help: "The exercise. Default: the next one not passed yet.")
    var name: String?

    func run() throws {
        let book = try openExerciseBook()
        let (number, exercise) = try resolveExercise(name, in: book)
        let file = book.fileURL(of: exercise)
        guard let choice = EditorChoice.resolve(environment: ProcessInfo.processInfo.environment) else {
            printError("No editor found: EDITOR and VISUAL are not set, and none of "
                       + EditorChoice.fallbacks.joined(separator: ", ") + " is installed. Open \(file.path) in any "
                       + "editor, or set EDITOR (for example: export EDITOR=vim).")
            throw ExitCode(1)
        }
        if let note = choice.note { printError(note) }
        print("Opening exercise \(number), \(exercise.name): \(exercise.path)")
        let status: Int32
        do {
            status = try EditorChoice.open(file, with: choice)
        } catch {
            printError("osilab: could not start the editor \"\(choice.command)\": \(error)")
            throw ExitCode(1)
        }
        if status != 0 {
            printError("The editor \"\(choice.command)\" ended with status \(status).")
        }
        print("Grade it with: osilab check \(exercise.name)")
    }
}
