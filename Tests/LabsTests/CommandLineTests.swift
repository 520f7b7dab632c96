import Foundation
import Labs
import Sockets
import XCTest

/// `osilab serve` and `osilab client` as a learner runs them: the built binary, in processes of their own.
final class CommandLineTests: XCTestCase {
    func osilab(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try builtOsilab(file: file, line: line)
    }

    /// The port in the server's banner: `... listening on 127.0.0.1:PORT ...`.
    func bannerPort(_ server: TestProcess) -> UInt16? {
        var port: UInt16?
        _ = waitUntil(timeout: .seconds(10)) {
            if let range = server.output.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = UInt16(server.output[range].split(separator: ":").last ?? "")
            }
            return port != nil || !server.process.isRunning
        }
        return port
    }

    func testServeAndClientEchoWithPipedInputThenSIGTERM() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "echo", "--port", "0"])
        defer { server.stop() }
        let port = try XCTUnwrap(bannerPort(server), "no banner: \(server.output) \(server.errors)")
        XCTAssertTrue(server.output.contains("Try it from another terminal: osilab client echo --port \(port)"), server.output)

        let client = try TestProcess(binary, ["client", "echo", "--port", String(port)], input: "hello\n你好 abc\n\nbye\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        XCTAssertEqual(client.output, "HELLO\n你好 ABC\nBYE\n", "piped input: no prompt, one reply per line, empty line skipped")

        XCTAssertTrue(waitUntil { server.output.contains("#1 ended: client closed the connection") }, server.output)
        server.process.terminate()   // SIGTERM
        XCTAssertEqual(server.waitForExit(), 0, "SIGTERM must stop the server cleanly: \(server.output) \(server.errors)")
        XCTAssertTrue(server.output.contains("SIGTERM: stopping the echo server."), server.output)
        XCTAssertTrue(server.output.contains("echo server summary: 1 connection (1 client closed)"), server.output)
    }

    func testServeFilesAndClientSaveIntoAFolder() throws {
        let binary = try osilab()
        let served = try FileRoot.prepare(at: try temporaryFolder(self) + "/served")
        let downloads = try temporaryFolder(self)
        let server = try TestProcess(binary, ["serve", "files", "--root", served.path, "--port", "0", "--quiet"])
        defer { server.stop() }
        let port = try XCTUnwrap(bannerPort(server), "no banner: \(server.output) \(server.errors)")
        XCTAssertTrue(server.output.contains("Serves files from \(served.path) only: hello.txt, lines.txt, 你好.txt"), server.output)
        let client = try TestProcess(binary, ["client", "files", "--port", String(port), "--into", downloads],
                                     input: "get 你好.txt\nget missing\nput x\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        let size = FileRoot.samples.first { $0.name == "你好.txt" }?.content.count ?? -1
        XCTAssertEqual(client.output, "saved 你好.txt: \(size) bytes, as announced, in 1 recv() call -> \(downloads)/你好.txt\n")
        XCTAssertTrue(client.errors.contains("the server refused: no such file: missing"), client.errors)
        XCTAssertTrue(client.errors.contains("this client understands two commands: ls and get NAME"), client.errors)
        server.process.interrupt()   // SIGINT, as Ctrl-C sends
        XCTAssertEqual(server.waitForExit(), 0, server.errors)
        XCTAssertTrue(server.output.contains("SIGINT: stopping the files server."), server.output)
    }

    func testListeningBeyondLoopbackPrintsAWarning() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "remote", "--host", "0.0.0.0", "--port", "0", "--allow-any-command"])
        defer { server.stop() }
        XCTAssertTrue(waitUntil { server.errors.contains("--allow-any-command") }, server.errors)
        XCTAssertTrue(server.errors.contains("WARNING: listening on 0.0.0.0, not loopback"), server.errors)
        XCTAssertTrue(server.errors.contains("WARNING: --allow-any-command"), server.errors)
    }

    func testClientWithoutServerSaysWhatToStart() throws {
        let binary = try osilab()
        // A port that is bound but not listening, so nothing can answer there.
        let holder = try Socket(family: .inet, type: .stream)
        defer { holder.close() }
        try holder.bind(to: .ipv4(.loopback, port: 0))
        let port = try XCTUnwrap(holder.localAddress().port)
        let client = try TestProcess(binary, ["client", "remote", "--host", "127.0.0.1", "--port", String(port)], input: "ls\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 1)
        XCTAssertTrue(client.errors.contains("ECONNREFUSED"), client.errors)
        XCTAssertTrue(client.errors.contains("Start it with: osilab serve remote"), client.errors)
    }

    func testOptionsForAnotherLabAreRejected() throws {
        let binary = try osilab()
        let server = try TestProcess(binary, ["serve", "echo", "--root", "/tmp"])
        defer { server.stop() }
        XCTAssertNotEqual(server.waitForExit(), 0)
        XCTAssertTrue(server.errors.contains("--root is for the files lab only"), server.errors)
    }
}
