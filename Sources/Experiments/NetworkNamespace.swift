import CSupport
import Foundation
import Synchronization
import TextUI

/// A private network namespace the experiment creates for itself, with its own `lo`.
///
/// Firewall rules set inside it touch nothing else on the machine, and they vanish with
/// it. It is named `osilab-<pid>-<n>` so that a namespace left behind by a run that was
/// killed (SIGKILL leaves no chance to clean up) is recognised by its dead pid and
/// removed at the next start (``removeLeftovers()``).
///
/// Code runs inside it on a thread of its own that calls `setns(2)`: network namespaces
/// are per thread, so only that thread (and threads it starts) see the namespace, while
/// the rest of the program stays where it was. The alternative, re-running osilab under
/// `ip netns exec`, would need the osilab binary (a test process is not it) and would put
/// the trace and the capture in another process.
public final class NetworkNamespace: Sendable {
    public static let namePrefix = "osilab-"

    public let name: String
    private let token: CleanupRegistry.Token
    private let removed = Mutex(false)
    private let commandLog = Mutex<[String]>([])

    private static let counter = Mutex(0)

    /// Creates the namespace and brings its loopback interface up.
    /// - Throws: ``ToolError`` when `ip` is missing or refuses (for instance without root).
    public static func create() throws(ToolError) -> NetworkNamespace {
        let number = counter.withLock { count -> Int in
            count += 1
            return count
        }
        let name = "\(namePrefix)\(getpid())-\(number)"
        _ = try ExternalTool.run(["ip", "netns", "add", name])
        let namespace = NetworkNamespace(name: name)
        namespace.logged("ip netns add \(name)")
        do {
            let up = try ExternalTool.run(["ip", "-n", name, "link", "set", "lo", "up"])
            namespace.logged(up.commandLine)
        } catch {
            namespace.remove()
            throw error
        }
        return namespace
    }

    private init(name: String) {
        self.name = name
        token = CleanupRegistry.shared.add({ language in ExperimentStrings(language)(.cleanupNamespace, name) }) {
            _ = try? ExternalTool.run(["ip", "netns", "del", name])
        }
    }

    deinit {
        remove()
    }

    /// Deletes the namespace (and with it its firewall rules). Safe to call twice.
    public func remove() {
        let first = removed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { CleanupRegistry.shared.run(token) }
    }

    /// The commands run to set up and change the namespace, for the learner to read.
    public var commands: [String] { commandLog.withLock { $0 } }

    func logged(_ line: String) {
        commandLog.withLock { $0.append(line) }
    }

    /// Runs a command inside the namespace (`ip netns exec NAME ...`) and logs it.
    @discardableResult
    public func exec(_ command: [String], log: Bool = true, check: Bool = true) throws(ToolError) -> ToolResult {
        // `ip netns exec` searches $PATH, which for an ordinary user often lacks /usr/sbin (nft).
        var located = command
        if let program = command.first {
            guard let path = ExternalTool.locate(program) else {
                throw ToolError(command: command, kind: .notInstalled(package: ExternalTool.packages[program] ?? program), errorOutput: "")
            }
            located[0] = path
        }
        let result = try ExternalTool.run(["ip", "netns", "exec", name] + located, check: check)
        if log { logged(ExternalTool.shellLine(command)) }
        return result
    }

    /// Runs `body` on a new thread that has entered the namespace, and returns its result.
    /// Threads `body` starts are in the namespace too (a thread inherits its creator's).
    /// - Throws: ``NamespaceError`` when the thread cannot enter the namespace or `body`
    ///   overruns `timeout` (it is then abandoned), or whatever `body` throws.
    public func run<T: Sendable>(timeout: Duration, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let path = "/run/netns/\(name)"
        let result = Mutex<Result<T, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                result.withLock { $0 = .failure(NamespaceError.cannotEnter(path: path, reason: reason)) }
                return
            }
            let entered = osilab_enter_network_namespace(descriptor)
            let reason = String(cString: strerror(errno))
            close(descriptor)
            guard entered == 0 else {
                result.withLock { $0 = .failure(NamespaceError.cannotEnter(path: path, reason: reason)) }
                return
            }
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
        }
        thread.name = "osilab in \(name)"
        thread.start()
        guard finished.wait(timeout: .now() + timeout.seconds) == .success else {
            throw NamespaceError.overran(name: name, seconds: timeout.seconds)
        }
        guard let outcome = result.withLock({ $0 }) else { throw NamespaceError.overran(name: name, seconds: timeout.seconds) }
        return try outcome.get()
    }

    /// The namespaces `ip netns list` shows.
    public static func list() throws(ToolError) -> [String] {
        try ExternalTool.run(["ip", "netns", "list"]).lines.compactMap { line in
            line.split(separator: " ").first.map(String.init)
        }
    }

    /// Deletes namespaces named `osilab-<pid>...` whose process no longer runs: leftovers
    /// of a run that was killed before it could clean up. Returns the names removed.
    @discardableResult
    public static func removeLeftovers() -> [String] {
        guard let names = try? list() else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(namePrefix) {
            let rest = name.dropFirst(namePrefix.count)
            guard let pid = Int32(rest.prefix { $0.isNumber }), !processIsRunning(pid) else { continue }
            if (try? ExternalTool.run(["ip", "netns", "del", name])) != nil { removed.append(name) }
        }
        return removed
    }

    static func processIsRunning(_ pid: Int32) -> Bool {
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }
}

/// Why code could not run inside a network namespace.
public enum NamespaceError: Error, Sendable, CustomStringConvertible {
    case cannotEnter(path: String, reason: String)
    case overran(name: String, seconds: Double)

    public var description: String { message(in: .english) }

    /// The message in `language` (the reason is the C library's, as strerror gives it).
    public func message(in language: Language) -> String {
        let say = ExperimentStrings(language)
        return switch self {
        case .cannotEnter(let path, let reason): say(.namespaceCannotEnter, path, reason)
        case .overran(let name, let seconds): say(.namespaceOverran, name, String(Int(seconds)))
        }
    }
}
