import ArgumentParser
import Foundation
import LessonKit
import TextUI
import Workspace

/// `--lang zh|en`, shared by the commands that open lessons (`osilab`, `osilab lesson N`,
/// `osilab lessons`).
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: ArgumentHelp(
        "The language of the lessons and the runner: zh (中文) or en (English). Remembered for next time.",
        valueName: "zh|en"))
    var code: String?

    /// The language given, or nil when `--lang` was not used.
    var language: Language? { code.flatMap(Language.init(code:)) }

    func validate() throws {
        guard let code, Language(code: code) == nil else { return }
        // Said in the language the learner would otherwise get, since the flag failed.
        throw ValidationError(strings(.languageInvalid, code))
    }

    /// The interface strings in the language the run will use, chosen without storing
    /// anything: for messages given before the lessons open (a wrong argument).
    var strings: UIStrings {
        let environment = ProcessInfo.processInfo.environment
        let stored = ProgressStore.standard(environment: environment).peekLanguage()
        return UIStrings(Language.choose(flag: language, environment: environment, stored: stored).0)
    }

    /// What the lesson commands run with: the chosen language and the learner's progress.
    func context() -> LessonApp.Context {
        LessonApp.Context(languageFlag: language)
    }
}

/// The language a lab command speaks in. Started by the lesson runner, it follows the
/// runner's choice (`OSILAB_LANG`, which takes the place of the flag); started by hand, the
/// locale variables, then the language stored by an earlier `--lang`.
func labLanguage(environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
    let passed = environment[Language.childVariable].flatMap(Language.init(code:))
    let stored = passed == nil ? ProgressStore.standard(environment: environment).peekLanguage() : nil
    return Language.choose(flag: passed, environment: environment, stored: stored).0
}
