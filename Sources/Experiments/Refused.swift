import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// connect() to a port where nothing listens.
///
/// The port is held by a socket that is bound but never listens, so nothing else can
/// start listening there during the run, and the kernel, finding no listener, answers each
/// SYN with a reset. connect() then fails with ECONNREFUSED, and the connect_ex form
/// returns the error number instead of throwing.
public struct Refused: Experiment {
    public static let info = ExperimentInfo(
        name: "refused",
        summary: .refusedSummary,
        needs: [.capture],
        discussion: """
            A socket is bound to a free port on 127.0.0.1 and never listens. A client calls connect() \
            there, then a second client calls connect_ex() (osilab's Socket.connectEx). The capture \
            shows who answers the SYN and how; the trace shows what each call returned. The notes quote \
            10061 for a refused connect_ex: that is Windows' WSAECONNREFUSED; on Linux the number is 111.
            """,
        facts: [
            FactDescription("answer", ["rst", "synack", "none"], "what came back for the SYN"),
            FactDescription("connect-error", ["ECONNREFUSED", "EAGAIN", "none"], "the error connect() failed with, or none"),
            FactDescription("connect-ex", ["111", "11", "0"], "the number connect_ex returned"),
            FactDescription("client-state-after-rst", ["CLOSED", "SYN-SENT", "ESTAB", "none"],
                            "the client's socket in the kernel's samples after connect() failed (CLOSED: gone from the table)"),
        ])

    public init() {}

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        // Holding the port with a bound, non-listening socket keeps the run honest: nobody
        // can listen there meanwhile, and a bound socket does not answer SYNs itself.
        let holder = try Socket(family: .inet, type: .stream)
        defer { holder.close() }
        try holder.bind(to: .ipv4(.loopback, port: 0))
        guard let port = try holder.localAddress().port else { throw ExperimentError.setup(say(.setupNoPort)) }
        let target = SocketAddress.ipv4(.loopback, port: port)

        let recorder = try ExperimentRecorder(filter: "tcp port \(port)", capture: settings.capture, kernelPorts: [port], kernelInterval: settings.kernelInterval)
        var connectError: SocketError?
        var connectExResult: Int32 = 0
        let (run, timeline) = try recorder.record {
            let client = try Socket(family: .inet, type: .stream, tracer: recorder.tracer, role: "client 1")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            do throws(SocketError) { try client.connect(to: target) } catch { connectError = error }

            let second = try Socket(family: .inet, type: .stream, tracer: recorder.tracer, role: "client 2")
            defer { second.close() }
            try second.setTimeout(.seconds(3))
            connectExResult = second.connectEx(to: target)
        }
        var outcome = ExperimentOutcome(
            Self.info.name, run: run, timeline: timeline, client: nil, server: IPEndpoint(.v4(.loopback), port),
            scope: .everyClient, captured: recorder.isCapturing)
        explain(&outcome, port: port, connectError: connectError, connectEx: connectExResult, say: say)
        kernelClaims(&outcome, port: port, language: settings.language)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, port: UInt16, connectError: SocketError?, connectEx: Int32,
                 say: ExperimentStrings) {
        var explanation = Explanation()
        let segments = outcome.segments
        let connects = outcome.run.trace.filter { $0.call == .connect }
        let captured = outcome.captured

        // The wire: each SYN and what answered it.
        let syns = segments.filter { $0.role == .handshakeSYN }
        let resets = segments.filter { $0.role == .refused }
        let synAcks = segments.filter { $0.role == .handshakeSYNACK }
        let answer = !captured ? nil : (!resets.isEmpty ? "rst" : (!synAcks.isEmpty ? "synack" : "none"))
        if captured {
            let holds = syns.count == 2 && resets.count == 2 && synAcks.isEmpty
            if holds {
                explanation.claim(true, say(.refusedBothReset, String(port),
                                            formatDuration(nanoseconds: gap(resets.first, after: syns.first))))
            } else {
                explanation.claim(false, say(.refusedNotReset, String(syns.count), String(resets.count), String(synAcks.count)))
            }
        } else {
            explanation.claim(nil, say(.refusedAnswerUnchecked))
        }

        // The calls.
        if let first = connects.first {
            if let error = first.errorName, error == "ECONNREFUSED" {
                let number = String(first.errorNumber ?? 0)
                if let reset = resets.first, let returned = first.returned {
                    explanation.claim(true, say(.refusedConnectAfterReset, number,
                                                formatDuration(nanoseconds: returned.nanoseconds(since: reset.segment.timestamp))))
                } else {
                    explanation.claim(true, say(.refusedConnect, number))
                }
            } else if let error = first.errorName {
                explanation.claim(false, say(.refusedConnectFailedOther, error))
            } else {
                explanation.claim(false, say(.refusedConnectSucceeded))
            }
        }
        if connectEx == 111 {
            explanation.claim(true, say(.refusedConnectEx, String(connectEx)))
        } else if connectEx == 0 {
            explanation.claim(false, say(.refusedConnectExConnected, String(connectEx)))
        } else {
            explanation.claim(false, say(.refusedConnectExWrong, String(connectEx), ErrnoName.of(connectEx)))
        }
        explanation.context(say(.refusedContext))

        outcome.explanation = explanation
        var facts = ["connect-ex": String(connectEx),
                     "connect-error": connectError.flatMap { $0.errno.map { ErrnoName.of($0.rawValue) } } ?? "none"]
        if let answer { facts["answer"] = answer }
        outcome.facts = facts
    }

    private func gap(_ later: AnnotatedSegment?, after earlier: AnnotatedSegment?) -> Int64 {
        guard let later, let earlier else { return 0 }
        return later.segment.timestamp.nanoseconds(since: earlier.segment.timestamp)
    }
}
