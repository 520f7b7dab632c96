import Experiments
import Foundation
import Sockets
import Trace
import XCTest

/// Fifty clients against each server, judged by what the kernel and the clients saw: the
/// socket table (`ss`), the process's threads (/proc/PID/task), and when each client got its
/// replies, not by the servers' own counts.
final class ManyClientsExperimentTests: ExperimentTestCase {
    let count = ManyClients.clientCount

    func testTheIterativeServerLeavesEveryOtherClientInTheAcceptQueue() throws {
        // An earlier test's server threads end just after they signal that they are done.
        var tries = 0
        while serverThreads() > 0 && tries < 100 {
            usleep(10_000)
            tries += 1
        }
        XCTAssertEqual(serverThreads(), 0, "no server thread is left from an earlier test")
        let server = try ManyClients.Server(.iterative, expected: count)
        defer { server.stop() }
        let clients = ManyClients.Clients(port: server.port)
        XCTAssertTrue(clients.waitUntilConnected(timeout: .seconds(5)), "every client's connect() returned")
        XCTAssertTrue(server.waitUntilAccepted(1, timeout: .seconds(5)))
        usleep(50_000)
        let listener = try listeningRow(port: server.port)
        XCTAssertEqual(listener.recvQ, count - 1,
                       "the kernel finished every handshake; all but the one being served wait for accept()")
        XCTAssertEqual(listener.sendQ, Int(ManyClients.backlog), "Send-Q of a listener is its backlog")
        XCTAssertEqual(try establishedServerSockets(port: server.port), count,
                       "the server's kernel holds an ESTABLISHED socket for every client, accepted or not")
        XCTAssertEqual(serverThreads(), 1, "the kernel lists one thread of the server")
        clients.release()
        let results = clients.results(timeout: .seconds(30))
        XCTAssertTrue(server.waitUntilFinished(timeout: .seconds(5)))
        assertEveryReplyCorrect(results)
        XCTAssertEqual(mostServedAtOnce(results), 1,
                       "no client got its first reply before the previous client had its last: one at a time")
    }

    func testTheThreadedServerServesEveryClientAtOnceWithAThreadEach() throws {
        // An earlier test's server threads end just after they signal that they are done.
        var tries = 0
        while serverThreads() > 0 && tries < 100 {
            usleep(10_000)
            tries += 1
        }
        XCTAssertEqual(serverThreads(), 0, "no server thread is left from an earlier test")
        let server = try ManyClients.Server(.threads, expected: count)
        defer { server.stop() }
        let clients = ManyClients.Clients(port: server.port)
        XCTAssertTrue(clients.waitUntilConnected(timeout: .seconds(5)))
        XCTAssertTrue(server.waitUntilAccepted(count, timeout: .seconds(5)))
        usleep(50_000)
        XCTAssertEqual(try listeningRow(port: server.port).recvQ, 0, "every connection was taken off the accept queue")
        XCTAssertEqual(serverThreads(), count + 1, "the kernel lists fifty handler threads and the accepting one")
        clients.release()
        let results = clients.results(timeout: .seconds(30))
        XCTAssertTrue(server.waitUntilFinished(timeout: .seconds(5)))
        assertEveryReplyCorrect(results)
        XCTAssertEqual(mostServedAtOnce(results), count, "every client was between its two replies at the same time")
    }

    func testThePollServerServesEveryClientAtOnceFromOneThread() throws {
        // An earlier test's server threads end just after they signal that they are done.
        var tries = 0
        while serverThreads() > 0 && tries < 100 {
            usleep(10_000)
            tries += 1
        }
        XCTAssertEqual(serverThreads(), 0, "no server thread is left from an earlier test")
        let server = try ManyClients.Server(.poll, expected: count)
        defer { server.stop() }
        let clients = ManyClients.Clients(port: server.port)
        XCTAssertTrue(clients.waitUntilConnected(timeout: .seconds(5)))
        XCTAssertTrue(server.waitUntilAccepted(count, timeout: .seconds(5)))
        usleep(50_000)
        XCTAssertEqual(try listeningRow(port: server.port).recvQ, 0, "every connection was taken off the accept queue")
        XCTAssertEqual(serverThreads(), 1, "the kernel lists the server's single thread")
        clients.release()
        let results = clients.results(timeout: .seconds(30))
        XCTAssertTrue(server.waitUntilFinished(timeout: .seconds(5)))
        assertEveryReplyCorrect(results)
        XCTAssertEqual(mostServedAtOnce(results), count, "one thread still had every client between its two replies")
    }

    func testTheExperimentChecksItsClaimsAndRecordsTheFacts() throws {
        let outcome = try run(ManyClients(), capture: false, limit: 40)
        assertClaimsHold(outcome)
        XCTAssertEqual(outcome.facts["iterative-max-concurrent"], "1")
        XCTAssertEqual(outcome.facts["threads-max-concurrent"], "50")
        XCTAssertEqual(outcome.facts["poll-max-concurrent"], "50")
        XCTAssertEqual(outcome.facts["iterative-waiting"], "49")
        XCTAssertEqual(outcome.facts["iterative-server-threads"], "1")
        XCTAssertEqual(outcome.facts["threads-server-threads"], "51")
        XCTAssertEqual(outcome.facts["poll-server-threads"], "1")
        let table = try XCTUnwrap(outcome.sections.last)
        XCTAssertTrue(table.lines.contains { $0.contains("ss -ltn") }, "the socket table is shown as ss printed it")
    }

    /// The experiment captures nothing, so an ordinary user runs it as it is, without a
    /// private network: the same facts, exit status 0.
    func testAnOrdinaryUserRunsItWithoutPrivilege() throws {
        let facts = FileManager.default.temporaryDirectory.appendingPathComponent("many-clients-\(getpid()).json")
        XCTAssertTrue(FileManager.default.createFile(atPath: facts.path, contents: nil))
        chown(facts.path, 65534, 65534)
        defer { try? FileManager.default.removeItem(at: facts) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", try osilabBinary().path,
                             "experiment", "many-clients", "--plain", "--facts", facts.path]
        process.environment = ["HOME": "/tmp", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let ended = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            ended.signal()
        }
        guard ended.wait(timeout: .now() + 40) == .success else {
            process.terminate()
            return XCTFail("osilab experiment many-clients as nobody did not end within 40 s")
        }
        XCTAssertEqual(process.terminationStatus, 0, "every claim held for an ordinary user")
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: facts)) as? [String: String]
        XCTAssertEqual(written?["iterative-waiting"], "49")
        XCTAssertEqual(written?["poll-server-threads"], "1")
    }

    /// The lesson's selectors server, as printed, in both languages: it must serve the same
    /// fifty clients, on one thread.
    func testTheLessonsSelectorsServerServesFiftyClientsOnOneThread() throws {
        for language in ["en", "zh"] {
            try runLessonServer(language, using: "selectors.DefaultSelector()") { threads in
                XCTAssertEqual(threads, 1, "Python's selectors server (lesson.\(language).md) is one thread")
            }
        }
    }

    /// The lesson's threaded server, as printed: one thread per connected client, plus the main one.
    func testTheLessonsThreadedServerRunsAThreadPerClient() throws {
        for language in ["en", "zh"] {
            try runLessonServer(language, using: "threading.Thread(") { threads in
                XCTAssertEqual(threads, count + 1, "lesson.\(language).md's threaded server: the main thread and one per client")
            }
        }
    }

    /// Runs the lesson's Python block that contains `marker` with python3 on a free port, sends
    /// it the fifty clients, and hands `check` its thread count (/proc/PID/task) once every
    /// client has connected and before any has sent.
    func runLessonServer(_ language: String, using marker: String, check: (Int) -> Void,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let code = try lessonPython(language, containing: marker)
        let port = try freePort()
        let script = code.replacingOccurrences(of: "4545", with: String(port))
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script]
        python.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        python.standardError = errors
        try python.run()
        defer {
            python.terminate()
            python.waitUntilExit()
        }
        var listening = false
        var waited = 0
        while !listening && waited < 300 {
            usleep(10_000)
            waited += 1
            listening = (try? listeningRow(port: port)) != nil
        }
        XCTAssertTrue(listening, "the lesson's (\(language)) server listens on \(port)", file: file, line: line)
        guard listening else { return }
        let clients = ManyClients.Clients(port: port)
        XCTAssertTrue(clients.waitUntilConnected(timeout: .seconds(5)), file: file, line: line)
        // Give the server a moment to take every connection off the queue.
        var tries = 0
        while (try? listeningRow(port: port).recvQ) != 0 && tries < 100 {
            usleep(10_000)
            tries += 1
        }
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(python.processIdentifier)/task").count
        check(threads)
        clients.release()
        let results = clients.results(timeout: .seconds(30))
        assertEveryReplyCorrect(results, "lesson.\(language).md's server", file: file, line: line)
        XCTAssertGreaterThan(mostServedAtOnce(results), 1, "it served clients side by side, not one after another",
                             file: file, line: line)
        XCTAssertTrue(python.isRunning,
                      "the server is still running: " + String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self),
                      file: file, line: line)
    }

    // MARK: Independent views

    /// Every client's two replies were its lines upper-cased (ASCII only, like bytes.upper()).
    func assertEveryReplyCorrect(_ results: [ManyClients.ClientResult], _ server: String = "the server",
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(results.count, count, "every client finished", file: file, line: line)
        let wrong = results.filter { !$0.repliesCorrect }
        XCTAssertTrue(wrong.isEmpty, "\(server) failed clients \(wrong.map(\.number)): \(wrong.compactMap(\.failure).prefix(3))",
                      file: file, line: line)
        // The clients compare with upper(); check upper() itself against a reply written by hand.
        XCTAssertEqual(ManyClients.upper(Array("client 7 says hello, line 1\n".utf8)), Array("CLIENT 7 SAYS HELLO, LINE 1\n".utf8),
                       file: file, line: line)
    }

    /// The most clients that were between their first and their last reply at one moment,
    /// from the clients' own clocks.
    func mostServedAtOnce(_ results: [ManyClients.ClientResult]) -> Int {
        let spans = results.compactMap { result -> (Instant, Instant)? in
            guard let first = result.firstReply, let last = result.served else { return nil }
            return (first, last)
        }
        return spans.map { span in spans.filter { $0.0 <= span.0 && span.0 < $0.1 }.count }.max() ?? 0
    }

    /// The threads of this process the kernel lists under the servers' names (their comm).
    /// Counted by name: Dispatch starts and ends worker threads of its own at any time.
    func serverThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("osilab server") || name.hasPrefix("osilab handler")
        }.count
    }

    /// Recv-Q and Send-Q of the socket listening on `port`, read from `ss -Hltn`.
    func listeningRow(port: UInt16) throws -> (recvQ: Int, sendQ: Int) {
        let output = try ExternalTool.run(["ss", "-Hltn", "sport = :\(port)"]).output
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count >= 4, words[0] == "LISTEN", let recvQ = Int(words[1]), let sendQ = Int(words[2]) {
                return (recvQ, sendQ)
            }
        }
        throw ExperimentError.setup("nothing listens on \(port)")
    }

    /// Server-side ESTABLISHED sockets on `port` (accepted or still queued).
    func establishedServerSockets(port: UInt16) throws -> Int {
        try ExternalTool.run(["ss", "-Htn", "state", "established", "sport = :\(port)"]).output
            .split(separator: "\n").count
    }

    func freePort() throws -> UInt16 {
        let probe = try Socket(family: .inet, type: .stream)
        defer { probe.close() }
        try probe.bind(to: .ipv4(.loopback, port: 0))
        return try probe.localAddress().port ?? 0
    }

    /// The lesson's Python block that contains `marker`.
    func lessonPython(_ language: String, containing marker: String) throws -> String {
        let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Lessons")
        let folder = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: lessons.path)
            .first { $0.hasSuffix("-many-clients") }, "a lesson folder named NN-many-clients")
        let text = try String(contentsOf: lessons.appendingPathComponent("\(folder)/lesson.\(language).md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```python\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
        return try XCTUnwrap(blocks.first { $0.contains(marker) }, "lesson.\(language).md has a Python block with \(marker)")
    }
}
