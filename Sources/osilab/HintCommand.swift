import ArgumentParser
import Grading
import TextUI

struct Hint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the next hint for an exercise, one at a time; or its reference solution once yours passes.",
        discussion: """
            Each exercise has a few hints, from a nudge to nearly the answer; each run shows the \
            next one. The reference solution (Exercises/Solutions/) is shown with --solution, but \
            only after your own code has passed osilab check: compare, do not copy.
            """)

    @Argument(help: "The exercise. Default: the next one not passed yet.")
    var name: String?

    @Flag(help: "Show the reference solution (only once your own solution passes).")
    var solution = false

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let book = try openExerciseBook(language: labLanguage(flag: lang.language))
        let say = ExerciseStrings(book.language)
        let (_, exercise) = try resolveExercise(name, in: book)
        if solution {
            guard book.solutionUnlocked(for: exercise) else {
                printError(say(.solutionLocked, exercise.name))
                throw ExitCode(1)
            }
            do {
                print(say(.solutionHeader, exercise.name, exercise.solutionPath) + "\n")
                print(try book.solution(for: exercise))
            } catch {
                printError("osilab: " + say(.couldNotRead, exercise.solutionPath, "\(error)"))
                throw ExitCode(1)
            }
            return
        }
        do {
            let hint = try book.nextHint(for: exercise)
            printLines(book.hintLines(number: hint.number, total: hint.total, text: hint.text, exercise: exercise,
                                      width: terminalWidth()))
        } catch {
            printError("osilab: " + say(.progressNotSaved, "\(error)"))
            throw ExitCode(1)
        }
    }
}
