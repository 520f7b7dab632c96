import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// A lost data segment and the sender's kernel sending it again: same sequence number,
/// same bytes, later, with the waits growing.
///
/// In a network namespace of its own (as ``DropFinalAck`` does), after a first message has
/// gone through, osilab adds an nftables rule on the input hook that drops data segments
/// (PSH set) to the server's port, but only the first ``drops`` of them: `limit rate 1/hour
/// burst N packets` matches N packets and then no more for an hour. The client's second
/// message is dropped, and so are its first copies; the last copy gets through. The capture
/// on `lo` sees each copy before the input hook drops it, so the ladder shows every copy.
public struct Retransmit: Experiment {
    public static let info = ExperimentInfo(
        name: "retransmit",
        summary: .retransmitSummary,
        needs: [.capture, .netns],
        discussion: """
            osilab creates a network namespace (osilab-<pid>-<n>) with its own loopback interface. A server \
            there listens on 127.0.0.1:\(port); a client connects and sends a first message, which arrives. \
            Then osilab adds an nftables rule on the input hook: drop TCP segments to port \(port) with PSH \
            set, `limit rate 1/hour burst \(drops) packets`, so that only the first \(drops) match. The client \
            sends a second message: it and its first copies are dropped; the client's kernel sends it again \
            with the same sequence number each time, first as a tail loss probe (RFC 8985) and then when its \
            retransmission timer (RTO) runs out, each wait longer than the last, until a copy gets through. \
            The server's recv() waits all that time. The TcpExt counters TCPLossProbes and TCPTimeouts of the \
            namespace say which mechanism sent each copy. Everything is removed at the end, also on Ctrl-C. \
            Takes about a second.
            """,
        facts: [
            FactDescription("copies-dropped", ["0", "1", "2", "3", "4"], "segments the rule dropped (its nft counter)"),
            FactDescription("retransmissions", ["0", "1", "2", "3", "4"], "copies of the second message the client sent after the first"),
            FactDescription("retransmitted-seq-same", ["yes", "no"], "whether every copy carried the first copy's sequence number and length"),
            FactDescription("first-resend-after", ["under-100ms", "100ms-to-1s", "over-1s"], "how long the client waited before the first copy"),
            FactDescription("last-wait-doubled", ["yes", "no"], "whether the last wait was about twice the one before (exponential backoff)"),
            FactDescription("loss-probes", ["0", "1", "2"], "how much TcpExt TCPLossProbes grew"),
            FactDescription("timeouts", ["0", "1", "2", "3"], "how much TcpExt TCPTimeouts grew"),
        ])

    public static let port: UInt16 = 4545
    /// Segments the rule drops: the original and two copies, so that one copy comes from the tail
    /// loss probe and two from the retransmission timer, the second after a doubled wait.
    public static let drops = 3
    static let table = "osilab"
    static let counter = "dropped_data"
    static let first = Array("first message".utf8)
    static let second = Array("second message".utf8)
    static let netstat = "/proc/thread-self/net/netstat"

    public init() {}

    struct Observed: Sendable {
        var run: RecordedRun
        var timeline: Timeline
        var client: IPEndpoint?
        var ruleAdded: Instant
        var ruleText: [String]
        var dropped: Int?
        var secondRead: [UInt8]
        var probesBefore: Int?
        var probesAfter: Int?
        var timeoutsBefore: Int?
        var timeoutsAfter: Int?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        let tell = TransferStrings(settings.language)
        let leftovers = NetworkNamespace.removeLeftovers()
        let namespace = try NetworkNamespace.create()
        defer { namespace.remove() }
        try namespace.exec(["nft", "add", "table", "inet", Self.table])
        try namespace.exec(["nft", "add", "counter", "inet", Self.table, Self.counter])
        try namespace.exec(["nft", "add", "chain", "inet", Self.table, "input",
                            "{ type filter hook input priority 0 ; policy accept ; }"])
        var observed = try namespace.run(timeout: .seconds(12)) { () throws -> Observed in
            try Self.scenario(namespace: namespace, capture: settings.capture, say: say, tell: tell)
        }
        observed.timeline = Self.marked(observed.timeline, observed, tell: tell)
        var outcome = ExperimentOutcome(
            Self.info.name, run: observed.run, timeline: observed.timeline, client: observed.client,
            server: IPEndpoint(.v4(.loopback), Self.port), scope: .oneConnection, captured: settings.capture)
        outcome.sections.append(ReportSection(
            title: say(.dropSectionSetUp),
            lines: namespace.commands.map { "$ " + $0 } + [say(.dropSetUpRemoved, "$ ip netns del \(namespace.name)")]))
        outcome.sections.append(ReportSection(title: say(.dropSectionCounter),
                                              lines: observed.ruleText.map { $0.replacingOccurrences(of: "\t", with: "  ") }))
        explain(&outcome, observed, leftovers: leftovers, namespace: namespace.name, say: say, tell: tell)
        return outcome
    }

    /// Runs on a thread inside the namespace: server, client, capture, rule.
    static func scenario(namespace: NetworkNamespace, capture: Bool, say: ExperimentStrings,
                         tell: TransferStrings) throws -> Observed {
        let tracer = TraceRecorder()
        let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        let recorder = try ExperimentRecorder(filter: "tcp port \(port)", capture: capture, tracer: tracer)
        var client: IPEndpoint?
        var ruleAdded = Instant.now()
        var ruleText: [String] = []
        var secondRead: [UInt8] = []
        var probesBefore: Int?, timeoutsBefore: Int?, probesAfter: Int?, timeoutsAfter: Int?
        let (run, timeline) = try recorder.record {
            try listener.listen(backlog: 8)
            try listener.setTimeout(.seconds(3))
            let socket = try Socket(family: .inet, type: .stream, tracer: tracer, role: "client")
            defer { socket.close() }
            try socket.setTimeout(.seconds(3))
            try socket.connect(to: .ipv4(.loopback, port: port))
            client = try socket.localAddress().endpoint
            let (connection, _) = try listener.accept()
            defer { connection.close() }
            try connection.setTimeout(.seconds(5))

            recorder.note(tell(.rtNoteFirst))
            try socket.sendAll(first)
            _ = try connection.recv(maxBytes: 1024)
            // Wait for the first message's ACK, so that nothing of it is left in flight when the rule goes in.
            guard socket.waitUntilUnacknowledged(0, timeout: .seconds(1)) else { throw ExperimentError.hung(tell(.hungData)) }

            try namespace.exec(["nft", "add", "rule", "inet", table, "input", "tcp", "dport", String(port),
                                "tcp flags & psh == psh", "limit", "rate", "1/hour", "burst", String(drops), "packets",
                                "counter", "name", counter, "drop"])
            ruleAdded = Instant.now()
            recorder.note(tell(.rtNoteRule, String(drops)))
            probesBefore = kernelCounter("TCPLossProbes", file: netstat)
            timeoutsBefore = kernelCounter("TCPTimeouts", file: netstat)
            recorder.note(tell(.rtNoteSecond))
            try socket.sendAll(second)
            // Bounded: each recv returns at least one byte or times out (5 s).
            while secondRead.count < second.count {
                let piece = try connection.recv(maxBytes: 1024)
                if piece.isEmpty { break }
                secondRead += piece
            }
            _ = socket.waitUntilUnacknowledged(0, timeout: .seconds(1))
            probesAfter = kernelCounter("TCPLossProbes", file: netstat)
            timeoutsAfter = kernelCounter("TCPTimeouts", file: netstat)
            ruleText = try namespace.exec(["nft", "list", "table", "inet", table], log: false).lines
            ruleText = [tell(.rtListAfter, "$ nft list table inet \(table)")] + ruleText
            socket.close()
            connection.close()
        }
        return Observed(run: run, timeline: timeline, client: client, ruleAdded: ruleAdded, ruleText: ruleText,
                        dropped: DropFinalAck.dropCount(ruleText, counter: counter), secondRead: secondRead,
                        probesBefore: probesBefore, probesAfter: probesAfter,
                        timeoutsBefore: timeoutsBefore, timeoutsAfter: timeoutsAfter)
    }

    /// The client's data segments after the rule went in, in capture order: the second message and
    /// its copies (nothing else carries data then). The first `dropped` were dropped by the rule.
    static func copies(_ timeline: Timeline, client: IPEndpoint?, after: Instant) -> [AnnotatedSegment] {
        let data = timeline.segments.filter {
            $0.segment.source == client && $0.segment.payloadLength > 0 && $0.segment.timestamp >= after
        }
        return data
    }

    static func marked(_ timeline: Timeline, _ observed: Observed, tell: TransferStrings) -> Timeline {
        var timeline = timeline
        let copies = Self.copies(timeline, client: observed.client, after: observed.ruleAdded)
        let dropped = observed.dropped ?? 0
        for (index, copy) in copies.enumerated() {
            let remark = index < dropped
                ? PacketRemark(tell(.rtRemarkDropped), dropped: true)
                : PacketRemark(tell(.rtRemarkThrough))
            timeline.attach(remark, toPacket: copy.segment.number)
        }
        return timeline
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, leftovers: [String], namespace: String,
                 say: ExperimentStrings, tell: TransferStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        if !leftovers.isEmpty {
            explanation.context(say(.dropRemovedFirst, say.list(leftovers)))
        }
        explanation.context(tell(.rtContext, namespace, String(Self.port)))

        if let dropped = observed.dropped {
            facts["copies-dropped"] = String(min(dropped, 4))
        }
        let copies = Self.copies(outcome.timeline, client: observed.client, after: observed.ruleAdded)
        if outcome.captured, let original = copies.first {
            let resent = Array(copies.dropFirst())
            facts["retransmissions"] = String(min(resent.count, 4))
            let same = resent.allSatisfy {
                $0.segment.sequence == original.segment.sequence && $0.segment.payloadLength == original.segment.payloadLength
            }
            facts["retransmitted-seq-same"] = !resent.isEmpty && same ? "yes" : "no"
            let relative = original.relativeSequence.map(String.init) ?? "?"
            explanation.claim(!resent.isEmpty && same, !resent.isEmpty && same
                ? tell(.rtSameSeq, String(copies.count), relative, String(original.segment.payloadLength))
                : tell(.rtSameSeqWrong, String(resent.count)))
            let dropped = observed.dropped ?? 0
            explanation.claim(dropped == Self.drops && copies.count == dropped + 1, dropped == Self.drops && copies.count == dropped + 1
                ? tell(.rtCounter, String(dropped), String(copies.count))
                : tell(.rtCounterWrong, String(dropped), String(copies.count), String(Self.drops)))

            let times = copies.map(\.segment.timestamp)
            let waits = zip(times.dropFirst(), times).map { $0.nanoseconds(since: $1) }
            if let firstWait = waits.first {
                facts["first-resend-after"] = firstWait < 100_000_000 ? "under-100ms" : firstWait < 1_000_000_000 ? "100ms-to-1s" : "over-1s"
                let doubled = waits.count >= 2 && {
                    let last = Double(waits[waits.count - 1]), before = Double(waits[waits.count - 2])
                    return last > before * 1.6 && last < before * 2.5
                }()
                facts["last-wait-doubled"] = doubled ? "yes" : "no"
                let list = tell.list(waits.map { secondsText($0) })
                let floor = firstWait >= 150_000_000
                explanation.claim(floor && doubled, floor && doubled
                    ? tell(.rtWaits, list)
                    : tell(.rtWaitsWrong, list))
            } else {
                explanation.claim(false, tell(.rtNoCopy))
            }
        } else if outcome.captured {
            explanation.claim(false, tell(.rtNoCopy))
        } else {
            explanation.claim(nil, tell(.rtUnchecked))
            if let dropped = observed.dropped {
                explanation.claim(dropped == Self.drops, tell(.rtCounterNoCapture, String(dropped), String(Self.drops)))
            }
        }

        // Which mechanism sent the copies: the namespace's own counters.
        if let pb = observed.probesBefore, let pa = observed.probesAfter, let tb = observed.timeoutsBefore,
           let ta = observed.timeoutsAfter {
            let probes = pa - pb, timeouts = ta - tb
            facts["loss-probes"] = String(min(max(probes, 0), 2))
            facts["timeouts"] = String(min(max(timeouts, 0), 3))
            let expected = probes + timeouts == Self.drops && timeouts >= 1
            explanation.claim(expected, expected
                ? tell(.rtCounters, String(probes), String(timeouts))
                : tell(.rtCountersWrong, String(probes), String(timeouts), String(Self.drops)))
        }

        // The reader waited: TCP hands bytes over in order only.
        let recv = observed.run.trace.last { $0.call == .recv && $0.role == "server" && $0.outcome?.isSuccess == true }
        let whole = observed.secondRead == Self.second
        if let recv, let returned = recv.returned, whole {
            let waited = returned.nanoseconds(since: observed.ruleAdded)
            explanation.claim(waited >= 150_000_000, waited >= 150_000_000
                ? tell(.rtReader, secondsText(waited), String(Self.second.count))
                : tell(.rtReaderWrong, secondsText(waited)))
        } else {
            explanation.claim(false, tell(.rtReaderMissing, String(observed.secondRead.count)))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}

extension Socket {
    /// Waits until at most `count` bytes sent on this socket are still unacknowledged
    /// (ioctl SIOCOUTQ: bytes in the send queue not yet acknowledged by the peer), or
    /// `timeout` passes. Not traced.
    func waitUntilUnacknowledged(_ count: Int, timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            var queued: Int32 = 0
            // SIOCOUTQ is TIOCOUTQ (0x5411) on Linux.
            guard ioctl(fileno, UInt(0x5411), &queued) == 0 else { return false }
            if Int(queued) <= count { return true }
            if clock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }
}
