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
        summary: .noAcceptSummary,
        needs: [.capture, .ss],
        discussion: """
            The server calls listen(\(Self.backlog)) and never accept(). Clients connect one after another until \
            one cannot; that last one waits up to \(formatSeconds(Self.lastClientTimeout)) (its socket timeout). \
            `ss -ltn` shows the listening socket before and after (Recv-Q: connections waiting for accept(); \
            Send-Q: the backlog), and `ss -tan` shows each side's state while the last client waits. The \
            kernel's ListenOverflows counter (/proc/net/netstat) says how often it refused to queue. \
            Then a second listener, listen(0), shows the queue filling between the SYN-ACK and the final \
            ACK: one client holds back its final ACK (TCP_DEFER_ACCEPT on a client socket delays it), a \
            second client completes its handshake and takes the one place, and the first client's ACK and \
            data then find the queue full. `ss -tan` shows what each side believes.
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
            FactDescription("syn-reset", ["yes", "no"], "whether any RST answered that client's SYNs"),
            FactDescription("late-overflow", ["ack-dropped", "accepted", "rst", "none"],
                            "what happened to a final ACK that found the queue full (the second listener)"),
            FactDescription("late-connect", ["returned", "failed"], "how that late client's connect() ended"),
            FactDescription("accept-queue-peak", ["0", "1", "2", "3", "4"], "the longest accept queue the kernel's samples showed"),
            FactDescription("overflow-counted", ["yes", "no"], "ListenOverflows grew at least once per SYN of the client that found the queue full"),
        ])

    public static let backlog: Int32 = 2
    /// Clients tried at most (the queue holds backlog+1 on Linux; one more shows the overflow).
    static let maximumClients = Int(backlog) + 2
    public static let lastClientTimeout: Duration = .milliseconds(3500)
    /// The second listener's backlog: one finished connection fills it.
    static let lateBacklog: Int32 = 0
    /// Long enough for the delayed ACK (200 ms) and the data to arrive and be dropped, short of the
    /// server's first SYN-ACK retransmission (1 s), after which ss would still say the same.
    static let lateSettle: TimeInterval = 0.5

    public init() {}

    struct Observed {
        var before: SocketTable?
        var after: SocketTable?
        var during: SocketTable?
        var clients: [(endpoint: IPEndpoint?, error: SocketError?)] = []
        var overflowsBefore: Int?
        var overflowsAfter: Int?
        var late: LateOverflow?
    }

    /// The second case: the queue fills while a client's final ACK is on its way.
    struct LateOverflow {
        var lateClient: IPEndpoint?
        var connectError: SocketError?
        var table: SocketTable?
        var port: UInt16
        var overflows: Int?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
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
            stage.recorder.note(say(.noAcceptNoteBefore, String(observed.before?.listener(port: port)?.receiveQueue ?? -1),
                                    String(observed.before?.listener(port: port)?.sendQueue ?? -1)))
            for number in 1...Self.maximumClients {
                let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client \(number)")
                clients.append(client)
                let isLast = number == Self.maximumClients
                try client.setTimeout(isLast ? Self.lastClientTimeout : .seconds(3))
                let attempt = BackgroundTask(say(.taskClientConnect, String(number)), say: say) { () throws -> Void in
                    try client.connect(to: stage.address)
                }
                var error: SocketError?
                if isLast {
                    // Look at the socket table while this client is (probably) still waiting.
                    Thread.sleep(forTimeInterval: 1.5)
                    observed.during = try SocketTable.take(port: port)
                    stage.recorder.note(say(.noAcceptNoteDuring, String(number)))
                }
                do {
                    try attempt.wait(timeout: Self.lastClientTimeout + .seconds(1))
                } catch let failure as SocketError {
                    error = failure
                }
                observed.clients.append(((try? client.localAddress())?.endpoint, error))
                if number == Self.maximumClients - 1 {
                    observed.after = try SocketTable.take(port: port, listening: true)
                    stage.recorder.note(say(.noAcceptNoteAfter, String(observed.after?.listener(port: port)?.receiveQueue ?? -1),
                                            String(observed.after?.listener(port: port)?.sendQueue ?? -1)))
                }
            }
            observed.overflowsAfter = kernelCounter("ListenOverflows")
        }
        observed.late = try lateOverflow()
        var outcome = stage.outcome(Self.info.name, recorded, scope: .everyClient)
        explain(&outcome, observed, port: port, say: say)
        kernelClaims(&outcome, observed, port: port, language: settings.language)
        return outcome
    }

    /// Runs outside the capture and the trace, on its own listener, so the first case's ladder and
    /// facts stay as they were; ss and the kernel's counter are its evidence.
    func lateOverflow() throws -> LateOverflow {
        let listener = try Socket(family: .inet, type: .stream)
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        let address = try listener.localAddress()
        let port = address.port ?? 0
        try listener.listen(backlog: Self.lateBacklog)
        let late = try Socket(family: .inet, type: .stream)
        let prompt = try Socket(family: .inet, type: .stream)
        defer { late.close(); prompt.close() }
        // On a connecting socket TCP_DEFER_ACCEPT makes the kernel delay the final ACK
        // (tcp_rcv_synsent_state_process): connect() returns at the SYN-ACK, the ACK follows later.
        try late.setDeferAccept(seconds: 5)
        try late.setTimeout(.seconds(2))
        try prompt.setTimeout(.seconds(2))
        let before = kernelCounter("ListenOverflows")
        var result = LateOverflow(port: port)
        do {
            try late.connect(to: address)
        } catch {
            result.connectError = error
            return result
        }
        result.lateClient = (try? late.localAddress())?.endpoint
        try prompt.connect(to: address)
        _ = try? late.send(Array("hello".utf8))
        Thread.sleep(forTimeInterval: Self.lateSettle)
        result.table = try SocketTable.take(port: port)
        if let before, let after = kernelCounter("ListenOverflows") { result.overflows = after - before }
        return result
    }

    func explainLate(_ late: LateOverflow, _ explanation: inout Explanation, _ facts: inout [String: String],
                     _ outcome: inout ExperimentOutcome, say: ExperimentStrings) {
        if let error = late.connectError {
            facts["late-connect"] = "failed"
            facts["late-overflow"] = "none"
            explanation.claim(false, say(.noAcceptLateConnectFailed, "\(error)"))
            return
        }
        facts["late-connect"] = "returned"
        guard let client = late.lateClient, let table = late.table else {
            facts["late-overflow"] = "none"
            explanation.claim(false, say(.noAcceptLateNoTable))
            return
        }
        let server = IPEndpoint(.v4(.loopback), late.port)
        let clientSide = table.row(local: client, peer: server)
        let serverSide = table.row(local: server, peer: client)
        let unacknowledged = clientSide?.sendQueue ?? 0
        let overflow: String
        if clientSide == nil { overflow = "rst" }
        else if serverSide?.state == "SYN-RECV" && clientSide?.state == "ESTAB" { overflow = "ack-dropped" }
        else if serverSide?.state == "ESTAB" { overflow = "accepted" }
        else { overflow = "none" }
        facts["late-overflow"] = overflow
        let counted = late.overflows.map { $0 > 0 } ?? true
        explanation.claim(overflow == "ack-dropped" && unacknowledged > 0 && counted, overflow == "ack-dropped" && unacknowledged > 0
            ? say(.noAcceptLateDropped, String(Self.lateBacklog), String(unacknowledged), late.overflows.map(String.init) ?? "?")
            : say(.noAcceptLateWrong, serverSide?.state ?? "-", clientSide?.state ?? "-", String(unacknowledged)))
        explanation.context(say(.noAcceptLateWhy))
        outcome.sections.append(table.section(say(.noAcceptSectionLate)))
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = ["backlog": String(Self.backlog)]
        let accepts = outcome.run.trace.filter { $0.call == .accept }
        facts["accept-calls"] = String(accepts.count)
        explanation.claim(accepts.isEmpty, accepts.isEmpty
            ? say(.noAcceptNever, String(Self.backlog))
            : say(.noAcceptCalled, String(accepts.count)))

        let connected = observed.clients.filter { $0.error == nil }
        let completedCount = connected.count
        facts["handshakes-completed"] = String(completedCount)
        let findings = outcome.timeline.findings
        if outcome.captured {
            let complete = connected.filter { client in findings.contains { $0.client == client.endpoint && $0.handshakeComplete } }
            explanation.claim(complete.count == completedCount && completedCount > 0, complete.count == completedCount && completedCount > 0
                ? say(.noAcceptHandshakes, String(completedCount))
                : say(.noAcceptHandshakesWrong, String(complete.count), String(completedCount)))
        } else {
            explanation.claim(completedCount > 0, say(.noAcceptReturnedNoCapture, String(completedCount)))
        }
        if completedCount == Int(Self.backlog) + 1 {
            explanation.context(say(.noAcceptBacklogPlusOne, String(completedCount)))
        }

        if let before = observed.before?.listener(port: port), let after = observed.after?.listener(port: port) {
            facts["recv-q-after"] = String(after.receiveQueue)
            facts["send-q"] = String(after.sendQueue)
            let holds = before.receiveQueue == 0 && after.receiveQueue == completedCount && after.sendQueue == Int(Self.backlog)
            explanation.claim(holds, holds
                ? say(.noAcceptSs, String(after.receiveQueue), String(after.sendQueue))
                : say(.noAcceptSsWrong, String(completedCount), String(Self.backlog), String(before.receiveQueue),
                      String(after.receiveQueue), String(after.sendQueue)))
            var lines = [say(.noAcceptLineBefore), "$ " + (observed.before?.command ?? "")] + (observed.before?.lines ?? [])
            lines += [say(.noAcceptLineAfter, String(completedCount))] + (observed.after?.lines ?? [])
            outcome.sections.append(ReportSection(title: say(.noAcceptSectionListening), lines: lines))
        }
        if let during = observed.during {
            outcome.sections.append(during.section(say(.noAcceptSectionDuring)))
        }

        // The client that found the queue full.
        guard let extraIndex = observed.clients.firstIndex(where: { $0.error != nil }) else {
            facts["overflow"] = "accepted"
            facts["extra-connect"] = "connected"
            explanation.claim(false, say(.noAcceptAllConnected, String(Int(Self.backlog) + 1), String(observed.clients.count)))
            if let late = observed.late { explainLate(late, &explanation, &facts, &outcome, say: say) }
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
            facts["syn-reset"] = resets.isEmpty ? "no" : "yes"
            let abort = kernelSetting("net/ipv4/tcp_abort_on_overflow").map(String.init) ?? "?"
            explanation.claim(resets.isEmpty && !syns.isEmpty, resets.isEmpty
                ? say(.noAcceptNoReset, String(number), String(syns.count), abort)
                : say(.noAcceptResetSeen, String(number), String(resets.count), abort))
            facts["syn-retransmissions"] = String(max(0, syns.count - 1))
            let gaps = zip(syns.dropFirst(), syns).map { $0.segment.timestamp.nanoseconds(since: $1.segment.timestamp) }
            if overflow == "syn-dropped" && error?.reason == .timedOut {
                explanation.claim(true, say(.noAcceptDropped, String(number), say.times(syns.count - 1),
                                            say.list(gaps.map { secondsText($0) }), formatSeconds(Self.lastClientTimeout)))
                explanation.context(backoffSentence(gaps, say: say))
            } else {
                let counts = [String(number), String(syns.count), String(synAcks.count), String(resets.count)]
                explanation.claim(false, error.map { say.format(.noAcceptDroppedWrongFailed, counts + ["\($0)"]) }
                    ?? say.format(.noAcceptDroppedWrongReturned, counts))
            }
            explanation.context(say(.noAcceptWhyDrop))
        } else {
            explanation.claim(error?.reason == .timedOut, error?.reason == .timedOut
                ? say(.noAcceptTimedOutNoCapture, String(number), formatSeconds(Self.lastClientTimeout))
                : error.map { say(.noAcceptTimedOutWrongFailed, String(number), "\($0)") }
                    ?? say(.noAcceptTimedOutWrongReturned, String(number)))
        }
        if let before = observed.overflowsBefore, let after = observed.overflowsAfter {
            explanation.context(say(.noAcceptOverflows, String(after - before)))
        }
        if let late = observed.late {
            explainLate(late, &explanation, &facts, &outcome, say: say)
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }

    /// Says how the gaps between SYN copies grew, with the kernel setting that explains it.
    func backoffSentence(_ gaps: [Int64], say: ExperimentStrings) -> String {
        guard let first = gaps.first else { return say(.backoffNone) }
        let linear = gaps.allSatisfy { abs($0 - first) < first / 4 }
        if linear, gaps.count > 1 {
            let setting = kernelSetting("net/ipv4/tcp_syn_linear_timeouts")
            return setting.map { say(.backoffLinearSetting, String($0)) } ?? say(.backoffLinear)
        }
        return say(.backoffDoubling)
    }
}
