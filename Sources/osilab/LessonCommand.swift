import ArgumentParser
import LessonKit

struct OpenLesson: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Open lesson N (see `osilab lessons` for the numbers).",
        discussion: """
            Piped, the lesson is printed in order and questions are answered from standard \
            input lines, for example: printf 'b\\n' | osilab lesson 4
            """)

    @Argument(help: "The lesson's number, from 1.")
    var number: Int

    @OptionGroup var language: LanguageOption

    func validate() throws {
        if number < 1 { throw ValidationError(language.strings(.lessonNumberFromOne)) }
    }

    func run() throws {
        let status = LessonApp.open(lessonNumber: number, commandCheck: LabCommandCheck.check, context: language.context())
        if status != 0 { throw ExitCode(status) }
    }
}
