import ArgumentParser
import Grading

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

    func run() throws {
        let book = try openExerciseBook()
        let (_, exercise) = try resolveExercise(name, in: book)
        if solution {
            guard book.solutionUnlocked(for: exercise) else {
                printError("The reference solution of \(exercise.name) opens once your own passes: run "
                           + "`osilab check \(exercise.name)` when it is ready. Until then, `osilab hint \(exercise.name)` helps.")
                throw ExitCode(1)
            }
            do {
                print("// The reference solution of \(exercise.name): \(exercise.solutionPath)\n")
                print(try book.solution(for: exercise))
            } catch {
                printError("osilab: could not read \(exercise.solutionPath): \(error)")
                throw ExitCode(1)
            }
            return
        }
        do {
            let hint = try book.nextHint(for: exercise)
            printLines(book.hintLines(number: hint.number, total: hint.total, text: hint.text, exercise: exercise,
                                      width: terminalWidth()))
        } catch {
            printError("osilab: your progress could not be saved: \(error)")
            throw ExitCode(1)
        }
    }
}
