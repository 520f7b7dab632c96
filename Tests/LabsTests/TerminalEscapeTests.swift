import Foundation
import Labs
import Sockets
import TextUI
import XCTest

/// A size-first server (the remote and files labs' exchange) that answers each request with
/// the next of `answers`: the bytes where the size belongs (digits, or `ERR ...`), then,
/// after the client's acknowledgement, the body (nothing after an `ERR`).
final class ScriptedSizeFirstServer {
    private let server: OneConnectionServer
    var port: UInt16 { server.port }

    init(_ answers: [(announcement: [UInt8], body: [UInt8])]) throws {
        server = try OneConnectionServer(role: "hostile server", timeout: .seconds(5)) { connection in
            for answer in answers {
                guard let request = try? connection.recv(maxBytes: 4096), !request.isEmpty else { return }
                do {
                    try connection.sendAll(answer.announcement)
                    guard try !connection.recv(maxBytes: 4096).isEmpty else { return }
                    if !answer.body.isEmpty { try connection.sendAll(answer.body) }
                } catch { return }
            }
            // Wait for the client to finish, so the close comes from its side.
            _ = try? connection.recv(maxBytes: 4096)
        }
    }

    /// A size-first answer with `body`.
    static func sized(_ body: [UInt8]) -> (announcement: [UInt8], body: [UInt8]) {
        (Array(String(body.count).utf8), body)
    }

    func stop() { server.stop() }
}

/// What a hostile peer could make a terminal do, and proof that no client lets it through.
///
/// The truth checked is the bytes the client process wrote to its standard output and
/// error: what a terminal would receive. Scalars that are commands to a terminal, or reorder
/// its text: ESC and every other C0 control but line feed and tab, DEL, the C1 controls
/// (U+009B is a one-character CSI, U+009D an OSC) and the bidi controls.
final class TerminalEscapeTests: XCTestCase {
    /// OSC 52 (write the clipboard), CSI 2J (clear the screen), OSC 0 (retitle the window),
    /// a C1 CSI, a C1 OSC, a right-to-left override and a first-strong isolate.
    static let hostile = "ok\n\u{1B}]52;c;aGFja2Vk\u{07}\u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m\u{9D}0;x\u{9C}\u{202E}gnp.exe\u{2068}\ttab\r\u{7F}end\n"

    /// The scalars in `bytes` (decoded as UTF-8, a lone byte such as 0x9B as U+FFFD) that
    /// must not reach a terminal, and the raw ESC and C1 bytes a terminal in a legacy
    /// 8-bit mode would act on.
    func forbidden(in bytes: Data) -> [String] {
        var found: [String] = []
        for byte in bytes where byte == 0x1B || byte == 0x7F || (byte < 0x20 && byte != 0x0A && byte != 0x09) {
            found.append(String(format: "byte 0x%02x", byte))
        }
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if (0x80...0x9F).contains(value) || [0x061C, 0x200E, 0x200F].contains(value)
                || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                found.append(String(format: "U+%04X", value))
            }
        }
        return found
    }

    func written(_ url: URL) -> Data { (try? Data(contentsOf: url)) ?? Data() }

    func testRemoteClientShowsHostileOutputAndRefusalEscapedKeepingLines() throws {
        let server = try ScriptedSizeFirstServer([
            ScriptedSizeFirstServer.sized(Array(Self.hostile.utf8) + [0x9B, 0x0A]),
            (Array("ERR \u{1B}]52;c;aGk=\u{07}\u{9B}2J\u{202E}nope".utf8), []),
        ])
        defer { server.stop() }
        let client = try TestProcess(try builtOsilab(), ["client", "remote", "--port", String(server.port)],
                                     input: "whoami\ndate\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        let output = written(client.outputFile), errors = written(client.errorFile)
        XCTAssertEqual(forbidden(in: output), [], "stdout carried terminal commands: \(client.output.debugDescription)")
        XCTAssertEqual(forbidden(in: errors), [], "stderr carried terminal commands: \(client.errors.debugDescription)")
        // The output is still the learner's output: its lines and tabs are kept, the rest is visible.
        XCTAssertTrue(client.output.hasPrefix("ok\n\\u{1b}]52;c;aGFja2Vk\\u{7}\\u{1b}[2J"), client.output.debugDescription)
        XCTAssertTrue(client.output.contains("\\u{9b}31m\\u{9d}0;x\\u{9c}\\u{202e}gnp.exe\\u{2068}\ttab\\u{d}\\u{7f}end\n"),
                      client.output.debugDescription)
        XCTAssertTrue(client.errors.contains("the server refused: \\u{1b}]52;c;aGk=\\u{7}\\u{9b}2J\\u{202e}nope"),
                      client.errors.debugDescription)
    }

    func testFilesClientShowsHostileNamesAndRefusalEscaped() throws {
        let listing = Array("a.txt\n\u{1B}]0;pwned\u{07}.txt\n\u{202E}txt.exe\n\u{9B}2J\n".utf8)
        let server = try ScriptedSizeFirstServer([
            ScriptedSizeFirstServer.sized(listing),
            (Array("ERR no such file: \u{1B}[2J\u{9B}H\u{2066}x".utf8), []),
        ])
        defer { server.stop() }
        let downloads = try temporaryFolder(self)
        let client = try TestProcess(try builtOsilab(), ["client", "files", "--port", String(server.port), "--into", downloads],
                                     input: "ls\nget x\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        XCTAssertEqual(forbidden(in: written(client.outputFile)), [], client.output.debugDescription)
        XCTAssertEqual(forbidden(in: written(client.errorFile)), [], client.errors.debugDescription)
        XCTAssertEqual(client.output, "a.txt\n\\u{1b}]0;pwned\\u{7}.txt\n\\u{202e}txt.exe\n\\u{9b}2J\n")
        XCTAssertTrue(client.errors.contains("the server refused: no such file: \\u{1b}[2J\\u{9b}H\\u{2066}x"), client.errors)
    }

    func testEchoClientShowsAHostileEchoEscaped() throws {
        // The echo client reads as many bytes as it sent: 4 + 2 + 3 = 9 for "123456789".
        let reply = Array("\u{1B}[2J\u{9B}\u{202E}".utf8)
        XCTAssertEqual(reply.count, 9)
        let server = try OneConnectionServer(role: "hostile echo") { connection in
            guard let line = try? receive(9, from: connection), line.count == 9 else { return }
            try? connection.sendAll(reply)
            _ = try? connection.recv(maxBytes: 4096)
        }
        defer { server.stop() }
        let client = try TestProcess(try builtOsilab(), ["client", "echo", "--port", String(server.port)], input: "123456789\n")
        defer { client.stop() }
        XCTAssertEqual(client.waitForExit(), 0, client.errors)
        XCTAssertEqual(forbidden(in: written(client.outputFile)), [], client.output.debugDescription)
        XCTAssertEqual(client.output, "\\u{1b}[2J\\u{9b}\\u{202e}\n")
    }

    func testFilesServerBannerShowsNamesOnDiskEscaped() throws {
        let root = try temporaryFolder(self)
        for name in ["\u{1B}]0;pwned\u{07}.txt", "\u{202E}txt.exe", "\u{9B}2J.txt", "plain.txt"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: root + "/" + name, contents: Data("x".utf8)), name)
        }
        let server = try TestProcess(try builtOsilab(), ["serve", "files", "--root", root, "--port", "0", "--quiet"])
        defer { server.stop() }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { server.output.contains("plain.txt") }, server.output + server.errors)
        XCTAssertEqual(forbidden(in: written(server.outputFile)), [], server.output.debugDescription)
        // A name with control characters cannot be asked for (the server refuses it), so the
        // banner, which lists what `get` would send, leaves it out; a bidi override is a legal name.
        XCTAssertFalse(server.output.contains("pwned"), server.output.debugDescription)
        XCTAssertTrue(server.output.contains("\\u{202e}txt.exe"), server.output.debugDescription)
    }

    func testReadEchoesAHostileFileNameEscaped() throws {
        let folder = try temporaryFolder(self)
        let path = folder + "/\u{1B}]52;c;aGk=\u{07}\u{9B}2J\u{202E}.pcap"
        let read = try TestProcess(try builtOsilab(), ["read", path])
        defer { read.stop() }
        XCTAssertNotEqual(read.waitForExit(), 0, "a missing capture file is an error")
        XCTAssertFalse(read.errors.isEmpty)
        XCTAssertEqual(forbidden(in: written(read.errorFile)), [], read.errors.debugDescription)
        XCTAssertEqual(forbidden(in: written(read.outputFile)), [], read.output.debugDescription)
        XCTAssertTrue(read.errors.contains("\\u{1b}]52;c;aGk=\\u{7}\\u{9b}2J\\u{202e}.pcap"), read.errors.debugDescription)
    }

    /// The one function, scalar by scalar: what is escaped and how.
    func testByteTextEscapesC0C1DELAndBidi() {
        let cases: [(String, String)] = [
            ("\u{1B}[2J", "\\u{1b}[2J"), ("\u{9B}", "\\u{9b}"), ("\u{80}", "\\u{80}"), ("\u{9F}", "\\u{9f}"),
            ("\u{A0}", "\u{A0}"), ("\u{7F}", "\\u{7f}"), ("\u{202A}\u{202E}", "\\u{202a}\\u{202e}"),
            ("\u{2066}\u{2069}", "\\u{2066}\\u{2069}"), ("\u{200E}\u{200F}\u{061C}", "\\u{200e}\\u{200f}\\u{61c}"),
            ("a\nb\tc\r", "a\\nb\\tc\\r"), ("你好 é", "你好 é"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(ByteText.escaped(input, limit: 80), expected, input.debugDescription)
        }
        XCTAssertEqual(ByteText.quoted(Array("\u{9B}x\"".utf8)), "\"\\u{9b}x\\\"\"")
        XCTAssertEqual(ByteText.output(Array("a\n\tb\u{9B}\r\n".utf8)), "a\n\tb\\u{9b}\\u{d}\n")
        XCTAssertEqual(TextSanitizer.clean("a\u{202E}b\u{9B}c"), "abc", "lesson text drops bidi and C1 controls")
    }
}
