import Foundation
import Labs
import Sockets
import TextUI
import XCTest

/// The folder of the notes' Python programs used as the other end of a connection.
let peersDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers").path

/// The osilab binary, built next to the test bundle by `swift build` / `swift test`.
func builtOsilab(file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let candidate = testBinary.deletingLastPathComponent().appendingPathComponent("osilab").path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        XCTFail("no osilab binary at \(candidate): run `swift build --product osilab` first", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    return candidate
}

/// Limits that make a hang fail in seconds rather than minutes.
let testLimits = ServerLimits(maxConnections: 256, idleTimeout: .seconds(10), ioTimeout: .seconds(3),
                              maxRequestBytes: 4096, stopGrace: .seconds(3))

/// A lab server on 127.0.0.1 and a port the kernel picks, with its log kept in memory.
final class ServerUnderTest: Sendable {
    let server: TCPLabServer
    let collector = LogCollector()

    init(_ service: any LabService, limits: ServerLimits = testLimits, language: Language = .english) throws {
        server = try TCPLabServer(service: service, host: "127.0.0.1", port: 0, limits: limits,
                                  log: collector.log(language: language))
    }

    var port: UInt16 { server.address.port ?? 0 }
    var log: [String] { collector.lines }

    /// Waits until `condition` holds, or fails after `timeout` with `message`.
    func eventually(_ message: String, timeout: Duration = .seconds(5), file: StaticString = #filePath, line: UInt = #line,
                    _ condition: () -> Bool) {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline {
                XCTFail("\(message)\nserver log:\n\(log.joined(separator: "\n"))", file: file, line: line)
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

/// Waits until `condition` holds; false after `timeout`.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

/// A plain TCP client socket on 127.0.0.1:`port`, with a timeout so no test can hang.
func rawClient(port: UInt16, timeout: Duration = .seconds(5)) throws -> Socket {
    let socket = try Socket(family: .inet, type: .stream, role: "test client")
    try socket.setTimeout(timeout)
    try socket.connect(to: .ipv4(.loopback, port: port))
    return socket
}

/// A plain TCP client socket bound to `source` (any 127.x.y.z is this machine), so the
/// server sees a client address other than 127.0.0.1.
func rawClient(port: UInt16, from source: String, timeout: Duration = .seconds(5)) throws -> Socket {
    let socket = try Socket(family: .inet, type: .stream, role: "test client")
    try socket.setTimeout(timeout)
    try socket.bind(to: try SocketAddress(host: source, port: 0))
    try socket.connect(to: .ipv4(.loopback, port: port))
    return socket
}

/// Receives until `count` bytes have arrived or the peer closes.
func receive(_ count: Int, from socket: Socket) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < count {
        let piece = try socket.recv(maxBytes: count - bytes.count)
        if piece.isEmpty { break }
        bytes += piece
    }
    return bytes
}

/// Receives everything until the peer closes (bounded by the socket's timeout).
func receiveUntilClosed(_ socket: Socket, limit: Int = 1 << 20) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < limit {
        let piece = try socket.recv(maxBytes: 65536)
        if piece.isEmpty { break }
        bytes += piece
    }
    return bytes
}

/// Receives what arrives within `quiet` of silence after the first bytes: a whole small answer.
func receiveAnswer(_ socket: Socket, quiet: Duration = .milliseconds(100)) throws -> [UInt8] {
    var bytes = try socket.recv(maxBytes: 65536)
    while try socket.waitUntilReadable(timeout: quiet) {
        let more = try socket.recv(maxBytes: 65536)
        if more.isEmpty { break }
        bytes += more
    }
    return bytes
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A console fed from a list of lines that collects what the client shows.
final class ScriptedConsole: Sendable {
    private let state: Mutex<(lines: [String], output: [String], remarks: [String])>
    let language: Language

    init(_ lines: [String], language: Language = .english) {
        state = Mutex((lines, [], []))
        self.language = language
    }

    var console: ClientConsole {
        ClientConsole(
            readLine: { [self] in state.withLock { $0.lines.isEmpty ? nil : $0.lines.removeFirst() } },
            prompt: nil,
            output: { [self] text in state.withLock { $0.output.append(text) } },
            remark: { [self] text in state.withLock { $0.remarks.append(text) } },
            language: language)
    }

    var output: [String] { state.withLock { $0.output } }
    var remarks: [String] { state.withLock { $0.remarks } }
}

import Synchronization

/// A program run for a test, its output collected in files, killed if it outlives its time.
final class TestProcess {
    let process = Process()
    let outputFile: URL
    let errorFile: URL
    let name: String

    /// Starts `executable` with `arguments` in `directory`, with `input` as standard input and
    /// `extraEnvironment` added to this process's environment.
    init(_ executable: String, _ arguments: [String], directory: String? = nil, input: String? = nil,
         extraEnvironment: [String: String] = [:]) throws {
        name = ([executable] + arguments).joined(separator: " ")
        let scratch = FileManager.default.temporaryDirectory
        outputFile = scratch.appendingPathComponent("osilab-test-\(UUID().uuidString).out")
        errorFile = scratch.appendingPathComponent("osilab-test-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = peersDirectory
        environment["PYTHONUNBUFFERED"] = "1"
        environment.merge(extraEnvironment) { _, new in new }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
    }

    /// The notes' Python program `script` (in Peers/).
    static func python(_ script: String, _ arguments: [String], directory: String? = nil, input: String? = nil) throws -> TestProcess {
        try TestProcess("/usr/bin/env", ["python3", peersDirectory + "/" + script] + arguments, directory: directory, input: input)
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Waits for the program to end; kills it and fails the test if it takes longer than `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(20), file: StaticString = #filePath, line: UInt = #line) -> Int32 {
        if !waitUntil(timeout: timeout, { !process.isRunning }) {
            process.terminate()
            _ = waitUntil(timeout: .seconds(2)) { !process.isRunning }
            XCTFail("\(name) hung for \(timeout) and was killed.\nstdout:\n\(output)\nstderr:\n\(errors)", file: file, line: line)
            return -1
        }
        return process.terminationStatus
    }

    /// For a peer server: the port it printed as `PORT n`.
    func announcedPort(timeout: Duration = .seconds(10), file: StaticString = #filePath, line: UInt = #line) -> UInt16? {
        var port: UInt16?
        _ = waitUntil(timeout: timeout) {
            if let found = output.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }) {
                port = UInt16(found.dropFirst(5).trimmingCharacters(in: .whitespaces))
            }
            return port != nil || !process.isRunning
        }
        if port == nil {
            XCTFail("\(name) did not announce its port.\nstdout:\n\(output)\nstderr:\n\(errors)", file: file, line: line)
        }
        return port
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            _ = waitUntil(timeout: .seconds(5)) { !process.isRunning }
        }
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }
}

/// A fresh, empty folder that is removed when the test ends.
func temporaryFolder(_ testCase: XCTestCase) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-labs-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    // realpath, so paths compare equal to the server's resolved root (/tmp may be a link).
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
}
