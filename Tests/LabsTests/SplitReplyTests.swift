import Foundation
import Labs
import Sockets
import XCTest

/// A server for one connection on 127.0.0.1 and a port the kernel picks: `serve` runs on
/// a thread of its own with the accepted connection, which is closed afterwards. Both the
/// listener and the connection time out, so that no test can hang.
final class OneConnectionServer: Sendable {
    let listener: Socket
    let port: UInt16
    /// Left when the server thread is done.
    let finished = DispatchGroup()

    init(role: String = "", timeout: Duration = .seconds(5), _ serve: @escaping @Sendable (Socket) -> Void) throws {
        listener = try Socket(family: .inet, type: .stream, role: role)
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        try listener.setTimeout(timeout)
        port = try XCTUnwrap(listener.localAddress().port)
        finished.enter()
        Thread.detachNewThread { [listener, finished] in
            defer { finished.leave() }
            guard let (connection, _) = try? listener.accept() else { return }
            defer { connection.close() }
            try? connection.setTimeout(timeout)
            serve(connection)
        }
    }

    /// Wakes the thread if it still waits in accept(), gives it 5 seconds, and closes the listener.
    func stop() {
        try? listener.shutdown(.read)
        _ = finished.wait(timeout: .now() + 5)
        listener.close()
    }
}

/// A server that speaks the size-then-data protocol but sends everything in awkward
/// pieces, with pauses, to prove the clients count bytes instead of trusting recv() boundaries.
final class SplittingServer {
    private let server: OneConnectionServer
    var port: UInt16 { server.port }

    /// `answers` are sent in order, one per request; each is split into `pieces` byte counts (cycled).
    init(answers: [[UInt8]], pieces: [Int], pause: Duration = .milliseconds(5)) throws {
        server = try OneConnectionServer(role: "splitting server", timeout: .seconds(10)) { connection in
            func sendSplit(_ bytes: [UInt8]) throws {
                var offset = 0
                var index = 0
                while offset < bytes.count {
                    let size = min(pieces[index % pieces.count], bytes.count - offset)
                    try connection.sendAll(bytes[offset..<offset + size])
                    offset += size
                    index += 1
                    Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18)
                }
            }
            for answer in answers {
                guard let request = try? connection.recv(maxBytes: 4096), !request.isEmpty else { return }
                do {
                    try sendSplit(Array(String(answer.count).utf8))
                    guard try !connection.recv(maxBytes: 4096).isEmpty else { return }
                    try sendSplit(answer)
                } catch { return }
            }
        }
    }

    func stop() { server.stop() }
}

final class SplitReplyTests: XCTestCase {
    let chinese = Array("汉字在 UTF-8 里是三个字节:一个 recv() 可能在字的中间结束。".utf8)

    func testRemoteClientReadsExactlyWhenSizeAndDataComeByteByByte() throws {
        let second = Array("second answer\n".utf8)
        let server = try SplittingServer(answers: [chinese, second], pieces: [1])
        defer { server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .output(let bytes, let calls) = try client.run("anything") else { return XCTFail("no output") }
        XCTAssertEqual(bytes, chinese, "the client must keep counting, and decode only at the end")
        XCTAssertGreaterThan(calls, 1, "bytes sent one at a time arrive over many recv() calls")
        XCTAssertEqual(try client.run("again").text, "second answer\n",
                       "the client must not have read into the second answer")
    }

    func testRemoteClientReadsExactlyWithOddSplits() throws {
        let big = Array((0..<50_000).map { "\($0 % 10)" }.joined().utf8) + chinese
        let server = try SplittingServer(answers: [big, chinese], pieces: [1, 2, 3, 1000, 7, 4096, 1], pause: .zero)
        defer { server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .output(let bytes, _) = try client.run("big") else { return XCTFail("no output") }
        XCTAssertEqual(bytes, big)
        XCTAssertEqual(try client.run("next").text, text(chinese))
    }

    func testFilesClientSavesExactlyWhenSizeAndDataComeByteByByte() throws {
        let other = Array("another file".utf8)
        let server = try SplittingServer(answers: [chinese, other], pieces: [1])
        defer { server.stop() }
        let folder = try temporaryFolder(self)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .saved(let path, let count, _) = try client.get("chinese.txt", into: folder) else { return XCTFail("not saved") }
        XCTAssertEqual(count, chinese.count)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), chinese)
        guard case .saved(let path2, _, _) = try client.get("other.txt", into: folder) else { return XCTFail("not saved") }
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path2))), other)
    }

    func testFilesClientDeletesACopyThatArrivesShort() throws {
        // A server that announces 1000 bytes, sends 10 and closes.
        let server = try OneConnectionServer { connection in
            _ = try? connection.recv(maxBytes: 1024)
            try? connection.sendAll(Array("1000".utf8))
            _ = try? connection.recv(maxBytes: 1024)
            try? connection.sendAll([UInt8](repeating: 0x41, count: 10))
        }
        defer { server.stop() }
        let folder = try temporaryFolder(self)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertThrowsError(try client.get("short.bin", into: folder)) { error in
            XCTAssertTrue("\(error)".contains("closed the connection after 10 of the 1000 bytes"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "a short copy must not be left behind")
        XCTAssertEqual(server.finished.wait(timeout: .now() + 5), .success)
    }

    func testEchoClientReadsTheWholeReplyWhenItComesByteByByte() throws {
        let server = try OneConnectionServer { connection in
            var request: [UInt8] = []
            while request.count < 10, let piece = try? connection.recv(maxBytes: 64), !piece.isEmpty { request += piece }
            upperCasedASCII(&request)
            for byte in request {
                try? connection.sendAll([byte])
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        defer { server.stop() }
        let client = try EchoClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        let reply = try client.send("你好 abc")
        XCTAssertEqual(reply.text, "你好 ABC")
        XCTAssertGreaterThan(reply.recvCalls, 1, "bytes sent one at a time arrive over several recv() calls")
        XCTAssertEqual(server.finished.wait(timeout: .now() + 5), .success)
    }

    func testAnnouncementParsing() {
        XCTAssertEqual(Announcement(Array("1234".utf8)), .size(1234))
        XCTAssertEqual(Announcement(Array(" 42\r\n".utf8)), .size(42), "Python's int() accepts surrounding whitespace too")
        XCTAssertEqual(Announcement(Array("ERR no such file: x".utf8)), .error("no such file: x"))
        XCTAssertNil(Announcement(Array("12ab".utf8)))
        XCTAssertNil(Announcement(Array("-5".utf8)), "a negative size is not a size")
        XCTAssertNil(Announcement(Array("99999999999999999999999".utf8)), "an absurd size is not a size")
        XCTAssertNil(Announcement([]))
    }
}
