import Foundation
import Synchronization

/// A program run to its end: what it printed (standard output and error together), how it
/// ended, and whether it was stopped for taking too long.
public struct ProcessOutcome: Sendable {
    public var output: String
    /// The exit status, or the signal number when `signalled`.
    public var status: Int32
    public var signalled: Bool
    public var timedOut: Bool

    public var succeeded: Bool { status == 0 && !signalled && !timedOut }
}

/// Runs programs with Foundation's `Process`, streaming their output line by line.
///
/// Foundation starts each child in a process group of its own, so Ctrl-C in the terminal
/// reaches osilab but not the build or the tests it started: ``stopRunning()`` passes it on.
public enum Subprocess {
    /// The process groups of the children running now.
    private static let running = Mutex<Set<pid_t>>([])

    /// Stops every child started here, with its own children (SIGTERM to its process group).
    public static func stopRunning() {
        for pid in running.withLock({ $0 }) { kill(-pid, SIGTERM) }
    }

    /// Runs `executable` with `arguments` in `directory` and waits for it.
    ///
    /// - Parameters:
    ///   - timeout: after this long the program gets SIGTERM, and SIGKILL 2 s later.
    ///   - onLine: called on this thread with each line as it arrives (for progress).
    static func run(
        _ executable: String, _ arguments: [String], in directory: URL, environment: [String: String]? = nil,
        timeout: Duration? = nil, onLine: (String) -> Void = { _ in }
    ) throws -> ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let child = process.processIdentifier
        running.withLock { _ = $0.insert(child) }
        defer { running.withLock { _ = $0.remove(child) } }

        let timedOut = Mutex(false)
        let finished = Mutex(false)
        if let timeout {
            let pid = process.processIdentifier
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                guard !finished.withLock({ $0 }) else { return }
                timedOut.withLock { $0 = true }
                kill(-pid, SIGTERM)
                DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
                    if !finished.withLock({ $0 }) { kill(-pid, SIGKILL) }
                }
            }
        }

        var output = Data()
        var pending = Data()
        let handle = pipe.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                onLine(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
        process.waitUntilExit()
        finished.withLock { $0 = true }
        return ProcessOutcome(
            output: String(decoding: output, as: UTF8.self), status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut.withLock { $0 })
    }
}
