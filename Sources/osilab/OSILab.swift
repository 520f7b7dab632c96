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
    /// first say where the Chinese usage section of README.md is.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
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
