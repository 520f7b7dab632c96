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
        summary: "Drop the client's final ACK with an nftables rule: connect() returns, accept() keeps waiting while "
            + "the server resends its SYN-ACK, until an ACK gets through. The proof of \"connect at step 2, accept at step 3\".",
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
            try Self.scenario(namespace: namespace, release: release, capture: settings.capture, ruleAdded: ruleAdded)
        }
        observed.timeline = Self.marked(observed.timeline, observed, release: release)
        var outcome = ExperimentOutcome(
            Self.info.name, run: observed.run, timeline: observed.timeline, client: observed.client,
            server: IPEndpoint(.v4(.loopback), port), scope: .oneConnection, captured: settings.capture)
        outcome.sections.append(ReportSection(
            title: "What osilab set up (and removed afterwards)",
            lines: namespace.commands.map { "$ " + $0 } + ["$ ip netns del \(namespace.name)    # at the end, also on Ctrl-C"]))
        outcome.sections.append(ReportSection(title: "The rule's counter",
                                              lines: observed.ruleText.map { $0.replacingOccurrences(of: "\t", with: "  ") }))
        explain(&outcome, observed, leftovers: leftovers, namespace: namespace.name)
        return outcome
    }

    /// Runs on a thread inside the namespace: server, client, capture, release.
    static func scenario(namespace: NetworkNamespace, release: Release, capture: Bool, ruleAdded: Instant) throws -> Observed {
        let tracer = TraceRecorder()
        let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        let recorder = try ExperimentRecorder(filter: "tcp port \(port)", capture: capture, tracer: tracer)
        recorder.note("nft rule in place: bare ACKs to port \(port) are dropped on arrival")
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
            let server = BackgroundTask("the server's accept()") { () throws -> Socket in
                let (connection, _) = try listener.accept()
                try connection.setTimeout(.seconds(2))
                if release == .data { _ = try connection.recv(maxBytes: 1024) }
                return connection
            }
            guard acceptEntered.wait(timeout: .now() + 3) == .success else {
                throw ExperimentError.hung("the server never called accept()")
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
            recorder.note(pendingAtRelease ? "accept() is still waiting" : "accept() has already returned")
            released = Instant.now()
            switch release {
            case .lift:
                try namespace.exec(["nft", "flush", "chain", "inet", table, "input"])
                ruleLifted = Instant.now()
                recorder.note("rule lifted: nft flush chain inet \(table) input")
                ruleText = try namespace.exec(["nft", "list", "table", "inet", table], log: false).lines
                ruleText = ["$ nft list table inet \(table)    # just after the rule was lifted"] + ruleText
                let connection = try server.wait(timeout: .seconds(5))
                connection.close()
            case .data:
                recorder.note("the client sends data; the rule stays")
                try socket.sendAll(Array("hello".utf8))
                let connection = try server.wait(timeout: .seconds(3))
                defer { connection.close() }
                ruleText = try namespace.exec(["nft", "list", "table", "inet", table], log: false).lines
                ruleText = ["$ nft list table inet \(table)    # after accept() returned"] + ruleText
                try namespace.exec(["nft", "flush", "chain", "inet", table, "input"])
                ruleLifted = Instant.now()
                recorder.note("rule lifted: nft flush chain inet \(table) input")
            }
            socket.close()
        }
        return Observed(run: run, timeline: timeline, ruleAdded: ruleAdded, released: released, ruleLifted: ruleLifted,
                        acceptPendingAtRelease: pendingAtRelease, ruleText: ruleText,
                        dropped: dropCount(ruleText), client: client)
    }

    /// The packets counter of the named counter in `nft list table` output.
    static func dropCount(_ lines: [String]) -> Int? {
        guard let start = lines.firstIndex(where: { $0.contains("counter \(counter)") }) else { return nil }
        for line in lines[start...] {
            let words = line.split { $0 == " " || $0 == "\t" }
            if let index = words.firstIndex(of: "packets"), index + 1 < words.count { return Int(words[index + 1]) }
        }
        return nil
    }

    /// The client's bare ACKs that arrived while the rule was in place are marked dropped.
    static func marked(_ timeline: Timeline, _ observed: Observed, release: Release) -> Timeline {
        var timeline = timeline
        let end = observed.ruleLifted
        for segment in timeline.segments where segment.direction == .clientToServer {
            let time = segment.segment.timestamp
            if segment.segment.isPureACK && time >= observed.ruleAdded && time <= end {
                timeline.attach(PacketRemark("dropped by the rule before the server's TCP saw it", dropped: true),
                                toPacket: segment.segment.number)
            } else if segment.segment.isPureACK && release == .lift && time > end,
                      !timeline.packets.contains(where: { $0.remark?.dropped == false }) {
                timeline.attach(PacketRemark("gets through: the rule is gone"), toPacket: segment.segment.number)
            } else if segment.segment.payloadLength > 0 && release == .data,
                      !timeline.packets.contains(where: { $0.remark?.dropped == false }) {
                timeline.attach(PacketRemark("carries the acknowledgment, and PSH: the rule lets it through"),
                                toPacket: segment.segment.number)
            }
        }
        return timeline
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, leftovers: [String], namespace: String) {
        var explanation = Explanation()
        var facts: [String: String] = ["release": release.rawValue]
        let trace = observed.run.trace
        let connect = trace.first { $0.call == .connect }
        let accept = trace.first { $0.call == .accept }
        let findings = outcome.timeline.findings.first { $0.client == observed.client }
        let released = observed.released

        if !leftovers.isEmpty {
            explanation.context("Removed first: " + leftovers.joined(separator: ", ")
                + ", left behind by an earlier run that was killed before it could clean up.")
        }
        explanation.context("In a network namespace of its own (\(namespace), with its own lo), an nftables rule on the "
            + "input hook dropped every segment to port \(Self.port) whose only flag is ACK."
            + (outcome.captured ? " The capture on lo sees a packet before the input hook, so each dropped ACK still "
                + "appears, its arrow ending in a cross short of the server: the client did send it." : ""))

        // connect() at step 2.
        if let connect, let returned = connect.returned {
            let step = findings?.connectReturnedAfter
            if let step { facts["connect-returned-after"] = step.rawValue }
            let before = returned < released && connect.outcome?.isSuccess == true
            facts["connect-returned-before-release"] = before ? "yes" : "no"
            let afterSynAck = !outcome.captured || step == .synack
            explanation.claim(before && afterSynAck, before && afterSynAck
                ? "connect() returned \(formatDuration(nanoseconds: connect.blockedNanoseconds ?? 0)) after it was called, "
                    + (outcome.captured ? "right after the SYN-ACK (step 2), " : "")
                    + "while the rule was dropping the final ACK: the client needs nothing after step 2."
                : "Expected connect() to return after the SYN-ACK while step 3 was held back; it "
                    + (connect.outcome?.isSuccess == true ? "returned" : "failed") + " after "
                    + (step?.rawValue ?? "no captured segment") + (before ? "." : ", after the release."))
        }

        // The dropped ACKs and the server's resent SYN-ACKs.
        if outcome.captured, let findings {
            let droppedAcks = outcome.timeline.packets.filter { $0.remark?.dropped == true }
            let copies = outcome.segments.filter { $0.role == .synAckRetransmission && $0.connection == findings.connection }
            facts["synack-retransmissions"] = String(copies.count)
            let sent = [findings.synAck?.segment.timestamp].compactMap { $0 } + copies.map(\.segment.timestamp)
            let gaps = zip(sent.dropFirst(), sent).map { $0.nanoseconds(since: $1) }
            let growing = gaps.count >= 2 ? zip(gaps.dropFirst(), gaps).allSatisfy { $0 > $1 + $1 / 2 } : !gaps.isEmpty
            explanation.claim(!copies.isEmpty && growing, !copies.isEmpty && growing
                ? "The server's kernel never heard step 3, so it assumed its SYN-ACK was lost and sent it again "
                    + times(copies.count) + ", after " + gaps.map { secondsText($0) }.joined(separator: ", then ")
                    + ": each wait twice the one before (exponential backoff). The client's kernel answered each copy with "
                    + "another ACK, which the rule dropped too."
                : "Expected the server to resend its SYN-ACK with growing gaps; the capture shows \(copies.count) "
                    + "cop\(copies.count == 1 ? "y" : "ies") with gaps " + gaps.map { secondsText($0) }.joined(separator: ", ") + ".")
            if let dropped = observed.dropped {
                facts["acks-dropped"] = String(dropped)
                explanation.claim(dropped >= 1 && dropped == droppedAcks.count, dropped >= 1 && dropped == droppedAcks.count
                    ? "The rule's nft counter says it dropped \(dropped) packet\(dropped == 1 ? "" : "s"): exactly the "
                        + "\(droppedAcks.count) bare ACK\(droppedAcks.count == 1 ? "" : "s") drawn with a cross on the ladder."
                    : "The rule's nft counter says it dropped \(dropped) packet(s), but the ladder marks "
                        + "\(droppedAcks.count) bare ACK(s) sent while it was in place.")
            }
        } else if let dropped = observed.dropped {
            facts["acks-dropped"] = String(dropped)
            explanation.claim(dropped >= 1, "The rule's nft counter says it dropped \(dropped) bare ACK"
                + (dropped == 1 ? "" : "s") + ": the client did send step 3, and the server never got it.")
        }

        // accept() at step 3.
        facts["accept-waiting-at-release"] = observed.acceptPendingAtRelease ? "yes" : "no"
        if let connect, let connected = connect.returned {
            explanation.claim(observed.acceptPendingAtRelease, observed.acceptPendingAtRelease
                ? "\(secondsText(released.nanoseconds(since: connected))) after connect() had returned, accept() was still "
                    + "waiting: the connection was established for the client and not yet for the server."
                : "Expected accept() to be still waiting when the connection was released; it had already returned.")
        }
        if let accept, let returned = accept.returned {
            let step = findings?.acceptReturnedAfter
            if let step { facts["accept-returned-after"] = step.rawValue }
            let expected: HandshakeFindings.Step = release == .lift ? .ack : .data
            let holds = returned > released && (!outcome.captured || step == expected)
            let arrival = outcome.segments.last { $0.direction == .clientToServer && $0.segment.timestamp <= returned }
            let gap = arrival.map { formatDuration(nanoseconds: returned.nanoseconds(since: $0.segment.timestamp)) }
            let how = release == .lift
                ? "After the rule was lifted, the server's next SYN-ACK copy was answered by an ACK that got through, and "
                : "The client's data segment carried the acknowledgment (ack = K+1) and PSH, so the rule let it through, and "
            explanation.claim(holds, holds
                ? how + "accept() returned " + (gap.map { "\($0) after it arrived" } ?? "only then")
                    + ". So accept() returns at step 3, when an acknowledgment of the SYN-ACK reaches the server, and "
                    + "connect() at step 2."
                : "Expected accept() to return only after the release, right after the "
                    + (release == .lift ? "ACK" : "data") + " that got through; it returned "
                    + (returned > released ? "after the release" : "before the release")
                    + (step.map { ", after the client's \($0.rawValue)" } ?? "") + ".")
        } else {
            explanation.claim(false, "accept() never returned, even after the connection was released.")
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
