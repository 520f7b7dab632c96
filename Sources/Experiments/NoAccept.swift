import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// A server that listens and never calls accept(): the kernel still completes handshakes
/// (it sends the SYN-ACK, not accept()) until the accept queue is full; then what?
public struct NoAccept: Experiment {
    public static let info = ExperimentInfo(
        name: "no-accept",
        summary: "A server that listens but never calls accept(): clients still complete the handshake; once the "
            + "backlog is full the next client's SYN goes unanswered and is resent. ss shows Recv-Q and Send-Q.",
        needs: [.capture, .ss],
        discussion: """
            The server calls listen(\(Self.backlog)) and never accept(). Clients connect one after another until \
            one cannot; that last one waits up to \(formatSeconds(Self.lastClientTimeout)) (its socket timeout). \
            `ss -ltn` shows the listening socket before and after (Recv-Q: connections waiting for accept(); \
            Send-Q: the backlog), and `ss -tan` shows each side's state while the last client waits. The \
            kernel's ListenOverflows counter (/proc/net/netstat) says how often it refused to queue.
            """,
        facts: [
            FactDescription("accept-calls", ["0", "1"], "accept() calls the server made"),
            FactDescription("handshakes-completed", ["0", "1", "2", "3", "4"], "clients whose handshake finished with no accept()"),
            FactDescription("backlog", ["2"], "the backlog given to listen()"),
            FactDescription("recv-q-after", ["0", "1", "2", "3", "4"], "Recv-Q of the listening socket after the clients came"),
            FactDescription("send-q", ["2"], "Send-Q of the listening socket (the backlog in force)"),
            FactDescription("overflow", ["syn-dropped", "ack-dropped", "rst", "accepted", "none"],
                            "what happened to the first client that found the queue full"),
            FactDescription("syn-retransmissions", ["0", "1", "2", "3", "4"], "times that client's SYN was sent again"),
            FactDescription("extra-connect", ["timed-out", "connected", "refused", "failed"], "how that client's connect() ended"),
        ])

    public static let backlog: Int32 = 2
    /// Clients tried at most (the queue holds backlog+1 on Linux; one more shows the overflow).
    static let maximumClients = Int(backlog) + 2
    public static let lastClientTimeout: Duration = .milliseconds(3500)

    public init() {}

    struct Observed {
        var before: SocketTable?
        var after: SocketTable?
        var during: SocketTable?
        var clients: [(endpoint: IPEndpoint?, error: SocketError?)] = []
        var overflowsBefore: Int?
        var overflowsAfter: Int?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(capture: settings.capture)
        defer { stage.listener.close() }
        let port = stage.port
        var observed = Observed()
        var clients: [Socket] = []
        defer { for client in clients { client.close() } }
        // Stop capturing before closing the clients: closing queued connections is another lesson.
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: Self.backlog)
            observed.before = try SocketTable.take(port: port, listening: true)
            observed.overflowsBefore = kernelCounter("ListenOverflows")
            stage.recorder.note("ss -ltn: Recv-Q \(observed.before?.listener(port: port)?.receiveQueue ?? -1), "
                + "Send-Q \(observed.before?.listener(port: port)?.sendQueue ?? -1); the server never calls accept()")
            for number in 1...Self.maximumClients {
                let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client \(number)")
                clients.append(client)
                let isLast = number == Self.maximumClients
                try client.setTimeout(isLast ? Self.lastClientTimeout : .seconds(3))
                let attempt = BackgroundTask("client \(number)'s connect()") { () throws -> Void in
                    try client.connect(to: stage.address)
                }
                var error: SocketError?
                if isLast {
                    // Look at the socket table while this client is (probably) still waiting.
                    Thread.sleep(forTimeInterval: 1.5)
                    observed.during = try SocketTable.take(port: port)
                    stage.recorder.note("ss -tan taken while client \(number) waits")
                }
                do {
                    try attempt.wait(timeout: Self.lastClientTimeout + .seconds(1))
                } catch let failure as SocketError {
                    error = failure
                }
                observed.clients.append(((try? client.localAddress())?.endpoint, error))
                if number == Self.maximumClients - 1 {
                    observed.after = try SocketTable.take(port: port, listening: true)
                    stage.recorder.note("ss -ltn: Recv-Q \(observed.after?.listener(port: port)?.receiveQueue ?? -1), "
                        + "Send-Q \(observed.after?.listener(port: port)?.sendQueue ?? -1)")
                }
            }
            observed.overflowsAfter = kernelCounter("ListenOverflows")
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .everyClient)
        explain(&outcome, observed, port: port)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16) {
        var explanation = Explanation()
        var facts: [String: String] = ["backlog": String(Self.backlog)]
        let accepts = outcome.run.trace.filter { $0.call == .accept }
        facts["accept-calls"] = String(accepts.count)
        explanation.claim(accepts.isEmpty, accepts.isEmpty
            ? "The server called listen(\(Self.backlog)) and never accept()."
            : "The server was not supposed to call accept(), yet the trace holds \(accepts.count) accept() call(s).")

        let connected = observed.clients.filter { $0.error == nil }
        let completedCount = connected.count
        facts["handshakes-completed"] = String(completedCount)
        let findings = outcome.timeline.findings
        if outcome.captured {
            let complete = connected.filter { client in findings.contains { $0.client == client.endpoint && $0.handshakeComplete } }
            explanation.claim(complete.count == completedCount && completedCount > 0, complete.count == completedCount && completedCount > 0
                ? "Yet the first \(completedCount) clients each completed a full handshake (SYN, SYN-ACK, ACK) and their "
                    + "connect() returned: the listening socket's kernel sends the SYN-ACK and queues the finished "
                    + "connection by itself. accept() only takes connections off that queue; it never sends anything."
                : "Expected every client whose connect() returned to show a complete handshake; \(complete.count) of "
                    + "\(completedCount) did.")
        } else {
            explanation.claim(completedCount > 0, "\(completedCount) clients' connect() returned although nobody called "
                + "accept(): the kernel finished their handshakes by itself.")
        }
        if completedCount == Int(Self.backlog) + 1 {
            explanation.context("That is backlog + 1 = \(completedCount): Linux counts the queue as full only when it "
                + "holds more than the backlog.")
        }

        if let before = observed.before?.listener(port: port), let after = observed.after?.listener(port: port) {
            facts["recv-q-after"] = String(after.receiveQueue)
            facts["send-q"] = String(after.sendQueue)
            let holds = before.receiveQueue == 0 && after.receiveQueue == completedCount && after.sendQueue == Int(Self.backlog)
            explanation.claim(holds, holds
                ? "ss -ltn on the listening socket: Recv-Q went from 0 to \(after.receiveQueue), the finished connections "
                    + "waiting for accept(); Send-Q stayed \(after.sendQueue), the backlog (for a listening socket ss "
                    + "reuses those two columns)."
                : "Expected ss to show Recv-Q 0 then \(completedCount), and Send-Q \(Self.backlog); it showed Recv-Q "
                    + "\(before.receiveQueue) then \(after.receiveQueue), Send-Q \(after.sendQueue).")
            var lines = ["before the clients:", "$ " + (observed.before?.command ?? "")] + (observed.before?.lines ?? [])
            lines += ["after \(completedCount) clients connected:"] + (observed.after?.lines ?? [])
            outcome.sections.append(ReportSection(title: "The listening socket (ss -ltn)", lines: lines))
        }
        if let during = observed.during {
            outcome.sections.append(during.section("While the last client waited (ss -tan)"))
        }

        // The client that found the queue full.
        guard let extraIndex = observed.clients.firstIndex(where: { $0.error != nil }) else {
            facts["overflow"] = "accepted"
            facts["extra-connect"] = "connected"
            explanation.claim(false, "Expected a client to find the queue full after \(Int(Self.backlog) + 1) connections; "
                + "all \(observed.clients.count) connected.")
            outcome.explanation = explanation
            outcome.facts = facts
            return
        }
        let extra = observed.clients[extraIndex]
        let number = extraIndex + 1
        let error = extra.error
        facts["extra-connect"] = error?.reason == .timedOut ? "timed-out"
            : (error?.errno?.rawValue == ECONNREFUSED ? "refused" : (error == nil ? "connected" : "failed"))
        if outcome.captured {
            let extraSegments = outcome.segments.filter { segment in
                guard segment.server.port == port else { return false }
                if let endpoint = extra.endpoint { return segment.client == endpoint }
                return !connected.contains { $0.endpoint == segment.client }
            }
            let syns = extraSegments.filter { $0.role == .handshakeSYN || $0.role == .synRetransmission }
            let synAcks = extraSegments.filter { $0.role == .handshakeSYNACK || $0.role == .synAckRetransmission }
            let resets = extraSegments.filter { $0.segment.isRST }
            let overflow = !resets.isEmpty ? "rst" : (synAcks.isEmpty ? (syns.isEmpty ? "none" : "syn-dropped") : "ack-dropped")
            facts["overflow"] = overflow
            facts["syn-retransmissions"] = String(max(0, syns.count - 1))
            let gaps = zip(syns.dropFirst(), syns).map { $0.segment.timestamp.nanoseconds(since: $1.segment.timestamp) }
            if overflow == "syn-dropped" && error?.reason == .timedOut {
                explanation.claim(true, "Client \(number) found the queue full: its SYN got no answer at all, no SYN-ACK "
                    + "and no RST. The server's kernel dropped it silently, so the client's kernel sent it again "
                    + times(syns.count - 1) + " (gaps " + gaps.map { secondsText($0) }.joined(separator: ", ")
                    + "), and connect() gave up after its \(formatSeconds(Self.lastClientTimeout)) timeout (EAGAIN; Python: "
                    + "TimeoutError). Without a timeout it would wait far longer, about two minutes with Linux's default "
                    + "settings (131 s since Linux 6.5, 127 s before), and then fail with ETIMEDOUT.")
                explanation.context(backoffSentence(gaps))
            } else {
                explanation.claim(false, "Expected client \(number)'s SYN to go unanswered (dropped) and its connect() to "
                    + "time out; the capture shows \(syns.count) SYN(s), \(synAcks.count) SYN-ACK(s), \(resets.count) RST(s), "
                    + "and connect() " + (error.map { "failed: \($0)" } ?? "returned") + ".")
            }
            explanation.context("Dropping is deliberate: a reset would tell the client to give up, while a dropped SYN "
                + "is retried, and the server may have room by then. (With net.ipv4.tcp_abort_on_overflow=1 Linux "
                + "resets instead.)")
        } else {
            explanation.claim(error?.reason == .timedOut, error?.reason == .timedOut
                ? "Client \(number)'s connect() waited and gave up after its \(formatSeconds(Self.lastClientTimeout)) timeout: "
                    + "the full queue made the server ignore its SYN (the capture would show the SYN resent)."
                : "Expected client \(number)'s connect() to time out; it " + (error.map { "failed: \($0)" } ?? "returned") + ".")
        }
        if let before = observed.overflowsBefore, let after = observed.overflowsAfter {
            explanation.context("The kernel's ListenOverflows counter (/proc/net/netstat; `nstat -az TcpExtListenOverflows`) "
                + "rose by \(after - before) during the run: it counts each SYN the full queue made it ignore.")
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }

    /// Says how the gaps between SYN copies grew, with the kernel setting that explains it.
    func backoffSentence(_ gaps: [Int64]) -> String {
        guard let first = gaps.first else { return "The SYN was not sent again during the wait." }
        let linear = gaps.allSatisfy { abs($0 - first) < first / 4 }
        if linear, gaps.count > 1 {
            let setting = kernelSetting("net/ipv4/tcp_syn_linear_timeouts")
            return "The gaps did not grow: since Linux 6.5 a client resends its SYN at a fixed interval for the first "
                + "net.ipv4.tcp_syn_linear_timeouts tries" + (setting.map { " (\($0) here)" } ?? "")
                + ", and only then doubles the wait each time (1 s, 2 s, 4 s, ...). Older kernels double from the start."
        }
        return "Each gap was about twice the one before: exponential backoff, so a busy server is not flooded with retries."
    }
}
