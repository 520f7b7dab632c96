import Foundation
@testable import LessonKit
import XCTest

/// A lab step's `server:` runs a real `osilab serve ...` in the background.
final class BackgroundServerTests: XCTestCase {
    /// The osilab executable built beside the tests.
    var osilab: String {
        Bundle.main.bundleURL.appendingPathComponent("osilab").path
    }

    func testStartsWaitsUntilListeningAndStopsWithItsLog() throws {
        let port = String(41_000 + Int(getpid() % 10_000))
        guard case .listening(let server) = BackgroundServer.start(
            executable: osilab, arguments: ["serve", "echo", "--port", port], environment: ["OSILAB_LANG": "en"])
        else { return XCTFail("the echo server did not start") }
        // The server is really there: a client gets its echo.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import socket; s = socket.create_connection(('127.0.0.1', \(port)));"
            + " s.sendall(b'ping'); print(s.recv(16).decode())"]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        python.waitUntilExit()
        XCTAssertEqual(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "PING\n")
        let log = server.stop()
        XCTAssertTrue(log.contains("listening on 127.0.0.1:\(port)"), log)
        XCTAssertTrue(log.contains("stopping the echo server"), "SIGTERM stops it as Ctrl-C does:\n\(log)")
        XCTAssertTrue(log.contains("1 connection"), log)
    }

    func testAPortAlreadyTakenIsReportedNotFatal() throws {
        let port = String(42_000 + Int(getpid() % 10_000))
        guard case .listening(let first) = BackgroundServer.start(
            executable: osilab, arguments: ["serve", "echo", "--port", port], environment: ["OSILAB_LANG": "en"])
        else { return XCTFail("the first server did not start") }
        defer { _ = first.stop() }
        guard case .exited(let output) = BackgroundServer.start(
            executable: osilab, arguments: ["serve", "echo", "--port", port], environment: ["OSILAB_LANG": "en"])
        else { return XCTFail("a second server on the same port cannot listen") }
        XCTAssertTrue(output.contains("EADDRINUSE") || output.contains("in use"), output)
    }

    /// A lesson read in Chinese starts its servers in Chinese: their banner still tells the
    /// runner they listen (it would otherwise wait out its 5 s before every such lab).
    func testAChineseServersBannerSaysItListens() throws {
        let port = String(43_000 + Int(getpid() % 10_000))
        guard case .listening(let server) = BackgroundServer.start(
            executable: osilab, arguments: ["serve", "echo", "--port", port], environment: ["OSILAB_LANG": "zh"])
        else { return XCTFail("the echo server did not start") }
        let log = server.stop()
        XCTAssertTrue(log.contains("127.0.0.1:\(port) 上监听"), log)
        XCTAssertTrue(BackgroundServer.saysListening(log), log)
        XCTAssertTrue(BackgroundServer.saysListening("osilab echo server listening on 127.0.0.1:\(port) (TCP): x."))
        XCTAssertFalse(BackgroundServer.saysListening("osilab: port \(port) is in use (EADDRINUSE)"))
    }
}
