import ArgumentParser
import LessonKit

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the first lesson, or continue where you stopped (what plain `osilab` does).",
        discussion: """
            On a terminal the lesson opens full-screen: → or Space for the next screen, ← to go \
            back, t for the contents, r to run a lab, q to quit (your place is saved). When the \
            output is not a terminal the lesson is printed in order, and questions are answered \
            from standard input lines. The language is --lang, else the locale (LC_ALL, \
            LC_MESSAGES, LANG: zh_CN.UTF-8 gives Chinese), else the one chosen last time.
            """)

    @OptionGroup var language: LanguageOption

    func run() throws {
        let status = LessonApp.open(lessonNumber: nil, commandCheck: LabCommandCheck.check, context: language.context())
        if status != 0 { throw ExitCode(status) }
    }
}
