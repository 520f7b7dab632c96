import ArgumentParser
import Foundation
import Sandbox

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

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "After --, a command to run in the network instead of a shell.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if let problem = NetworkRegistry.nameProblem(name) { throw ValidationError(problem) }
    }

    func run() throws {
        if list {
            let networks = try registry().networks()
            if networks.isEmpty { print("No private network is up. `osilab shell` makes one.") }
            for network in networks {
                print("\(network.name)  (\(network.members) osilab process\(network.members == 1 ? "" : "es") keep\(network.members == 1 ? "s" : "") it up)")
            }
            return
        }
        let program = command.isEmpty ? shellProgram() : command
        if case .privateNetwork(let current) = NetworkPlace.current() {
            guard current == name else {
                printError("This terminal is inside the private network '\(current ?? "of an earlier run")'. "
                    + "Leave it (exit) before joining '\(name)'.")
                throw ExitCode(2)
            }
            guard !command.isEmpty else {
                printError("You are already in the private network '\(name)'.")
                return
            }
            let failure = ChildProcess.replaceProcess(with: program)
            printError("Cannot run \(failure)")
            throw ExitCode(127)
        }
        if let refusal = Refusal.check() {
            printRefusal(refusal, doing: nil, instead: nil)
            throw ExitCode(2)
        }
        let members = try registry().liveMembers(of: name).count
        if command.isEmpty {
            printError(members == 0
                ? "Entering the new private network '\(name)'. Other terminals join it with `osilab shell \(name)`; "
                    + "`exit` leaves it."
                : "Joining the private network '\(name)', which \(members) other osilab process\(members == 1 ? "" : "es") keep\(members == 1 ? "s" : "") up. "
                    + "`exit` leaves it.")
            printError("Inside, only lo exists: 127.0.0.1 and ::1 are this network's, not the machine's.")
        }
        do {
            try PrivateNetwork.exec(program, in: .named(name))
        } catch {
            printRefusal(error, doing: nil, instead: nil)
            throw ExitCode(2)
        }
    }

    func registry() throws -> NetworkRegistry {
        do {
            return try NetworkRegistry.forCurrentUser()
        } catch {
            printError(error.description)
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
