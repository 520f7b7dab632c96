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
        summary: "TCP_DEFER_ACCEPT on the listener: the bare final ACK does not make accept() return (the "
            + "connection stays SYN-RECV); accept() returns with the first data segment.",
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
            FactDescription("server-state-while-waiting", ["SYN-RECV", "ESTAB"], "the server side's state in ss during the wait"),
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
        let stage = try LoopbackStage(capture: settings.capture)
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            observed.deferDropsBefore = kernelCounter("TCPDeferAcceptDrop")
            try stage.listener.setDeferAccept(seconds: Self.deferSeconds)
            stage.recorder.note("server: setsockopt(TCP_DEFER_ACCEPT, \(Self.deferSeconds)) on the listening socket")
            try stage.listener.listen(backlog: 8)
            try stage.listener.setTimeout(.seconds(6))
            let acceptEntered = DispatchSemaphore(value: 0)
            stage.tracer.observe { event in
                if case .entered(let record) = event, record.call == .accept { acceptEntered.signal() }
            }
            let server = BackgroundTask("the server") { () throws -> Int in
                let (connection, _) = try stage.listener.accept()
                defer { connection.close() }
                try connection.setTimeout(.seconds(3))
                let data = try connection.recv(maxBytes: 1024)
                return data.count
            }
            guard acceptEntered.wait(timeout: .now() + 3) == .success else {
                throw ExperimentError.hung("the server never called accept()")
            }
            let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            try client.connect(to: stage.address)
            observed.client = try client.localAddress().endpoint

            Thread.sleep(forTimeInterval: Self.hold.seconds / 2)
            observed.table = try SocketTable.take(port: stage.port)
            observed.acceptPendingAtTable = stage.tracer.snapshot().contains { $0.call == .accept && $0.isPending }
            stage.recorder.note("ss -tan: the server's side is " + (serverState(observed) ?? "not listed")
                + (observed.acceptPendingAtTable ? "; accept() still waiting" : ""))
            Thread.sleep(forTimeInterval: Self.hold.seconds / 2)

            observed.dataSent = Instant.now()
            try client.sendAll(Self.payload)
            _ = try server.wait(timeout: .seconds(4))
            observed.deferDropsAfter = kernelCounter("TCPDeferAcceptDrop")
            client.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, client: observed.client, scope: .oneConnection)
        if let ack = outcome.segments.first(where: { if case .handshakeACK(false) = $0.role { true } else { false } }) {
            outcome.timeline.attach(PacketRemark("the listener discards it: TCP_DEFER_ACCEPT waits for data"), toPacket: ack.segment.number)
        }
        explain(&outcome, observed)
        return outcome
    }

    private func serverState(_ observed: Observed) -> String? {
        guard let client = observed.client else { return nil }
        return observed.table?.rows.first { $0.peer == client }?.state
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed) {
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
                    ? "The handshake ran as usual: SYN, SYN-ACK, and the client's bare ACK (step 3); connect() returned "
                        + "after the SYN-ACK. TCP_DEFER_ACCEPT does not change the handshake itself."
                    : "Expected a normal handshake with connect() returning after the SYN-ACK; connect() returned after "
                        + (findings.connectReturnedAfter?.rawValue ?? "nothing captured") + ".")
        }
        if let ack = findings?.finalAck, let accept, let returned = accept.returned, let sent = observed.dataSent {
            let waitedAfterAck = returned.nanoseconds(since: ack.segment.timestamp)
            let held = returned >= sent
            explanation.claim(held, held
                ? "accept() did not return when the bare ACK arrived: it kept waiting \(secondsText(waitedAfterAck)) more, "
                    + "until the client's data came. With TCP_DEFER_ACCEPT Linux notes the ACK and discards it, and keeps "
                    + "the connection half-open instead of moving it to the accept queue."
                    + ((observed.deferDropsAfter ?? 0) > (observed.deferDropsBefore ?? 0)
                        ? " (The kernel's TCPDeferAcceptDrop counter rose by "
                            + "\((observed.deferDropsAfter ?? 0) - (observed.deferDropsBefore ?? 0)).)" : "")
                : "Expected accept() to wait past the bare ACK until the data; it returned \(secondsText(waitedAfterAck)) "
                    + "after the ACK, before the client sent anything.")
        } else if !outcome.captured, let accept, let returned = accept.returned, let sent = observed.dataSent {
            explanation.claim(returned >= sent, returned >= sent
                ? "accept() returned only after the client sent its data, \(secondsText(sent.nanoseconds(since: connect?.returned ?? sent))) "
                    + "after connect() had returned."
                : "Expected accept() to wait for the data; it returned before the client sent anything.")
        }
        if let state = serverState(observed) {
            facts["server-state-while-waiting"] = state
            explanation.claim(state == "SYN-RECV", state == "SYN-RECV"
                ? "Halfway through the wait, ss showed the client's side ESTAB (connect() had returned) but the server's "
                    + "side SYN-RECV: for the server the handshake is not finished until data arrives"
                    + (observed.acceptPendingAtTable ? ", and accept() was still waiting." : ".")
                : "Expected the server's side in SYN-RECV while waiting; ss showed \(state).")
        }
        if let table = observed.table { outcome.sections.append(table.section("The socket table during the wait")) }
        if outcome.captured, let findings {
            let copies = outcome.segments.filter { $0.role == .synAckRetransmission && $0.connection == findings.connection }
            facts["synack-retransmissions"] = String(copies.count)
            explanation.claim(copies.isEmpty, copies.isEmpty
                ? "The server did not resend its SYN-ACK while waiting: it had the ACK, it only wanted data. Only "
                    + "when the defer period has passed does Linux resend the SYN-ACK, and the bare ACK that answers it "
                    + "is then accepted: a client that never sends is let in after all, just late."
                : "The server resent its SYN-ACK \(copies.count) time(s) during the wait.")
            if findings.acceptReturnedAfter == .data, let accept, let returned = accept.returned {
                let data = outcome.segments.first { $0.direction == .clientToServer && $0.segment.payloadLength > 0 }
                let gap = data.map { returned.nanoseconds(since: $0.segment.timestamp) } ?? 0
                explanation.claim(true, "accept() returned \(formatDuration(nanoseconds: gap)) after the first data segment "
                    + "(\(Self.payload.count) bytes) arrived, and the data was already waiting for the server's first recv().")
            } else {
                explanation.claim(false, "Expected accept() to return right after the first data segment; it returned after "
                    + (findings.acceptReturnedAfter?.rawValue ?? "nothing captured") + ".")
            }
        } else if !outcome.captured {
            explanation.claim(nil, "the packets (no capture).")
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
