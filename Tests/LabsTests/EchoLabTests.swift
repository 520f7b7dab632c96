import Foundation
import Labs
import Sockets
import XCTest

final class EchoLabTests: XCTestCase {
    func testUpperCasingChangesASCIILettersOnlyLikePythonBytesUpper() {
        var bytes = Array("héllo, 世界 abc-XYZ 123".utf8)
        let length = bytes.count
        upperCasedASCII(&bytes)
        XCTAssertEqual(text(bytes), "HéLLO, 世界 ABC-XYZ 123",
                       "only a-z change: é stays é, exactly as Python's b'...'.upper() leaves non-ASCII bytes alone")
        XCTAssertEqual(bytes.count, length, "an upper-cased reply is exactly as long as the request")
    }

    func testUpperCasingLeavesAHalfCharacterIntact() {
        // The first two of the three bytes of 世 (e4 b8 96), as a recv() could return them.
        var bytes: [UInt8] = [0x61, 0xE4, 0xB8]
        upperCasedASCII(&bytes)
        XCTAssertEqual(bytes, [0x41, 0xE4, 0xB8], "bytes of a cut character must pass through unchanged")
    }

    func testSwiftClientAgainstSwiftServer() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        let client = try EchoClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.send("hello").text, "HELLO")
        XCTAssertEqual(try client.send("你好 world").text, "你好 WORLD", "multi-byte UTF-8 must come back untouched")
        XCTAssertTrue(lab.log.contains { $0.contains("recv 5 bytes: \"hello\" -> sent \"HELLO\"") },
                      "the server logs each message like the notes' print(\"recv:\"): \(lab.log)")
    }

    func testClientConnectsByHostNameTryingIPv6AndIPv4() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        // localhost may resolve to ::1 first, where nothing listens; the client must go on to 127.0.0.1.
        let client = try EchoClient(host: "localhost", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.send("by name").text, "BY NAME")
    }

    func testEmptyLineSendsNothingAndDoesNotBlock() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["", "after the empty line", ""])
        let client = try EchoClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(1))
        XCTAssertTrue(client.run(console: scripted.console),
                      "an empty line must not make the client wait for a reply that never comes: \(scripted.remarks)")
        XCTAssertEqual(scripted.output, ["AFTER THE EMPTY LINE"])
        XCTAssertEqual(scripted.remarks, [], "piped input: no remarks, and no timeout")
    }

    func testLongLineComesBackWholeWithoutDeadlock() throws {
        let lab = try ServerUnderTest(EchoService(chunkBytes: 1000))
        defer { lab.server.stop() }
        let client = try EchoClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        let line = String(repeating: "abc汉字", count: 200_000)   // 2.2 MB: more than the socket buffers hold
        let reply = try client.send(line)
        XCTAssertEqual(reply.bytes.count, line.utf8.count, "the reply must be exactly as long as the line")
        XCTAssertEqual(reply.text, line.uppercased(), "every piece must come back, in order")
        XCTAssertGreaterThan(reply.recvCalls, 1, "a reply this long arrives over several recv() calls")
    }

    func testNotesPythonClientAgainstSwiftServer() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        let python = try TestProcess.python("echo_client.py", [String(lab.port), "hello", "你好 abc"])
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        XCTAssertEqual(python.output, "HELLO\n你好 ABC\n")
    }

    func testSwiftClientAgainstNotesPythonServer() throws {
        let python = try TestProcess.python("echo_server.py", ["0"])
        defer { python.stop() }
        let port = try XCTUnwrap(python.announcedPort())
        let scripted = ScriptedConsole(["hello", "  spaces are stripped like the notes' strip()  ", "你好 abc"])
        let client = try EchoClient(host: "localhost", port: port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console), "remarks: \(scripted.remarks)")
        XCTAssertEqual(scripted.output, ["HELLO", "SPACES ARE STRIPPED LIKE THE NOTES' STRIP()", "你好 ABC"])
        XCTAssertTrue(waitUntil { python.output.contains("recv: 你好 abc") }, "the Python server printed: \(python.output)")
    }

    func testLoneBytesThatAreNotUTF8AreEchoedAndLogged() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        defer { socket.close() }
        try socket.sendAll([0xFF, 0x61, 0xFE])
        XCTAssertEqual(try receive(3, from: socket), [0xFF, 0x41, 0xFE], "the echo works on bytes, valid UTF-8 or not")
        lab.eventually("the log should say the bytes are not UTF-8") {
            lab.log.contains { $0.contains("not UTF-8: ff 61 fe") }
        }
    }
}
