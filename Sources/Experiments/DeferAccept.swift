import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// TCP_DEFER_ACCEPT: the listener ignores the bare final ACK, and accept() returns only
/// when the first data segment arrives.
public struct DeferAccept: Experiment {
    public static let info = ExperimentInfo(
        name: "defer-accept",
        summary: .deferSummary,
        needs: [.capture, .ss],
        discussion: """
            The server sets TCP_DEFER_ACCEPT (\(Self.deferSeconds) seconds) on its listening socket and calls \
            accept(). The client connects, waits \(formatSeconds(Self.hold)) without sending, then sends a \
            few bytes. Meanwhile `ss -tan` shows each side's state. Linux-only option (Socket.setDeferAccept); \
            servers use it so that a worker is not woken for a connection that has nothing to say yet.
            """,
        facts: [
            FactDescription("connect-returned-after", ["syn", "synack", "ack", "data"], "the last server segment before connect() returned"),
            FactDescription("accept-returned-after", ["syn", "synack", "ack", "data"], "the last client segment before accept() returned"),
            FactDescription("server-state-while-waiting", ["SYN-RECV", "ESTAB"], "the server side's state in the kernel's samples during the wait (ESTAB if ever)"),
            FactDescription("synack-retransmissions", ["0", "1", "2"], "SYN-ACK copies the server sent during the wait"),
        ])

    public static let deferSeconds: Int32 = 5
    public static let hold: Duration = .milliseconds(1500)
    static let payload = Array("hello".utf8)

    public init() {}

    struct Observed {
        var table: SocketTable?
        var acceptPendingAtTable = false
        var client: IPEndpoint?
        var dataSent: Instant?
        var deferDropsBefore: Int?
        var deferDropsAfter: Int?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            observed.deferDropsBefore = kernelCounter("TCPDeferAcceptDrop")
            try stage.listener.setDeferAccept(seconds: Self.deferSeconds)
            stage.recorder.note(say(.deferNoteOption, String(Self.deferSeconds)))
            try stage.listener.listen(backlog: 8)
            try stage.listener.setTimeout(.seconds(6))
            let acceptEntered = DispatchSemaphore(value: 0)
            stage.tracer.observe { event in
                if case .entered(let record) = event, record.call == .accept { acceptEntered.signal() }
            }
            let server = BackgroundTask(say(.taskServer), say: say) { () throws -> Int in
                let (connection, _) = try stage.listener.accept()
                defer { connection.close() }
                try connection.setTimeout(.seconds(3))
                let data = try connection.recv(maxBytes: 1024)
                return data.count
            }
            guard acceptEntered.wait(timeout: .now() + 3) == .success else {
                throw ExperimentError.hung(say(.hungNoAccept))
            }
            let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            try client.connect(to: stage.address)
            observed.client = try client.localAddress().endpoint

            Thread.sleep(forTimeInterval: Self.hold.seconds / 2)
            observed.table = try SocketTable.take(port: stage.port)
            observed.acceptPendingAtTable = stage.tracer.snapshot().contains { $0.call == .accept && $0.isPending }
            stage.recorder.note(say(observed.acceptPendingAtTable ? .deferNoteTableWaiting : .deferNoteTable,
                                    serverState(observed) ?? say(.deferNotListed)))
            Thread.sleep(forTimeInterval: Self.hold.seconds / 2)

            observed.dataSent = Instant.now()
            try client.sendAll(Self.payload)
            _ = try server.wait(timeout: .seconds(4))
            observed.deferDropsAfter = kernelCounter("TCPDeferAcceptDrop")
            client.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, client: observed.client, scope: .oneConnection)
        if let ack = outcome.segments.first(where: { if case .handshakeACK(false) = $0.role { true } else { false } }) {
            outcome.timeline.attach(PacketRemark(say(.deferRemark)), toPacket: ack.segment.number)
        }
        explain(&outcome, observed, say: say)
        // The fact comes from the kernel's samples over the whole wait; ss's one snapshot stays as a section and a claim.
        if let state = kernelClaims(&outcome, observed, port: stage.port, language: settings.language), state != "none" {
            outcome.facts["server-state-while-waiting"] = state
        }
        return outcome
    }

    private func serverState(_ observed: Observed) -> String? {
        guard let client = observed.client else { return nil }
        return observed.table?.rows.first { $0.peer == client }?.state
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let findings = outcome.timeline.findings.first { $0.client == observed.client }
        let accept = outcome.run.trace.first { $0.call == .accept }
        let connect = outcome.run.trace.first { $0.call == .connect }

        if let step = findings?.connectReturnedAfter { facts["connect-returned-after"] = step.rawValue }
        if let step = findings?.acceptReturnedAfter { facts["accept-returned-after"] = step.rawValue }

        if outcome.captured, let findings {
            explanation.claim(findings.connectReturnedAfter == .synack && findings.finalAck != nil,
                findings.connectReturnedAfter == .synack && findings.finalAck != nil
                    ? say(.deferHandshake)
                    : say(.deferHandshakeWrong, findings.connectReturnedAfter.map { say.step($0) } ?? say(.nothingCaptured)))
        }
        if let ack = findings?.finalAck, let accept, let returned = accept.returned, let sent = observed.dataSent {
            let waitedAfterAck = returned.nanoseconds(since: ack.segment.timestamp)
            let held = returned >= sent
            let drops = (observed.deferDropsAfter ?? 0) - (observed.deferDropsBefore ?? 0)
            explanation.claim(held, held
                ? (drops > 0 ? say(.deferHeldCounter, secondsText(waitedAfterAck), String(drops))
                    : say(.deferHeld, secondsText(waitedAfterAck)))
                : say(.deferHeldWrong, secondsText(waitedAfterAck)))
        } else if !outcome.captured, let accept, let returned = accept.returned, let sent = observed.dataSent {
            explanation.claim(returned >= sent, returned >= sent
                ? say(.deferNoCapture, secondsText(sent.nanoseconds(since: connect?.returned ?? sent)))
                : say(.deferNoCaptureWrong))
        }
        if let state = serverState(observed) {
            facts["server-state-while-waiting"] = state
            explanation.claim(state == "SYN-RECV", state == "SYN-RECV"
                ? say(observed.acceptPendingAtTable ? .deferStateWaiting : .deferState)
                : say(.deferStateWrong, state))
        }
        if let table = observed.table { outcome.sections.append(table.section(say(.deferSection))) }
        if outcome.captured, let findings {
            let copies = outcome.segments.filter { $0.role == .synAckRetransmission && $0.connection == findings.connection }
            facts["synack-retransmissions"] = String(copies.count)
            explanation.claim(copies.isEmpty, copies.isEmpty
                ? say(.deferNoResend)
                : say(.deferResent, String(copies.count)))
            if findings.acceptReturnedAfter == .data, let accept, let returned = accept.returned {
                let data = outcome.segments.first { $0.direction == .clientToServer && $0.segment.payloadLength > 0 }
                let gap = data.map { returned.nanoseconds(since: $0.segment.timestamp) } ?? 0
                explanation.claim(true, say(.deferAcceptData, formatDuration(nanoseconds: gap), String(Self.payload.count)))
            } else {
                explanation.claim(false, say(.deferAcceptDataWrong,
                                             findings.acceptReturnedAfter.map { say.step($0) } ?? say(.nothingCaptured)))
            }
        } else if !outcome.captured {
            explanation.claim(nil, say(.deferUnchecked))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
