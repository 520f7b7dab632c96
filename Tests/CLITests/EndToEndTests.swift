import Foundation
import XCTest

/// The built osilab binary, run as a learner would, with its output piped: lessons are
/// printed in order and questions answered from standard input lines.
final class EndToEndTests: XCTestCase {
    var labHome: URL!
    var stateHome: URL!
    var home: URL!

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-e2e-\(UUID().uuidString)")
        labHome = base.appendingPathComponent("lab")
        stateHome = base.appendingPathComponent("state")
        home = base.appendingPathComponent("home")
        for folder in [labHome!, stateHome!, home!] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        // A lab home is a folder with Package.swift and Lessons/: here, the test fixtures.
        try Data().write(to: labHome.appendingPathComponent("Package.swift"))
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("Tests/LessonKitTests/Fixtures/Lessons"),
            to: labHome.appendingPathComponent("Lessons"))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: labHome.deletingLastPathComponent())
    }

    var progressFile: URL { stateHome.appendingPathComponent("osilab/progress.json") }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The output as flowing text: box borders and line ends removed.
        var flowing: String {
            stdout.split(separator: "\n").map { line -> String in
                var text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("│") { text.removeFirst() }
                if text.hasSuffix("│") { text.removeLast() }
                return text.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }.joined(separator: " ")
        }
    }

    static var binary: URL {
        // The test bundle sits next to the products in .build/<config>/.
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("osilab")
    }

    /// Runs osilab with `arguments`, `input` on standard input, and a clean environment
    /// pointing at the temporary lab and state folders. Fails after 30 s, saying it hung.
    func osilab(_ arguments: [String], input: String = "", environment extra: [String: String] = [:],
                file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("the osilab binary is not built at \(binary.path)", file: file, line: line)
            return Run(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = [
            "PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_STATE_HOME": stateHome.path,
            "OSILAB_HOME": labHome.path, "COLUMNS": "80",
        ]
        environment.merge(extra) { $1 }
        process.environment = environment
        let folder = stateHome.deletingLastPathComponent()
        let outURL = folder.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = folder.appendingPathComponent("err-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: outURL.path, contents: nil))
        XCTAssertTrue(FileManager.default.createFile(atPath: errURL.path, contents: nil))
        let stdout = try FileHandle(forWritingTo: outURL)
        let stderr = try FileHandle(forWritingTo: errURL)
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        if finished.wait(timeout: .now() + 30) == .timedOut {
            process.terminate()
            XCTFail("osilab \(arguments.joined(separator: " ")) hung for 30 s", file: file, line: line)
        }
        try stdout.close()
        try stderr.close()
        return Run(status: process.terminationStatus,
                   stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    func progress() throws -> [String: Any] {
        let data = try Data(contentsOf: progressFile)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testPipedLessonIsPrintedInOrderWithAnswersFromStandardInput() throws {
        let run = try osilab(["lesson", "1"], input: "a\na\nECONNREFUSED\nc\n")
        XCTAssertEqual(run.status, 0, run.stderr)
        let out = run.stdout
        XCTAssertFalse(out.contains("\u{1B}"), "piped output must have no escape codes")
        XCTAssertTrue(out.hasPrefix("Lesson 1: Fixture basics\n"), out)
        let order = ["Lists and code", "Which layer", "Short answer", "Predict", "The notes are wrong", "The end", "End of lesson 1."]
        let positions = order.map { out.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), "a screen is missing from the output:\n\(out)")
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "screens are printed in order")

        let text = run.flowing
        // A first miss gets the hint and another try; the second shows the answer.
        XCTAssertTrue(text.contains("Your answer (a or b): a ✗ Not quite: a) The data link layer is not it. "
            + "Hint: Which layer has addresses that cross networks? Try again, or type ? to see the answer. "
            + "Your answer (a or b): a ✗ Not quite: the answer is b) The network layer."), text)
        XCTAssertTrue(text.contains("Your answer: ECONNREFUSED ✓ Right."), text)
        XCTAssertTrue(text.contains("Your prediction (a, b or c): c"), text)
        XCTAssertTrue(text.contains("? Your prediction could not be checked")
            || text.contains("✓ Your prediction matched") || text.contains("✗ The capture says otherwise"),
            "a prediction always gets a verdict: \(text)")
        XCTAssertTrue(text.contains("Next: osilab lesson 2"))

        let saved = try progress()
        let checkpoints = try XCTUnwrap(saved["checkpoints"] as? [String: [String: Any]])
        XCTAssertEqual(checkpoints["fixture-layer"]?["correct"] as? Bool, false)
        XCTAssertEqual(checkpoints["fixture-layer"]?["attempts"] as? Int, 2)
        XCTAssertEqual(checkpoints["fixture-layer"]?["revealed"] as? Bool, true)
        XCTAssertEqual(checkpoints["fixture-refused"]?["correct"] as? Bool, true)
        let lessons = try XCTUnwrap(saved["lessons"] as? [String: [String: Any]])
        XCTAssertEqual(lessons["fixture-basics"]?["completed"] as? Bool, true)
        let predictions = try XCTUnwrap(saved["predictions"] as? [String: [String: Any]])
        XCTAssertEqual(predictions["fixture-handshake"]?["predicted"] as? String, "ack")
    }

    func testAnInvalidLetterIsAskedAgain() throws {
        let run = try osilab(["lesson", "1"], input: "z\nb\n")
        XCTAssertTrue(run.flowing.contains("Your answer (a or b): z Please answer with a or b. Your answer (a or b): b ✓ Right."), run.flowing)
    }

    func testEndOfInputLeavesTheRestUnansweredButPrintsIt() throws {
        let run = try osilab(["lesson", "1"], input: "")
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout.components(separatedBy: "(no answer: standard input ended)").count, 2, "said once")
        XCTAssertTrue(run.stdout.contains("End of lesson 1."))
        XCTAssertNil((try progress()["checkpoints"] as? [String: Any])?["fixture-layer"])
    }

    func testNoArgumentsResumesAtTheNextLessonAfterAFinishedOne() throws {
        let first = try osilab([], input: "")
        XCTAssertTrue(first.stdout.hasPrefix("Lesson 1: Fixture basics"), "a new learner starts at lesson 1")
        let second = try osilab([], input: "b\n")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("Lesson 2: 第二课 Second lesson"), second.stdout)
        XCTAssertTrue(second.flowing.contains("Your answer (a or b): b ✓ Right."), second.flowing)
        XCTAssertFalse(second.stdout.contains("Next: osilab lesson"), "the last lesson has no next one")
    }

    func testProgressGoesToXDGStateHomeNotTheHomeFolder() throws {
        _ = try osilab(["lesson", "2"], input: "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: progressFile.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appendingPathComponent(".local/state").path))
    }

    func testCorruptProgressIsSetAsideReportedOnceAndNotFatal() throws {
        try FileManager.default.createDirectory(at: progressFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"lessons\": [".utf8).write(to: progressFile)
        let listing = try osilab(["lessons"])
        XCTAssertEqual(listing.status, 0)
        XCTAssertTrue(listing.stderr.contains("could not be read, so it was moved to"), listing.stderr)
        XCTAssertTrue(listing.stdout.contains("Fixture basics"))
        let folder = try FileManager.default.contentsOfDirectory(atPath: progressFile.deletingLastPathComponent().path)
        XCTAssertTrue(folder.contains { $0.hasPrefix("progress.json.corrupt-") }, "\(folder)")

        let lesson = try osilab(["lesson", "1"], input: "b\n")
        XCTAssertEqual(lesson.status, 0)
        XCTAssertFalse(lesson.stdout.contains("could not be read"), "the corrupt file was reported once")
        XCTAssertEqual((try progress()["checkpoints"] as? [String: Any])?.keys.contains("fixture-layer"), true)
    }

    func testLessonsListsProgress() throws {
        _ = try osilab(["lesson", "1"], input: "b\n")
        let run = try osilab(["lessons"])
        XCTAssertEqual(run.status, 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Lessons")
        XCTAssertTrue(lines[1].hasPrefix("1  Fixture basics"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("done         checkpoints 1/2 right"), lines[1])
        XCTAssertTrue(lines[2].contains("not started") && lines[2].hasSuffix("checkpoints 0/1 right"), lines[2])
    }

    func testNoColorIsHonouredOnATerminal() throws {
        // `script` gives osilab a pseudo-terminal for its output, as a real terminal would.
        let withColour = try osilab(["-qc", "\(Self.binary.path) lessons", "/dev/null"], environment: [:], viaScript: true)
        XCTAssertTrue(withColour.stdout.contains("\u{1B}["), "on a terminal the listing is coloured")
        let noColour = try osilab(["-qc", "\(Self.binary.path) lessons", "/dev/null"], environment: ["NO_COLOR": "1"], viaScript: true)
        XCTAssertTrue(noColour.stdout.contains("Fixture basics"), noColour.stdout)
        XCTAssertFalse(noColour.stdout.contains("\u{1B}["), "NO_COLOR=1 must remove every style: \(noColour.stdout.debugDescription)")
    }

    func testAMissingLessonNumberSaysWhichExist() throws {
        let run = try osilab(["lesson", "9"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("There is no lesson 9: the lessons are numbered 1 to 2"), run.stderr)
        let zero = try osilab(["lesson", "0"])
        XCTAssertNotEqual(zero.status, 0)
        XCTAssertTrue(zero.stderr.contains("Lessons are numbered from 1."), zero.stderr)
    }

    func testABrokenLessonIsReportedWithFileAndLine() throws {
        let file = labHome.appendingPathComponent("Lessons/02-second/lesson.en.md")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "answer: b", with: "answer: z")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let run = try osilab(["lessons"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("Lessons/02-second/lesson.en.md:24: checkpoint: the answer `z` is not one of the choices (a, b)"), run.stderr)
    }
}

extension EndToEndTests {
    /// Runs `script` (util-linux) with `arguments`, which runs osilab on a pseudo-terminal.
    func osilab(_ arguments: [String], environment: [String: String], viaScript: Bool) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": home.path, "XDG_STATE_HOME": stateHome.path,
                   "OSILAB_HOME": labHome.path, "TERM": "xterm"]
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        if finished.wait(timeout: .now() + 30) == .timedOut {
            process.terminate()
            XCTFail("script osilab lessons hung for 30 s")
        }
        return Run(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}
