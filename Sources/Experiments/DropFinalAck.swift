import Capture
import Foundation
import Report
import Sockets
import Synchronization
import Timeline
import Trace
import Wire

/// The proof that connect() returns at step 2 and accept() at step 3: hold step 3 back.
///
/// In a network namespace of its own, osilab adds an nftables rule that drops every bare
/// ACK (a segment whose only flag is ACK) sent to the server's port. The client's
/// connect() returns as soon as the SYN-ACK arrives; the server's accept() keeps waiting
/// while its kernel resends the SYN-ACK; only when an acknowledgment gets through (the
/// rule is lifted, or the client sends data, which carries the acknowledgment) does
/// accept() return.
///
/// The rule is on the **input** hook, not output: the capture on `lo` sees a packet as it
/// arrives, before the input hook, so the ladder still shows each ACK the client sent, and
/// marks it as dropped before the server's TCP saw it, as a packet lost on a real network
/// would be. On the output hook the ACK would never appear, and the ladder could not tell
/// "the client never sent it" from "it was lost".
public struct DropFinalAck: Experiment {
    /// How the held-back connection is let go.
    public enum Release: String, Sendable, CaseIterable {
        /// Delete the rule; the server's next SYN-ACK copy is answered by an ACK that passes.
        case lift
        /// Keep the rule; the client sends data, whose segment carries the acknowledgment and
        /// has PSH set, so the rule (which matches ACK alone) lets it through.
        case data
    }

    public static let info = ExperimentInfo(
        name: "drop-final-ack",
        summary: .dropSummary,
        needs: [.capture, .netns],
        discussion: """
            osilab creates a network namespace (osilab-<pid>-<n>) with its own loopback interface, and in \
            it an nftables table with one rule on the input hook: drop TCP segments to port \(Self.port) whose \
            only flag is ACK, counting them. A server there listens on 127.0.0.1:\(Self.port) and calls \
            accept(); a client connects. The client's kernel sends the final ACK, the rule drops it, and \
            the server's kernel, never hearing step 3, resends its SYN-ACK after 1 s, then 2 s more. Then \
            the connection is released (--release lift: the rule is deleted and the next SYN-ACK copy is \
            answered by an ACK that gets through; --release data: the client sends data, whose segment \
            carries the acknowledgment). The default is lift, because it shows that a bare ACK, with no data, \
            is all accept() was waiting for. Everything is removed at the end, also on Ctrl-C; a namespace left \
            by a killed run is removed at the next start. Takes about 3 seconds.
            """,
        facts: [
            FactDescription("connect-returned-after", ["syn", "synack", "ack", "data"], "the last server segment before connect() returned"),
            FactDescription("accept-returned-after", ["syn", "synack", "ack", "data"], "the last client segment before accept() returned"),
            FactDescription("connect-returned-before-release", ["yes", "no"], "connect() returned while the rule was holding step 3 back"),
            FactDescription("accept-waiting-at-release", ["yes", "no"], "accept() was still waiting when the connection was released"),
            FactDescription("synack-retransmissions", ["0", "1", "2", "3"], "SYN-ACK copies the server sent while waiting"),
            FactDescription("acks-dropped", ["0", "1", "2", "3", "4"], "bare ACKs the rule dropped (its nft counter)"),
            FactDescription("release", ["lift", "data"], "how the connection was released"),
            FactDescription("client-state-while-held", ["ESTAB", "SYN-SENT", "none"],
                            "the client's socket in the kernel's samples while step 3 was held back"),
            FactDescription("server-state-while-held", ["SYN-RECV", "ESTAB", "none"],
                            "the server's side in the kernel's samples while step 3 was held back (ESTAB if ever)"),
        ])

    /// The notes' port; the namespace is new, so it is free.
    public static let port: UInt16 = 4545
    static let table = "osilab"
    static let counter = "dropped_acks"

    public var release: Release

    public init() {
        self.init(release: .lift)
    }

    public init(release: Release) {
        self.release = release
    }

    /// What happened inside the namespace, with the moments the explanation needs.
    struct Observed: Sendable {
        var run: RecordedRun
        var timeline: Timeline
        var ruleAdded: Instant
        var released: Instant
        /// When the rule was flushed (for --release data, after accept() returned).
        var ruleLifted: Instant
        var acceptPendingAtRelease: Bool
        var ruleText: [String]
        var dropped: Int?
        var client: IPEndpoint?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        let leftovers = NetworkNamespace.removeLeftovers()
        let namespace = try NetworkNamespace.create()
        defer { namespace.remove() }
        let port = Self.port
        try namespace.exec(["nft", "add", "table", "inet", Self.table])
        try namespace.exec(["nft", "add", "counter", "inet", Self.table, Self.counter])
        try namespace.exec(["nft", "add", "chain", "inet", Self.table, "input",
                            "{ type filter hook input priority 0 ; policy accept ; }"])
        try namespace.exec(["nft", "add", "rule", "inet", Self.table, "input", "tcp", "dport", String(port),
                            "tcp flags & (fin|syn|rst|psh|ack|urg) == ack", "counter", "name", Self.counter, "drop"])
        let ruleAdded = Instant.now()
        let release = self.release
        var observed = try namespace.run(timeout: .seconds(12)) { () throws -> Observed in
            try Self.scenario(namespace: namespace, release: release, capture: settings.capture, ruleAdded: ruleAdded, say: say,
                               kernelInterval: settings.kernelInterval)
        }
        observed.timeline = Self.marked(observed.timeline, observed, release: release, say: say)
        var outcome = ExperimentOutcome(
            Self.info.name, run: observed.run, timeline: observed.timeline, client: observed.client,
            server: IPEndpoint(.v4(.loopback), port), scope: .oneConnection, captured: settings.capture)
        outcome.sections.append(ReportSection(
            title: say(.dropSectionSetUp),
            lines: namespace.commands.map { "$ " + $0 } + [say(.dropSetUpRemoved, "$ ip netns del \(namespace.name)")]))
        outcome.sections.append(ReportSection(title: say(.dropSectionCounter),
                                              lines: observed.ruleText.map { $0.replacingOccurrences(of: "\t", with: "  ") }))
        explain(&outcome, observed, leftovers: leftovers, namespace: namespace.name, say: say)
        kernelClaims(&outcome, observed, language: settings.language)
        return outcome
    }

    /// Runs on a thread inside the namespace: server, client, capture, release.
    static func scenario(namespace: NetworkNamespace, release: Release, capture: Bool, ruleAdded: Instant,
                         say: ExperimentStrings, kernelInterval: Duration = .milliseconds(1)) throws -> Observed {
        let tracer = TraceRecorder()
        let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        let recorder = try ExperimentRecorder(filter: "tcp port \(port)", capture: capture, tracer: tracer, kernelPorts: [port], kernelInterval: kernelInterval)
        recorder.note(say(.dropNoteRule, String(port)))
        var released = Instant.now()
        var ruleLifted = Instant.now()
        var pendingAtRelease = false
        var ruleText: [String] = []
        var client: IPEndpoint?
        let (run, timeline) = try recorder.record {
            try listener.listen(backlog: 8)
            try listener.setTimeout(.seconds(8))
            let acceptEntered = DispatchSemaphore(value: 0)
            tracer.observe { event in
                if case .entered(let record) = event, record.call == .accept { acceptEntered.signal() }
            }
            // The server hands its connection back instead of closing it, so that nothing of the
            // teardown (whose last ACK is bare too) meets the rule.
            let server = BackgroundTask(say(.taskServerAccept), say: say) { () throws -> Socket in
                let (connection, _) = try listener.accept()
                try connection.setTimeout(.seconds(2))
                if release == .data { _ = try connection.recv(maxBytes: 1024) }
                return connection
            }
            guard acceptEntered.wait(timeout: .now() + 3) == .success else {
                throw ExperimentError.hung(say(.hungNoAccept))
            }
            let socket = try Socket(family: .inet, type: .stream, tracer: tracer, role: "client")
            defer { socket.close() }
            try socket.setTimeout(.seconds(3))
            try socket.connect(to: .ipv4(.loopback, port: port))
            client = try socket.localAddress().endpoint

            // Hold step 3 back through SYN-ACK copies (1 s, then 2 s later): two for data, one for lift,
            // whose release lets the next copy's ACK through.
            let copies = release == .data ? 2 : 1
            if recorder.isCapturing {
                _ = recorder.waitForSegments(timeout: .seconds(4)) { segments in
                    segments.filter { $0.isSYNACK }.count > copies
                }
                Thread.sleep(forTimeInterval: 0.1)
            } else {
                Thread.sleep(forTimeInterval: release == .data ? 3.6 : 1.6)
            }
            pendingAtRelease = tracer.snapshot().contains { $0.call == .accept && $0.isPending }
            recorder.note(pendingAtRelease ? say(.dropNoteStillWaiting) : say(.dropNoteAlreadyReturned))
            released = Instant.now()
            switch release {
            case .lift:
                try namespace.exec(["nft", "flush", "chain", "inet", table, "input"])
                ruleLifted = Instant.now()
                recorder.note(say(.dropNoteLifted, table))
                ruleText = try namespace.exec(["nft", "list", "table", "inet", table], log: false).lines
                ruleText = [say(.dropListLifted, "$ nft list table inet \(table)")] + ruleText
                let connection = try server.wait(timeout: .seconds(5))
                connection.close()
            case .data:
                recorder.note(say(.dropNoteSendsData))
                try socket.sendAll(Array("hello".utf8))
                let connection = try server.wait(timeout: .seconds(3))
                defer { connection.close() }
                ruleText = try namespace.exec(["nft", "list", "table", "inet", table], log: false).lines
                ruleText = [say(.dropListAfterAccept, "$ nft list table inet \(table)")] + ruleText
                try namespace.exec(["nft", "flush", "chain", "inet", table, "input"])
                ruleLifted = Instant.now()
                recorder.note(say(.dropNoteLifted, table))
            }
            socket.close()
        }
        return Observed(run: run, timeline: timeline, ruleAdded: ruleAdded, released: released, ruleLifted: ruleLifted,
                        acceptPendingAtRelease: pendingAtRelease, ruleText: ruleText,
                        dropped: dropCount(ruleText), client: client)
    }

    /// The packets counter of the named counter in `nft list table` output.
    static func dropCount(_ lines: [String], counter: String = DropFinalAck.counter) -> Int? {
        guard let start = lines.firstIndex(where: { $0.contains("counter \(counter)") }) else { return nil }
        for line in lines[start...] {
            let words = line.split { $0 == " " || $0 == "\t" }
            if let index = words.firstIndex(of: "packets"), index + 1 < words.count { return Int(words[index + 1]) }
        }
        return nil
    }

    /// The client's bare ACKs that arrived while the rule was in place are marked dropped.
    static func marked(_ timeline: Timeline, _ observed: Observed, release: Release, say: ExperimentStrings) -> Timeline {
        var timeline = timeline
        let end = observed.ruleLifted
        for segment in timeline.segments where segment.direction == .clientToServer {
            let time = segment.segment.timestamp
            if segment.segment.isPureACK && time >= observed.ruleAdded && time <= end {
                timeline.attach(PacketRemark(say(.dropRemarkDropped), dropped: true),
                                toPacket: segment.segment.number)
            } else if segment.segment.isPureACK && release == .lift && time > end,
                      !timeline.packets.contains(where: { $0.remark?.dropped == false }) {
                timeline.attach(PacketRemark(say(.dropRemarkGetsThrough)), toPacket: segment.segment.number)
            } else if segment.segment.payloadLength > 0 && release == .data,
                      !timeline.packets.contains(where: { $0.remark?.dropped == false }) {
                timeline.attach(PacketRemark(say(.dropRemarkCarriesAck)),
                                toPacket: segment.segment.number)
            }
        }
        return timeline
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, leftovers: [String], namespace: String,
                 say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = ["release": release.rawValue]
        let trace = observed.run.trace
        let connect = trace.first { $0.call == .connect }
        let accept = trace.first { $0.call == .accept }
        let findings = outcome.timeline.findings.first { $0.client == observed.client }
        let released = observed.released

        if !leftovers.isEmpty {
            explanation.context(say(.dropRemovedFirst, say.list(leftovers)))
        }
        explanation.context(say(outcome.captured ? .dropContextCaptured : .dropContext, namespace, String(Self.port)))

        // connect() at step 2.
        if let connect, let returned = connect.returned {
            let step = findings?.connectReturnedAfter
            if let step { facts["connect-returned-after"] = step.rawValue }
            let before = returned < released && connect.outcome?.isSuccess == true
            facts["connect-returned-before-release"] = before ? "yes" : "no"
            let afterSynAck = !outcome.captured || step == .synack
            let blocked = formatDuration(nanoseconds: connect.blockedNanoseconds ?? 0)
            let returnedAfter = step.map { say.step($0) } ?? say(.noCapturedSegment)
            let succeeded = connect.outcome?.isSuccess == true
            let wrong: ExperimentText = succeeded
                ? (before ? .dropConnectWrongReturnedBefore : .dropConnectWrongReturnedAfter)
                : (before ? .dropConnectWrongFailedBefore : .dropConnectWrongFailedAfter)
            explanation.claim(before && afterSynAck, before && afterSynAck
                ? say(outcome.captured ? .dropConnectHeldCaptured : .dropConnectHeld, blocked)
                : say(wrong, returnedAfter))
        }

        // The dropped ACKs and the server's resent SYN-ACKs.
        if outcome.captured, let findings {
            let droppedAcks = outcome.timeline.packets.filter { $0.remark?.dropped == true }
            let copies = outcome.segments.filter { $0.role == .synAckRetransmission && $0.connection == findings.connection }
            facts["synack-retransmissions"] = String(copies.count)
            let sent = [findings.synAck?.segment.timestamp].compactMap { $0 } + copies.map(\.segment.timestamp)
            let gaps = zip(sent.dropFirst(), sent).map { $0.nanoseconds(since: $1) }
            let growing = gaps.count >= 2 ? zip(gaps.dropFirst(), gaps).allSatisfy { $0 > $1 + $1 / 2 } : !gaps.isEmpty
            let gapTexts = gaps.map { secondsText($0) }
            explanation.claim(!copies.isEmpty && growing, !copies.isEmpty && growing
                ? say(.dropResentHeld, say.times(copies.count), gapTexts.joined(separator: say(.listThen)))
                : say(copies.count == 1 ? .dropResentWrongOne : .dropResentWrongMany, String(copies.count), say.list(gapTexts)))
            if let dropped = observed.dropped {
                facts["acks-dropped"] = String(dropped)
                explanation.claim(dropped >= 1 && dropped == droppedAcks.count, dropped >= 1 && dropped == droppedAcks.count
                    ? say(dropped == 1 ? .dropCounterHeldOne : .dropCounterHeldMany, String(dropped), String(droppedAcks.count))
                    : say(.dropCounterWrong, String(dropped), String(droppedAcks.count)))
            }
        } else if let dropped = observed.dropped {
            facts["acks-dropped"] = String(dropped)
            explanation.claim(dropped >= 1, say(dropped == 1 ? .dropCounterNoCaptureOne : .dropCounterNoCaptureMany, String(dropped)))
        }

        // accept() at step 3.
        facts["accept-waiting-at-release"] = observed.acceptPendingAtRelease ? "yes" : "no"
        if let connect, let connected = connect.returned {
            explanation.claim(observed.acceptPendingAtRelease, observed.acceptPendingAtRelease
                ? say(.dropAcceptWaiting, secondsText(released.nanoseconds(since: connected)))
                : say(.dropAcceptWaitingWrong))
        }
        if let accept, let returned = accept.returned {
            let step = findings?.acceptReturnedAfter
            if let step { facts["accept-returned-after"] = step.rawValue }
            let expected: HandshakeFindings.Step = release == .lift ? .ack : .data
            let holds = returned > released && (!outcome.captured || step == expected)
            let arrival = outcome.segments.last { $0.direction == .clientToServer && $0.segment.timestamp <= returned }
            let gap = arrival.map { formatDuration(nanoseconds: returned.nanoseconds(since: $0.segment.timestamp)) }
            let held: String
            switch (release, gap) {
            case (.lift, let gap?): held = say(.dropAcceptLift, gap)
            case (.lift, nil): held = say(.dropAcceptLiftOnlyThen)
            case (.data, let gap?): held = say(.dropAcceptData, gap)
            case (.data, nil): held = say(.dropAcceptDataOnlyThen)
            }
            let what = say(release == .lift ? .dropWhatAck : .dropWhatData)
            let when = say(returned > released ? .dropWhenAfter : .dropWhenBefore)
            explanation.claim(holds, holds
                ? held
                : step.map { say(.dropAcceptWrongStep, what, when, say.step($0)) } ?? say(.dropAcceptWrong, what, when))
        } else {
            explanation.claim(false, say(.dropAcceptNever))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
