import ArgumentParser
import Foundation
import Report
import TextUI
import Workspace

@main
struct OSILab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osilab",
        abstract: "A teaching lab for the OSI model, TCP and the Berkeley socket API.",
        discussion: """
            osilab walks you through lessons on layers, sockets and the TCP handshake, and lets \
            you watch real packets on loopback next to the socket calls that caused them. \
            Start with the lessons, then try the live labs, experiments and exercises.
            """,
        version: "0.1.0",
        // To add a command: write Sources/osilab/<Name>Command.swift and list it here.
        subcommands: [
            Start.self,
            Lessons.self,
            OpenLesson.self,
            Handshake.self,
            ExperimentCommand.self,
            Watch.self,
            Shell.self,
            Read.self,
            Serve.self,
            Client.self,
            ListExercises.self,
            Check.self,
            Hint.self,
            Edit.self,
            Reset.self,
            Doctor.self,
        ],
        defaultSubcommand: Start.self
    )

    // `osilab --lang zh lesson 4`: the flag before the subcommand belongs to the root, and
    // reaches the lesson commands, which declare the same options.
    @OptionGroup var language: LanguageOption

    /// Parses and runs the command, after a Chinese pointer when help is asked for in Chinese:
    /// swift-argument-parser's help is English, so `osilab help zh` and `osilab --lang zh --help`
    /// first say where the Chinese usage section of README.md is. A mistyped command or
    /// experiment name stops first, with the names there are (``CommandTypo``), as a usage error.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let typo = CommandTypo.find(in: arguments) {
            printError(typo.message(language: typedLabLanguage(), width: terminalWidth()).joined(separator: "\n"))
            exit(withError: ExitCode.validationFailure)
        }
        switch ChineseHelp.request(arguments) {
        case .none:
            break
        case .pointerOnly:
            print(ChineseHelp.pointer())
            return
        case .pointerThenHelp(let rest):
            print(ChineseHelp.pointer() + "\n")
            arguments = rest
        }
        main(arguments)
    }
}

/// The Chinese pointer to README.md's Chinese usage section, for the help requests of a
/// learner who reads Chinese.
enum ChineseHelp {
    enum Request: Equatable {
        case none
        /// `osilab help zh`: the pointer is all there is to say.
        case pointerOnly
        /// `osilab --lang zh --help`, `osilab help zh watch`: the pointer, then the English help
        /// of these arguments (the `zh` after `help` removed).
        case pointerThenHelp([String])
    }

    /// What the command line asks: help in Chinese (`help zh`, or a help request with
    /// `--lang zh`, `OSILAB_LANG=zh`, a Chinese locale or the stored choice), or nothing of the kind.
    static func request(_ arguments: [String]) -> Request {
        let words = Array(arguments.prefix { $0 != "--" })
        // The first word that is not an option or `--lang`'s value: the subcommand, or `help`.
        var index = 0
        var command: Int?
        while index < words.count, command == nil {
            if words[index] == "--lang" { index += 2; continue }
            if words[index].hasPrefix("-") { index += 1; continue }
            command = index
        }
        let asksHelp = words.contains("--help") || words.contains("-h") || command.map { words[$0] == "help" } == true
        guard asksHelp else { return .none }
        if let help = command, words[help] == "help", help + 1 < words.count, Language(code: words[help + 1]) == .chinese {
            var rest = arguments
            rest.remove(at: help + 1)
            let more = words[(help + 2)...].contains { !$0.hasPrefix("-") }
            return more ? .pointerThenHelp(rest) : .pointerOnly
        }
        return typedLabLanguage(arguments: ["osilab"] + arguments) == .chinese ? .pointerThenHelp(arguments) : .none
    }

    /// The pointer, naming this checkout's README.md when it can be found.
    static func pointer() -> String {
        let readme = (try? LabHome.locate()).map { $0.root.appendingPathComponent("README.md").path }
            .flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil } ?? "README.md"
        return ToolStrings(.chinese)(.helpPointer, readme)
    }
}

/// A command or experiment name osilab does not have, found before argument-parser parses:
/// argument-parser would take `osilab handshak` for the hidden default command `start` with an
/// unexpected argument, and print `start`'s usage; `osilab experiment nosuch` would get the
/// bare usage of `experiment`. This names what there is instead, in the learner's language.
struct CommandTypo: Equatable {
    /// The command line up to the unknown word: `["osilab"]`, `["osilab", "experiment"]`.
    var parent: [String]
    /// The word typed where a command's name belongs.
    var typed: String
    /// The names there are at that place, each with its abstract, in the order help lists them.
    var choices: [Choice]

    struct Choice: Equatable {
        var name: String
        var abstract: String
    }

    /// The first word of `arguments` (after `--lang VALUE`, before `--`) that stands where a
    /// subcommand's name belongs and names none; nil when every such word names one, or when
    /// an option comes first (argument-parser's own message then says what is wrong with it).
    ///
    /// Only commands with subcommands are looked into; their words can only be subcommand
    /// names, since `osilab`'s default command (`start`) and `experiment` take no arguments.
    static func find(in arguments: [String], root: any ParsableCommand.Type = OSILab.self) -> CommandTypo? {
        var words = arguments.prefix { $0 != "--" }[...]
        var command = root
        var parent = [root._commandName]
        while !command.configuration.subcommands.isEmpty {
            // `osilab --lang zh lesson 4`: the root and `experiment` take --lang before a name.
            while let first = words.first, first == "--lang" || first.hasPrefix("--lang=") {
                words = words.dropFirst(first == "--lang" ? 2 : 1)
            }
            guard let word = words.first, !word.hasPrefix("-"), word != "help" else { return nil }
            let subcommands = command.configuration.subcommands
            guard let next = subcommands.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) else {
                let shown = subcommands.filter { $0.configuration.shouldDisplay }
                return CommandTypo(parent: parent, typed: word, choices: shown.map {
                    Choice(name: $0._commandName, abstract: $0.configuration.abstract)
                })
            }
            command = next
            parent.append(word)
            words = words.dropFirst()
        }
        return nil
    }

    /// What to say, line by line: for an experiment, the experiments' names; for a command,
    /// every command with what it is for.
    func message(language: Language, width: Int) -> [String] {
        let say = CommandStrings(language)
        if parent == [OSILab._commandName, ExperimentCommand._commandName] {
            return say.unknownExperiment(typed, names: choices.map(\.name), width: width)
        }
        return say.unknownCommand(typed, parent: parent.joined(separator: " "),
                                  commands: choices.map { ($0.name, $0.abstract) }, width: width)
    }
}
