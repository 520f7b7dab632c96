import ArgumentParser
import Foundation
import LessonKit
import TextUI
import Workspace

/// `--lang zh|en`, shared by the commands that open lessons (`osilab`, `osilab lesson N`,
/// `osilab lessons`).
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: ArgumentHelp(
        "The language to explain in: zh (中文) or en (English). The lesson commands remember it.",
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

/// The language a lab command speaks in: its own `--lang`; else, started by the lesson
/// runner, the runner's choice (`OSILAB_LANG`); else the locale variables, then the language
/// stored by an earlier `--lang` of the lesson commands. A lab's `--lang` is not stored.
func labLanguage(flag: Language? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
    let chosen = flag ?? environment[Language.childVariable].flatMap(Language.init(code:))
    let stored = chosen == nil ? ProgressStore.standard(environment: environment).peekLanguage() : nil
    return Language.choose(flag: chosen, environment: environment, stored: stored).0
}
