import Foundation
import XCTest

/// The kernel-state view of `osilab handshake --json` and `osilab watch --port`, as root and as
/// nobody (setpriv, in a private network), checked against `ss`: the socket left in TIME-WAIT
/// after the run is the one osilab's samples say closed first.
final class KernelStateCommandTests: XCTestCase {
    let nobody = 65534

    private func events(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }

    /// The states each socket went through, by its two ends, from the JSON's kernel-state events.
    private func states(_ events: [[String: Any]]) -> [String: [String]] {
        var states: [String: [String]] = [:]
        for event in events where event["event"] as? String == "kernel-state" {
            guard let local = event["local"] as? String, let remote = event["remote"] as? String else { continue }
            states["\(local) \(remote)", default: []].append(event["to"] as? String ?? "gone")
        }
        return states
    }

    /// What must hold of a handshake run's samples, whoever ran it: the listener LISTEN, both
    /// sides ESTAB, the client (which closes first) last in TIME-WAIT, the server's socket
    /// through CLOSE-WAIT and gone; returns the client's end.
    private func checkHandshakeStates(_ events: [[String: Any]], port: Int, file: StaticString = #filePath,
                                      line: UInt = #line) throws -> String {
        let states = states(events)
        XCTAssertEqual(states["127.0.0.1:\(port) 0.0.0.0:0"]?.last, "LISTEN", "\(states)", file: file, line: line)
        let connect = try XCTUnwrap(events.first { $0["event"] as? String == "call-returned" && $0["call"] as? String == "connect" })
        let client = try XCTUnwrap(connect["local"] as? String)
        let server = "127.0.0.1:\(port)"
        let clientStates = states["\(client) \(server)"] ?? []
        let serverStates = states["\(server) \(client)"] ?? []
        XCTAssertTrue(clientStates.contains("ESTAB"), "client: \(clientStates)", file: file, line: line)
        XCTAssertEqual(clientStates.last, "TIME-WAIT", "the side that closed first holds TIME-WAIT: \(clientStates)", file: file, line: line)
        XCTAssertTrue(serverStates.contains("ESTAB"), "server: \(serverStates)", file: file, line: line)
        XCTAssertTrue(serverStates.contains("CLOSE-WAIT"), "the server got the FIN first: \(serverStates)", file: file, line: line)
        XCTAssertEqual(serverStates.last, "gone", "its last ACK arrived, so it left the table: \(serverStates)", file: file, line: line)
        // Every kernel-state event comes after the sample before it and in time order.
        let times = events.filter { ($0["event"] as? String)?.hasPrefix("kernel") == true }.compactMap { Double($0["time"] as? String ?? "") }
        XCTAssertEqual(times, times.sorted(), file: file, line: line)
        let summary = try XCTUnwrap(events.last)
        XCTAssertEqual(summary["kernel_sampled"] as? Bool, true, file: file, line: line)
        XCTAssertGreaterThan(summary["kernel_samples"] as? Int ?? 0, 3, file: file, line: line)
        return client
    }

    /// `ss -tanH` lines of sockets in TIME-WAIT whose peer is the server's port.
    private func timeWaitLines(_ ssOutput: String, port: Int) -> [String] {
        ssOutput.split(separator: "\n").map(String.init).filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 5 && fields[0] == "TIME-WAIT" && fields[4].hasSuffix(":\(port)")
        }
    }

    func testHandshakeStatesAsRootAgreeWithSs() throws {
        let port = 41_000 + Int(getpid() % 9_000)
        let result = try OsilabProcess.run(["handshake", "--port", String(port), "--json"])
        XCTAssertEqual(result.status, 0, result.error)
        let client = try checkHandshakeStates(try events(result.output), port: port)
        // ss, read now: the client's socket waits in TIME-WAIT for 60 s, the server's is gone.
        let ss = Process()
        ss.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ss.arguments = ["ss", "-tanH"]
        let pipe = Pipe()
        ss.standardOutput = pipe
        try ss.run()
        let table = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ss.waitUntilExit()
        let waiting = timeWaitLines(table, port: port)
        XCTAssertEqual(waiting.count, 1, table)
        XCTAssertTrue(waiting.first?.contains(client) == true, "ss: \(waiting), osilab: the client \(client)")
    }

    func testHandshakeStatesAsNobodyAreTheRootOnesAndAgreeWithSs() throws {
        XCTAssertEqual(geteuid(), 0, "becoming nobody with setpriv needs root (CI runs as root)")
        let network = "t-ks-\(getpid() % 100_000)"
        let port = 41_000 + Int(getpid() % 9_000)
        let flag = NSTemporaryDirectory() + "osilab-kernel-flag-\(getpid())"
        unlink(flag)
        defer { unlink(flag) }
        // ss, run by nobody in the same private network once the handshake is over, is the witness.
        let witness = try Background.asNobody(["shell", network, "--", "sh", "-c",
                                               "while [ ! -e \(flag) ]; do sleep 0.05; done; ss -tanH"])
        defer { witness.stop() }
        XCTAssertTrue(try waitForNetwork(network), "the witness's network exists: \(witness.errors())")
        let result = try OsilabProcess.run(["handshake", "--network", network, "--port", String(port), "--json"], asUser: nobody)
        XCTAssertEqual(result.status, 0, result.error)
        let client = try checkHandshakeStates(try events(result.output), port: port)
        XCTAssertTrue(FileManager.default.createFile(atPath: flag, contents: nil))
        XCTAssertTrue(witness.waitForExit(seconds: 10), "ss ran: \(witness.errors())")
        let waiting = timeWaitLines(witness.output(), port: port)
        XCTAssertEqual(waiting.count, 1, witness.output())
        XCTAssertTrue(waiting.first?.contains(client) == true, "ss: \(waiting), osilab: the client \(client)")
    }

    private func waitForNetwork(_ name: String) throws -> Bool {
        for _ in 0..<50 {
            let listed = try OsilabProcess.run(["shell", "--list"], asUser: nobody)
            if listed.output.contains(name) { return true }
            usleep(200_000)
        }
        return false
    }

    func testWatchWithAPortShowsTheKernelStatesAsNobody() throws {
        let port = 42_000 + Int(getpid() % 9_000)
        let script = """
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.1", \(port))); s.listen(4)
            time.sleep(0.2)
            c = socket.create_connection(("127.0.0.1", \(port))); time.sleep(0.2)
            a, _ = s.accept(); time.sleep(0.2)
            c.close(); time.sleep(0.2); a.close(); time.sleep(0.3)
            """
        let result = try OsilabProcess.run(["watch", "--port", String(port), "--", "python3", "-c", script], asUser: nobody)
        XCTAssertEqual(result.status, 0, result.error)
        let kernel = result.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("[kernel] ") }
        // With 200 ms between steps, 1 ms sampling sees every state that lasts: in this order.
        let wanted = ["LISTEN", "accept queue 1/4", "accept queue 0/4", "ESTABLISHED → CLOSE-WAIT",
                      "→ TIME-WAIT"]
        var position = kernel.startIndex
        for text in wanted {
            guard let found = kernel[position...].firstIndex(where: { $0.contains(text) }) else {
                XCTFail("no kernel line with \(text) after line \(position): \(kernel)")
                break
            }
            position = found + 1
        }
        XCTAssertTrue(result.output.contains("Kernel state: the socket table was read"), result.output)
    }
}
