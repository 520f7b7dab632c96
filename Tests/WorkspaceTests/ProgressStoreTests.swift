import Foundation
import Workspace
import XCTest

final class ProgressStoreTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testStateDirectoryFollowsXDGAndIgnoresRelativeValues() {
        XCTAssertEqual(ProgressStore.stateDirectory(environment: ["XDG_STATE_HOME": "/srv/state", "HOME": "/home/a"]).path,
                       "/srv/state/osilab")
        XCTAssertEqual(ProgressStore.stateDirectory(environment: ["HOME": "/home/a"]).path, "/home/a/.local/state/osilab")
        XCTAssertEqual(ProgressStore.stateDirectory(environment: ["XDG_STATE_HOME": "relative/dir", "HOME": "/home/a"]).path,
                       "/home/a/.local/state/osilab", "the XDG spec says a relative value must be ignored")
    }

    func testProgressSurvivesARestart() throws {
        let file = folder.appendingPathComponent("progress.json")
        let first = ProgressStore(file: file)
        try first.update { progress in
            progress.currentLesson = "handshake"
            progress.lessons["handshake", default: .init()].screen = 5
            progress.checkpoints["handshake-connect"] = .init(answer: "b", correct: true, attempts: 2)
        }
        let second = ProgressStore(file: file)
        let loaded = second.load()
        XCTAssertEqual(loaded.currentLesson, "handshake")
        XCTAssertEqual(loaded.lessons["handshake"]?.screen, 5)
        XCTAssertEqual(loaded.checkpoints["handshake-connect"], .init(answer: "b", correct: true, attempts: 2))
        XCTAssertTrue(second.takeWarnings().isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(leftovers, ["progress.json"], "the atomic write leaves no temporary file behind")
    }

    func testACorruptFileIsSetAsideAndReportedNeverFatal() throws {
        let file = folder.appendingPathComponent("progress.json")
        try Data("{ this is not json".utf8).write(to: file)
        let store = ProgressStore(file: file)
        XCTAssertEqual(store.load(), LearnerProgress(), "the learner starts afresh")
        let warnings = store.takeWarnings()
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.contains("could not be read") ?? false, "\(warnings)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertTrue(names.contains { $0.hasPrefix("progress.json.corrupt-") }, "the bad file is kept for inspection: \(names)")
        XCTAssertFalse(names.contains("progress.json"))
        try store.update { $0.currentLesson = "osi-model" }
        XCTAssertEqual(ProgressStore(file: file).load().currentLesson, "osi-model", "saving works again afterwards")
    }

    func testUnknownAndMissingFieldsAreTolerated() throws {
        let file = folder.appendingPathComponent("progress.json")
        try Data(#"{"version": 9, "currentLesson": "sockets", "somethingNew": [1, 2], "lessons": 42}"#.utf8).write(to: file)
        let progress = ProgressStore(file: file).load()
        XCTAssertEqual(progress.currentLesson, "sockets", "what can be read is kept")
        XCTAssertTrue(progress.lessons.isEmpty, "a field of the wrong type is dropped, not fatal")
    }
}

final class LabHomeTests: XCTestCase {
    func testFindsTheCheckoutAboveTheTests() throws {
        let home = try LabHome.locate(environment: [:])
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.packageManifest.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: home.lessons.appendingPathComponent("README.md").path))
    }

    func testABadOverrideIsAClearError() {
        XCTAssertThrowsError(try LabHome.locate(environment: ["OSILAB_HOME": "/nonexistent/osilab"])) { error in
            XCTAssertTrue("\(error)".contains("OSILAB_HOME is set to /nonexistent/osilab"), "\(error)")
        }
    }

    func testEnvironmentCheckNamesTheFixForWhatIsMissing() {
        let check = EnvironmentCheck.run(environment: ["PATH": "/nonexistent"])
        let tcpdump = check.items.first { $0.name == "tcpdump" }
        // tcpdump lives in /usr/bin, which an empty PATH hides; sbin folders are always searched.
        XCTAssertEqual(tcpdump?.present, false)
        XCTAssertTrue(tcpdump?.detail.contains("sudo apt-get install -y tcpdump") ?? false)
        XCTAssertNotNil(EnvironmentCheck.findExecutable("ip", environment: ["PATH": "/nonexistent"]),
                        "ip is found in /usr/sbin or /sbin even when PATH lacks them")
    }
}
