import Experiments
import Foundation
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// Leftovers are found and removed; Ctrl-C cleans up; the command prints what scripts need.
final class CleanupAndCommandTests: ExperimentTestCase {
    /// The osilab binary, built next to the test bundle by `swift build` / `swift test`.
    func osilab(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        try osilabBinary(file: file, line: line)
    }


    /// A pid that certainly belongs to no running process: one that has just exited.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testANamespaceLeftByAKilledRunIsRemovedAtTheNextStart() throws {
        let name = "osilab-\(try deadPID())-1"
        _ = try ExternalTool.run(["ip", "netns", "add", name])
        defer { _ = try? ExternalTool.run(["ip", "netns", "del", name], check: false) }
        XCTAssertTrue(try NetworkNamespace.list().contains(name))
        let removed = NetworkNamespace.removeLeftovers()
        XCTAssertEqual(removed, [name])
        XCTAssertFalse(try NetworkNamespace.list().contains(name), "the leftover namespace is gone")
    }

    func testANamespaceOfALiveProcessIsLeftAlone() throws {
        let name = "osilab-\(getpid())-999"
        _ = try ExternalTool.run(["ip", "netns", "add", name])
        defer { _ = try? ExternalTool.run(["ip", "netns", "del", name], check: false) }
        XCTAssertFalse(NetworkNamespace.removeLeftovers().contains(name))
        XCTAssertTrue(try NetworkNamespace.list().contains(name), "a running experiment's namespace is not touched")
    }

    func testInterruptingDropFinalAckRemovesItsNamespace() throws {
        let run = try interruptDropFinalAck()
        guard run.ended else { return XCTFail("osilab did not exit within 10 s of SIGINT") }
        XCTAssertEqual(run.process.terminationReason, .uncaughtSignal, "the program ends as interrupted programs do")
        XCTAssertEqual(run.process.terminationStatus, SIGINT)
        XCTAssertTrue(run.message.contains("cleaned up"), "it says what it removed: \(run.message)")
        XCTAssertFalse(try NetworkNamespace.list().contains(run.namespace), "the namespace was removed before exiting")
    }

    func testANamespaceLeftBySIGKILLIsRemovedByTheNextRun() throws {
        let process = Process()
        process.executableURL = try osilab()
        process.environment = isolatedOsilabEnvironment()
        process.arguments = ["experiment", "drop-final-ack", "--plain"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let name = "osilab-\(process.processIdentifier)-1"
        defer { _ = try? ExternalTool.run(["ip", "netns", "del", name], check: false) }
        var appeared = false
        for _ in 0..<100 where !appeared {
            usleep(20_000)
            appeared = (try? NetworkNamespace.list().contains(name)) ?? false
        }
        XCTAssertTrue(appeared, "the experiment created \(name)")
        // SIGKILL gives the program no chance to clean up.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(try NetworkNamespace.list().contains(name), "a killed run leaves its namespace behind")

        let outcome = try run(DropFinalAck())
        XCTAssertTrue(outcome.explanation.items.contains { $0.text.contains("Removed first: \(name)") },
                      "the next run says it removed the leftover")
        XCTAssertFalse(try NetworkNamespace.list().contains(name), "the leftover is gone")
    }

    func testRefusedAsJSONEndToEnd() throws {
        let process = Process()
        process.executableURL = try osilab()
        process.environment = isolatedOsilabEnvironment()
        let factsPath = NSTemporaryDirectory() + "osilab-refused-facts-\(getpid()).json"
        defer { unlink(factsPath) }
        process.arguments = ["experiment", "refused", "--json", "--facts", factsPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "every claim held, so the exit status is 0")

        let objects = try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "each line is a JSON object: \(line)")
        }
        let packets = objects.filter { $0["event"] as? String == "packet" }
        XCTAssertEqual(packets.compactMap { $0["flags"] as? String }, ["SYN", "RST-ACK", "SYN", "RST-ACK"])
        XCTAssertEqual(packets.compactMap { $0["role"] as? String }.filter { $0 == "refused" }.count, 2)
        let failedConnects = objects.filter { $0["event"] as? String == "call-returned" && $0["call"] as? String == "connect" }
        XCTAssertEqual(failedConnects.compactMap { $0["errno"] as? Int }, [111, 111])
        XCTAssertEqual(failedConnects.compactMap { $0["error"] as? String }, ["ECONNREFUSED", "ECONNREFUSED"])
        let summary = try XCTUnwrap(objects.last)
        XCTAssertEqual(summary["event"] as? String, "summary")
        XCTAssertEqual(summary["connect-ex"] as? String, "111")
        XCTAssertEqual(summary["answer"] as? String, "rst")
        XCTAssertEqual(summary["all_claims_hold"] as? Bool, true)
        XCTAssertTrue((summary["explanation"] as? String)?.contains("WSAECONNREFUSED") ?? false)
        XCTAssertTrue(objects.contains { $0["event"] as? String == "explanation" && $0["verdict"] as? String == "confirmed" })

        let facts = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: factsPath))) as? [String: String])
        XCTAssertEqual(facts, ["answer": "rst", "connect-error": "ECONNREFUSED", "connect-ex": "111", "client-state-after-rst": "CLOSED"])
        // --json carries the kernel's samples as events: the resets the kernel counted sending.
        XCTAssertTrue(objects.contains { $0["event"] as? String == "kernel-counter" && $0["counter"] as? String == "Tcp.OutRsts" },
                      "the kernel-state samples are in --json")
    }

    func testTheListNamesEveryExperimentWithWhatItNeeds() throws {
        let process = Process()
        process.executableURL = try osilab()
        process.environment = isolatedOsilabEnvironment()
        process.arguments = ["experiment"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        for experiment in ExperimentCatalogue.all {
            let row = text.split(separator: "\n").first { $0.hasPrefix(experiment.info.name + " ") }
            XCTAssertNotNil(row, "\(experiment.info.name) is listed")
            for need in experiment.info.needs {
                XCTAssertTrue(row?.contains(need.label) ?? false, "\(experiment.info.name)'s row says it needs \(need.label)")
            }
        }
        XCTAssertEqual(ExperimentCatalogue.all.map { $0.info.name },
                       ["drop-final-ack", "no-accept", "refused", "sticky", "teardown", "udp", "defer-accept", "nonblocking",
                        "close-wait", "reuse-address", "data-transfer", "retransmit", "many-clients", "errors"])
    }

    func testLessonsReadmeListsEveryFactEachExperimentRecords() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Lessons/README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for experiment in ExperimentCatalogue.all {
            for row in experiment.info.factTableRows {
                XCTAssertTrue(text.contains(row), "Lessons/README.md (and LessonKit's FactCatalog) lack the row: \(row)")
            }
        }
    }

    func testEachExperimentsHelpDocumentsItsFacts() {
        for experiment in ExperimentCatalogue.all {
            let help = experiment.info.helpText
            for fact in experiment.info.facts {
                XCTAssertTrue(help.contains(fact.key), "\(experiment.info.name) --help explains the fact \(fact.key)")
            }
        }
    }
}

/// Pieces with no kernel behind them: parsers and the framing the sticky experiment uses.
final class ExperimentPartsTests: XCTestCase {
    func testSocketTableReadsSsOutput() {
        let output = """
            State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
            LISTEN    3      2          127.0.0.1:4545       0.0.0.0:*
            TIME-WAIT 0      0          127.0.0.1:42054    127.0.0.1:4545
            ESTAB     0      0              [::1]:4545         [::1]:50000
            garbage line
            """
        let table = SocketTable.parse(output, command: "ss -tan")
        XCTAssertEqual(table.rows.count, 3, "the header and the garbage line are not rows")
        XCTAssertEqual(table.listener(port: 4545)?.receiveQueue, 3)
        XCTAssertEqual(table.listener(port: 4545)?.sendQueue, 2)
        XCTAssertEqual(table.rows[1].state, "TIME-WAIT")
        XCTAssertEqual(table.rows[1].local, IPEndpoint(parsing: "127.0.0.1:42054"))
        XCTAssertEqual(table.rows[2].peer, IPEndpoint(parsing: "[::1]:50000"))
        XCTAssertNil(table.rows[0].peer, "0.0.0.0:* has no port")
    }

    func testFrameDecoderCutsAStreamIntoMessagesWhateverTheReads() {
        let messages = ["one;", "", "网络编程", String(repeating: "x", count: 300)].map { Array($0.utf8) }
        let stream = messages.flatMap(Sticky.frame)
        for size in [1, 3, 4, 5, 7, 1024] {
            var decoder = FrameDecoder()
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + size)
                XCTAssertTrue(decoder.feed(Array(stream[offset..<end])))
                offset = end
            }
            XCTAssertEqual(decoder.messages, messages, "reads of \(size) bytes")
            XCTAssertEqual(decoder.pendingBytes, 0)
        }
    }

    func testFrameDecoderRefusesAnAbsurdLength() {
        var decoder = FrameDecoder(maximumLength: 100)
        XCTAssertFalse(decoder.feed([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]), "a 2 GB length is refused, not waited for")
        XCTAssertTrue(decoder.messages.isEmpty)
    }

    func testAMissingToolIsReportedWithItsPackage() {
        XCTAssertThrowsError(try ExternalTool.run(["osilab-no-such-tool"])) { error in
            guard let error = error as? ToolError else { return XCTFail("a ToolError, not \(error)") }
            XCTAssertEqual(error.kind, .notInstalled(package: "osilab-no-such-tool"))
        }
        XCTAssertEqual(ExternalTool.packages["nft"], "nftables")
        XCTAssertEqual(ExternalTool.packages["ss"], "iproute2")
        XCTAssertEqual(ExternalTool.packages["ip"], "iproute2")
    }

    func testAFailingToolSaysWhatFailedAndWhy() {
        XCTAssertThrowsError(try ExternalTool.run(["ip", "netns", "del", "osilab-no-such-namespace"])) { error in
            guard let error = error as? ToolError else { return XCTFail("a ToolError, not \(error)") }
            XCTAssertEqual(error.kind, .failed(status: 1))
            XCTAssertTrue(error.description.contains("ip netns del osilab-no-such-namespace"), error.description)
            XCTAssertFalse(error.errorOutput.isEmpty, "ip's own message is kept")
        }
    }

    func testAToolThatHangsIsStopped() {
        let start = ContinuousClock.now
        XCTAssertThrowsError(try ExternalTool.run(["sleep", "5"], timeout: .milliseconds(300))) { error in
            XCTAssertEqual((error as? ToolError)?.kind, .timedOut)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3))
    }

    func testCleanupRunsEachActionOnceNewestFirst() {
        let registry = CleanupRegistry()
        let order = OrderBox()
        let first = registry.add("first") { order.append("first") }
        _ = registry.add("second") { order.append("second") }
        _ = registry.add("third") { order.append("third") }
        registry.run(first)
        registry.run(first)
        XCTAssertEqual(registry.runAll(), ["third", "second"])
        XCTAssertEqual(registry.runAll(), [])
        XCTAssertEqual(order.items, ["first", "third", "second"])
    }
}

final class OrderBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ item: String) {
        lock.lock()
        stored.append(item)
        lock.unlock()
    }
    var items: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
