import Foundation
import Grading
import Sandbox
import Workspace
import XCTest

/// The exercise whose grading captures packets (echo-client) is graded for an ordinary user
/// in a private network made for it, exactly as `osilab check` launches it.
final class CaptureExerciseTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func catalogue() throws -> ExerciseCatalogue {
        try ExerciseCatalogue.load(from: LabHome(root: Self.root))
    }

    func testOnlyTheCapturingExerciseIsMarkedSo() throws {
        let capturing = try catalogue().exercises.filter(\.capturesPackets).map(\.name)
        XCTAssertEqual(capturing, ["echo-client"])
    }

    func testTheGraderUsesAPrivateNetworkOnlyWhenItMustAndMay() throws {
        let exercises = try catalogue().exercises
        let echoClient = try XCTUnwrap(exercises.first { $0.name == "echo-client" })
        let sendAll = try XCTUnwrap(exercises.first { $0.name == "send-all" })
        let grader = try Grader(home: LabHome(root: Self.root), environment: ["PATH": "/opt/swift/usr/bin:/usr/bin:/bin"])
        XCTAssertTrue(grader.runsInPrivateNetwork(echoClient, canCapture: { false }, check: { nil }))
        XCTAssertFalse(grader.runsInPrivateNetwork(echoClient, canCapture: { true }, check: { nil }), "root captures itself")
        XCTAssertFalse(grader.runsInPrivateNetwork(echoClient, canCapture: { false }, check: { Refusal(reason: .turnedOff) }),
                       "where none may be made, the check's own message says what to do")
        XCTAssertFalse(grader.runsInPrivateNetwork(sendAll, canCapture: { false }, check: { nil }), "it captures nothing")
    }

    /// This test bundle, or a copy of it that nobody may run when the checkout sits in a folder
    /// only its owner may enter (the copy is removed when the test process ends).
    func bundleNobodyCanRun() throws -> String {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var path = ""
        var reachable = true
        for component in bundle.pathComponents.dropLast() where component != "/" {
            path += "/" + component
            var info = stat()
            if stat(path, &info) != 0 || info.st_mode & 0o001 == 0 { reachable = false }
        }
        var info = stat()
        if reachable, stat(bundle.path, &info) == 0, info.st_mode & 0o005 == 0o005 { return bundle.path }
        let folder = "/tmp/osilab-bundle-for-nobody-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o755)
        let copy = folder + "/" + bundle.lastPathComponent
        try FileManager.default.copyItem(atPath: bundle.path, toPath: copy)
        chmod(copy, 0o755)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return copy
    }

    /// Runs one reference test of this bundle as nobody, optionally the way the grader does.
    func runReferenceAsNobody(inPrivateNetwork: Bool) throws -> (status: Int32, output: String) {
        let bundle = try bundleNobodyCanRun()
        var command = [bundle, "ExerciseSolutionTests.EchoClientReference/testConnectionShowsAHandshakeAndAFinEachWay"]
        var environment = ProcessInfo.processInfo.environment
        if inPrivateNetwork {
            let launch = PrivateNetwork.launch(command, environment: environment)
            command = [launch.executable] + launch.arguments
            environment = launch.environment
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups"] + command
        process.environment = environment
        // A checkout in a folder only its owner may enter (a clone inside `mktemp -d`) is no
        // working folder for nobody.
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    func testTheEchoClientGradingCapturesAsNobodyInAPrivateNetwork() throws {
        XCTAssertEqual(geteuid(), 0, "the test becomes nobody with setpriv, which needs root")
        let graded = try runReferenceAsNobody(inPrivateNetwork: true)
        XCTAssertEqual(graded.status, 0, graded.output)
        XCTAssertTrue(graded.output.contains("Executed 1 test, with 0 failures"), graded.output)

        // The same test without the private network: the capture is refused, and says what to do.
        let bare = try runReferenceAsNobody(inPrivateNetwork: false)
        XCTAssertNotEqual(bare.status, 0, bare.output)
        XCTAssertTrue(bare.output.contains("`osilab check echo-client` grades it in a private network of your own"), bare.output)
    }
}
