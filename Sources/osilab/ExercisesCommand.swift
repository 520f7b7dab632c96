import ArgumentParser
import Grading
import TextUI

struct ListExercises: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercises",
        abstract: "List the graded exercises with your progress; the next one to do is marked.",
        discussion: """
            Each exercise is a Swift file in Exercises/ with a task in its comments, graded by XCTest. \
            Work through them in order: osilab edit opens the next one, osilab check grades it, \
            osilab hint helps. Progress is kept in $XDG_STATE_HOME/osilab/progress.json.
            """)

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let book = try openExerciseBook(language: labLanguage(flag: lang.language))
        printLines(book.listLines(width: terminalWidth()))
    }
}
