import Foundation
import Labs
import Sockets
import XCTest

final class CommandRunnerTests: XCTestCase {
    func testRunsAProgramDirectlyAndCollectsItsOutputAndErrors() throws {
        let result = try CommandRunner().run(["ls", "/no/such/place", "/"])
        let output = text(result.output)
        XCTAssertTrue(output.contains("No such file or directory"), "standard error is collected too: \(output)")
        XCTAssertTrue(output.contains("usr"), output)
        XCTAssertEqual(result.exitStatus, 2, "ls exits with 2 when a path is missing")
        XCTAssertFalse(result.timedOut)
    }

    func testCommandRunningTooLongIsKilled() throws {
        let runner = CommandRunner(timeout: .milliseconds(300))
        let result = try runner.run(["sleep", "30"])
        XCTAssertTrue(result.timedOut, "the time limit must end the command")
        XCTAssertEqual(result.signal, SIGKILL)
    }

    func testChildrenOfAKilledCommandAreKilledToo() throws {
        let marker = "/tmp/osilab-orphan-\(UUID().uuidString)"
        let runner = CommandRunner(timeout: .milliseconds(300))
        // The shell starts a child that would create the marker after one second.
        let result = try runner.run(["sh", "-c", "(sleep 1; touch \(marker)) & sleep 30"])
        XCTAssertTrue(result.timedOut)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the whole process group must be killed")
    }

    func testOutputIsBounded() throws {
        let runner = CommandRunner(timeout: .seconds(5), maxOutputBytes: 10_000)
        let result = try runner.run(["yes"])
        XCTAssertEqual(result.output.count, 10_000)
        XCTAssertTrue(result.truncated)
        XCTAssertNotNil(result.signal, "a command that writes too much is killed")
    }

    func testCommandsInheritNoSocketsOrOtherDescriptors() throws {
        // Sockets the server holds open while a command runs.
        let (listener, _) = try { () throws -> (Socket, SocketAddress) in
            let socket = try Socket(family: .inet, type: .stream)
            try socket.bind(to: .ipv4(.loopback, port: 0))
            try socket.listen()
            return (socket, try socket.localAddress())
        }()
        defer { listener.close() }
        let result = try CommandRunner().run(["ls", "/proc/self/fd"])
        // ls itself holds 0, 1, 2 and one descriptor for the directory it reads.
        let descriptors = text(result.output).split(separator: "\n").compactMap { Int($0) }.sorted()
        XCTAssertEqual(descriptors.count, 4, "the command saw descriptors \(descriptors); only 0, 1, 2 and ls's own should be open")
        XCTAssertEqual(Array(descriptors.prefix(3)), [0, 1, 2])
    }

    func testSignalsAreAtTheirDefaultsInTheCommand() throws {
        // The server ignores SIGPIPE; a command must not inherit that, or `yes | head` style
        // programs would spin on EPIPE instead of ending.
        let result = try CommandRunner().run(["sh", "-c", "grep -E '^SigIgn' /proc/self/status"])
        let line = text(result.output).trimmingCharacters(in: .whitespacesAndNewlines)
        let mask = try XCTUnwrap(UInt64(line.replacingOccurrences(of: "SigIgn:\t", with: ""), radix: 16), line)
        // Bit n-1 stands for signal n; signals 32 and up are the C library's own.
        XCTAssertEqual(mask & 0x7FFF_FFFF, 0, "no ordinary signal may be ignored in the command: \(line)")
    }

    func testMissingProgramIsAClearRefusal() {
        XCTAssertThrowsError(try CommandRunner().run(["no-such-program-osilab"])) { error in
            XCTAssertEqual("\(error)", "cannot run 'no-such-program-osilab': No such file or directory")
        }
    }
}
