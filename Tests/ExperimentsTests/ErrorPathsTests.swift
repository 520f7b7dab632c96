import Experiments
import Foundation
import Report
import Sockets
import Timeline
import Trace
import XCTest

/// The error paths of lesson *Error paths* (`osilab experiment errors`): each errno is the C
/// library's own constant, the SYN copies are counted by the capture as well as by nft, and
/// the SYN-cookie counters are read from the namespace's /proc/net/netstat by another process.
final class ErrorPathsTests: ExperimentTestCase {
    func testEachFailureGivesTheKernelsErrno() throws {
        let outcome = try run(ErrorPaths(), limit: 30)
        assertClaimsHold(outcome)
        // The errnos as the C library numbers them, not as osilab names them.
        func failure(_ role: String, _ call: SyscallName = .connect) -> [Int32] {
            outcome.run.trace.filter { $0.role == role && $0.call == call }.compactMap { record -> Int32? in
                if case .failed(let number, _)? = record.outcome { return number }
                return nil
            }
        }
        XCTAssertEqual(failure(ErrorPaths.resetClient, .send), [ECONNRESET, EPIPE],
                       "after the RST: ECONNRESET once (the socket's pending error), then EPIPE")
        XCTAssertEqual(failure(ErrorPaths.noRouteClient), [ENETUNREACH], "no route: the lookup fails, nothing is sent")
        XCTAssertEqual(failure(ErrorPaths.noARPClient), [EHOSTUNREACH], "a route but no neighbour: EHOSTUNREACH")
        XCTAssertEqual(failure(ErrorPaths.synDroppedClient), [ETIMEDOUT], "SYNs lost until tcp_syn_retries ran out: ETIMEDOUT")

        // Part 1 on the wire: the server's RST, after the client's unread data.
        let segments = outcome.segments
        XCTAssertTrue(segments.contains { $0.segment.isRST && $0.segment.source.port == ErrorPaths.port },
                      "the close with unread data sent RST")
        // Part 4: while client 4's connect() ran, the capture saw each SYN the nft counter counted,
        // and nothing answered one.
        let part4 = try XCTUnwrap(outcome.run.trace.first { $0.role == ErrorPaths.synDroppedClient && $0.call == .connect })
        let end = try XCTUnwrap(part4.returned)
        let during = segments.filter { $0.segment.timestamp >= part4.entered && $0.segment.timestamp <= end }
        let syns = during.filter { $0.segment.isSYN }
        XCTAssertGreaterThanOrEqual(syns.count, 2, "the SYN was sent again before connect() gave up")
        XCTAssertEqual(outcome.facts["syns-dropped"], String(syns.count), "the nft counter and the capture agree")
        XCTAssertEqual(syns.count, during.count, "no SYN-ACK, no RST: \(during.map(\.segment.flags))")
        XCTAssertEqual(outcome.timeline.packets.filter { $0.remark?.dropped == true }.count, syns.count,
                       "each dropped SYN is drawn as dropped")
        // Part 5: the clients that connected did so with cookies; the last one saw no answer at all.
        let cookieReplies = segments.filter { $0.segment.isSYNACK && $0.segment.timestamp > end }
        XCTAssertEqual(cookieReplies.count, ErrorPaths.cookieClients - 1, "a SYN-ACK for each client the queue could take")

        XCTAssertEqual(outcome.facts["first-send-after-reset"], "ECONNRESET")
        XCTAssertEqual(outcome.facts["write-after-reset"], "EPIPE")
        XCTAssertEqual(outcome.facts["sigpipe-with-nosignal"], "none")
        XCTAssertEqual(outcome.facts["sigpipe-without-nosignal"], "raised")
        XCTAssertEqual(outcome.facts["no-route"], "ENETUNREACH")
        XCTAssertEqual(outcome.facts["no-arp-answer"], "EHOSTUNREACH")
        XCTAssertEqual(outcome.facts["syn-dropped"], "ETIMEDOUT")
        XCTAssertEqual(outcome.facts["syncookies-sent"], "yes")
        XCTAssertEqual(outcome.facts["syncookies-recv"], "yes")
        XCTAssertEqual(outcome.facts["listen-overflows"], "yes")
        XCTAssertEqual(outcome.facts["full-queue-connect"], "timed-out")

        let plain = outcome.reportLines(style: ReportStyle(format: .plain, width: 100, colour: false))
        XCTAssertTrue(plain.contains { $0.hasPrefix("  192.0.2.2 ") && $0.contains("FAILED") },
                      "ip neigh shows the silent neighbour FAILED:\n" + plain.joined(separator: "\n"))
        XCTAssertTrue(plain.contains { $0.contains("Network is unreachable") }, "ip route get fails as connect() did")
    }

    func testWithoutCaptureTheCallsAloneStillHold() throws {
        let outcome = try run(ErrorPaths(), capture: false, limit: 30)
        XCTAssertTrue(outcome.explanation.contradictions.isEmpty, "\(outcome.explanation.contradictions.map(\.text))")
        XCTAssertEqual(outcome.facts["write-after-reset"], "EPIPE")
        XCTAssertEqual(outcome.facts["syn-dropped"], "ETIMEDOUT")
    }

    /// The counters as another process (cat, run by `ip netns exec`) reads them from the namespace.
    func netstat(_ namespace: NetworkNamespace) throws -> [String: Int] {
        let lines = try namespace.exec(["cat", "/proc/net/netstat"], log: false).lines
        var counters: [String: Int] = [:]
        for (names, values) in zip(lines, lines.dropFirst()) where names.hasPrefix("TcpExt:") && values.hasPrefix("TcpExt:") {
            for (name, value) in zip(names.split(separator: " ").dropFirst(), values.split(separator: " ").dropFirst()) {
                counters[String(name)] = Int(value)
            }
        }
        return counters
    }

    func testSynCookieCountersAgreeWithTheNamespacesOwnNetstat() throws {
        let namespace = try NetworkNamespace.create()
        defer { namespace.remove() }
        try ErrorPaths.setUp(namespace)
        let before = try netstat(namespace)
        let cookies = try namespace.run(timeout: .seconds(10)) { try ErrorPaths.syncookiePart() }
        let after = try netstat(namespace)
        func delta(_ name: String) -> Int { (after[name] ?? -1) - (before[name] ?? 0) }

        let connected = cookies.attempts.filter { $0.error == nil }.count
        XCTAssertEqual(connected, Int(ErrorPaths.backlog) + 1, "Linux queues backlog + 1 connections")
        XCTAssertEqual(cookies.attempts.last?.error?.reason, .timedOut, "the last client's SYN went unanswered")
        XCTAssertEqual(delta("SyncookiesSent"), connected, "with tcp_syncookies=2 each SYN the queue took got a cookie")
        XCTAssertEqual(delta("SyncookiesRecv"), connected, "each of those came back valid in the final ACK")
        XCTAssertEqual(delta("SyncookiesFailed"), 0)
        XCTAssertGreaterThanOrEqual(delta("ListenOverflows"), 1, "the full queue refused the last client's SYN")
        XCTAssertGreaterThanOrEqual(delta("ListenDrops"), delta("ListenOverflows"), "every overflow is also a drop")
        for name in ErrorPaths.counterNames {
            XCTAssertEqual(cookies.delta(name), delta(name), "osilab's reading of \(name) matches the kernel's file")
        }
        // The machine's own counters are another namespace's: its setting stays what it was.
        XCTAssertNotEqual(try namespace.exec(["sysctl", "-n", "net.ipv4.tcp_syncookies"], log: false).output
                            .trimmingCharacters(in: .whitespacesAndNewlines), "", "the namespace has its own setting")
    }

    /// What the lesson says of Python, checked against python3 itself in the same namespace.
    func testPythonIgnoresSIGPIPEAndRaisesTheSameErrors() throws {
        XCTAssertNotNil(ExternalTool.locate("python3"), "scripts/setup installs python3")
        let namespace = try NetworkNamespace.create()
        defer { namespace.remove() }
        try ErrorPaths.setUp(namespace)
        let script = """
            import signal, socket, time
            print(signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)
            server = socket.create_server(("127.0.0.1", 0))
            a = socket.create_connection(server.getsockname(), timeout=3)
            b, _ = server.accept()
            a.sendall(b"unread"); time.sleep(0.1); b.close(); time.sleep(0.1)
            for attempt in range(2):
                try:
                    a.send(b"x")
                except OSError as error:
                    print(type(error).__name__, error.errno)
            for address in (("198.51.100.1", 80), ("192.0.2.2", 80)):
                try:
                    socket.create_connection(address, timeout=5)
                except OSError as error:
                    print(type(error).__name__, error.errno)
            """
        let output = try namespace.exec(["python3", "-c", script], log: false).lines
        XCTAssertEqual(output, ["True", "ConnectionResetError \(ECONNRESET)", "BrokenPipeError \(EPIPE)",
                                "OSError \(ENETUNREACH)", "OSError \(EHOSTUNREACH)"])
        // Python ignores SIGPIPE by itself: the shell that starts it has SIGPIPE at its default (bit 13 of
        // SigIgn, mask 0x1000, clear), and the same process, once python3 has replaced the shell and
        // started, has it ignored.
        let check = "grep SigIgn /proc/self/status; exec python3 -c 'print(open(\"/proc/self/status\").read().split(\"SigIgn:\")[1].split()[0])'"
        // This test process ignores SIGPIPE (osilab's sockets do), and an ignored signal survives exec:
        // env resets it to the default before the shell starts.
        let masks = try ExternalTool.run(["env", "--default-signal=PIPE", "sh", "-c", check]).lines
        XCTAssertEqual(masks.count, 2, "\(masks)")
        let shell = UInt64(masks.first?.split(separator: "\t").last ?? "", radix: 16) ?? 0
        let python = UInt64(masks.last ?? "", radix: 16) ?? 0
        XCTAssertEqual(shell & 0x1000, 0, "the shell starts with SIGPIPE at its default: \(masks)")
        XCTAssertEqual(python & 0x1000, 0x1000, "python3 ignores SIGPIPE once it has started: \(masks)")
    }
}
