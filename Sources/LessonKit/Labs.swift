import Foundation
import Sandbox
import TextUI

#if canImport(Glibc)
import Glibc
#endif

// Running a lab step: check the command exists and the machine allows it, run it as a child
// of the same osilab binary attached to the learner's terminal, then read the facts it
// recorded and judge the learner's prediction against them.

/// Whether this osilab can run a lab's command line.
public enum CommandAvailability: Equatable, Sendable, CustomStringConvertible {
    case available
    /// The subcommand does not exist in this version (another part of the lab not built yet).
    case missing(command: String)
    /// The subcommand exists but rejects these arguments.
    case invalid(message: String)

    public var description: String {
        switch self {
        case .available: "available"
        case .missing(let command): "this osilab has no `osilab \(command)` command"
        case .invalid(let message): "the command exists but rejects these arguments: \(message)"
        }
    }
}

/// Decides whether an osilab command line (the arguments after `osilab`) would parse. The
/// command line tool supplies it, since only it knows its subcommands.
public typealias CommandCheck = @Sendable ([String]) -> CommandAvailability

/// What the labs need to know about the machine and the binary.
public struct LabEnvironment: Sendable {
    /// The osilab binary to run lab commands with.
    public var executable: String
    public var commandCheck: CommandCheck
    /// Live capture works: here (root, capabilities) or in a private network.
    public var canCapture: Bool
    /// Network namespaces and nftables work: here (root) or in a private network.
    public var canUseNetns: Bool

    public init(executable: String, commandCheck: @escaping CommandCheck, canCapture: Bool, canUseNetns: Bool) {
        self.executable = executable
        self.commandCheck = commandCheck
        self.canCapture = canCapture
        self.canUseNetns = canUseNetns
    }

    /// The environment of this process: this binary (`/proc/self/exe`, else `argv[0]`) and
    /// what its labs may do. Without root, a live lab runs in a private network of the
    /// learner's own (user namespaces), where capture and namespaces are allowed too; only
    /// where the machine forbids those does a lab lack them.
    public static func current(commandCheck: @escaping CommandCheck) -> LabEnvironment {
        let capture = LivePrivilege.canCapture()
        let administer = LivePrivilege.canAdministerNetwork()
        let privateNetwork = capture && administer ? false : Refusal.check() == nil
        return LabEnvironment(
            executable: ownExecutable(), commandCheck: commandCheck,
            canCapture: capture || privateNetwork, canUseNetns: administer || privateNetwork)
    }

    /// What `needs` means on this machine: a notice to show, and whether to run at all.
    func check(_ need: LabNeed?, strings: UIStrings) -> (notice: String?, runnable: Bool) {
        switch need {
        case .capture where !canCapture: (strings(.needsCapture), true)
        case .netns where !canUseNetns: (strings(.needsNetns), false)
        default: (nil, true)
        }
    }
}

/// How a lab's child process ended.
public enum LabExit: Equatable, Sendable {
    case exited(Int32)
    case signalled(Int32)
    case failedToStart(String)
}

/// What the facts file held after the run.
public enum FactsReading: Equatable, Sendable {
    /// No file: the command recorded nothing.
    case none
    case facts([String: String])
    /// A file that is not a JSON object of strings.
    case unreadable(String)
}

/// A finished lab run.
public struct LabOutcome: Equatable, Sendable {
    public var exit: LabExit
    public var facts: FactsReading
    /// It showed the capture recorded for the lessons (`--recorded`), not a live one.
    public var recorded: Bool
    /// What it printed (standard output and error), when the run was recorded for the
    /// lesson to show (``LabRequest/recordsOutput``).
    public var output: String?

    public init(exit: LabExit, facts: FactsReading, recorded: Bool = false, output: String? = nil) {
        self.exit = exit
        self.facts = facts
        self.recorded = recorded
        self.output = output
    }
}

/// A lab the session wants run.
public struct LabRequest: Equatable, Sendable {
    /// The lab step's (or erratum's) id.
    public var id: String
    /// The arguments after `osilab`.
    public var arguments: [String]
    /// Whether to add `--facts FILE` (the step has a prediction to check).
    public var wantsFacts: Bool
    /// The command line as the lesson wrote it, for the learner.
    public var display: String
    /// Shown before the command runs (what is missing, what it will do instead).
    public var notices: [String]
    /// A lab server to run in the background while the command runs.
    public var serverArguments: [String]? = nil
    /// Keep what the command prints, for the lesson to show it in a view the learner can
    /// scroll (a command that finishes by itself and reads nothing from the keyboard).
    public var recordsOutput = false
}

/// The verdict on a prediction.
public enum PredictionVerdict: Equatable, Sendable {
    case matched(observed: String)
    case mismatched(observed: String)
    case unchecked(reason: String)
}

/// Runs lab commands as child processes.
public enum LabRunner {
    /// Runs `executable` with `arguments` (plus `--facts FILE` when `wantsFacts`) and waits
    /// for it. The child shares the terminal: standard output and error always, standard
    /// input when `inheritInput` (otherwise it reads `/dev/null`, so it cannot eat the
    /// answers piped to the lesson). While it runs, this process ignores SIGINT so Ctrl-C
    /// stops the lab, not the lesson. `environment` is added to this process's environment for
    /// the child: the runner passes `OSILAB_LANG` so the lab speaks the learner's language.
    /// The corresponding C functions are `posix_spawn` and `waitpid`.
    ///
    /// With `recordTo`, standard output and error go to that file instead (the child then
    /// sees no terminal: `environment` should carry `COLUMNS`), `onOutput` gets each new piece
    /// as it is written, and the outcome holds all of it.
    public static func run(executable: String, arguments: [String], wantsFacts: Bool, inheritInput: Bool,
                           environment: [String: String] = [:], recordTo: String? = nil,
                           onOutput: (String) -> Void = { _ in }) -> LabOutcome {
        var factsPath: String?
        var fullArguments = arguments
        if wantsFacts {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("osilab-facts-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json").path
            try? FileManager.default.removeItem(atPath: path)
            fullArguments += ["--facts", path]
            factsPath = path
        }
        defer { if let factsPath { try? FileManager.default.removeItem(atPath: factsPath) } }
        guard let recordTo else {
            let exit = spawnAndWait(executable, fullArguments, inheritInput: inheritInput, environment: environment)
            let facts = factsPath.map(readFacts) ?? .none
            return LabOutcome(exit: exit, facts: facts, recorded: arguments.contains("--recorded"))
        }
        let exit = spawnAndWait(executable, fullArguments, inheritInput: inheritInput, environment: environment,
                                outputPath: recordTo, onOutput: onOutput)
        let facts = factsPath.map(readFacts) ?? .none
        let output = FileManager.default.contents(atPath: recordTo).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return LabOutcome(exit: exit, facts: facts, recorded: arguments.contains("--recorded"), output: output)
    }

    /// Reads a facts file: a JSON object whose keys and values are strings.
    public static func readFacts(_ path: String) -> FactsReading {
        guard let data = FileManager.default.contents(atPath: path) else { return .none }
        if data.isEmpty { return .none }
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            return .unreadable("not JSON")
        }
        guard let dictionary = object as? [String: Any] else { return .unreadable("not a JSON object") }
        var facts: [String: String] = [:]
        for (key, value) in dictionary {
            guard let text = value as? String else { return .unreadable("the value of `\(key)` is not a string") }
            facts[key] = text
        }
        return .facts(facts)
    }

    static func spawnAndWait(_ executable: String, _ arguments: [String], inheritInput: Bool,
                             environment extra: [String: String] = [:], outputPath: String? = nil,
                             onOutput: (String) -> Void = { _ in }) -> LabExit {
        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
        }
        switch spawn(executable, arguments, inheritInput: inheritInput, outputPath: outputPath, environment: extra) {
        case .failure(let failure):
            return .failedToStart(failure.description)
        case .success(let pid):
            guard let outputPath else { return wait(for: pid) }
            return follow(pid, writingTo: outputPath, onOutput: onOutput)
        }
    }

    /// Waits for `pid` while passing on what it appends to `path`, as `tail -f` would, so
    /// the learner sees a recorded lab's output as it comes.
    static func follow(_ pid: pid_t, writingTo path: String, onOutput: (String) -> Void) -> LabExit {
        var offset: UInt64 = 0
        var pending: [UInt8] = []
        func drain() {
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else { return }
            offset += UInt64(data.count)
            pending += data
            // Pass on whole lines only, so a character is never cut in two.
            if let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) {
                onOutput(String(decoding: pending[...lastNewline], as: UTF8.self))
                pending.removeSubrange(...lastNewline)
            }
        }
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            let error = errno
            if result == pid || (result == -1 && error != EINTR) {
                drain()
                if !pending.isEmpty { onOutput(String(decoding: pending, as: UTF8.self)) }
                if result == -1 { return .failedToStart("waitpid: " + String(cString: strerror(error))) }
                switch ChildProcess.exit(fromStatus: status) {
                case .exited(let code): return .exited(code)
                case .signalled(let number): return .signalled(number)
                }
            }
            drain()
            usleep(50_000)
        }
    }

    /// Starts `executable` sharing the terminal, with default signal handling (see
    /// ``ChildProcess``).
    static func spawn(_ executable: String, _ arguments: [String], inheritInput: Bool, outputPath: String?,
                      environment extra: [String: String]) -> Result<pid_t, ChildProcess.SpawnFailure> {
        ChildProcess.spawn(executable, arguments, inheritInput: inheritInput, outputPath: outputPath, environment: extra)
    }

    /// Waits for a child and says how it ended.
    static func wait(for pid: pid_t) -> LabExit {
        switch ChildProcess.wait(for: pid) {
        case .success(.exited(let code)): .exited(code)
        case .success(.signalled(let number)): .signalled(number)
        case .failure(let failure): .failedToStart(failure.description)
        }
    }

    /// Judges a prediction (a choice's tag) against the facts of a finished run.
    public static func verdict(
        for lab: LabStep, predicted: String, outcome: LabOutcome, environment: LabEnvironment, strings: UIStrings
    ) -> PredictionVerdict {
        guard let observe = lab.observe else { return .unchecked(reason: strings(.reasonNoFacts)) }
        switch outcome.facts {
        case .facts(let facts):
            guard let observed = facts[observe] else {
                return .unchecked(reason: strings(.reasonMissingFact, observe))
            }
            return observed == predicted ? .matched(observed: observed) : .mismatched(observed: observed)
        case .unreadable(let problem):
            return .unchecked(reason: strings(.reasonBadFacts, problem))
        case .none:
            switch outcome.exit {
            case .failedToStart(let message): return .unchecked(reason: strings(.reasonNotStarted, message))
            case .signalled(let number): return .unchecked(reason: strings(.reasonSignal, String(number)))
            case .exited(let code) where code != 0:
                if lab.needs == .capture && !environment.canCapture && !outcome.recorded {
                    return .unchecked(reason: strings(.reasonNoPrivilege))
                }
                return .unchecked(reason: strings(.reasonExit, String(code)))
            case .exited:
                if lab.needs == .capture && !environment.canCapture && !outcome.recorded {
                    return .unchecked(reason: strings(.reasonNoPrivilege))
                }
                return .unchecked(reason: strings(.reasonNoFacts))
            }
        }
    }
}

/// A lab server the runner starts in the background for a lab step (`server:`), so that
/// the step's client has someone to talk to; stopped, and its log shown, when the step ends.
public final class BackgroundServer {
    public let display: String
    private let pid: pid_t
    private let logPath: String
    private var running = true

    public enum StartResult {
        /// Listening: its banner line says so.
        case listening(BackgroundServer)
        /// It ended at once, usually because the port is taken (perhaps by a server the learner
        /// started): what it printed.
        case exited(output: String)
        case failedToStart(String)
    }

    private init(display: String, pid: pid_t, logPath: String) {
        self.display = display
        self.pid = pid
        self.logPath = logPath
    }

    /// Starts `osilab serve ...` and waits (at most 5 s) until it says it is listening.
    public static func start(executable: String, arguments: [String], environment: [String: String]) -> StartResult {
        let logPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("osilab-lab-server-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log").path
        let display = (["osilab"] + arguments).joined(separator: " ")
        // --quiet keeps the log to one line per connection, which is what is shown afterwards.
        let fullArguments = arguments.contains("--quiet") ? arguments : arguments + ["--quiet"]
        switch LabRunner.spawn(executable, fullArguments, inheritInput: false, outputPath: logPath, environment: environment) {
        case .failure(let failure):
            return .failedToStart(failure.description)
        case .success(let pid):
            let server = BackgroundServer(display: display, pid: pid, logPath: logPath)
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    server.running = false
                    let output = server.log
                    try? FileManager.default.removeItem(atPath: logPath)
                    return .exited(output: output)
                }
                if Self.saysListening(server.log) { return .listening(server) }
                usleep(20_000)
            }
            return .listening(server)
        }
    }

    /// Whether a lab server's output holds its banner ("osilab echo server listening on ...",
    /// "osilab echo 服务器正在 ... 上监听"), in whichever language the server speaks: the words
    /// between the banner's lab name and its address, as the sentence files write them.
    static func saysListening(_ log: String) -> Bool {
        Language.allCases.contains { language in
            guard let banner = Phrasebook.osilab.sentence(bannerKey, in: language),
                  let afterName = banner.range(of: "{0}"), let beforeAddress = banner.range(of: "{1}"),
                  afterName.upperBound < beforeAddress.lowerBound
            else { return false }
            return log.contains(banner[afterName.upperBound..<beforeAddress.lowerBound])
        }
    }

    /// The key of the lab servers' banner in the sentence files (Labs' `LabMessage.bannerListening`).
    static let bannerKey = "lab.bannerListening"

    /// What the server has printed so far.
    public var log: String {
        (FileManager.default.contents(atPath: logPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Stops it as Ctrl-C would (SIGTERM: it closes its connections and prints a summary),
    /// waits for it (SIGKILL after 3 s), and returns everything it printed.
    public func stop() -> String {
        if running {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if Date() > deadline {
                    kill(pid, SIGKILL)
                    waitpid(pid, &status, 0)
                    break
                }
                usleep(20_000)
            }
            running = false
        }
        let output = log
        try? FileManager.default.removeItem(atPath: logPath)
        return output
    }

    deinit {
        _ = stop()
    }
}
