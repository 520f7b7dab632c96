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
        let command = wrapper + [executable.path] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        // A run stores nothing in the learner's real progress, and no language is chosen for
        // it by an earlier run's `--lang`: unless a test says otherwise, its own state folder.
        env["XDG_STATE_HOME"] = isolatedStateHome
        env[Language.childVariable] = nil
        for (key, value) in environment { env[key] = value }
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
