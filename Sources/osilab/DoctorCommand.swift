import ArgumentParser
import Workspace

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that this machine has what the lab needs, and say how to fix what is missing.")

    func run() throws {
        let report = EnvironmentCheck.run()
        print(report.text)
        if !report.allRequiredPresent { throw ExitCode(1) }
    }
}
