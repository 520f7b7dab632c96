import ArgumentParser
import Foundation
import Report
import Sandbox
import TextUI

/// `--private-network` and `--network NAME`, for the live commands that run on their own.
struct PrivateNetworkOption: ParsableArguments {
    @Flag(help: "Run in a private network made for this run (your own user and network namespace), even as root. Without root, live commands do this by themselves.")
    var privateNetwork = false

    @Option(help: ArgumentHelp(
        "Run inside the private network NAME, where `osilab shell NAME` or `osilab watch --network NAME` can watch it too.",
        valueName: "name"))
    var network: String?

    func validate() throws {
        let language = typedLabLanguage()
        if privateNetwork && network != nil { throw ValidationError(NetworkStrings(language)(.chooseOneNetworkOption)) }
        if let problem = network.flatMap({ NetworkRegistry.nameProblem($0, language: language) }) { throw ValidationError(problem) }
    }

    var requested: PrivateNetwork.Target? { network.map { .named($0) } ?? (privateNetwork ? .fresh : nil) }
}

/// `--network NAME`, for the commands whose two ends may run in different terminals.
struct NamedNetworkOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run inside the private network NAME (made if no terminal is in it yet), as `osilab shell NAME` does. "
            + "Without root, `--capture` uses the network '\(PrivateNetwork.defaultName)'.",
        valueName: "name"))
    var network: String?

    func validate() throws {
        let language = typedLabLanguage()
        if let problem = network.flatMap({ NetworkRegistry.nameProblem($0, language: language) }) { throw ValidationError(problem) }
    }

    var requested: PrivateNetwork.Target? { network.map { .named($0) } }
}

/// A port as typed after `--port`, the one reading every command's `--port` uses (serve,
/// client, handshake, watch). Reading never fails, so that the command's `validate()`, through
/// ``checkPort(_:)``, says what is wrong in the learner's language: that ports run from 0 to
/// 65535, as exercise 2 teaches (argument-parser would only say, in English, that the value is
/// invalid).
struct PortArgument: ExpressibleByArgument, Sendable {
    /// The text after `--port`.
    let typed: String
    /// The port, or nil when ``typed`` is not one (``checkPort(_:)`` then stops the command).
    let number: UInt16?

    init(argument: String) {
        typed = argument
        number = PortText.number(argument)
    }

    init(_ number: UInt16) {
        typed = String(number)
        self.number = number
    }

    var defaultValueDescription: String { typed }
}

/// Stops a command whose `--port` is not a port, with a usage error (exit status 64) in the
/// language typed on the command line: `--port 70000 is not a port: ... from 0 to 65535.`
func checkPort(_ port: PortArgument?) throws {
    guard let port, let problem = PortText.problem(port.typed, language: typedLabLanguage()) else { return }
    throw ValidationError(problem)
}

/// The language of a lab command, for an option group that is checked before the command
/// sees its own `--lang`: the `--lang` typed on the command line (before any `--`), else
/// what ``labLanguage(flag:environment:)`` chooses without it.
func typedLabLanguage(arguments: [String] = CommandLine.arguments) -> Language {
    var flag: Language?
    var words = arguments.dropFirst().prefix { $0 != "--" }.makeIterator()
    while let word = words.next() {
        if word == "--lang", let value = words.next() { flag = Language(code: value) ?? flag }
        if word.hasPrefix("--lang=") { flag = Language(code: String(word.dropFirst("--lang=".count))) ?? flag }
    }
    return labLanguage(flag: flag)
}

/// Makes sure a live command can do what it `needs`: returns when it can run here (after
/// saying so, in one line, if "here" is a private network), re-executes osilab inside a
/// private network when that is what it takes, or explains why neither works and exits 2.
///
/// - Parameters:
///   - requested: what the learner asked for on the command line.
///   - fallback: the private network to use when this process lacks privilege.
///   - instead: what the learner can do without any of it (a recorded capture, `--no-capture`).
///   - language: the language of the notice and of a refusal (the command's `--lang`).
@discardableResult
func prepareLiveRun(needs: Set<PrivateNetwork.Need>, requested: PrivateNetwork.Target? = nil,
                    fallback: PrivateNetwork.Target = .fresh, instead: String? = nil,
                    language: Language = typedLabLanguage()) throws -> NetworkPlace {
    switch PrivateNetwork.decide(needs: needs, requested: requested, fallback: fallback) {
    case .here(let place):
        if let notice = place.notice(in: language) { printError(notice) }
        return place
    case .enter(let target):
        do {
            try PrivateNetwork.reenter(target)
        } catch {
            printRefusal(error, needs: needs, instead: instead, language: language)
            throw ExitCode(2)
        }
    case .refused(let refusal):
        printRefusal(refusal, needs: needs, instead: instead, language: language)
        throw ExitCode(2)
    }
}

/// Why a live command cannot run, what fixes it, and what works meanwhile, in `language`.
/// - Parameter needs: what the command needs the private network for; nil for a command
///   that is about the private network itself (`osilab shell`).
func printRefusal(_ refusal: Refusal, needs: Set<PrivateNetwork.Need>?, instead: String?, language: Language) {
    if case .other = refusal.reason {
        printError(refusal.describe(in: language))
    } else {
        let say = NetworkStrings(language)
        // The command as typed, up to its options: `osilab experiment refused`.
        let words = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)
        let command = "`" + (["osilab"] + words).joined(separator: " ") + "`"
        let lead: NetworkText = needs.map { $0.contains(.administer) ? .leadAdministers : .leadCaptures } ?? .leadRunsIn
        printError(say(lead, command))
        printError(refusal.describe(in: language).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n"))
        let asRoot = (["sudo", ownExecutable()] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        printError(say(.orAsRoot, asRoot))
    }
    if let instead { printError("\n" + instead) }
}
