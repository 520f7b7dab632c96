import Foundation
import Report
import Sockets
import TextUI
import Timeline
import Trace
import Wire

/// Fifty clients against three servers: the notes' one-at-a-time loop, a thread per
/// connection, and one thread waiting in poll(). Each server counts its own calls and the
/// connections it holds; `ss` shows the accept queue while the first one is busy.
public struct ManyClients: Experiment {
    public static let info = ExperimentInfo(
        name: "many-clients",
        summary: .mcSummary,
        needs: [.ss],
        discussion: """
            Three uppercase echo servers (the notes' protocol: every chunk comes back upper-cased until \
            the client closes) run one after another on loopback, each with listen(\(Self.backlog)): \
            iterative (accept one client, serve it until it leaves, then accept the next, as the notes' \
            server does), threads (one thread accepts, a new thread serves each connection), and poll \
            (one thread, non-blocking sockets, poll() says which socket is ready). Against each, \
            \(Self.clientCount) clients connect at once and wait until the server has taken what it will \
            take (1 client for the iterative server, all of them for the others); `ss -ltn` shows the \
            listening socket at that moment. Then every client sends a line, waits for the reply, pauses \
            \(formatSeconds(Self.pause)) (a person typing), sends a second line, waits, and closes. Each \
            server counts its accept() and poll() calls, the connections it held at once, and the threads \
            that served them; the time from the release to the server's last close is shown, not judged. \
            No packets are captured: the calls and the kernel's socket table tell this story.
            """,
        facts: Variant.allCases.map { variant in
            FactDescription("\(variant.rawValue)-max-concurrent", concurrencyValues,
                            "most clients the \(variant.rawValue) server held accepted and not yet closed at once")
        } + [
            FactDescription("iterative-waiting", waitingValues,
                            "Recv-Q of the iterative server's listening socket while it served its first client"),
        ] + Variant.allCases.map { variant in
            FactDescription("\(variant.rawValue)-server-threads", threadValues,
                            "threads of the \(variant.rawValue) server that accepted or served a connection")
        })

    public static let clientCount = 50
    /// Room for every client in the accept queue, so that none of them has to resend its SYN.
    public static let backlog: Int32 = 64
    /// The pause between a client's two lines.
    public static let pause: Duration = .milliseconds(20)

    static let concurrencyValues = ["0", "1", "2-49", "50"]
    static let waitingValues = ["0", "1", "2-48", "49", "50"]
    static let threadValues = ["0", "1", "2-50", "51"]

    /// `count` as one of `concurrencyValues`.
    static func concurrencyBucket(_ count: Int) -> String {
        count <= 1 ? String(max(0, count)) : (count < clientCount ? "2-49" : "50")
    }

    static func waitingBucket(_ count: Int) -> String {
        count <= 1 ? String(max(0, count)) : (count < clientCount - 1 ? "2-48" : (count == clientCount - 1 ? "49" : "50"))
    }

    static func threadBucket(_ count: Int) -> String {
        count <= 1 ? String(max(0, count)) : (count <= clientCount ? "2-50" : "51")
    }

    public init() {}

    /// One variant's run: what its server counted, what the clients saw, the socket table.
    public struct Round: Sendable {
        public var variant: Variant
        public var port: UInt16
        /// The server's counts when every client had connected, and at the end.
        public var atGate: Tally
        public var final: Tally
        public var clients: [ClientResult]
        /// `ss -ltn` for the listening socket when every client had connected.
        public var table: SocketTable?
        public var released: Instant
        /// Clients connected when the gate opened.
        public var connectedAtGate: Int

        public var correct: Int { clients.filter(\.repliesCorrect).count }
        /// From the release to the server's last close.
        public var nanoseconds: Int64? { final.lastClose.map { $0.nanoseconds(since: released) } }
    }

    /// Runs one variant: starts its server, lets the clients connect, waits until the server
    /// has taken what it will take before anyone sends, looks at the socket table, releases
    /// the clients and waits for them all.
    public static func round(_ variant: Variant, table: Bool = true, language: Language = .english) throws -> Round {
        let say = ExperimentStrings(language)
        let server = try Server(variant, expected: clientCount)
        defer { server.stop() }
        let clients = Clients(port: server.port)
        // If the gate never opens the clients give up by themselves; release them anyway on the way out.
        var released = false
        defer { if !released { clients.release() } }
        guard clients.waitUntilConnected(timeout: .seconds(5)) else {
            throw ExperimentError.hung(say(.mcHungConnect, String(clients.connected), String(clientCount)))
        }
        // The iterative server blocks in recv() on its first client, which sends nothing
        // until released: it takes exactly one. The others take everyone.
        let taking = variant == .iterative ? 1 : clientCount
        guard server.waitUntilAccepted(taking, timeout: .seconds(5)) else {
            throw ExperimentError.hung(say(.mcHungAccept, String(server.counts.accepted), String(taking)))
        }
        let atGate = server.counts
        let snapshot = table ? try SocketTable.take(port: server.port, listening: true) : nil
        let connected = clients.connected
        let start = Instant.now()
        clients.release()
        released = true
        let results = clients.results(timeout: .seconds(30))
        server.waitUntilFinished(timeout: .seconds(5))
        return Round(variant: variant, port: server.port, atGate: atGate, final: server.counts, clients: results,
                     table: snapshot, released: start, connectedAtGate: connected)
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        // Nothing to capture: the servers' counts and the socket table are the evidence, and
        // a ladder of 150 connections would hide them.
        let recorder = try ExperimentRecorder(filter: "", capture: false)
        var rounds: [Round] = []
        let recorded = try recorder.record {
            for variant in Variant.allCases {
                recorder.note(say(.mcNoteStart, name(variant, say: say), String(Self.clientCount)))
                let round = try Self.round(variant, language: settings.language)
                recorder.note(say(.mcNoteDone, name(variant, say: say), String(round.correct), String(Self.clientCount),
                                  round.nanoseconds.map(secondsText) ?? "?"))
                rounds.append(round)
            }
        }
        var outcome = ExperimentOutcome(Self.info.name, run: recorded.0, timeline: recorded.1, client: nil, server: nil,
                                        scope: .everyClient, captured: false)
        explain(&outcome, rounds, say: say)
        return outcome
    }

    func name(_ variant: Variant, say: ExperimentStrings) -> String {
        switch variant {
        case .iterative: say(.mcNameIterative)
        case .threads: say(.mcNameThreads)
        case .poll: say(.mcNamePoll)
        }
    }

    func explain(_ outcome: inout ExperimentOutcome, _ rounds: [Round], say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let all = String(Self.clientCount)
        var lines: [String] = []
        var tables: [String] = [say(.mcTableKey)]
        for round in rounds {
            let final = round.final
            let variant = round.variant
            facts["\(variant.rawValue)-max-concurrent"] = Self.concurrencyBucket(final.maxInService)
            facts["\(variant.rawValue)-server-threads"] = Self.threadBucket(final.threads)
            let served = round.correct == Self.clientCount
            let time = round.nanoseconds.map(secondsText) ?? "?"
            lines.append(say(.mcTableLine, name(variant, say: say)))
            lines.append("  " + say(.mcLineHeld, String(final.maxInService), String(final.threads)))
            lines.append("  " + say(.mcLineCalls, String(final.acceptCalls), String(final.pollCalls), String(round.correct), all, time))
            if let failure = final.failure ?? round.clients.first(where: { $0.failure != nil })?.failure {
                explanation.context(say(.mcFailure, name(variant, say: say), failure))
            }
            switch variant {
            case .iterative:
                let holds = served && final.maxInService == 1 && final.threads == 1 && final.acceptCalls == Self.clientCount
                explanation.claim(holds, holds
                    ? say(.mcIterative, all, String(final.acceptCalls))
                    : say.format(.mcIterativeWrong, [String(final.maxInService), String(final.threads), String(round.correct), all]))
                if let table = round.table, let row = table.listener(port: round.port) {
                    facts["iterative-waiting"] = Self.waitingBucket(row.receiveQueue)
                    let expected = round.connectedAtGate - round.atGate.accepted
                    let holds = row.receiveQueue == expected && expected > 1
                    explanation.claim(holds, holds
                        ? say(.mcWaiting, String(row.receiveQueue), String(round.connectedAtGate), String(row.sendQueue))
                        : say(.mcWaitingWrong, String(row.receiveQueue), String(round.connectedAtGate),
                              String(round.atGate.accepted)))
                }
            case .threads:
                let holds = served && final.maxInService == Self.clientCount && final.threads == Self.clientCount + 1
                explanation.claim(holds, holds
                    ? say(.mcThreads, String(final.maxInService), String(final.threads))
                    : say.format(.mcThreadsWrong, [String(final.maxInService), String(final.threads), String(round.correct), all]))
            case .poll:
                let holds = served && final.maxInService == Self.clientCount && final.threads == 1
                    && final.acceptCalls == Self.clientCount
                explanation.claim(holds, holds
                    ? say(.mcPoll, String(final.maxInService), String(final.pollCalls), String(final.acceptCalls))
                    : say.format(.mcPollWrong, [String(final.maxInService), String(final.threads), String(round.correct), all]))
                if final.idlePolls > 0 { explanation.context(say(.mcIdlePolls, String(final.idlePolls))) }
            }
            if let table = round.table {
                tables.append(say(.mcTableLine, name(variant, say: say)))
                tables += ["$ " + table.command] + table.lines.map { "  " + $0 }
            }
        }
        let times = rounds.map { round in say(.mcTimeOf, name(round.variant, say: say), round.nanoseconds.map(secondsText) ?? "?") }
        if rounds.count == Variant.allCases.count {
            explanation.context(say(.mcTimes, say.list(times), formatSeconds(Self.pause), all))
        }
        outcome.sections = [ReportSection(title: say(.mcSectionCounts), lines: lines)]
        if tables.count > 1 { outcome.sections.append(ReportSection(title: say(.mcSectionTable), lines: tables)) }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
