import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// The classic leak: clients close, the server reads b"" and never calls close(), and its
/// sockets sit in CLOSE-WAIT (the clients' in FIN-WAIT-2) until it does.
public struct CloseWait: Experiment {
    public static let info = ExperimentInfo(
        name: "close-wait",
        summary: .closeWaitSummary,
        needs: [.capture, .ss],
        discussion: """
            Three clients connect and close at once. The server accepts them, reads b"" (end of \
            stream) from each, and does not call close(): `ss -tan` shows its three ends in CLOSE-WAIT \
            and the clients' in FIN-WAIT-2, and the capture shows that its kernel acknowledged each FIN \
            but sent none of its own. Then the server closes them: its FINs go out, CLOSE-WAIT is gone, \
            and the clients, which sent the first FIN, wait in TIME-WAIT.
            """,
        facts: [
            FactDescription("server-recv", ["empty", "data", "error"], "what the server's recv() returned after a client's FIN"),
            FactDescription("server-state-after-fin", ["CLOSE-WAIT", "ESTAB", "other"], "the server's connections' state in ss before close()"),
            FactDescription("client-state-after-fin", ["FIN-WAIT-2", "TIME-WAIT", "other"], "the clients' state in ss meanwhile"),
            FactDescription("close-wait-count", ["0", "1", "2", "3"], "server sockets ss listed in CLOSE-WAIT before close()"),
            FactDescription("server-fin-before-close", ["no", "yes"], "whether the server sent a FIN before its program called close()"),
            FactDescription("close-wait-after-close", ["0", "1", "2", "3"], "server sockets still in CLOSE-WAIT after close()"),
        ])

    public static let clients = 3

    public init() {}

    struct Observed {
        var clients: [IPEndpoint] = []
        var recvs: [String] = []
        var before: SocketTable?
        var after: SocketTable?
        var closedAt: Instant?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: 8)
            try stage.listener.setTimeout(.seconds(3))
            stage.recorder.note(say(.closeWaitNoteClients, String(Self.clients)))
            var connections: [Socket] = []
            defer { connections.forEach { $0.close() } }
            for number in 1...Self.clients {
                let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client \(number)")
                defer { client.close() }
                try client.setTimeout(.seconds(3))
                try client.connect(to: stage.address)
                if let endpoint = try client.localAddress().endpoint { observed.clients.append(endpoint) }
                let (connection, _) = try stage.listener.accept(role: "server \(number)")
                connections.append(connection)
                try connection.setTimeout(.seconds(3))
                client.close()
                do throws(SocketError) {
                    observed.recvs.append(try connection.recv(maxBytes: 1024).isEmpty ? "empty" : "data")
                } catch {
                    observed.recvs.append("error")
                }
            }
            observed.before = try table(stage.port) { rows in
                rows.filter { $0.state == "FIN-WAIT-2" }.count >= Self.clients
            }
            stage.recorder.note(say(.closeWaitNoteClose))
            observed.closedAt = Instant.now()
            connections.forEach { $0.close() }
            observed.after = try table(stage.port) { rows in
                rows.filter { $0.state == "TIME-WAIT" }.count >= Self.clients
            }
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .everyClient)
        explain(&outcome, observed, server: stage.server, say: say)
        return outcome
    }

    /// ss, taken again for up to half a second until `settled` holds: the kernel finishes each
    /// exchange in its own softirq, a moment after the call that started it returned.
    func table(_ port: UInt16, settled: ([SocketTable.Row]) -> Bool) throws -> SocketTable {
        var table = try SocketTable.take(port: port)
        for _ in 0..<50 where !settled(table.rows) {
            Thread.sleep(forTimeInterval: 0.01)
            table = try SocketTable.take(port: port)
        }
        return table
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, server: IPEndpoint, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let count = Self.clients

        let empty = observed.recvs.filter { $0 == "empty" }.count
        facts["server-recv"] = observed.recvs.first { $0 != "empty" } ?? "empty"
        explanation.claim(empty == count, empty == count
            ? say(.closeWaitEOF, String(empty), String(count))
            : say(.closeWaitEOFWrong, String(empty), String(count)))

        if outcome.captured, let closedAt = observed.closedAt {
            let segments = outcome.segments.filter { observed.clients.contains($0.client) && $0.server == server }
            let early = segments.filter { $0.segment.isFIN && $0.direction == .serverToClient && $0.segment.timestamp < closedAt }
            let clientFINs = segments.filter { $0.segment.isFIN && $0.direction == .clientToServer }
            let acknowledged = clientFINs.filter { fin in
                let next = fin.segment.sequence + fin.segment.sequenceLength
                return segments.contains {
                    $0.direction == .serverToClient && $0.segment.flags.contains(.ack) && !$0.segment.isFIN
                        && $0.segment.acknowledgment == next && $0.segment.timestamp < closedAt
                }
            }
            facts["server-fin-before-close"] = early.isEmpty ? "no" : "yes"
            let held = early.isEmpty && acknowledged.count == count
            explanation.claim(held, held
                ? say(.closeWaitAcked)
                : say(.closeWaitAckedWrong, String(early.count), String(acknowledged.count)))
        } else {
            explanation.claim(nil, say(.closeWaitAckedUnchecked))
        }

        func rows(_ table: SocketTable, _ state: String, local: Bool) -> Int {
            table.rows.filter { row in
                guard row.state == state else { return false }
                return local ? row.local == server && observed.clients.contains { $0 == row.peer }
                    : row.peer == server && observed.clients.contains { $0 == row.local }
            }.count
        }
        func state(_ table: SocketTable, local: Bool, among states: [String]) -> String {
            let ends = table.rows.filter { row in
                local ? row.local == server && observed.clients.contains { $0 == row.peer }
                    : row.peer == server && observed.clients.contains { $0 == row.local }
            }
            guard let first = ends.first?.state, ends.allSatisfy({ $0.state == first }), states.contains(first) else {
                return "other"
            }
            return first
        }
        if let before = observed.before {
            let waiting = rows(before, "CLOSE-WAIT", local: true)
            let finWait = rows(before, "FIN-WAIT-2", local: false)
            facts["close-wait-count"] = String(waiting)
            facts["server-state-after-fin"] = state(before, local: true, among: ["CLOSE-WAIT", "ESTAB"])
            facts["client-state-after-fin"] = state(before, local: false, among: ["FIN-WAIT-2", "TIME-WAIT"])
            explanation.claim(waiting == count && finWait == count, waiting == count && finWait == count
                ? say(.closeWaitState, String(count))
                : say(.closeWaitStateWrong, String(count), String(waiting), String(finWait)))
            outcome.sections.append(before.section(say(.closeWaitSectionBefore)))
        }
        if let after = observed.after {
            let waiting = rows(after, "CLOSE-WAIT", local: true)
            let timeWait = rows(after, "TIME-WAIT", local: false)
            facts["close-wait-after-close"] = String(waiting)
            explanation.claim(waiting == 0 && timeWait == count, waiting == 0 && timeWait == count
                ? say(.closeWaitAfter)
                : say(.closeWaitAfterWrong, String(count), String(waiting), String(timeWait)))
            outcome.sections.append(after.section(say(.closeWaitSectionAfter)))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
