import Foundation
import Labs
import Sockets
import XCTest

final class FilesLabTests: XCTestCase {
    /// A served folder holding the sample files, and an empty folder for the copies.
    func makeFolders() throws -> (root: FileRoot, downloads: String) {
        let base = try temporaryFolder(self)
        let root = try FileRoot.prepare(at: base + "/served")
        let downloads = base + "/downloads"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        return (root, downloads)
    }

    func sample(_ name: String) throws -> [UInt8] {
        try XCTUnwrap(FileRoot.samples.first { $0.name == name }?.content, "no sample named \(name)")
    }

    func testPreparedFolderHasTheSamplesIncludingAChineseNamedFile() throws {
        let (root, _) = try makeFolders()
        XCTAssertEqual(root.listing(), ["hello.txt", "lines.txt", "你好.txt"])
        let chinese = try sample("你好.txt")
        XCTAssertGreaterThan(chinese.count, String(decoding: chinese, as: UTF8.self).count * 2,
                             "the Chinese sample must have many more bytes than characters: that is its lesson")
        XCTAssertGreaterThan(try sample("lines.txt").count, 1024, "one sample must need several recv(1024) calls")
    }

    func testPrepareNeverOverwritesAFile() throws {
        let base = try temporaryFolder(self)
        try FileManager.default.createDirectory(atPath: base + "/served", withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: base + "/served/hello.txt"))
        _ = try FileRoot.prepare(at: base + "/served")
        XCTAssertEqual(try String(contentsOfFile: base + "/served/hello.txt", encoding: .utf8), "mine")
    }

    func testSwiftClientAgainstSwiftServerSavesExactCopies() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        for name in ["hello.txt", "你好.txt", "lines.txt"] {
            guard case .saved(let path, let bytes, _) = try client.get(name, into: downloads) else {
                return XCTFail("\(name) was not saved")
            }
            XCTAssertEqual(path, downloads + "/" + name)
            XCTAssertEqual(bytes, try sample(name).count)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), try sample(name),
                           "the copy of \(name) must equal the original byte for byte")
        }
    }

    func testSecondCopyGetsANewNameInsteadOfOverwriting() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        _ = try client.get("hello.txt", into: downloads)
        guard case .saved(let path, _, _) = try client.get("hello.txt", into: downloads) else { return XCTFail("not saved") }
        XCTAssertEqual(path, downloads + "/hello (1).txt")
    }

    func testMissingFileIsRefusedAndTheSwiftClientCarriesOn() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["get nothing-here.txt", "get hello.txt"])
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console, directory: downloads))
        XCTAssertEqual(scripted.remarks, ["the server refused: no such file: nothing-here.txt"])
        XCTAssertEqual(scripted.output.count, 1)
        XCTAssertTrue(scripted.output.first?.hasPrefix("saved hello.txt:") ?? false, "\(scripted.output)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: downloads + "/nothing-here.txt"), "no empty copy may be saved")
    }

    func testNotesPythonClientAgainstSwiftServer() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let python = try TestProcess.python("ftp_client.py", [String(lab.port), "get 你好.txt", "get lines.txt"], directory: downloads)
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: downloads + "/你好.txt副本"))), try sample("你好.txt"))
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: downloads + "/lines.txt副本"))), try sample("lines.txt"))
        XCTAssertTrue(python.output.hasPrefix("file size: \(try sample("你好.txt").count)\n"), python.output)
        XCTAssertTrue(lab.log.contains { $0.contains("acknowledgement \"ready to recv file\"") }, "\(lab.log)")
    }

    func testNotesPythonClientStopsWithTheReasonInsteadOfSavingAnEmptyFile() throws {
        let (root, downloads) = try makeFolders()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let python = try TestProcess.python("ftp_client.py", [String(lab.port), "get missing.txt"], directory: downloads)
        defer { python.stop() }
        XCTAssertNotEqual(python.waitForExit(), 0, "int(b'ERR ...') raises ValueError in the notes' client")
        XCTAssertTrue(python.errors.contains("ValueError"), python.errors)
        XCTAssertTrue(python.errors.contains("ERR no such file: missing.txt"), "the reason shows in the traceback: \(python.errors)")
        lab.eventually("the server should serve the next client after the Python client crashed") {
            lab.log.contains { $0.contains("#1 ended") }
        }
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .saved = try client.get("hello.txt", into: downloads) else { return XCTFail("the next client was not served") }
    }

    func testSwiftClientAgainstNotesPythonServer() throws {
        let (root, downloads) = try makeFolders()
        let python = try TestProcess.python("ftp_server.py", ["0"], directory: root.path)
        defer { python.stop() }
        let port = try XCTUnwrap(python.announcedPort())
        let client = try FilesClient(host: "localhost", port: port, timeout: .seconds(5))
        defer { client.close() }
        for name in ["你好.txt", "lines.txt", "hello.txt"] {
            guard case .saved(let path, _, _) = try client.get(name, into: downloads) else { return XCTFail("\(name) not saved") }
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), try sample(name),
                           "\(name) must arrive whole although the notes' server sends it line by line")
        }
    }

    func testSwiftClientGivesUpOnTheNotesServersSilenceForAMissingFile() throws {
        let (root, downloads) = try makeFolders()
        let python = try TestProcess.python("ftp_server.py", ["0"], directory: root.path)
        defer { python.stop() }
        let port = try XCTUnwrap(python.announcedPort())
        let client = try FilesClient(host: "localhost", port: port, timeout: .seconds(1))
        defer { client.close() }
        XCTAssertThrowsError(try client.get("missing.txt", into: downloads), "the client's timeout must end the wait") { error in
            XCTAssertTrue("\(error)".contains("the server sent nothing for too long"), "\(error)")
        }
    }
}
