import ArgumentParser
import Foundation
import Grading
import TextUI

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade an exercise (by default the next unfinished one) and record the result.",
        discussion: """
            Builds the lab's tests (swift build --build-tests; the first build takes a few minutes), \
            runs the exercise's XCTest grading (what swift test --filter <Name>Tests runs), and prints \
            what failed and where. With --watch it grades again each time you save an exercise file, \
            and moves on to the next exercise when one passes, until all pass. (--watch is what other \
            course runners call "watch"; osilab watch is the live packet capture.)
            """)

    @Argument(help: "The exercise: its name (send-all), number or file. Default: the next one not passed yet.")
    var name: String?

    @Flag(help: "Grade again whenever an exercise file is saved, until every exercise passes. Ctrl-C stops.")
    var watch = false

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let book = try openExerciseBook(language: labLanguage(flag: lang.language))
        let say = ExerciseStrings(book.language)
        var (number, exercise) = try resolveExercise(name, in: book)
        let grader: Grader
        do {
            grader = try Grader(home: book.home, language: book.language)
        } catch {
            printError("osilab: " + error.message(in: book.language))
            throw ExitCode(2)
        }
        // Ctrl-C stops the build or tests too, not only osilab (they run in groups of their own).
        let stopped = "\n" + say(.stopped) + "\n"
        let stopper = SignalStopper {
            Subprocess.stopRunning()
            FileHandle.standardError.write(Data(stopped.utf8))
            Foundation.exit(130)
        }
        defer { stopper.cancel() }
        while true {
            let result = grade(exercise, number: number, book: book, grader: grader)
            guard watch else {
                if !result.passed { throw ExitCode(1) }
                return
            }
            if result.passed {
                guard let next = book.catalogue.next(in: book.store.load().exercises) else { return }
                (number, exercise) = next
                print("")
                continue
            }
            printLines([.blank, StyledLine(say(.watching, exercise.path))])
            var watcher = FileChangeWatcher(swiftFilesIn: book.home.exercises)
            while watcher.changedFile() == nil { Thread.sleep(forTimeInterval: 0.5) }
            print("")
        }
    }

    /// Builds, grades, prints the summary and records the result.
    func grade(_ exercise: Exercise, number: Int, book: ExerciseBook, grader: Grader) -> CheckResult {
        let say = ExerciseStrings(book.language)
        printLines([book.checkingLine(number: number, exercise: exercise)])
        // Only a first build takes minutes; after it, swift build compiles what changed.
        if !grader.hasBuiltBefore { print(say(.buildingFirst)) }
        let progress = BuildProgressLine()
        progress.update(say(.building))
        let built = grader.build { progress.update($0) }
        progress.finish()
        let result: CheckResult
        if !built.succeeded {
            result = built.errors.isEmpty
                ? .couldNotRun(say(.buildFailedWithoutError,
                                   built.output.split(separator: "\n").suffix(20).joined(separator: "\n")))
                : .buildFailed(built.errors, output: built.output)
        } else {
            let privately = grader.runsInPrivateNetwork(exercise)
            progress.update(say(privately ? .gradingPrivately : .grading, exercise.name))
            result = grader.runTests(of: exercise)
            progress.finish()
            if privately {
                print(say(.capturedPrivately))
            }
        }
        do {
            try book.record(result, for: exercise)
        } catch {
            printError("osilab: " + say(.progressNotSaved, "\(error)"))
        }
        printLines(book.summaryLines(for: result, number: number, exercise: exercise, width: terminalWidth()))
        return result
    }
}
