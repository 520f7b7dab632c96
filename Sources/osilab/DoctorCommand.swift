import ArgumentParser
import TextUI
import Workspace

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that this machine has what the lab needs, and say how to fix what is missing.")

    @OptionGroup var languageOption: LanguageOption

    func run() throws {
        let language = labLanguage(flag: languageOption.language)
        let report = EnvironmentCheck.run(language: language)
        print(report.text(in: language, width: terminalWidth()))
        if !report.allRequiredPresent { throw ExitCode(1) }
    }
}
