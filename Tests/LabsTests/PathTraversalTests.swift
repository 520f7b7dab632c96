import Foundation
import Labs
import Sockets
import XCTest

/// The files lab must never send anything from outside its folder, however the name is dressed up.
final class PathTraversalTests: XCTestCase {
    let secret = "TOP SECRET: this file lies outside the served folder"

    /// base/secret.txt (outside), base/served/ (the root) with a link out and a link to a folder outside.
    func makeRoot() throws -> (root: FileRoot, base: String) {
        let base = try temporaryFolder(self)
        try Data(secret.utf8).write(to: URL(fileURLWithPath: base + "/secret.txt"))
        try FileManager.default.createDirectory(atPath: base + "/outside", withIntermediateDirectories: true)
        try Data(secret.utf8).write(to: URL(fileURLWithPath: base + "/outside/secret.txt"))
        let root = try FileRoot.prepare(at: base + "/served")
        try FileManager.default.createDirectory(atPath: base + "/served/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/served/link-out", withDestinationPath: base + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: base + "/served/relative-link-out", withDestinationPath: "../secret.txt")
        try FileManager.default.createSymbolicLink(atPath: base + "/served/folder-out", withDestinationPath: base + "/outside")
        try FileManager.default.createSymbolicLink(atPath: base + "/served/passwd", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: base + "/served/sub/inside-link", withDestinationPath: "../hello.txt")
        return (root, base)
    }

    var attacks: [String] {
        [
            "../secret.txt",
            "../../etc/passwd",
            "../../../../../../../../etc/passwd",
            "sub/../../secret.txt",
            "./../secret.txt",
            "/etc/passwd",
            "//etc/passwd",
            "link-out",
            "relative-link-out",
            "folder-out/secret.txt",
            "passwd",
            "%2e%2e%2fsecret.txt",
            "..%2fsecret.txt",
            "%2e%2e/secret.txt",
            "..\\secret.txt",
            "secret.txt\u{0}.txt",
            "../secret.txt\u{0}",
            "hello.txt\n../secret.txt",
            String(repeating: "a/", count: 600) + "secret.txt",
            String(repeating: "x", count: 5000),
            "..",
            "",
        ]
    }

    func testEveryTraversalNameIsRefused() throws {
        let (root, _) = try makeRoot()
        for name in attacks {
            switch root.open(name) {
            case .success(let file):
                var bytes = [UInt8](repeating: 0, count: 200)
                let count = read(file.descriptor, &bytes, 200)
                file.close()
                XCTFail("\(ByteText.quoted(Array(name.utf8))) was opened; it starts \(ByteText.quoted(bytes.prefix(max(0, count))))")
            case .failure(let refusal):
                XCTAssertFalse(refusal.description.isEmpty)
            }
        }
    }

    func testRefusalsSayWhy() throws {
        let (root, _) = try makeRoot()
        func reason(_ name: String) -> String {
            if case .failure(let refusal) = root.open(name) { return refusal.description }
            return "opened"
        }
        XCTAssertEqual(reason("../secret.txt"), "'..' is not allowed in file names")
        XCTAssertEqual(reason("/etc/passwd"), "absolute paths are not allowed; name a file in the served folder")
        // On the wire a link out is no different from a missing name (the log tells them apart).
        XCTAssertEqual(reason("link-out"), "no such file: link-out")
        XCTAssertEqual(reason("folder-out/secret.txt"), "no such file: folder-out/secret.txt")
        XCTAssertEqual(reason("%2e%2e%2fsecret.txt"), "no such file: %2e%2e%2fsecret.txt", "percent signs are not decoded")
        XCTAssertEqual(reason("a\u{0}b"), "the file name contains control characters")
        XCTAssertEqual(reason(String(repeating: "x", count: 5000)), "the file name is longer than 1024 bytes")
    }

    func testLinksThatStayInsideTheRootAreServed() throws {
        let (root, _) = try makeRoot()
        guard case .success(let file) = root.open("sub/inside-link") else { return XCTFail("a link within the folder should work") }
        XCTAssertEqual(file.size, FileRoot.samples[0].content.count)
        file.close()
        guard case .success(let plain) = root.open("./sub/./inside-link") else { return XCTFail("'.' is harmless") }
        plain.close()
        guard case .failure = root.open("sub/../hello.txt") else {
            return XCTFail("'..' is refused even where it would stay inside: the rule is simpler to trust")
        }
    }

    func testServerRefusesTraversalOverTheWireAndSendsNoSecret() throws {
        let (root, _) = try makeRoot()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        defer { socket.close() }
        for name in attacks where !name.isEmpty && name.utf8.count < 4000 {
            try socket.sendAll(Array("get \(name)".utf8))
            let answer = try receiveAnswer(socket)
            XCTAssertTrue(text(answer).hasPrefix("ERR "), "\(ByteText.quoted(Array(name.utf8))) got \(ByteText.quoted(answer))")
            XCTAssertFalse(text(answer).contains("TOP SECRET"))
            try socket.sendAll(Array("ack".utf8))
        }
        // Still in step: a proper request on the same connection works.
        try socket.sendAll(Array("get hello.txt".utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), String(FileRoot.samples[0].content.count))
        XCTAssertTrue(lab.log.contains { $0.contains("refused get \"../secret.txt\": '..' is not allowed") }, "\(lab.log)")
    }
}
