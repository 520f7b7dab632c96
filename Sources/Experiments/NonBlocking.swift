import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// Non-blocking calls fail at once when nothing is ready; a timeout ends a blocked call
/// after the set time; and waiting, either way, sends no packets.
public struct NonBlocking: Experiment {
    public static let info = ExperimentInfo(
        name: "nonblocking",
        summary: .nbSummary,
        needs: [.capture],
        discussion: """
            A server makes its listening socket non-blocking and calls accept() before any client has \
            come: the call fails at once with EAGAIN. A client connects; the server takes the connection \
            and, non-blocking again, calls recv() before any data has come: EAGAIN again. Then the \
            connection is made blocking with a 500 ms timeout and recv() waits; the capture shows what \
            travels meanwhile. Finally the client sends a few bytes, and recv() on the same socket \
            gets them: a timeout does not close the connection.
            """,
        facts: [
            FactDescription("accept-nonblocking", ["EAGAIN", "returned"], "what accept() on the idle non-blocking listener did"),
            FactDescription("recv-nonblocking", ["EAGAIN", "returned"], "what recv() on the idle non-blocking connection did"),
            FactDescription("recv-timeout", ["timed-out", "returned"], "what recv() with a 500 ms timeout did"),
            FactDescription("packets-while-waiting", ["0", "1", "2"], "packets captured while recv() waited"),
        ])

    /// The receive timeout set before the blocking recv().
    public static let timeout: Duration = .milliseconds(500)

    public init() {}

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        defer { stage.listener.close() }
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: 8)
            try stage.listener.setBlocking(false)
            stage.recorder.note(say(.nbNoteListener))
            _ = try? stage.listener.accept()

            let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            try client.connect(to: stage.address)
            guard try stage.listener.waitUntilReadable(timeout: .seconds(3)) else {
                throw ExperimentError.hung(say(.nbHungQueue))
            }
            let (connection, _) = try stage.listener.accept()
            defer { connection.close() }
            try connection.setBlocking(false)
            stage.recorder.note(say(.nbNoteConnection))
            _ = try? connection.recv(maxBytes: 1024)

            try connection.setBlocking(true)
            try connection.setTimeout(Self.timeout)
            stage.recorder.note(say(.nbNoteTimeout, formatSeconds(Self.timeout)))
            _ = try? connection.recv(maxBytes: 1024)

            try client.sendAll(Array("late".utf8))
            try connection.setTimeout(.seconds(3))
            _ = try connection.recv(maxBytes: 1024)
            client.close()
            connection.close()
            stage.listener.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .oneConnection)
        explain(&outcome, say: say)
        kernelClaims(&outcome, port: stage.port, language: settings.language)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let trace = outcome.run.trace
        let accepts = trace.filter { $0.call == .accept }
        let recvs = trace.filter { $0.call == .recv && $0.role == "server" }
        let quick: Int64 = 100_000_000

        if let first = accepts.first, let waited = first.blockedNanoseconds {
            facts["accept-nonblocking"] = first.errorName == "EAGAIN" ? "EAGAIN" : "returned"
            if first.errorName == "EAGAIN" && waited < quick {
                explanation.claim(true, say(.nbAccept, formatDuration(nanoseconds: waited)))
            } else {
                let after = formatDuration(nanoseconds: waited)
                explanation.claim(false, first.errorName.map { say(.nbAcceptWrongFailed, $0, after) }
                    ?? say(.nbAcceptWrongReturned, after))
            }
        }
        if accepts.count >= 2, accepts[1].outcome?.isSuccess == true {
            explanation.context(say(.nbPollContext))
        }
        let nonBlockingRecv = recvs.first
        if let recv = nonBlockingRecv, let waited = recv.blockedNanoseconds {
            facts["recv-nonblocking"] = recv.errorName == "EAGAIN" ? "EAGAIN" : "returned"
            if recv.errorName == "EAGAIN" && waited < quick {
                explanation.claim(true, say(.nbRecv, formatDuration(nanoseconds: waited)))
            } else {
                let after = formatDuration(nanoseconds: waited)
                explanation.claim(false, recv.errorName.map { say(.nbRecvWrongFailed, $0, after) }
                    ?? say(.nbRecvWrongReturned, after))
            }
        }
        let limit = Int64(Self.timeout.seconds * 1e9)
        if recvs.count >= 2, let returned = recvs[1].returned {
            let timed = recvs[1]
            let (entered, waited) = (timed.entered, returned.nanoseconds(since: timed.entered))
            let timedOut = timed.errorName == "EAGAIN (timeout)"
            facts["recv-timeout"] = timedOut ? "timed-out" : "returned"
            if timedOut && waited >= limit - 2_000_000 && waited < limit + 1_000_000_000 {
                explanation.claim(true, say(.nbTimeout, formatSeconds(Self.timeout), formatDuration(nanoseconds: waited)))
            } else {
                let after = formatDuration(nanoseconds: waited)
                explanation.claim(false, timed.errorName.map { say(.nbTimeoutWrongFailed, formatSeconds(Self.timeout), $0, after) }
                    ?? say(.nbTimeoutWrongReturned, formatSeconds(Self.timeout), after))
            }
            if outcome.captured {
                let during = outcome.segments.filter { $0.segment.timestamp > entered && $0.segment.timestamp < returned }
                facts["packets-while-waiting"] = String(during.count)
                explanation.claim(during.isEmpty, during.isEmpty
                    ? say(.nbQuiet)
                    : say(.nbQuietWrong, String(during.count)))
            } else {
                explanation.claim(nil, say(.nbQuietUnchecked))
            }
        }
        if recvs.count >= 3, let last = recvs.last, let bytes = last.returnedValue {
            explanation.claim(bytes > 0, bytes > 0
                ? say(.nbStillWorks, String(bytes))
                : say(.nbStillWorksWrong, String(bytes)))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
