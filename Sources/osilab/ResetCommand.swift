import ArgumentParser
import Foundation
import Grading

struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put back an exercise's original stub (your version is kept as a backup).",
        discussion: """
            The original comes from the lab's last git commit (git show HEAD:Exercises/<file>), \
            so the lab must be a git checkout; if you commit your own work, reset restores what \
            you committed. Your current version is saved first in \
            $XDG_STATE_HOME/osilab/exercise-backups/, and the exercise's status goes back to \
            not started (hints seen are kept).
            """)

    @Argument(help: "The exercise to reset.")
    var name: String

    @Flag(help: "Do not ask first (for scripts).")
    var yes = false

    func run() throws {
        let book = try openExerciseBook()
        let (_, exercise) = try resolveExercise(name, in: book)
        let edited = book.isEdited(exercise)
        if edited != false && !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                printError("osilab reset asks before replacing your file; without a terminal to ask on, add --yes.")
                throw ExitCode(1)
            }
            print("Replace \(exercise.path) with the original stub? Your version will be saved as a backup. [y/N] ",
                  terminator: "")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                print("Nothing changed.")
                return
            }
        }
        do {
            if let backup = try book.reset(exercise, backups: backupFolder()) {
                print("Restored \(exercise.path). Your version is saved as \(backup.path).")
            } else {
                print("\(exercise.path) is the original stub; its status is now \"not started\".")
            }
        } catch {
            printError("osilab: \(error)")
            throw ExitCode(1)
        }
    }
}
