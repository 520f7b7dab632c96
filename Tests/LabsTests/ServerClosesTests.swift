#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Labs
import Sockets
import Synchronization
import TextUI
import XCTest

/// What a lab client says when the server goes away, and when it says it: at once, while
/// it waits for the learner's next line, in words that fit the lab's protocol (the echo
/// protocol announces no size, so the client must not speak of "bytes it announced").
final class ServerClosesTests: XCTestCase {
    /// A console whose lines come through a real pipe, which stays open until the test
    /// closes it: like a learner who has typed nothing more.
    final class PipedConsole: Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        private let collected = Mutex<(output: [String], remarks: [String])>(([], []))
        let language: Language

        init(language: Language = .english) throws {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
            readEnd = ends[0]
            writeEnd = ends[1]
            self.language = language
        }

        deinit {
            close(readEnd)
            if writeEnd >= 0 { close(writeEnd) }
        }

        var console: ClientConsole {
            ClientConsole(input: LineInput(descriptor: readEnd), prompt: nil,
                          output: { [self] text in collected.withLock { $0.output.append(text) } },
                          remark: { [self] text in collected.withLock { $0.remarks.append(text) } },
                          language: language)
        }

        /// Types `line` and its line end.
        func type(_ line: String) {
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        }

        var output: [String] { collected.withLock { $0.output } }
        var remarks: [String] { collected.withLock { $0.remarks } }
    }

    /// Whether a session has ended, and how: nil while it runs.
    final class Outcome: Sendable {
        let value = Mutex<Bool?>(nil)
        var ended: Bool { value.withLock { $0 } != nil }
        var succeeded: Bool? { value.withLock { $0 } }
    }

    /// Connects an echo client to `port` and runs its session on a thread of its own.
    func echoSession(port: UInt16, console: ClientConsole) -> Outcome {
        let outcome = Outcome()
        let thread = Thread {
            let succeeded = (try? EchoClient(host: "127.0.0.1", port: port, timeout: .seconds(5)))?.run(console: console)
            outcome.value.withLock { $0 = succeeded ?? true }
        }
        thread.start()
        return outcome
    }

    /// The echo client's session against a real echo server that is stopped while the client
    /// waits for the next line: what it showed, and how long after stop() it ended.
    func echoSessionStopped(language: Language) throws -> (succeeded: Bool?, output: [String], remarks: [String], after: Duration) {
        let lab = try ServerUnderTest(EchoService())
        let piped = try PipedConsole(language: language)
        let console = piped.console
        let finished = echoSession(port: lab.port, console: console)
        piped.type("hello, 你好")
        XCTAssertTrue(waitUntil { piped.output == ["HELLO, 你好"] }, "the first line must come back: \(piped.output) \(piped.remarks)")
        // The learner types nothing more and the pipe stays open: only the closed connection can end the session.
        let stopped = ContinuousClock.now
        lab.server.stop()
        let ended = waitUntil(timeout: .seconds(5)) { finished.ended }
        let after = ContinuousClock.now - stopped
        XCTAssertTrue(ended, "the client must notice the closed connection while it waits for a line, not when the next line is sent")
        return (finished.succeeded, piped.output, piped.remarks, after)
    }

    func testEchoClientSaysAtOnceThatTheStoppedServerClosedTheConnection() throws {
        let session = try echoSessionStopped(language: .english)
        XCTAssertEqual(session.succeeded, false, "a lost connection makes the client fail")
        XCTAssertLessThan(session.after, .seconds(2), "stop() closes the connection at once; the client must say so at once")
        XCTAssertEqual(session.remarks, [
            "error: the echo server closed the connection while the client waited for your next line "
                + "(it stopped, or the connection was idle too long); every answer had arrived. "
                + "To go on, connect again: osilab client echo",
        ])
        XCTAssertFalse(session.remarks.joined().contains("announced"), "the echo protocol announces nothing")
    }

    func testEchoClientSaysInChineseThatTheStoppedServerClosedTheConnection() throws {
        let session = try echoSessionStopped(language: .chinese)
        XCTAssertEqual(session.succeeded, false)
        XCTAssertLessThan(session.after, .seconds(2))
        XCTAssertEqual(session.remarks, [
            "错误：客户端在等你输入下一行时，echo 服务器关闭了连接（服务器停止了，或者连接空闲太久）；之前的回答都已收齐。"
                + "要继续，请重新连接：osilab client echo",
        ])
        XCTAssertEqual(SentenceAudit.englishWords(in: session.remarks.joined(separator: "\n"), allowed: ["echo"]), [])
    }

    func testIdleTimeoutOfTheServerIsNoticedWhenItHappens() throws {
        var limits = testLimits
        limits.idleTimeout = .milliseconds(300)
        let lab = try ServerUnderTest(EchoService(), limits: limits)
        defer { lab.server.stop() }
        let piped = try PipedConsole()
        let console = piped.console
        let finished = echoSession(port: lab.port, console: console)
        XCTAssertTrue(waitUntil(timeout: .seconds(3)) { finished.ended },
                      "the server closes an idle connection after 300 ms; the waiting client must notice")
        XCTAssertEqual(finished.succeeded, false)
        XCTAssertEqual(piped.remarks.count, 1)
        XCTAssertTrue(piped.remarks.first?.hasPrefix("error: the echo server closed the connection while the client waited") ?? false,
                      "\(piped.remarks)")
        lab.eventually("the server must log the idle timeout") { lab.log.contains { $0.contains("#1 ended: timed out") } }
    }

    func testResetWhileTheClientWaitsIsSaidAsAReset() throws {
        let listener = try Socket(family: .inet, type: .stream, role: "test server")
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let port = try XCTUnwrap(try listener.localAddress().port)
        let piped = try PipedConsole(language: .chinese)
        let console = piped.console
        let finished = echoSession(port: port, console: console)
        let (connection, _) = try listener.accept()
        // SO_LINGER 0: close() sends RST instead of FIN.
        try connection.setLinger(seconds: 0)
        connection.close()
        XCTAssertTrue(waitUntil { finished.ended }, "the reset must end the waiting client")
        XCTAssertEqual(piped.remarks, ["错误：客户端在等你输入下一行时，echo 服务器重置了连接。要继续，请重新连接：osilab client echo"])
    }

    /// A server that echoes only the first `echoed` bytes of the line, then closes.
    func halfEcho(_ line: String, echoed: Int, language: Language) throws -> String {
        let listener = try Socket(family: .inet, type: .stream, role: "test server")
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let port = try XCTUnwrap(try listener.localAddress().port)
        let client = try EchoClient(host: "127.0.0.1", port: port, timeout: .seconds(5))
        defer { client.close() }
        let (connection, _) = try listener.accept()
        let server = Thread {
            let request = (try? receive(line.utf8.count, from: connection)) ?? []
            try? connection.sendAll(request.prefix(echoed))
            try? connection.shutdown(.write)
        }
        server.start()
        defer { connection.close() }
        do {
            _ = try client.send(line)
            XCTFail("a half echo must be an error")
            return ""
        } catch {
            return error.text(language)
        }
    }

    func testEchoCutShortSpeaksOfTheBytesSentNotOfAnAnnouncement() throws {
        let line = "hello, 你好"   // 13 bytes: 7 ASCII, two characters of three bytes
        XCTAssertEqual(try halfEcho(line, echoed: 5, language: .english),
                       "waiting for the echo: the server closed the connection before echoing the whole line "
                           + "(5 of the \(line.utf8.count) bytes sent had come back)")
        let chinese = try halfEcho(line, echoed: 0, language: .chinese)
        XCTAssertEqual(chinese, "等待回显：服务器没把这一行全部送回就关闭了连接（发出的 13 字节只回来了 0 字节）")
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [])
    }

    func testLongLineCutShortCountsTheWholeLine() throws {
        let line = String(repeating: "ab", count: 20_000)   // 40000 bytes: three pieces of at most 16 KiB
        let listener = try Socket(family: .inet, type: .stream, role: "test server")
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let port = try XCTUnwrap(try listener.localAddress().port)
        let client = try EchoClient(host: "127.0.0.1", port: port, timeout: .seconds(5))
        defer { client.close() }
        let (connection, _) = try listener.accept()
        defer { connection.close() }
        // Echo the first piece whole, then 100 bytes of the second, then close.
        let server = Thread {
            let first = (try? receive(16 * 1024, from: connection)) ?? []
            try? connection.sendAll(first)
            let second = (try? receive(100, from: connection)) ?? []
            try? connection.sendAll(second)
            try? connection.shutdown(.write)
        }
        server.start()
        XCTAssertThrowsError(try client.send(line)) { error in
            XCTAssertEqual("\(error)", "waiting for the echo: the server closed the connection before echoing the whole line "
                               + "(\(16 * 1024 + 100) of the 40000 bytes sent had come back)")
        }
    }

    func testEchoSessionWithTheBinaryEndsAtOnceWhenServeIsInterrupted() throws {
        for (flags, expected) in [([String](), "error: the echo server closed the connection while the client waited for your next line"),
                                  (["--lang", "zh"], "错误：客户端在等你输入下一行时，echo 服务器关闭了连接")] {
            let binary = try osilabBinary()
            let server = try TestProcess(binary, ["serve", "echo", "--port", "0"] + flags)
            defer { server.stop() }
            var port: UInt16?
            _ = waitUntil(timeout: .seconds(10)) {
                if let range = server.output.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                    port = UInt16(server.output[range].split(separator: ":").last ?? "")
                }
                return port != nil || !server.process.isRunning
            }
            let serverPort = try XCTUnwrap(port, "no banner: \(server.output) \(server.errors)")

            // The client's standard input stays open: the learner has typed one line and waits.
            let client = Process()
            client.executableURL = URL(fileURLWithPath: binary)
            client.arguments = ["client", "echo", "--port", String(serverPort)] + flags
            let input = Pipe(), output = Pipe(), errors = Pipe()
            client.standardInput = input
            client.standardOutput = output
            client.standardError = errors
            try client.run()
            defer { if client.isRunning { client.terminate() } }
            input.fileHandleForWriting.write(Data("hello\n".utf8))
            XCTAssertTrue(waitUntil(timeout: .seconds(10)) { server.output.contains("#1") && server.output.contains("HELLO") },
                          server.output)
            server.process.interrupt()   // Ctrl-C on the server's terminal
            XCTAssertTrue(waitUntil(timeout: .seconds(3)) { !client.isRunning },
                          "the client must end by itself when the server stops, without another line")
            let shown = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(client.terminationStatus, 1, shown)
            XCTAssertEqual(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "HELLO\n")
            XCTAssertTrue(shown.contains(expected), shown)
            XCTAssertFalse(shown.contains("announced") || shown.contains("宣告"), shown)
            try? input.fileHandleForWriting.close()
        }
    }

    func osilabBinary() throws -> String {
        try builtOsilab()
    }
}
