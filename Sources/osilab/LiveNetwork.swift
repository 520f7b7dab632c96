import ArgumentParser
import Foundation
import Sandbox

/// `--private-network` and `--network NAME`, for the live commands that run on their own.
struct PrivateNetworkOption: ParsableArguments {
    @Flag(help: "Run in a private network made for this run (your own user and network namespace), even as root. Without root, live commands do this by themselves.")
    var privateNetwork = false

    @Option(help: ArgumentHelp(
        "Run inside the private network NAME, where `osilab shell NAME` or `osilab watch --network NAME` can watch it too.",
        valueName: "name"))
    var network: String?

    func validate() throws {
        if privateNetwork && network != nil { throw ValidationError("Choose one of --private-network and --network.") }
        if let problem = network.flatMap(NetworkRegistry.nameProblem) { throw ValidationError(problem) }
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
        if let problem = network.flatMap(NetworkRegistry.nameProblem) { throw ValidationError(problem) }
    }

    var requested: PrivateNetwork.Target? { network.map { .named($0) } }
}

/// Makes sure a live command can do what it `needs`: returns when it can run here (after
/// saying so, in one line, if "here" is a private network), re-executes osilab inside a
/// private network when that is what it takes, or explains why neither works and exits 2.
///
/// - Parameters:
///   - requested: what the learner asked for on the command line.
///   - fallback: the private network to use when this process lacks privilege.
///   - instead: what the learner can do without any of it (a recorded capture, `--no-capture`).
@discardableResult
func prepareLiveRun(needs: Set<PrivateNetwork.Need>, requested: PrivateNetwork.Target? = nil,
                    fallback: PrivateNetwork.Target = .fresh, instead: String? = nil) throws -> NetworkPlace {
    switch PrivateNetwork.decide(needs: needs, requested: requested, fallback: fallback) {
    case .here(let place):
        if let notice = place.notice { printError(notice) }
        return place
    case .enter(let target):
        do {
            try PrivateNetwork.reenter(target)
        } catch {
            printRefusal(error, doing: describe(needs), instead: instead)
            throw ExitCode(2)
        }
    case .refused(let refusal):
        printRefusal(refusal, doing: describe(needs), instead: instead)
        throw ExitCode(2)
    }
}

/// What `needs` asks of the kernel, for the sentence that says why it was refused.
func describe(_ needs: Set<PrivateNetwork.Need>) -> String {
    needs.contains(.administer) ? "builds a network namespace with firewall rules" : "captures packets"
}

/// Why a live command cannot run, what fixes it, and what works meanwhile.
/// - Parameter doing: what the command does that needs it ("captures packets"); nil for a
///   command that is about the private network itself (`osilab shell`).
func printRefusal(_ refusal: Refusal, doing: String?, instead: String?) {
    if case .other = refusal.reason {
        printError(refusal.description)
    } else {
        // The command as typed, up to its options: `osilab experiment refused`.
        let words = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)
        let command = "`" + (["osilab"] + words).joined(separator: " ") + "`"
        let lead = doing.map { "\(command) \($0). Without root, osilab does that in a " } ?? "\(command) runs in a "
        printError(lead + "private network of your own (a user namespace), and this machine does not allow one:")
        printError(refusal.description.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n"))
        let asRoot = (["sudo", ownExecutable()] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        printError("Or run it as root: \(asRoot)")
    }
    if let instead { printError("\n" + instead) }
}
