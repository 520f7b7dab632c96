import Foundation
import Labs
import Sockets
import TextUI
import XCTest

/// `ls` in the files lab: osilab's server lists the served folder through the notes' four
/// steps (request, size, acknowledgement, bytes), and the notes' Python client, which
/// sends only `get` lines, works against it byte for byte as before.
final class FilesListingTests: XCTestCase {
    let samples = ["hello.txt", "lines.txt", "你好.txt"]

    func makeFolders() throws -> (root: FileRoot, downloads: String) {
        let base = try temporaryFolder(self)
        let root = try FileRoot.prepare(at: base + "/served")
        let downloads = base + "/downloads"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        return (root, downloads)
    }

    /// `request` on a raw socket: the announcement, and after an acknowledgement the bytes announced.
    func exchange(_ request: String, port: UInt16) throws -> (announced: String, body: [UInt8]) {
        let socket = try rawClient(port: port)
        defer { socket.close() }
        try socket.sendAll(Array(request.utf8))
        let announced = text(try receiveAnswer(socket))
        try socket.sendAll(Array("ready to recv file".utf8))
        guard let size = Int(announced) else { return (announced, []) }
        return (announced, try receive(size, from: socket))
    }

    func testLsOnTheWireIsTheSizeThenOneNameALine() throws {
        let (root, _) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let expected = Array("hello.txt\nlines.txt\n你好.txt\n".utf8)
        let (announced, body) = try exchange("ls", port: lab.port)
        XCTAssertEqual(announced, String(expected.count), "the size of the list, as ASCII digits, like a file's")
        XCTAssertEqual(body, expected)
        lab.eventually("the server logs the list it sent") {
            lab.log.contains { $0.contains("sent the file list: announced \(expected.count), got acknowledgement \"ready to recv file\"") }
        }
        XCTAssertEqual(try exchange("ls extra", port: lab.port).announced, "ERR 'ls' takes no arguments here: it lists the whole served folder")
        XCTAssertEqual(try exchange("put x", port: lab.port).announced,
                       "ERR unknown command 'put': this server understands only 'get NAME' and 'ls'")
    }

    func testSwiftClientListsTheFolderAndCarriesOn() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        let listedBytes = samples.map { $0.utf8.count + 1 }.reduce(0, +)
        XCTAssertEqual(try client.list(), .names(samples, bytes: listedBytes, recvCalls: 1))
        guard case .saved = try client.get("你好.txt", into: downloads) else { return XCTFail("get after ls must work") }
        XCTAssertEqual(try client.list(), .names(samples, bytes: listedBytes, recvCalls: 1), "the stream stays in step")
    }

    func testConsoleSessionShowsTheNamesThenGetsOne() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["ls", "get hello.txt", "ls -l", "list"])
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console, directory: downloads))
        let helloSize = FileRoot.samples.first { $0.name == "hello.txt" }?.content.count ?? -1
        XCTAssertEqual(scripted.output, samples + ["saved hello.txt: \(helloSize) bytes, as announced, in 1 recv() call -> \(downloads)/hello.txt"])
        XCTAssertEqual(scripted.remarks, [
            "(\(samples.map { $0.utf8.count + 1 }.reduce(0, +)) bytes, as announced, in 1 recv() call)",
            "the server refused: 'ls' takes no arguments here: it lists the whole served folder",
            "this client understands two commands: ls and get NAME",
        ])
    }

    func testConsoleSessionInChinese() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root), language: .chinese)
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["ls", "ls -l", "list"], language: .chinese)
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console, directory: downloads))
        XCTAssertEqual(scripted.output, samples)
        let bytes = samples.map { $0.utf8.count + 1 }.reduce(0, +)
        XCTAssertEqual(scripted.remarks, [
            "（\(bytes) 字节，与宣告的一致，用了 1 次 recv() 调用）",
            "服务器拒绝了：这里的 ls 不带参数：它列出整个共享文件夹",
            "这个客户端只懂两个命令：ls 和 get NAME",
        ])
        XCTAssertEqual(SentenceAudit.englishWords(in: scripted.remarks.joined(separator: "\n"), allowed: ["get", "ls"]), [])
        lab.eventually("the Chinese log notes the list") {
            lab.log.contains { $0.contains("已发送文件列表：宣告 \(bytes)，收到确认 \"ready to recv file\"，发出 \(bytes) 字节") }
        }
    }

    func testEmptyFolderListsNothingAndSaysSo() throws {
        let base = try temporaryFolder(self)
        try FileManager.default.createDirectory(atPath: base + "/empty", withIntermediateDirectories: true)
        // A name no client could ask for (a line end in it) is left out of the list.
        try Data("x".utf8).write(to: URL(fileURLWithPath: base + "/empty/odd\nname"))
        let lab = try ServerUnderTest(FileService(root: try FileRoot(path: base + "/empty")))
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["ls"])
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output, [])
        XCTAssertEqual(scripted.remarks, ["(the served folder has no files)", "(0 bytes, as announced, in 0 recv() calls)"])
    }

    func testNotesPythonClientIsUnchangedByteForByte() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        // The notes' client sends only lines that start with "get": "ls" never reaches the server.
        let python = try TestProcess.python("ftp_client.py", [String(lab.port), "ls", "get 你好.txt", "get lines.txt"], directory: downloads)
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        for name in ["你好.txt", "lines.txt"] {
            let original = try XCTUnwrap(FileRoot.samples.first { $0.name == name }?.content)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: downloads + "/" + name + "副本"))), original)
        }
        let size = FileRoot.samples.first { $0.name == "你好.txt" }?.content.count ?? -1
        XCTAssertTrue(python.output.hasPrefix("file size: \(size)\n"), python.output)
        XCTAssertTrue(python.output.contains("\(size) \(size)\nfile done\n"), python.output)
        lab.eventually("both files are sent") { lab.log.filter { $0.contains("sent lines.txt") || $0.contains("sent 你好.txt") }.count == 2 }
        XCTAssertFalse(lab.log.contains { $0.contains("file list") }, "\(lab.log)")
    }

    func testLsAgainstTheNotesPythonServerSaysWhyTheConnectionClosed() throws {
        let (root, _) = try makeFolders()
        let python = try TestProcess.python("ftp_server.py", ["0"], directory: root.path)
        defer { python.stop() }
        let port = try XCTUnwrap(python.announcedPort())
        let client = try FilesClient(host: "localhost", port: port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertThrowsError(try client.list()) { error in
            XCTAssertEqual("\(error)", "the server closed the connection instead of answering ls: the notes' Python server "
                               + "understands only get NAME, and any other request stops it")
            XCTAssertEqual((error as? LabClientError)?.text(.chinese),
                           "服务器没有回答 ls 就关闭了连接：笔记里的 Python 服务器只懂 get NAME，别的请求都会让它停下")
        }
        XCTAssertTrue(waitUntil { !python.process.isRunning }, "the notes' server stops on `ls`")
        XCTAssertTrue(python.errors.contains("ValueError"), python.errors)
    }
}
