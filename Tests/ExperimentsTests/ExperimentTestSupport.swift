import Experiments
import Foundation
import Sockets
import TextUI
import Timeline
import Trace
import Wire
import XCTest

/// Runs experiments as the command does, with a time limit, and checks that each leaves
/// nothing behind: no namespace, no firewall table, no child process, no descriptor.
class ExperimentTestCase: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertEqual(geteuid(), 0, "the experiments capture packets and create namespaces: run the tests as root "
            + "(./scripts/test uses sudo; CI runs as root)")
    }

    /// What the machine looks like from this process, to compare before and after a run.
    struct Footprint: Equatable {
        var descriptors: Int
        var namespaces: [String]
        var tables: [String]
        var children: [String]
    }

    func footprint() throws -> Footprint {
        // Only this process's namespaces: other osilab runs on the machine name theirs after their own pid.
        let namespaces = try NetworkNamespace.list().filter { $0.hasPrefix("osilab-\(getpid())-") }
        let tables = try ExternalTool.run(["nft", "list", "tables"]).lines.filter { $0.contains("osilab") }
        return Footprint(descriptors: openDescriptorCount(), namespaces: namespaces, tables: tables, children: childProcesses())
    }

    /// The pids of this process's children (from every thread's /proc children list).
    func childProcesses() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.flatMap { task -> [String] in
            let text = (try? String(contentsOfFile: "/proc/self/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").map(String.init)
        }.sorted()
    }

    /// Runs `experiment`, fails the test if it takes longer than `limit` (it hung), and checks
    /// that everything it set up is gone afterwards.
    func run(_ experiment: some Experiment, capture: Bool = true, language: Language = .english, limit: Double = 15,
             file: StaticString = #filePath, line: UInt = #line) throws -> ExperimentOutcome {
        // Warm up what Foundation and Dispatch open once per process (an eventfd, a timer),
        // so the descriptor count compares like with like.
        _ = try ExternalTool.run(["true"])
        let before = try footprint()
        let finished = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            box.set(Result { try experiment.run(ExperimentSettings(capture: capture, language: language)) })
            finished.signal()
        }
        thread.start()
        guard finished.wait(timeout: .now() + limit) == .success else {
            XCTFail("\(type(of: experiment).info.name) hung: no result after \(Int(limit)) s", file: file, line: line)
            throw ExperimentError.hung(type(of: experiment).info.name)
        }
        let outcome = try box.get()
        // Sockets the kernel finishes closing after the run (TIME-WAIT) hold no descriptor;
        // give the capture thread a moment to let go of its own.
        var after = try footprint()
        for _ in 0..<50 where after.descriptors != before.descriptors || after.children != before.children {
            usleep(20_000)
            after = try footprint()
        }
        XCTAssertTrue(Set(after.namespaces).isSubset(of: before.namespaces),
                      "a network namespace was left behind: \(after.namespaces)", file: file, line: line)
        XCTAssertEqual(after.tables, before.tables, "an nftables table was left behind in the root namespace", file: file, line: line)
        XCTAssertEqual(after.children, before.children, "a child process was left running", file: file, line: line)
        XCTAssertEqual(after.descriptors, before.descriptors, "descriptors were left open", file: file, line: line)
        // Every fact recorded is documented, with a value a lesson's prediction can name.
        let documented = type(of: experiment).info.facts
        for (key, value) in outcome.facts {
            guard let fact = documented.first(where: { $0.key == key }) else {
                XCTFail("the fact \(key) is not in \(type(of: experiment).info.name)'s --help", file: file, line: line)
                continue
            }
            XCTAssertTrue(fact.values.contains(value), "\(key) = \(value) is not among its documented values \(fact.values)",
                          file: file, line: line)
        }
        return outcome
    }

    /// Fails with the explanation when a claim did not hold.
    func assertClaimsHold(_ outcome: ExperimentOutcome, file: StaticString = #filePath, line: UInt = #line) {
        let contradictions = outcome.explanation.contradictions.map(\.text)
        XCTAssertTrue(contradictions.isEmpty, "the kernel did not do what the explanation claims: \(contradictions)",
                      file: file, line: line)
        XCTAssertFalse(outcome.explanation.items.contains { $0.verdict == .unchecked },
                       "with a capture every claim can be checked", file: file, line: line)
    }

    /// The time of the first timeline note starting with `prefix`.
    func noteTime(_ outcome: ExperimentOutcome, _ prefix: String) -> Instant? {
        for event in outcome.timeline.events {
            if case .note(let note) = event, note.text.hasPrefix(prefix) { return note.time }
        }
        return nil
    }

    func calls(_ outcome: ExperimentOutcome, _ name: SyscallName, role: String? = nil) -> [SyscallRecord] {
        outcome.run.trace.filter { $0.call == name && (role == nil || $0.role == role) }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<ExperimentOutcome, any Error>?

    func set(_ value: Result<ExperimentOutcome, any Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() throws -> ExperimentOutcome {
        lock.lock()
        defer { lock.unlock() }
        guard let result else { throw ExperimentError.hung("no result") }
        return try result.get()
    }
}

extension SyscallRecord {
    var failure: String? {
        if case .failed(_, let name)? = outcome { return name }
        return nil
    }
}

/// The osilab binary built next to the test bundle.
func osilabBinary(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let binary = directory.appendingPathComponent("osilab")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        XCTFail("no osilab binary at \(binary.path): run `swift build --product osilab` first", file: file, line: line)
        throw ExperimentError.setup("no binary")
    }
    return binary
}

/// The environment for an osilab the tests start: a state folder of its own, so that a
/// language an earlier `--lang` stored in the machine's progress file is not used.
func isolatedOsilabEnvironment() -> [String: String] {
    let state = NSTemporaryDirectory() + "osilab-experiments-state-\(getpid())"
    mkdir(state, 0o700)
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_STATE_HOME"] = state
    environment["OSILAB_LANG"] = nil
    return environment
}

/// Runs `osilab experiment drop-final-ack --plain` (and `extra`), interrupts it with SIGINT
/// once its network namespace exists, and waits at most 10 s for it to end.
/// - Returns: what it wrote on standard error, the namespace's name, the process, and
///   whether it ended in time (if not, it has been terminated).
func interruptDropFinalAck(_ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws
    -> (message: String, namespace: String, process: Process, ended: Bool) {
    let process = Process()
    process.executableURL = try osilabBinary(file: file, line: line)
    process.environment = isolatedOsilabEnvironment()
    process.arguments = ["experiment", "drop-final-ack", "--plain"] + extra
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let name = "osilab-\(process.processIdentifier)-1"
    var appeared = false
    for _ in 0..<100 where !appeared {
        usleep(20_000)
        appeared = (try? NetworkNamespace.list().contains(name)) ?? false
    }
    XCTAssertTrue(appeared, "the experiment created \(name)", file: file, line: line)
    usleep(300_000)
    kill(process.processIdentifier, SIGINT)
    let exited = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        process.waitUntilExit()
        exited.signal()
    }
    let ended = exited.wait(timeout: .now() + 10) == .success
    if !ended { process.terminate() }
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (message, name, process, ended)
}
