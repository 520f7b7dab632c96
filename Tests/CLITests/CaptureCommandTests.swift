import Foundation
import XCTest

/// `osilab handshake`, `watch` and `read`, run as the learner runs them.
final class CaptureCommandTests: XCTestCase {
    let nobody = 65534

    func testRecordedHandshakeNeedsNoPrivilege() throws {
        let result = try OsilabProcess.run(["handshake", "--recorded", "--plain"], asUser: nobody)
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("step 2: seq = K, ack = J+1 [ok]"), result.output)  // --plain is ASCII
        let prose = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(prose.contains("So accept() returns at step 3."), result.output)
    }

    func testLiveHandshakeWritesFactsAndJSON() throws {
        let facts = NSTemporaryDirectory() + "osilab-facts-\(getpid()).json"
        defer { unlink(facts) }
        let result = try OsilabProcess.run(["handshake", "--json", "--facts", facts])
        XCTAssertEqual(result.status, 0, result.error)
        let lines = result.output.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 10)
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)), "not JSON: \(line)")
        }
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String]
        XCTAssertEqual(written, ["connect-returned-after": "synack", "accept-returned-after": "ack", "handshake-complete": "yes"])
    }

    func testIPv6HandshakeLadder() throws {
        let result = try OsilabProcess.run(["handshake", "--ipv6", "--plain", "--absolute"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("client [::1]:"), result.output)
        XCTAssertTrue(result.output.contains("step 3: ack = K+1 [ok]"), result.output)
        XCTAssertFalse(result.output.contains("SYN seq=0 "), "--absolute shows raw sequence numbers")
    }

    func testWatchWritesACaptureThatReadAnnotatesTheSameWay() throws {
        let path = NSTemporaryDirectory() + "osilab-watch-\(getpid()).pcap"
        defer { unlink(path) }
        let port = 40_000 + Int(getpid() % 20_000)
        let watcher = Process()
        watcher.executableURL = OsilabProcess.executable
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = OsilabProcess.isolatedStateHome
        environment["OSILAB_LANG"] = nil
        watcher.environment = environment
        watcher.arguments = ["watch", "--port", String(port), "--count", "3", "--write", path]
        let output = Pipe()
        watcher.standardOutput = output
        watcher.standardError = Pipe()
        try watcher.run()
        let collected = ReadAll(output.fileHandleForReading)
        usleep(500_000)

        // A connection to the watched port: SYN, SYN-ACK, ACK.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', \(port))); s.listen()
            c = socket.create_connection(('127.0.0.1', \(port))); a, _ = s.accept()
            """]
        try python.run()
        python.waitUntilExit()
        let deadline = Date().addingTimeInterval(10)
        while watcher.isRunning, Date() < deadline { usleep(10_000) }
        XCTAssertFalse(watcher.isRunning, "watch --count 3 must stop after three packets")
        if watcher.isRunning { watcher.terminate() }
        watcher.waitUntilExit()
        let printed = collected.text().split(separator: "\n").map(String.init)
        XCTAssertTrue(printed.contains { $0.hasPrefix("Capture: 3 packets captured") }, printed.joined(separator: "\n"))
        // With --port the kernel's state of that port's sockets comes between the packets (the
        // listener here lives a few hundred microseconds, so it may or may not be seen:
        // KernelStateCommandTests checks those lines); a saved capture has packets only.
        let watched = printed.filter { !$0.hasPrefix("[kernel] ") }

        let read = try OsilabProcess.run(["read", path])
        XCTAssertEqual(read.status, 0, read.error)
        let readLines = read.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(readLines.prefix(3)), Array(watched.prefix(3)), "read of the saved file matches what watch printed")
        XCTAssertTrue(readLines[0].contains("SYN seq=0") && readLines[0].contains("step 1"), readLines[0])
        XCTAssertEqual(readLines.last, "3 packets, 1 TCP connection")
    }

    /// `--plain` is ASCII and laid out for the width it is given, at 60, 100 and 160 columns;
    /// a width the ladder cannot be drawn in is refused with the range.
    func testPlainIsASCIIAtTheWidthAsked() throws {
        var lineCounts: [Int] = []
        for width in [60, 100, 160] {
            let result = try OsilabProcess.run(["handshake", "--recorded", "--plain", "--lang", "en", "--width", String(width)])
            XCTAssertEqual(result.status, 0, result.error)
            let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines {
                XCTAssertTrue(line.allSatisfy(\.isASCII), "not ASCII: \(line)")
                XCTAssertLessThanOrEqual(line.count, width, line)
            }
            XCTAssertTrue(lines.contains { $0.contains("| listen(backlog=8)") }, result.output)
            if width == 160 {
                XCTAssertTrue(lines.contains { $0.range(of: #" connect\(\) = 0 after [0-9.]+ us \|"#, options: .regularExpression) != nil },
                              "the whole call result on one line:\n" + result.output)
            }
            lineCounts.append(lines.count)
        }
        XCTAssertEqual(lineCounts, lineCounts.sorted(by: >), "the wider the terminal, the fewer lines")
        let narrow = try OsilabProcess.run(["handshake", "--recorded", "--plain", "--lang", "en", "--width", "20"])
        XCTAssertNotEqual(narrow.status, 0)
        XCTAssertTrue(narrow.error.contains("--width 20: the ladder needs between 46 and 1000 columns."), narrow.error)
    }

    /// A live capture on lo: libpcap's received count is twice the packets captured (each one
    /// is seen leaving and arriving), and the counters sentence says why right there.
    func testTheLiveCountersAreDoubleOnLoopbackAndSayWhy() throws {
        XCTAssertEqual(geteuid(), 0, "a live capture on lo (CI runs as root)")
        let result = try OsilabProcess.run(["handshake", "--plain", "--lang", "en", "--width", "200"])
        XCTAssertEqual(result.status, 0, result.error)
        let counters = try XCTUnwrap(result.output.split(separator: "\n").first { $0.hasPrefix("Capture: ") }.map(String.init), result.output)
        let numbers = counters.split { !$0.isNumber }.compactMap { Int($0) }
        XCTAssertEqual(numbers.count, 3, counters)
        XCTAssertGreaterThan(numbers[0], 0, counters)
        XCTAssertEqual(numbers[1], 2 * numbers[0], "received by filter counts each packet twice on lo: \(counters)")
        XCTAssertTrue(counters.hasSuffix(" dropped by kernel. (On lo, received by filter counts each packet twice, once leaving "
            + "and once arriving; libpcap keeps only the arriving copy.)"), counters)
    }

    func testReadOfAMissingFileIsAClearError() throws {
        let result = try OsilabProcess.run(["read", "/nonexistent/capture.pcap"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("Cannot use the capture file /nonexistent/capture.pcap"), result.error)
    }
}
