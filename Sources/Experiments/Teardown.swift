import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// How TCP connections end: FIN and ACK each way and TIME-WAIT for the side that closed
/// first; shutdown(SHUT_WR) as a half-close; and resets instead of FINs.
public struct Teardown: Experiment {
    public static let info = ExperimentInfo(
        name: "teardown",
        summary: .teardownSummary,
        needs: [.capture, .ss],
        discussion: """
            Three connections to one server. 1: the client sends a request and calls shutdown(SHUT_WR); \
            the server's recv() returns b"" (end of stream), the server still sends its reply, which the \
            client receives after its own FIN, and closes. 2: the client sends data the server never \
            reads, and the server calls close(): the kernel answers with RST instead of FIN, and the \
            client's next recv() fails. 3: the client sets SO_LINGER to 0 seconds and closes: RST again, \
            from the client. At the end `ss -tan` shows which sockets wait in TIME-WAIT.
            """,
        facts: [
            FactDescription("first-fin", ["client", "server", "none"], "who sent the first FIN on connection 1"),
            FactDescription("time-wait", ["client", "server", "both", "none"], "whose socket of connection 1 ss showed in TIME-WAIT"),
            FactDescription("half-close", ["yes", "no"], "whether the client still received the reply after shutdown(SHUT_WR)"),
            FactDescription("unread-close", ["rst", "fin", "none"], "what the server's close() with unread data sent"),
            FactDescription("peer-error-after-rst", ["ECONNRESET", "none"], "what the client's recv() got after that reset"),
            FactDescription("linger-zero-close", ["rst", "fin", "none"], "what close() with SO_LINGER 0 sent"),
            FactDescription("close-wait-side", ["client", "server", "both", "none"],
                            "whose socket of connection 1 the kernel's samples showed in CLOSE-WAIT"),
        ])

    public init() {}

    struct Observed {
        var clients: [IPEndpoint?] = [nil, nil, nil]
        var serverEOF = false
        var replyAfterShutdown: [UInt8] = []
        var clientRecvAfterReset: SocketError?
        var serverRecvAfterLingerReset: SocketError?
        var table: SocketTable?
    }

    static let request = Array("request".utf8)
    static let reply = Array("reply after your FIN".utf8)
    static let unread = Array("data nobody reads".utf8)

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: 8)
            try stage.listener.setTimeout(.seconds(3))
            func connectPair(_ number: Int) throws -> (Socket, Socket) {
                let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client \(number)")
                try client.setTimeout(.seconds(3))
                try client.connect(to: stage.address)
                observed.clients[number - 1] = try client.localAddress().endpoint
                let (connection, _) = try stage.listener.accept(role: "server \(number)")
                try connection.setTimeout(.seconds(3))
                return (client, connection)
            }

            // 1: orderly close, client first, with a half-close.
            stage.recorder.note(say(.teardownNote1))
            let (client1, server1) = try connectPair(1)
            defer { client1.close(); server1.close() }
            try client1.sendAll(Self.request)
            _ = try server1.recv(maxBytes: 1024)
            try client1.shutdown(.write)
            observed.serverEOF = try server1.recv(maxBytes: 1024).isEmpty
            try server1.sendAll(Self.reply)
            server1.close()
            while observed.replyAfterShutdown.count < Self.reply.count {
                let piece = try client1.recv(maxBytes: 1024)
                if piece.isEmpty { break }
                observed.replyAfterShutdown += piece
            }
            _ = try client1.recv(maxBytes: 1024)
            client1.close()

            // 2: the server closes with unread data.
            stage.recorder.note(say(.teardownNote2))
            let (client2, server2) = try connectPair(2)
            defer { client2.close(); server2.close() }
            try client2.sendAll(Self.unread)
            guard server2.waitForBytes(Self.unread.count, timeout: .seconds(2)) else {
                throw ExperimentError.hung(say(.teardownHungData))
            }
            server2.close()
            // The reset reaches the client within microseconds on loopback; give it a moment.
            _ = try client2.waitUntilReadable(timeout: .seconds(1))
            do throws(SocketError) { _ = try client2.recv(maxBytes: 1024) } catch { observed.clientRecvAfterReset = error }
            client2.close()

            // 3: SO_LINGER 0 on the client.
            stage.recorder.note(say(.teardownNote3))
            let (client3, server3) = try connectPair(3)
            defer { client3.close(); server3.close() }
            try client3.setLinger(seconds: 0)
            client3.close()
            _ = try server3.waitUntilReadable(timeout: .seconds(1))
            do throws(SocketError) { _ = try server3.recv(maxBytes: 1024) } catch { observed.serverRecvAfterLingerReset = error }
            server3.close()
        }
        observed.table = try SocketTable.take(port: stage.port)
        var outcome = stage.outcome(Self.info.name, recorded, scope: .everyClient)
        explain(&outcome, observed, port: stage.port, say: say)
        kernelClaims(&outcome, observed, port: stage.port, language: settings.language)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let server = IPEndpoint(.v4(.loopback), port)
        let segments = outcome.segments
        func of(_ number: Int) -> [AnnotatedSegment] {
            guard let client = observed.clients[number - 1] else { return [] }
            return segments.filter { $0.client == client && $0.server == server }
        }

        // 1: FIN each way.
        let first = of(1)
        let fins = first.filter { $0.segment.isFIN }
        if outcome.captured {
            let clientFIN = fins.first { $0.direction == .clientToServer }
            let serverFIN = fins.first { $0.direction == .serverToClient }
            let firstFrom = fins.first.map { $0.direction == .clientToServer ? "client" : "server" }
            facts["first-fin"] = firstFrom ?? "none"
            let finalAck = first.contains { $0.role == .finalAck }
            if let clientFIN, let serverFIN, firstFrom == "client", finalAck {
                explanation.claim(true, say(.teardownFins, formatDuration(
                    nanoseconds: serverFIN.segment.timestamp.nanoseconds(since: clientFIN.segment.timestamp))))
            } else {
                let from = firstFrom.map { say($0 == "client" ? .sideClient : .sideServer) } ?? say(.sideNobody)
                explanation.claim(false, say(finalAck ? .teardownFinsWrong : .teardownFinsWrongNoAck, String(fins.count), from))
            }
        } else {
            explanation.claim(nil, say(.teardownFinsUnchecked))
        }
        let halfClose = observed.replyAfterShutdown == Self.reply
        facts["half-close"] = halfClose ? "yes" : "no"
        explanation.claim(observed.serverEOF && halfClose, observed.serverEOF && halfClose
            ? say(.teardownHalfClose, String(decoding: Self.reply, as: UTF8.self))
            : say(.teardownHalfCloseWrong, say.yesNo(observed.serverEOF), say.yesNo(halfClose)))

        // TIME-WAIT.
        if let table = observed.table, let client = observed.clients[0] {
            let clientWaits = table.rows.contains { $0.state == "TIME-WAIT" && $0.local == client && $0.peer == server }
            let serverWaits = table.rows.contains { $0.state == "TIME-WAIT" && $0.local == server && $0.peer == client }
            let who = clientWaits ? (serverWaits ? "both" : "client") : (serverWaits ? "server" : "none")
            facts["time-wait"] = who
            let whoText = say(clientWaits ? (serverWaits ? .sideBoth : .sideClient) : (serverWaits ? .sideServer : .sideNone))
            explanation.claim(who == "client", who == "client"
                ? say(.teardownTimeWait, "\(client)")
                : say(.teardownTimeWaitWrong, whoText))
            outcome.sections.append(table.section(say(.teardownSectionTable)))
        }

        // 2: close with unread data.
        let second = of(2)
        if outcome.captured {
            let reset = second.first { $0.segment.isRST && $0.direction == .serverToClient }
            let serverFIN = second.contains { $0.segment.isFIN && $0.direction == .serverToClient }
            facts["unread-close"] = reset != nil ? "rst" : (serverFIN ? "fin" : "none")
            explanation.claim(reset != nil && !serverFIN, reset != nil && !serverFIN
                ? say(.teardownUnread, String(Self.unread.count))
                : say(.teardownUnreadWrong, say(reset != nil ? .teardownHasRST : .teardownNoRST),
                      say(serverFIN ? .teardownHasFIN : .teardownNoFIN)))
        } else {
            explanation.claim(nil, say(.teardownUnreadUnchecked))
        }
        let resetName = observed.clientRecvAfterReset?.errno.map { ErrnoName.of($0.rawValue) }
        facts["peer-error-after-rst"] = resetName ?? "none"
        explanation.claim(resetName == "ECONNRESET", resetName == "ECONNRESET"
            ? say(.teardownReset)
            : resetName.map { say(.teardownResetWrongFailed, $0) } ?? say(.teardownResetWrongNoFailure))

        // 3: SO_LINGER 0.
        let third = of(3)
        if outcome.captured {
            let reset = third.first { $0.segment.isRST && $0.direction == .clientToServer }
            let clientFIN = third.contains { $0.segment.isFIN && $0.direction == .clientToServer }
            facts["linger-zero-close"] = reset != nil ? "rst" : (clientFIN ? "fin" : "none")
            let serverError = observed.serverRecvAfterLingerReset?.errno.map { ErrnoName.of($0.rawValue) }
            explanation.claim(reset != nil && !clientFIN, reset != nil && !clientFIN
                ? say(.teardownLinger, serverError ?? say(.noError))
                : say(.teardownLingerWrong, say(reset != nil ? .teardownHasRST : .teardownNoRST),
                      say(clientFIN ? .teardownHasFIN : .teardownNoFIN)))
        } else {
            explanation.claim(nil, say(.teardownLingerUnchecked))
        }
        if let table = observed.table, let lingerClient = observed.clients[2] {
            let waits = table.rows.contains { $0.state == "TIME-WAIT" && $0.local == lingerClient }
            explanation.claim(!waits, !waits
                ? say(.teardownLingerNoTimeWait)
                : say(.teardownLingerTimeWait))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
