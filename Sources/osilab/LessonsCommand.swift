import ArgumentParser
import LessonKit

struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the lessons with your progress: done, in progress or not started, and checkpoints right.")

    @OptionGroup var language: LanguageOption

    func run() throws {
        let status = LessonApp.list(context: language.context())
        if status != 0 { throw ExitCode(status) }
    }
}
