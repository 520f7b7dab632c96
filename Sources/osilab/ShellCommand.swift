import ArgumentParser
import Foundation
import Sandbox
import TextUI

struct Shell: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a shell (or run a command) in a private network that other terminals can join.",
        discussion: """
            A private network is a user and network namespace of your own: no root needed. In it you \
            hold the privileges of root over its lo and nothing else, so packet capture, nftables and \
            `ip netns` work, and nothing reaches the machine's real network. It stays up while any \
            process uses it. Run a server in one terminal, a client in a second and osilab watch in a \
            third:

              osilab shell                  # terminal 1: python3 server.py
              osilab shell                  # terminal 2: nc 127.0.0.1 8888
              osilab watch --network lab    # terminal 3: the handshake, annotated

            `exit` leaves the network; it disappears with the last process in it.
            """)

    @Argument(help: "The network's name (lower-case letters, digits, - and _).")
    var name: String = PrivateNetwork.defaultName

    @Flag(help: "List your private networks that are up, and how many processes joined each.")
    var list = false

    @OptionGroup var languageOption: LanguageOption

    /// The language of the messages: `--lang`, else `OSILAB_LANG`, the locale or the stored choice.
    var language: Language { labLanguage(flag: languageOption.language) }

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "After --, a command to run in the network instead of a shell.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if let problem = NetworkRegistry.nameProblem(name, language: language) { throw ValidationError(problem) }
    }

    func run() throws {
        let say = NetworkStrings(language)
        if list {
            let networks = try registry().networks()
            if networks.isEmpty { print(say(.shellNoneUp)) }
            for network in networks {
                print(say(network.members == 1 ? .shellListOne : .shellListMany, network.name, String(network.members)))
            }
            return
        }
        let program = command.isEmpty ? shellProgram() : command
        if case .privateNetwork(let current) = NetworkPlace.current() {
            guard current == name else {
                printError(current.map { say(.shellInsideOther, $0, name) } ?? say(.shellInsideEarlier, name))
                throw ExitCode(2)
            }
            guard !command.isEmpty else {
                printError(say(.shellAlreadyIn, name))
                return
            }
            let failure = ChildProcess.replaceProcess(with: program)
            printError(say(.shellCannotRun, "\(failure)"))
            throw ExitCode(127)
        }
        if let refusal = Refusal.check() {
            printRefusal(refusal, needs: nil, instead: nil, language: language)
            throw ExitCode(2)
        }
        let members = try registry().liveMembers(of: name).count
        if command.isEmpty {
            printError(members == 0 ? say(.shellEntering, name)
                : say(members == 1 ? .shellJoiningOne : .shellJoiningMany, name, String(members)))
            printError(say(.shellOnlyLoopback))
        }
        do {
            try PrivateNetwork.exec(program, in: .named(name))
        } catch {
            printRefusal(error, needs: nil, instead: nil, language: language)
            throw ExitCode(2)
        }
    }

    func registry() throws -> NetworkRegistry {
        do {
            return try NetworkRegistry.forCurrentUser()
        } catch {
            printError(error.describe(in: language))
            throw ExitCode(2)
        }
    }

    /// The learner's shell; bash gets a prompt that names the network, like a virtualenv's.
    func shellProgram() -> [String] {
        let shell = ProcessInfo.processInfo.environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh"
        guard shell.hasSuffix("/bash"), let rc = try? PromptFile.write(network: name) else { return [shell] }
        return [shell, "--rcfile", rc, "-i"]
    }
}

/// A bash start-up file that reads the learner's own ~/.bashrc, then puts the network's
/// name in front of the prompt.
enum PromptFile {
    static func write(network: String) throws -> String {
        let folder = try NetworkRegistry.forCurrentUser().folder
        let path = folder.appendingPathComponent(".\(network).bashrc").path
        let text = """
            [ -f ~/.bashrc ] && . ~/.bashrc
            PS1="(osilab:\(network)) ${PS1-\\$ }"

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}
