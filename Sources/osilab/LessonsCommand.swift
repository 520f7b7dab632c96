import ArgumentParser
import LessonKit

struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the lessons with your progress: done, in progress or not started, and checkpoints right.")

    func run() throws {
        let status = LessonApp.list()
        if status != 0 { throw ExitCode(status) }
    }
}
