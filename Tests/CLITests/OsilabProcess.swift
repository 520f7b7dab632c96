import Foundation
import TextUI
import XCTest

/// Runs the built `osilab` binary as a learner would, and collects what it printed.
struct OsilabProcess {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// The osilab executable next to this test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for folder in candidates {
            let url = folder.appendingPathComponent("osilab")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: ".build/debug/osilab")
    }

    /// The checkout these tests belong to (three folders above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The osilab another user (nobody) runs: the built one when every user may reach it and
    /// the lab's files, else a copy of it and of what it reads in a folder every user may
    /// enter. A checkout inside a folder only its owner can enter (a clone in a `mktemp -d`
    /// folder, mode 700) is invisible to nobody: osilab would run but find no lab.
    static let executableForOthers: URL = {
        let manifest = packageRoot.appendingPathComponent("Package.swift")
        let lessons = packageRoot.appendingPathComponent("Lessons")
        if ReadableCopy.othersCanReach(executable, execute: true), ReadableCopy.othersCanReach(manifest),
           ReadableCopy.othersCanReach(lessons, execute: true) {
            return executable
        }
        do {
            return try ReadableCopy.make(executable: executable, from: packageRoot)
        } catch {
            XCTFail("could not copy osilab to a folder nobody can read: \(error)")
            return executable
        }
    }()

    /// The lab folder the osilab of ``executableForOthers`` finds (the checkout, or its copy).
    static var labForOthers: URL {
        executableForOthers == executable ? packageRoot
            : executableForOthers.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs osilab as nobody on a machine where user namespaces are turned off: inside a user
    /// namespace of nobody's own whose `user.max_user_namespaces` is 0 (the limit is per user
    /// namespace, so the machine's own stays as it was). osilab there holds no capability over
    /// the machine's network, as an ordinary user on such a machine.
    /// What an ordinary user's login gives: no sbin folders on PATH (so osilab must find `ip`
    /// and `nft` itself), and a home of their own.
    /// A state folder (`XDG_STATE_HOME`) of the test process's own, readable by nobody too.
    static let isolatedStateHome: String = {
        let path = NSTemporaryDirectory() + "osilab-test-state-\(getpid())"
        mkdir(path, 0o1777)
        chmod(path, 0o1777)
        return path
    }()

    static var learnerEnvironment: [String: String] {
        let home = NSTemporaryDirectory() + "osilab-nobody-home"
        mkdir(home, 0o755)
        chown(home, 65534, 65534)
        return ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "XDG_RUNTIME_DIR": "", "XDG_STATE_HOME": ""]
    }

    static func runWithUserNamespacesOff(_ arguments: [String], timeout: TimeInterval = 30,
                                         file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        try run(arguments, wrappedIn: [
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "/usr/bin/unshare", "--user", "--map-current-user", "--keep-caps",
            "/bin/sh", "-c", "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"", "sh",
        ], environment: learnerEnvironment, timeout: timeout, file: file, line: line)
    }

    /// Runs osilab with `arguments`, optionally as another user (via setpriv) and with input,
    /// and waits at most `timeout`; a run that takes longer is killed and reported as hung.
    static func run(
        _ arguments: [String], asUser uid: Int? = nil, input: String? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Result {
        try run(arguments, wrappedIn: uid.map { ["/usr/bin/setpriv", "--reuid=\($0)", "--regid=\($0)", "--clear-groups"] } ?? [],
                input: input, environment: uid == nil ? environment : learnerEnvironment.merging(environment) { $1 },
                timeout: timeout, file: file, line: line)
    }

    /// Runs `wrapper` (a program and its arguments, or nothing) followed by osilab and `arguments`.
    static func run(
        _ arguments: [String], wrappedIn wrapper: [String], input: String? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Result {
        let process = Process()
        // Every wrapper here runs osilab as another user, who needs an osilab they can reach.
        let program = wrapper.isEmpty ? executable : executableForOthers
        let command = wrapper + [program.path] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        // A run stores nothing in the learner's real progress, and no language is chosen for
        // it by an earlier run's `--lang`: unless a test says otherwise, its own state folder.
        env["XDG_STATE_HOME"] = isolatedStateHome
        env[Language.childVariable] = nil
        for (key, value) in environment { env[key] = value }
        if !wrapper.isEmpty {
            if env["OSILAB_HOME"] == packageRoot.path { env["OSILAB_HOME"] = labForOthers.path }
            // Started in the test's own folder (the checkout), a user who may not enter it could
            // start no program: Foundation's Process and posix_spawn change into it first.
            process.currentDirectoryURL = labForOthers
        }
        process.environment = env
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outputData = ReadAll(stdout.fileHandleForReading)
        let errorData = ReadAll(stderr.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("osilab \(arguments.joined(separator: " ")) hung for \(Int(timeout)) s and was stopped", file: file, line: line)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: outputData.text(), error: errorData.text())
    }
}

/// Reads a pipe to its end on a background thread, so a chatty child never blocks on a full pipe.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A copy of osilab and the files it reads (Package.swift, Lessons/, Exercises/, README.md,
/// scripts/), laid out as in the checkout, in a folder every user may enter and read.
enum ReadableCopy {
    /// Whether a user who is neither owner nor in the group may reach `url`: enter every
    /// folder above it, read it, and (with `execute`) run or enter it.
    static func othersCanReach(_ url: URL, execute: Bool = false) -> Bool {
        var path = ""
        for component in url.standardizedFileURL.pathComponents.dropLast() where component != "/" {
            path += "/" + component
            guard let mode = self.mode(path), mode & 0o001 != 0 else { return false }
        }
        guard let mode = mode(url.path) else { return false }
        return mode & 0o004 != 0 && (!execute || mode & 0o001 != 0)
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode : nil
    }

    /// Copies into `<temporary>/osilab-for-others-<pid>/lab/` (earlier runs' copies removed
    /// first), and returns the copied osilab at `lab/.build/debug/osilab`.
    static func make(executable: URL, from root: URL) throws -> URL {
        let manager = FileManager.default
        let temporary = othersCanReach(URL(fileURLWithPath: NSTemporaryDirectory()), execute: true)
            ? URL(fileURLWithPath: NSTemporaryDirectory()) : URL(fileURLWithPath: "/tmp")
        for name in (try? manager.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix("osilab-for-others-") {
            // Another test process's copy stays while that process runs.
            if let pid = Int32(name.dropFirst("osilab-for-others-".count)), pid != getpid(), kill(pid, 0) == 0 { continue }
            try? manager.removeItem(at: temporary.appendingPathComponent(name))
        }
        let base = temporary.appendingPathComponent("osilab-for-others-\(getpid())")
        try? manager.removeItem(at: base)
        let lab = base.appendingPathComponent("lab")
        let debug = lab.appendingPathComponent(".build/debug")
        try manager.createDirectory(at: debug, withIntermediateDirectories: true)
        for entry in ["Package.swift", "Lessons", "Exercises", "README.md", "scripts"]
        where manager.fileExists(atPath: root.appendingPathComponent(entry).path) {
            try manager.copyItem(at: root.appendingPathComponent(entry), to: lab.appendingPathComponent(entry))
        }
        let copied = debug.appendingPathComponent("osilab")
        try manager.copyItem(at: executable, to: copied)
        // A clone made with umask 077 has files only its owner can read: open the copy to all.
        try openToEveryone(base)
        if made.isEmpty { atexit { for path in ReadableCopy.made { try? FileManager.default.removeItem(atPath: path) } } }
        made.append(base.path)
        return copied
    }

    /// The copies this process made, removed when it exits.
    nonisolated(unsafe) static var made: [String] = []

    static func openToEveryone(_ url: URL) throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isFolder) else { return }
        let executable = isFolder.boolValue || ((mode(url.path) ?? 0) & 0o100 != 0)
        chmod(url.path, executable ? 0o755 : 0o644)
        if isFolder.boolValue {
            for name in try manager.contentsOfDirectory(atPath: url.path) {
                try openToEveryone(url.appendingPathComponent(name))
            }
        }
    }
}
