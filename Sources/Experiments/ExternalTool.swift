import Foundation
import Synchronization
import TextUI

/// What an external program (`ip`, `nft`, `ss`) printed and how it ended.
public struct ToolResult: Sendable {
    /// The command as run, program first.
    public var command: [String]
    public var status: Int32
    public var output: String
    public var errorOutput: String

    /// The command as a learner would type it, quoting words that need it.
    public var commandLine: String { ExternalTool.shellLine(command) }

    /// The output's lines, without the empty last one.
    public var lines: [String] {
        output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}

/// Why an external program could not do what an experiment asked.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The program is not on this machine; `package` is the Debian package that has it.
        case notInstalled(package: String)
        /// It ran and exited with this status.
        case failed(status: Int32)
        /// It did not finish in time and was killed.
        case timedOut
        /// It could not be started at all.
        case couldNotStart(reason: String)
    }

    public var command: [String]
    public var kind: Kind
    public var errorOutput: String

    public var description: String { message(in: .english) }

    /// The message in `language`; the tool's own error output is quoted as it printed it.
    public func message(in language: Language) -> String {
        let say = ExperimentStrings(language)
        let line = ExternalTool.shellLine(command)
        switch kind {
        case .notInstalled(let package):
            return say(.toolNotInstalled, command.first ?? "?", package)
        case .failed(let status):
            let detail = errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            return detail.isEmpty ? say(.toolFailed, line, String(status)) : say(.toolFailedDetail, line, String(status), detail)
        case .timedOut:
            return say(.toolTimedOut, line)
        case .couldNotStart(let reason):
            return say(.toolCouldNotStart, line, reason)
        }
    }
}

/// Runs the system tools the experiments need, one call at a time, with a time limit.
///
/// Every external command goes through here so that a missing tool is reported with the
/// Debian package to install, and a failing one with its own error message.
public enum ExternalTool {
    /// The Debian package that provides each tool the experiments use.
    public static let packages: [String: String] = [
        "ip": "iproute2", "ss": "iproute2", "nstat": "iproute2", "nft": "nftables", "tcpdump": "tcpdump",
        "sysctl": "procps",
    ]

    /// Where a tool lives, searching $PATH and then the sbin directories a non-root $PATH
    /// often leaves out. nil if it is not installed.
    public static func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `command` (program first) and returns what it printed.
    /// - Parameters:
    ///   - timeout: the program is killed after this long.
    ///   - check: throw ``ToolError`` when the exit status is not 0.
    public static func run(_ command: [String], timeout: Duration = .seconds(5), check: Bool = true) throws(ToolError) -> ToolResult {
        guard let name = command.first else {
            throw ToolError(command: command, kind: .couldNotStart(reason: "empty command"), errorOutput: "")
        }
        guard let executable = locate(name) else {
            throw ToolError(command: command, kind: .notInstalled(package: packages[name] ?? name), errorOutput: "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ToolError(command: command, kind: .couldNotStart(reason: "\(error)"), errorOutput: "")
        }
        // Read both pipes at once, so a chatty program never blocks on a full pipe.
        let collectedErrors = PipeCollector(errors.fileHandleForReading)
        let expired = Mutex(false)
        let timer = DispatchWorkItem {
            if process.isRunning {
                expired.withLock { $0 = true }
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds, execute: timer)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let timedOut = expired.withLock { $0 }
        let errorText = collectedErrors.wait(timeout: timeout)
        // Foundation leaves the pipes' descriptors open until the handles are collected,
        // which can be much later; close them now so that runs do not accumulate them.
        for handle in [output.fileHandleForReading, output.fileHandleForWriting,
                       errors.fileHandleForReading, errors.fileHandleForWriting] {
            try? handle.close()
        }
        let result = ToolResult(command: command, status: process.terminationStatus,
                                output: String(decoding: outputData, as: UTF8.self), errorOutput: errorText)
        if timedOut {
            throw ToolError(command: command, kind: .timedOut, errorOutput: errorText)
        }
        if check && result.status != 0 {
            throw ToolError(command: command, kind: .failed(status: result.status), errorOutput: errorText)
        }
        return result
    }

    /// `nft add rule inet osilab input 'tcp flags & (fin|syn) == ack'` style quoting.
    static func shellLine(_ command: [String]) -> String {
        command.map { word in
            let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@%+".contains($0) }
            return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
        thread.start()
    }

    /// The text read, or "" if the pipe is still open after `timeout` (a grandchild of the
    /// tool holding it, which the tools osilab runs do not have).
    func wait(timeout: Duration) -> String {
        guard done.wait(timeout: .now() + timeout.seconds) == .success else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    /// The duration in seconds, as a Double (for Dispatch deadlines and messages).
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
