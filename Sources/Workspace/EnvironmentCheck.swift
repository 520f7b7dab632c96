import Foundation
import Sandbox

/// What the lab needs from the machine, checked without changing anything.
public struct EnvironmentCheck: Sendable {
    public struct Item: Sendable {
        public var name: String
        public var present: Bool
        public var required: Bool
        /// What it is for, and how to get it when it is missing.
        public var detail: String
    }

    public var items: [Item]

    public var allRequiredPresent: Bool { items.allSatisfy { $0.present || !$0.required } }

    public var text: String {
        items.map { item in
            let mark = item.present ? "ok     " : (item.required ? "MISSING" : "missing")
            return "\(mark)  \(item.name): \(item.detail)"
        }.joined(separator: "\n")
    }

    /// Looks for the tools and privileges each part of the lab uses.
    /// - Parameter privateNetworkCheck: why a private network cannot be made here, or nil
    ///   (a parameter so that tests can give other answers).
    public static func run(environment: [String: String] = ProcessInfo.processInfo.environment,
                           privateNetworkCheck: () -> Refusal? = Refusal.check) -> EnvironmentCheck {
        let root = geteuid() == 0
        var items: [Item] = []
        func tool(_ name: String, required: Bool, purpose: String, package: String) {
            let found = findExecutable(name, environment: environment) != nil
            items.append(Item(
                name: name, present: found, required: required,
                detail: found ? purpose : "\(purpose). Install it with: sudo apt-get install -y \(package)"))
        }
        tool("swift", required: true, purpose: "builds the lab and grades the exercises",
             package: "(see https://www.swift.org/install/linux/)")
        tool("python3", required: false, purpose: "runs the notes' original Python programs next to osilab's", package: "python3")
        tool("tcpdump", required: false, purpose: "a second opinion on captures (osilab does not need it)", package: "tcpdump")
        tool("ip", required: false, purpose: "creates the network namespace of the drop-final-ack experiment", package: "iproute2")
        tool("nft", required: false, purpose: "drops the final ACK in the drop-final-ack experiment", package: "nftables")
        tool("ss", required: false, purpose: "shows socket queues in the backlog and teardown experiments", package: "iproute2")
        let capture = LivePrivilege.canCapture()
        let administer = LivePrivilege.canAdministerNetwork()
        items.append(Item(
            name: "capture on this machine's lo", present: capture, required: false,
            detail: capture
                ? (root ? "running as root: live commands capture here, and --private-network runs them in a private network instead"
                        : "this binary has the capture capabilities")
                : "needs root or the capture capabilities (only `osilab watch` of programs outside osilab needs it; "
                    + "everything else runs in a private network, below)"))
        let refusal = privateNetworkCheck()
        let mode: String
        switch (capture, administer, refusal) {
        case (true, true, _): mode = "not needed as root, and available with --private-network"
        case (_, _, nil): mode = "available: without root, every live command runs in a private network of your own "
            + "(a user and network namespace osilab makes; no sudo)"
        case (_, _, let refusal?): mode = "not allowed here. " + refusal.description.replacingOccurrences(of: "\n", with: "\n         ")
        }
        items.append(Item(name: "private network (no root)", present: refusal == nil, required: false, detail: mode))
        return EnvironmentCheck(items: items)
    }

    /// The full path of `name` on PATH, or nil.
    public static func findExecutable(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        // Tools in sbin (ip, nft, ss) are often missing from a normal user's PATH.
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
