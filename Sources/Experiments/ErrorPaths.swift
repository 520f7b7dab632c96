import CSupport
import Capture
import Foundation
import Report
import Sockets
import TextUI
import Timeline
import Trace
import Wire

/// The errors a socket program meets when the other end or the network fails: a reset
/// (ECONNRESET, then EPIPE and SIGPIPE), no route (ENETUNREACH), a neighbour that never
/// answers ARP (EHOSTUNREACH), SYNs lost on the way (ETIMEDOUT), and a listener whose
/// queues are full, answered with SYN cookies, read from the kernel's counters.
///
/// Everything happens in a network namespace of its own, whose settings (`sysctl` inside
/// it) and firewall rules touch nothing else: `tcp_syn_retries` lowered so that a lost SYN
/// fails in seconds, not two minutes; `tcp_syncookies=2` so that every SYN is answered
/// with a cookie; a veth pair with one documentation address (192.0.2.1/24) and nobody at
/// the other addresses of that network; no default route at all.
public struct ErrorPaths: Experiment {
    public static let info = ExperimentInfo(
        name: "errors",
        summary: .errorsSummary,
        needs: [.capture, .netns],
        discussion: """
            osilab creates a network namespace (osilab-<pid>-<n>) and sets it up: lo, a veth pair osilab0/osilab1 \
            with 192.0.2.1/24 on osilab0 and no address on osilab1, no default route, net.ipv4.tcp_syn_retries=\(Self.synRetries), \
            net.ipv4.tcp_syncookies=2, and an nftables table. A server address, 127.0.0.1:\(Self.port), serves parts 1, 4 and 5. Then five parts. \
            1: a server closes with unread data, its kernel resets the connection; the client's first send() fails with \
            ECONNRESET, the next with EPIPE; the same send() without MSG_NOSIGNAL also raises SIGPIPE (caught here by a \
            counting handler; by default it kills the process). 2: connect() to \(Self.unroutable), which no route covers: \
            ENETUNREACH at once. 3: connect() to \(Self.silentNeighbour), on osilab0's network, where nobody answers ARP: \
            EHOSTUNREACH after the kernel's ARP probes. 4: connect() to port \(Self.port) while an nftables rule drops its SYNs: \
            ETIMEDOUT after the SYN retries. 5: a listener with backlog \(Self.backlog) that never calls accept(), and \
            \(Self.cookieClients) clients: every SYN gets a SYN cookie, the last client's SYN finds the accept queue full and is \
            dropped; the kernel's counters (/proc/net/netstat, as nstat shows them) are read before and after. Everything is \
            removed at the end, also on Ctrl-C. Takes about 6 seconds.
            """,
        facts: [
            FactDescription("first-send-after-reset", ["ECONNRESET", "EPIPE", "ok"], "what the first send() after the peer's RST got"),
            FactDescription("write-after-reset", ["EPIPE", "ECONNRESET", "ok"], "what the next send() on that connection got"),
            FactDescription("sigpipe-without-nosignal", ["raised", "none"], "whether send() without MSG_NOSIGNAL raised SIGPIPE"),
            FactDescription("sigpipe-with-nosignal", ["raised", "none"], "whether send() with MSG_NOSIGNAL raised SIGPIPE"),
            FactDescription("no-route", ["ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "connected", "other"],
                            "how connect() to an address no route covers ended"),
            FactDescription("no-arp-answer", ["EHOSTUNREACH", "ETIMEDOUT", "ENETUNREACH", "connected", "other"],
                            "how connect() to a neighbour that never answers ARP ended"),
            FactDescription("syn-dropped", ["ETIMEDOUT", "EHOSTUNREACH", "ECONNREFUSED", "timed-out", "connected", "other"],
                            "how connect() ended while every SYN was dropped"),
            FactDescription("syns-dropped", ["1", "2", "3", "4", "5", "6"], "SYNs the rule dropped (its nft counter)"),
            FactDescription("syncookies-sent", ["yes", "no"], "whether TcpExtSyncookiesSent grew"),
            FactDescription("syncookies-recv", ["yes", "no"], "whether TcpExtSyncookiesRecv grew (a cookie came back in an ACK)"),
            FactDescription("listen-overflows", ["yes", "no"], "whether TcpExtListenOverflows grew"),
            FactDescription("full-queue-connect", ["timed-out", "connected", "refused", "failed"],
                            "how the last client's connect() ended at the full accept queue"),
        ])

    /// The server's port in parts 1, 4 and 5: one address, so that the ladder draws every
    /// connection of the run between the same two columns.
    public static let port: UInt16 = 4547
    /// The clients' roles in the trace. Those that reach the server are numbered as the ladder
    /// numbers connections (part 5's are client 3, 4, 5); the two whose packets never leave
    /// are named by the address they tried.
    public static let resetClient = "client 1", noRouteClient = unroutable, noARPClient = silentNeighbour,
                      synDroppedClient = "client 2"
    /// SYN retries inside the namespace (the machine's default is 6, about two minutes).
    public static let synRetries = 1
    public static let backlog: Int32 = 1
    /// Linux queues backlog + 1 finished connections; one client more finds the queue full.
    public static let cookieClients = Int(backlog) + 2
    public static let unroutable = "198.51.100.1"
    public static let localAddress = "192.0.2.1"
    public static let silentNeighbour = "192.0.2.2"
    /// ARP probe interval inside the namespace (the default is 1 s; three probes).
    static let probeMilliseconds = 200
    static let table = "osilab"
    static let counter = "dropped_syns"
    public static let counterNames = ["SyncookiesSent", "SyncookiesRecv", "ListenOverflows", "ListenDrops"]
    static let unread = Array("data nobody reads".utf8)

    public init() {}

    /// A connect() that failed or not, and how long it took.
    public struct Attempt: Sendable {
        public var error: SocketError?
        public var started: Instant
        public var ended: Instant
        public var nanoseconds: Int64 { ended.nanoseconds(since: started) }

        /// Whether `time` falls while connect() was running.
        public func covers(_ time: Instant) -> Bool { time >= started && time <= ended }

        /// The fact's value: the errno's name, `timed-out` for the socket's own timeout, `connected`.
        public var outcome: String {
            guard let error else { return "connected" }
            if error.reason == .timedOut { return "timed-out" }
            return error.errno.map { ErrnoName.of($0.rawValue) } ?? "other"
        }
    }

    /// What part 5 saw: the clients, and the counters before and after.
    public struct CookieRun: Sendable {
        public var attempts: [Attempt] = []
        public var before: [String: Int] = [:]
        public var after: [String: Int] = [:]
        /// The last client's port, to find its segments in the capture.
        public var lastClientPort: UInt16?

        public func delta(_ name: String) -> Int? {
            guard let first = before[name], let last = after[name] else { return nil }
            return last - first
        }
    }

    struct Observed: Sendable {
        var run: RecordedRun
        var timeline: Timeline
        var resetClient: IPEndpoint?
        var firstSend: SocketError?
        var secondSend: SocketError?
        var signalsWithFlag = -1
        var signalsWithout = -1
        var errorWithout: Int32 = 0
        var noRoute: Attempt?
        var routeLines: [String] = []
        var noARP: Attempt?
        var neighbourLines: [String] = []
        var synDropped: Attempt?
        var syncookies = CookieRun()
        var nstatLines: [String] = []
        var dropped: Int?
        var ruleLines: [String] = []
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        let leftovers = NetworkNamespace.removeLeftovers()
        let namespace = try NetworkNamespace.create()
        defer { namespace.remove() }
        try Self.setUp(namespace)
        var observed = try namespace.run(timeout: .seconds(25)) { () throws -> Observed in
            try Self.scenario(namespace: namespace, capture: settings.capture, say: say)
        }
        observed.ruleLines = (try? namespace.exec(["nft", "list", "table", "inet", Self.table], log: false).lines) ?? []
        observed.dropped = DropFinalAck.dropCount(observed.ruleLines, counter: Self.counter)
        var outcome = ExperimentOutcome(
            Self.info.name, run: observed.run, timeline: observed.timeline, client: observed.resetClient,
            server: IPEndpoint(.v4(.loopback), Self.port), scope: .everyClient, captured: settings.capture)
        outcome.sections.append(ReportSection(
            title: say(.dropSectionSetUp),
            lines: namespace.commands.map { "$ " + $0 } + [say(.dropSetUpRemoved, "$ ip netns del \(namespace.name)")]))
        explain(&outcome, observed, leftovers: leftovers, namespace: namespace.name, say: say)
        return outcome
    }

    /// The namespace's settings, links and rule; each command is logged for the learner.
    public static func setUp(_ namespace: NetworkNamespace) throws(ToolError) {
        try namespace.exec(["sysctl", "-w", "net.ipv4.tcp_syn_retries=\(synRetries)"])
        try namespace.exec(["sysctl", "-w", "net.ipv4.tcp_syncookies=2"])
        try namespace.exec(["ip", "link", "add", "osilab0", "type", "veth", "peer", "name", "osilab1"])
        try namespace.exec(["ip", "address", "add", "\(localAddress)/24", "dev", "osilab0"])
        try namespace.exec(["ip", "link", "set", "osilab0", "up"])
        try namespace.exec(["ip", "link", "set", "osilab1", "up"])
        try namespace.exec(["sysctl", "-w", "net.ipv4.neigh.osilab0.retrans_time_ms=\(probeMilliseconds)"])
        try namespace.exec(["nft", "add", "table", "inet", table])
        try namespace.exec(["nft", "add", "counter", "inet", table, counter])
        try namespace.exec(["nft", "add", "chain", "inet", table, "input",
                            "{ type filter hook input priority 0 ; policy accept ; }"])
    }

    /// Runs on a thread inside the namespace: the five parts, recorded.
    static func scenario(namespace: NetworkNamespace, capture: Bool, say: ExperimentStrings) throws -> Observed {
        let tracer = TraceRecorder()
        let recorder = try ExperimentRecorder(filter: "tcp", capture: capture, tracer: tracer, kernelPorts: [port])
        var observed = Observed(run: RecordedRun(packets: [], trace: [], statistics: nil, linkType: .ethernet),
                                timeline: Timeline.build(packets: [], trace: [], notes: []))
        let (run, timeline) = try recorder.record {
            try reset(tracer: tracer, recorder: recorder, observed: &observed, say: say)

            recorder.note(say(.errorsNoteNoRoute, unroutable))
            observed.noRoute = try attempt(tracer: tracer, role: noRouteClient, .ipv4(address(unroutable), port: 80))
            let route = try namespace.exec(["ip", "route", "get", unroutable], log: false, check: false)
            let routes = try namespace.exec(["ip", "route", "show"], log: false, check: false)
            observed.routeLines = ["$ ip route show"] + routes.lines + ["$ ip route get \(unroutable)"] + route.lines
                + route.errorOutput.split(separator: "\n").map(String.init)

            recorder.note(say(.errorsNoteNoARP, silentNeighbour))
            observed.noARP = try attempt(tracer: tracer, role: noARPClient, .ipv4(address(silentNeighbour), port: 80))
            let neighbours = try namespace.exec(["ip", "neigh", "show", "dev", "osilab0"], log: false, check: false)
            observed.neighbourLines = ["$ ip neigh show dev osilab0"] + neighbours.lines

            try namespace.exec(["nft", "add", "rule", "inet", table, "input", "tcp", "dport", String(port),
                                "tcp flags & (syn|ack) == syn", "counter", "name", counter, "drop"])
            recorder.note(say(.errorsNoteSynDropped, String(port), String(synRetries)))
            observed.synDropped = try attempt(tracer: tracer, role: synDroppedClient, .ipv4(.loopback, port: port))
            try namespace.exec(["nft", "flush", "chain", "inet", table, "input"])

            let nstat = ["nstat", "-asz"] + counterNames.map { "TcpExt" + $0 }
            observed.nstatLines = ["$ " + nstat.joined(separator: " ")]
                + ((try? namespace.exec(nstat, log: false).lines) ?? [])
            observed.syncookies = try syncookies(tracer: tracer, recorder: recorder, say: say)
            observed.nstatLines += ((try? namespace.exec(nstat, log: false).lines) ?? [])
        }
        observed.run = run
        observed.timeline = timeline
        // The capture on lo sees each SYN arrive before the input hook drops it.
        for segment in timeline.segments where segment.segment.isSYN && observed.synDropped?.covers(segment.segment.timestamp) == true {
            observed.timeline.attach(PacketRemark(say(.errorsRemarkDropped), dropped: true), toPacket: segment.segment.number)
        }
        return observed
    }

    static func address(_ text: String) -> IPv4Address {
        IPv4Address(text) ?? .loopback
    }

    /// Part 1: the peer resets; send() twice through the socket layer (which passes
    /// MSG_NOSIGNAL), then once more each way counting SIGPIPE.
    static func reset(tracer: TraceRecorder, recorder: ExperimentRecorder, observed: inout Observed,
                      say: ExperimentStrings) throws {
        let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        try listener.listen(backlog: 4)
        try listener.setTimeout(.seconds(3))
        recorder.note(say(.errorsNoteReset))
        let client = try Socket(family: .inet, type: .stream, tracer: tracer, role: resetClient)
        defer { client.close() }
        try client.setTimeout(.seconds(3))
        try client.connect(to: .ipv4(.loopback, port: port))
        observed.resetClient = try client.localAddress().endpoint
        let (connection, _) = try listener.accept()
        defer { connection.close() }
        try client.sendAll(unread)
        guard connection.waitForBytes(unread.count, timeout: .seconds(2)) else {
            throw ExperimentError.hung(say(.teardownHungData))
        }
        connection.close()
        // The RST makes the client's socket readable; poll() leaves its pending error in place.
        _ = try client.waitUntilReadable(timeout: .seconds(1))
        do throws(SocketError) { try client.send(Array("first".utf8)) } catch { observed.firstSend = error }
        do throws(SocketError) { try client.send(Array("second".utf8)) } catch { observed.secondSend = error }
        let bytes = Array("third".utf8)
        var error: Int32 = 0
        var signals: Int32 = -1
        _ = bytes.withUnsafeBytes { osilab_send_counting_sigpipe(client.fileno, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), &error, &signals) }
        observed.signalsWithFlag = Int(signals)
        _ = bytes.withUnsafeBytes { osilab_send_counting_sigpipe(client.fileno, $0.baseAddress, $0.count, 0, &error, &signals) }
        observed.signalsWithout = Int(signals)
        observed.errorWithout = error
        recorder.note(say(.errorsNoteSignals, String(observed.signalsWithFlag), String(observed.signalsWithout)))
    }

    /// One connect() with a socket timeout longer than any of the kernel's own limits here.
    static func attempt(tracer: TraceRecorder, role: String, _ address: SocketAddress) throws -> Attempt {
        let socket = try Socket(family: .inet, type: .stream, tracer: tracer, role: role)
        defer { socket.close() }
        try socket.setTimeout(.seconds(8))
        let started = Instant.now()
        var failure: SocketError?
        do throws(SocketError) { try socket.connect(to: address) } catch { failure = error }
        return Attempt(error: failure, started: started, ended: Instant.now())
    }

    /// Part 5 alone, on the calling thread, which must be in a namespace ``setUp(_:)`` prepared:
    /// for a test that reads the namespace's counters itself, before and after.
    public static func syncookiePart(language: Language = .english) throws -> CookieRun {
        let tracer = TraceRecorder()
        let recorder = try ExperimentRecorder(filter: "tcp", capture: false, tracer: tracer)
        return try syncookies(tracer: tracer, recorder: recorder, say: ExperimentStrings(language))
    }

    /// Part 5: a listener that never accepts, `cookieClients` clients, the counters around them.
    static func syncookies(tracer: TraceRecorder, recorder: ExperimentRecorder, say: ExperimentStrings) throws -> CookieRun {
        var result = CookieRun()
        let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: .ipv4(.loopback, port: port))
        try listener.listen(backlog: backlog)
        result.before = namespaceCounters(counterNames)
        recorder.note(say(.errorsNoteCookies, String(backlog), String(cookieClients)))
        var clients: [Socket] = []
        defer { for client in clients { client.close() } }
        for number in 1...cookieClients {
            let client = try Socket(family: .inet, type: .stream, tracer: tracer, role: "client \(2 + number)")
            clients.append(client)
            try client.setTimeout(number == cookieClients ? .milliseconds(1500) : .seconds(3))
            let started = Instant.now()
            var failure: SocketError?
            do throws(SocketError) { try client.connect(to: .ipv4(.loopback, port: port)) } catch { failure = error }
            if number == cookieClients { result.lastClientPort = (try? client.localAddress())?.endpoint?.port }
            result.attempts.append(Attempt(error: failure, started: started, ended: Instant.now()))
        }
        // The last handshake's ACK may still be on its way to the listener.
        Thread.sleep(forTimeInterval: 0.05)
        result.after = namespaceCounters(counterNames)
        return result
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, leftovers: [String], namespace: String,
                 say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        if !leftovers.isEmpty { explanation.context(say(.dropRemovedFirst, say.list(leftovers))) }
        explanation.context(say(.errorsContext, namespace))
        let segments = outcome.segments

        // 1: the reset, then ECONNRESET, EPIPE, SIGPIPE.
        if outcome.captured {
            let reset = segments.first { $0.segment.isRST && $0.segment.source.port == Self.port }
            explanation.claim(reset != nil, reset != nil
                ? say(.errorsResetSeen, String(Self.unread.count))
                : say(.errorsResetMissing))
        } else {
            explanation.claim(nil, say(.teardownUnreadUnchecked))
        }
        let first = name(of: observed.firstSend)
        let second = name(of: observed.secondSend)
        facts["first-send-after-reset"] = first
        facts["write-after-reset"] = second
        explanation.claim(first == "ECONNRESET", first == "ECONNRESET"
            ? say(.errorsFirstSend) : say(.errorsFirstSendWrong, first))
        explanation.claim(second == "EPIPE", second == "EPIPE"
            ? say(.errorsSecondSend) : say(.errorsSecondSendWrong, second))
        facts["sigpipe-with-nosignal"] = observed.signalsWithFlag > 0 ? "raised" : "none"
        facts["sigpipe-without-nosignal"] = observed.signalsWithout > 0 ? "raised" : "none"
        let signalHolds = observed.signalsWithFlag == 0 && observed.signalsWithout == 1 && observed.errorWithout == EPIPE
        explanation.claim(signalHolds, signalHolds
            ? say(.errorsSignal)
            : say(.errorsSignalWrong, String(observed.signalsWithFlag), String(observed.signalsWithout),
                  observed.errorWithout == 0 ? say(.noError) : ErrnoName.of(observed.errorWithout)))
        explanation.context(say(.errorsPython))

        // 2: no route.
        if let attempt = observed.noRoute {
            facts["no-route"] = fact(attempt, among: ["ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT"])
            let holds = attempt.outcome == "ENETUNREACH" && attempt.nanoseconds < 500_000_000
            explanation.claim(holds, holds
                ? say(.errorsNoRoute, Self.unroutable, formatDuration(nanoseconds: attempt.nanoseconds))
                : say(.errorsNoRouteWrong, Self.unroutable, attempt.outcome, formatDuration(nanoseconds: attempt.nanoseconds)))
            outcome.sections.append(ReportSection(title: say(.errorsSectionRoutes), lines: observed.routeLines))
        }

        // 3: nobody answers ARP.
        if let attempt = observed.noARP {
            facts["no-arp-answer"] = fact(attempt, among: ["EHOSTUNREACH", "ETIMEDOUT", "ENETUNREACH"])
            let failedEntry = observed.neighbourLines.contains { $0.hasPrefix(Self.silentNeighbour + " ") && $0.contains("FAILED") }
            let holds = attempt.outcome == "EHOSTUNREACH" && failedEntry
            explanation.claim(holds, holds
                ? say(.errorsNoARP, Self.silentNeighbour, formatDuration(nanoseconds: attempt.nanoseconds), String(Self.probeMilliseconds))
                : say(.errorsNoARPWrong, Self.silentNeighbour, attempt.outcome, say.yesNo(failedEntry)))
            outcome.sections.append(ReportSection(title: say(.errorsSectionNeighbours), lines: observed.neighbourLines))
        }

        // 4: every SYN dropped.
        if let attempt = observed.synDropped {
            facts["syn-dropped"] = attempt.outcome == "timed-out" ? "timed-out"
                : fact(attempt, among: ["ETIMEDOUT", "EHOSTUNREACH", "ECONNREFUSED"])
            let syns = segments.filter { $0.segment.isSYN && attempt.covers($0.segment.timestamp) }
            if let dropped = observed.dropped, (1...6).contains(dropped) { facts["syns-dropped"] = String(dropped) }
            let counted = observed.dropped ?? -1
            let agrees = !outcome.captured || syns.count == counted
            let holds = attempt.outcome == "ETIMEDOUT" && counted >= 2 && agrees
            let seconds = formatDuration(nanoseconds: attempt.nanoseconds)
            explanation.claim(holds, holds
                ? say(outcome.captured ? .errorsSynDroppedCaptured : .errorsSynDropped, String(counted), seconds, String(Self.synRetries))
                : say(.errorsSynDroppedWrong, attempt.outcome, seconds, String(counted), String(syns.count)))
            outcome.sections.append(ReportSection(title: say(.dropSectionCounter),
                                                  lines: observed.ruleLines.map { $0.replacingOccurrences(of: "\t", with: "  ") }))
        }

        // 5: SYN cookies and the full accept queue.
        let cookies = observed.syncookies
        let connected = cookies.attempts.filter { $0.error == nil }.count
        if let sent = cookies.delta("SyncookiesSent"), let received = cookies.delta("SyncookiesRecv") {
            facts["syncookies-sent"] = sent > 0 ? "yes" : "no"
            facts["syncookies-recv"] = received > 0 ? "yes" : "no"
            let holds = sent >= connected && received == connected && connected == Int(Self.backlog) + 1
            explanation.claim(holds, holds
                ? say(.errorsCookies, String(sent), String(received), String(connected))
                : say(.errorsCookiesWrong, String(sent), String(received), String(connected)))
        } else {
            explanation.claim(false, say(.errorsCountersUnreadable))
        }
        if let last = cookies.attempts.last {
            let error = last.error
            facts["full-queue-connect"] = error == nil ? "connected"
                : (error?.reason == .timedOut ? "timed-out" : (error?.errno?.rawValue == ECONNREFUSED ? "refused" : "failed"))
            let overflows = cookies.delta("ListenOverflows") ?? 0
            let drops = cookies.delta("ListenDrops") ?? 0
            facts["listen-overflows"] = overflows > 0 ? "yes" : "no"
            var answered = false
            if outcome.captured {
                answered = segments.contains { segment in
                    segment.segment.source.port == Self.port && segment.segment.destination.port == cookies.lastClientPort
                        && (segment.segment.isSYNACK || segment.segment.isRST)
                }
            }
            let holds = error?.reason == .timedOut && overflows >= 1 && drops >= overflows && !answered
            explanation.claim(holds, holds
                ? say(.errorsFullQueue, String(2 + Self.cookieClients), String(overflows), String(drops))
                : say(.errorsFullQueueWrong, String(2 + Self.cookieClients), facts["full-queue-connect"] ?? "", String(overflows),
                      String(drops), say.yesNo(answered)))
        }
        if observed.nstatLines.count > 1 {
            outcome.sections.append(ReportSection(title: say(.errorsSectionCounters), lines: observed.nstatLines))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }

    /// The errno's name, `ok` when the call did not fail.
    func name(of error: SocketError?) -> String {
        guard let error else { return "ok" }
        return error.errno.map { ErrnoName.of($0.rawValue) } ?? "other"
    }

    /// The attempt's outcome when it is one of `names` or `connected`, else `other`.
    func fact(_ attempt: Attempt, among names: [String]) -> String {
        let outcome = attempt.outcome
        return names.contains(outcome) || outcome == "connected" ? outcome : "other"
    }
}

/// TcpExt counters of the calling thread's network namespace.
///
/// /proc/net is /proc/self/net, the namespace of the process's main thread; a thread that
/// entered a namespace of its own with setns() reads its counters at /proc/thread-self/net.
public func namespaceCounters(_ names: [String]) -> [String: Int] {
    var counters: [String: Int] = [:]
    for name in names {
        if let value = kernelCounter(name, file: "/proc/thread-self/net/netstat") { counters[name] = value }
    }
    return counters
}
