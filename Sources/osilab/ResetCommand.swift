import ArgumentParser
import Foundation
import Grading
import TextUI

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

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let book = try openExerciseBook(language: labLanguage(flag: lang.language))
        let say = ExerciseStrings(book.language)
        let (_, exercise) = try resolveExercise(name, in: book)
        let edited = book.isEdited(exercise)
        if edited != false && !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                printError(say(.resetNeedsYes))
                throw ExitCode(1)
            }
            print(say(.resetConfirm, exercise.path), terminator: "")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            // [y/N] in every language; a Chinese learner may answer 是.
            guard ["y", "yes", "是"].contains(answer) else {
                print(say(.nothingChanged))
                return
            }
        }
        do {
            if let backup = try book.reset(exercise, backups: backupFolder()) {
                print(say(.restored, exercise.path, backup.path))
            } else {
                print(say(.alreadyOriginal, exercise.path))
            }
        } catch let failure as Pristine.Failure {
            printError("osilab: " + failure.message(in: book.language))
            throw ExitCode(1)
        } catch {
            printError("osilab: \(error)")
            throw ExitCode(1)
        }
    }
}
