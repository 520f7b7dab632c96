import Foundation
import Labs
import Sockets
import XCTest

/// The files lab's "inside the folder" checks work on bytes, as the kernel does.
///
/// The folder names: `café` written with U+00E9 (NFC, bytes `63 61 66 c3 a9`) and `cafe` +
/// U+0301 (NFD, `63 61 66 65 cc 81`). Swift's `String` says they are equal; Linux keeps
/// them as two folders, which `ls` in the test's own directory shows.
final class UnicodePathTests: XCTestCase {
    let nfc = "caf\u{E9}"
    let nfd = "cafe\u{301}"
    let secret = "TOP SECRET: the NFD twin's file"

    /// base/café (the root, NFC) with a link into base/café (NFD) and a hard link to a file outside.
    func makeTwins() throws -> (root: FileRoot, base: String) {
        let base = try temporaryFolder(self)
        XCTAssertEqual(mkdir(base + "/" + nfc, 0o755), 0)
        XCTAssertEqual(mkdir(base + "/" + nfd, 0o755), 0, "the file system keeps both names")
        // Independent truth: the kernel lists two entries for what String calls one name.
        let entries = try FileManager.default.contentsOfDirectory(atPath: base).map { Array($0.utf8) }
        XCTAssertEqual(Set(entries), [Array(nfc.utf8), Array(nfd.utf8)])
        try Data(secret.utf8).write(to: URL(fileURLWithPath: base + "/" + nfd + "/secret.txt"))
        try Data(secret.utf8).write(to: URL(fileURLWithPath: base + "/outside.txt"))
        try Data("fine\n".utf8).write(to: URL(fileURLWithPath: base + "/" + nfc + "/fine.txt"))
        try FileManager.default.createSymbolicLink(atPath: base + "/" + nfc + "/twin-link", withDestinationPath: "../" + nfd + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: base + "/" + nfc + "/twin-absolute",
                                                   withDestinationPath: base + "/" + nfd + "/secret.txt")
        XCTAssertEqual(link(base + "/outside.txt", base + "/" + nfc + "/hard.txt"), 0)
        return (try FileRoot(path: base + "/" + nfc), base)
    }

    func testALinkIntoTheCanonicallyEqualTwinFolderIsNotServed() throws {
        let (root, _) = try makeTwins()
        for name in ["twin-link", "twin-absolute"] {
            guard case .failure(let refusal) = root.open(name) else { return XCTFail("\(name) was served from the NFD twin") }
            XCTAssertEqual(refusal.description, "no such file: \(name)")
            XCTAssertEqual(refusal.logSentence.id, .fileLeadsOutside, "the log says why")
        }
        guard case .success(let file) = root.open("fine.txt") else { return XCTFail("a plain file inside is served") }
        file.close()
    }

    func testASlashWithACombiningMarkDoesNotHideDotDot() throws {
        let (root, base) = try makeTwins()
        // The kernel reads `../\u{301}x` as `..` then `\u{301}x`; put a secret there.
        try Data(secret.utf8).write(to: URL(fileURLWithPath: base + "/\u{301}x"))
        for name in ["../\u{301}x", "fine.txt/../\u{301}x", "./../\u{301}x"] {
            guard case .failure(let refusal) = root.open(name) else { return XCTFail("\(name.debugDescription) was opened") }
            XCTAssertEqual(refusal.sentence.id, .nameDotDot, "\(name.debugDescription): \(refusal)")
        }
    }

    func testAFileWithMoreThanOneHardLinkIsRefusedAndNotListed() throws {
        let (root, base) = try makeTwins()
        var info = stat()
        XCTAssertEqual(stat(base + "/outside.txt", &info), 0)
        XCTAssertEqual(info.st_nlink, 2, "the kernel counts the link in the folder")
        guard case .failure(let refusal) = root.open("hard.txt") else { return XCTFail("the hard link was served") }
        XCTAssertEqual(refusal.sentence.id, .fileHardLinked)
        XCTAssertEqual(root.listing(), ["fine.txt"], "ls names only what get would send")
    }

    /// Over a real connection: a missing name, a link out and a link into the twin get the same
    /// answer apart from the name; no secret byte is sent; the log tells them apart.
    func testOverTheWireMissingAndOutsideLookTheSame() throws {
        let (root, _) = try makeTwins()
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        defer { socket.close() }
        var answers: [String: String] = [:]
        for name in ["missing", "twin-link", "twin-absolute"] {
            try socket.sendAll(Array("get \(name)".utf8))
            answers[name] = text(try receiveAnswer(socket))
            try socket.sendAll(Array("ack".utf8))
        }
        XCTAssertEqual(answers["missing"], "ERR no such file: missing")
        XCTAssertEqual(answers["twin-link"], "ERR no such file: twin-link")
        XCTAssertEqual(answers["twin-absolute"], "ERR no such file: twin-absolute")
        lab.eventually("the log says the link leads outside") {
            lab.log.contains { $0.contains("twin-link leads outside the served folder") }
        }
    }

    /// The files client's `--into`: the copy's name is the last byte-split component.
    func testTheClientSavesACombiningMarkNameInsideItsFolder() throws {
        let server = try ScriptedSizeFirstServer([ScriptedSizeFirstServer.sized(Array("payload".utf8))])
        defer { server.stop() }
        let parent = try temporaryFolder(self)
        let downloads = parent + "/downloads"
        XCTAssertEqual(mkdir(downloads, 0o755), 0)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .saved(let path, let bytes, _) = try client.get("../\u{301}x", into: downloads) else {
            return XCTFail("the fake server sends a file")
        }
        XCTAssertEqual(bytes, 7)
        XCTAssertEqual(Array(path.utf8), Array((downloads + "/\u{301}x").utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["downloads"], "nothing lands next to the folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: downloads).map { Array($0.utf8) }, [Array("\u{301}x".utf8)])
    }
}
