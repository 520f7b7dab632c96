import CSandbox
import Foundation

/// Running osilab, or another program, inside a private network: a user namespace with a
/// network, mount and PID namespace of its own, which an ordinary user may create.
///
/// Inside it, osilab holds CAP_NET_RAW and CAP_NET_ADMIN over its own `lo` (so libpcap
/// captures and nftables rules load) and over nothing else on the machine. Nothing in it
/// is routed anywhere. When the run ends, the kernel kills whatever is left in its PID
/// namespace and frees the network: no process, namespace or rule survives it, not even
/// after SIGKILL.
///
/// The namespaces are entered by code that runs before `main` (Sources/CSandbox), because
/// `unshare(CLONE_NEWUSER)` refuses a process with several threads: this type sets the
/// request in the environment and executes osilab again.
public enum PrivateNetwork {
    /// Which private network.
    public enum Target: Sendable, Equatable {
        /// One made for this run, and gone with it.
        case fresh
        /// One other terminals can join: `osilab shell NAME`, `osilab watch --network NAME`.
        case named(String)
    }

    /// The name of the network that `osilab shell` and the labs' `--capture` share by default.
    public static let defaultName = "lab"

    /// What a live command needs from the network it runs in.
    public enum Need: Sendable, Hashable {
        /// Capture packets (libpcap on `lo`).
        case capture
        /// Create network namespaces and nftables rules.
        case administer
    }

    /// Where a live command should run.
    public enum Decision: Sendable, Equatable {
        /// Right here: it has what it needs (root, capabilities, or already inside).
        case here(NetworkPlace)
        /// In a private network: call ``reenter(_:)``.
        case enter(Target)
        /// Neither: why, and how to fix it.
        case refused(Refusal)
    }

    /// Decides where a command that `needs` these runs.
    /// - Parameters:
    ///   - requested: what the learner asked for (`--private-network`, `--network NAME`), if anything.
    ///   - fallback: where to go when this process lacks what it needs.
    ///   - canCapture, canAdminister, check: this process's privileges and the machine's
    ///     verdict on private networks (parameters so that tests can give other answers).
    public static func decide(
        needs: Set<Need>, requested: Target? = nil, fallback: Target = .fresh,
        place: NetworkPlace = .current(),
        canCapture: () -> Bool = LivePrivilege.canCapture,
        canAdminister: () -> Bool = LivePrivilege.canAdministerNetwork,
        check: () -> Refusal? = Refusal.check
    ) -> Decision {
        if case .privateNetwork(let current) = place {
            // Inside one already: stay, unless another named network was asked for.
            if case .named(let wanted) = requested, wanted != current {
                let message = current.map { NetworkMessage(.insideOtherNetwork, $0, wanted) }
                    ?? NetworkMessage(.insideEarlierNetwork, wanted)
                return .refused(Refusal(reason: .other(message)))
            }
            return .here(place)
        }
        if let requested {
            if let refusal = check() { return .refused(refusal) }
            return .enter(requested)
        }
        let missing = (needs.contains(.capture) && !canCapture()) || (needs.contains(.administer) && !canAdminister())
        guard missing else { return .here(place) }
        if let refusal = check() { return .refused(refusal) }
        return .enter(fallback)
    }

    /// Executes this osilab again, with the same arguments, inside `target`. Returns only by
    /// throwing.
    public static func reenter(_ target: Target, arguments: [String] = CommandLine.arguments) throws(Refusal) -> Never {
        try execute(arguments: arguments, target: target, runProgram: false)
    }

    /// Replaces this process with `program` (and its arguments) running inside `target`.
    /// Returns only by throwing.
    public static func exec(_ program: [String], in target: Target) throws(Refusal) -> Never {
        guard !program.isEmpty else { throw Refusal(reason: .other(NetworkMessage(.noProgram))) }
        try execute(arguments: ["osilab"] + program, target: target, runProgram: true)
    }

    /// How to start `program` in a network made for it, as a child process (the grading runs
    /// the capture exercise's tests this way): the executable, its arguments, its environment.
    public static func launch(_ program: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (executable: String, arguments: [String], environment: [String: String])
    {
        var environment = environment
        environment["OSILAB_SANDBOX_REQUEST"] = "new"
        environment["OSILAB_SANDBOX_NAME"] = ""
        environment["OSILAB_SANDBOX_EXEC"] = "1"
        // The resolved path: the child is started by Foundation, not by this process's execve.
        return (ownExecutable(), program, environment)
    }

    /// The running binary, through the link that stays valid even when a rebuild has
    /// replaced the file.
    static var selfExecutable: String {
        #if os(Linux)
        return "/proc/self/exe"
        #else
        return ownExecutable()
        #endif
    }

    private static func execute(arguments: [String], target: Target, runProgram: Bool) throws(Refusal) -> Never {
        #if os(Linux)
        var environment = ProcessInfo.processInfo.environment
        environment["OSILAB_SANDBOX_EXEC"] = runProgram ? "1" : nil
        var lock: Int32 = -1
        var memberFile: String?
        switch target {
        case .fresh:
            environment["OSILAB_SANDBOX_REQUEST"] = "new"
            environment["OSILAB_SANDBOX_NAME"] = ""
        case .named(let name):
            if !NetworkRegistry.isValidName(name) { throw Refusal(reason: .other(NetworkMessage(.badName, name))) }
            let registry = try NetworkRegistry.forCurrentUser()
            lock = try registry.lock(name)
            let member = registry.liveMembers(of: name).first
            environment["OSILAB_SANDBOX_REQUEST"] = member.map { "join:\($0.pid)" } ?? "new"
            environment["OSILAB_SANDBOX_NAME"] = name
            do {
                memberFile = try registry.addMember(name, pid: getpid())
            } catch {
                close(lock)
                throw error
            }
            environment["OSILAB_SANDBOX_MEMBER"] = memberFile
            environment["OSILAB_SANDBOX_LOCK_FD"] = String(lock)
        }
        // What this process printed must not be lost, nor printed twice, by execve.
        fflush(nil)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(selfExecutable, argv, envp)
        let reason = String(cString: strerror(errno))
        if let memberFile { unlink(memberFile) }
        if lock >= 0 { close(lock) }
        throw Refusal(reason: .other(NetworkMessage(.reenterFailed, selfExecutable, reason)))
        #else
        throw Refusal(reason: .macOS)
        #endif
    }
}
