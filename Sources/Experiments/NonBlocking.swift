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
        summary: "setblocking(False): accept() and recv() fail at once with EAGAIN (Python: BlockingIOError); "
            + "settimeout() ends a blocked recv() after the set time; waiting sends no packets.",
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
        let stage = try LoopbackStage(capture: settings.capture)
        defer { stage.listener.close() }
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: 8)
            try stage.listener.setBlocking(false)
            stage.recorder.note("server: setblocking(False) on the listening socket")
            _ = try? stage.listener.accept()

            let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            try client.connect(to: stage.address)
            guard try stage.listener.waitUntilReadable(timeout: .seconds(3)) else {
                throw ExperimentError.hung("the connection never reached the accept queue")
            }
            let (connection, _) = try stage.listener.accept()
            defer { connection.close() }
            try connection.setBlocking(false)
            stage.recorder.note("server: setblocking(False) on the connection")
            _ = try? connection.recv(maxBytes: 1024)

            try connection.setBlocking(true)
            try connection.setTimeout(Self.timeout)
            stage.recorder.note("server: settimeout(\(formatSeconds(Self.timeout))), blocking again")
            _ = try? connection.recv(maxBytes: 1024)

            try client.sendAll(Array("late".utf8))
            try connection.setTimeout(.seconds(3))
            _ = try connection.recv(maxBytes: 1024)
            client.close()
            connection.close()
            stage.listener.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .oneConnection)
        explain(&outcome)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let trace = outcome.run.trace
        let accepts = trace.filter { $0.call == .accept }
        let recvs = trace.filter { $0.call == .recv && $0.role == "server" }
        let quick: Int64 = 100_000_000

        if let first = accepts.first, let waited = first.blockedNanoseconds {
            facts["accept-nonblocking"] = first.errorName == "EAGAIN" ? "EAGAIN" : "returned"
            if first.errorName == "EAGAIN" && waited < quick {
                explanation.claim(true, "accept() on the non-blocking listener, with no client yet, failed with EAGAIN "
                    + "after \(formatDuration(nanoseconds: waited)): it did not wait. Python raises BlockingIOError "
                    + "([Errno 11] Resource temporarily unavailable); EWOULDBLOCK is the same number on Linux.")
            } else {
                explanation.claim(false, "Expected the idle non-blocking accept() to fail at once with EAGAIN; it "
                    + (first.errorName.map { "failed with \($0)" } ?? "returned") + " after \(formatDuration(nanoseconds: waited)).")
            }
        }
        if accepts.count >= 2, accepts[1].outcome?.isSuccess == true {
            explanation.context("Once the client had connected, poll() said the listener was readable and accept() "
                + "returned the connection at once: non-blocking code waits in poll()/select(), not in accept().")
        }
        let nonBlockingRecv = recvs.first
        if let recv = nonBlockingRecv, let waited = recv.blockedNanoseconds {
            facts["recv-nonblocking"] = recv.errorName == "EAGAIN" ? "EAGAIN" : "returned"
            if recv.errorName == "EAGAIN" && waited < quick {
                explanation.claim(true, "recv() on the non-blocking connection, with nothing received, failed with EAGAIN "
                    + "after \(formatDuration(nanoseconds: waited)). An empty non-blocking recv is an error, never b\"\": "
                    + "b\"\" (0 bytes) would mean the peer closed.")
            } else {
                explanation.claim(false, "Expected the non-blocking recv() to fail at once with EAGAIN; it "
                    + (recv.errorName.map { "failed with \($0)" } ?? "returned") + " after \(formatDuration(nanoseconds: waited)).")
            }
        }
        let limit = Int64(Self.timeout.seconds * 1e9)
        if recvs.count >= 2, let returned = recvs[1].returned {
            let timed = recvs[1]
            let (entered, waited) = (timed.entered, returned.nanoseconds(since: timed.entered))
            let timedOut = timed.errorName == "EAGAIN (timeout)"
            facts["recv-timeout"] = timedOut ? "timed-out" : "returned"
            if timedOut && waited >= limit - 2_000_000 && waited < limit + 1_000_000_000 {
                explanation.claim(true, "With a \(formatSeconds(Self.timeout)) timeout, recv() blocked and gave up after "
                    + "\(formatDuration(nanoseconds: waited)) with EAGAIN; Python raises TimeoutError (socket.timeout). "
                    + "The timeout is SO_RCVTIMEO: the kernel wakes the call, nothing is sent.")
            } else {
                explanation.claim(false, "Expected recv() to give up after about \(formatSeconds(Self.timeout)); it "
                    + (timed.errorName.map { "failed with \($0)" } ?? "returned") + " after \(formatDuration(nanoseconds: waited)).")
            }
            if outcome.captured {
                let during = outcome.segments.filter { $0.segment.timestamp > entered && $0.segment.timestamp < returned }
                facts["packets-while-waiting"] = String(during.count)
                explanation.claim(during.isEmpty, during.isEmpty
                    ? "While recv() waited, the capture saw no packet at all: waiting is local to the receiving "
                        + "kernel, the peer is not asked anything (TCP keepalive is off by default)."
                    : "While recv() waited, the capture saw \(during.count) packet(s); waiting alone should send none.")
            } else {
                explanation.claim(nil, "that waiting sends no packets (no capture).")
            }
        }
        if recvs.count >= 3, let last = recvs.last, let bytes = last.returnedValue {
            explanation.claim(bytes > 0, bytes > 0
                ? "After the timeout the same connection still worked: the client's \(bytes) bytes arrived and recv() returned them."
                : "After the timeout the last recv() returned \(bytes) bytes; the connection should still have worked.")
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
