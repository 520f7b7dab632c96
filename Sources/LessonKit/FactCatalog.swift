// The facts lab commands record with `--facts FILE`. A lab's `observe` must name one of
// them, and each of its prediction tags must be a value the fact can take, or the
// prediction could never be checked. Lessons/README.md shows the same table to authors;
// a test keeps the two in step.

/// A fact a lab command records for predictions to be checked against.
public struct LabFact: Sendable, Equatable {
    /// The osilab arguments that record it (`["handshake"]`, `["experiment", "no-accept"]`).
    public var command: [String]
    public var name: String
    /// The values it can take.
    public var values: [String]

    public init(command: [String], name: String, values: [String]) {
        self.command = command
        self.name = name
        self.values = values
    }
}

/// Every fact a lab command can record.
public struct FactCatalog: Sendable {
    public var facts: [LabFact]

    public init(_ facts: [LabFact]) {
        self.facts = facts
    }

    /// The facts osilab's commands record. Add a row here (and to the table in
    /// Lessons/README.md) when a command learns to record a new fact.
    public static let standard = FactCatalog([
        LabFact(command: ["handshake"], name: "connect-returned-after", values: ["syn", "synack", "ack"]),
        LabFact(command: ["handshake"], name: "accept-returned-after", values: ["syn", "synack", "ack"]),
        LabFact(command: ["handshake"], name: "handshake-complete", values: ["yes", "no"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "connect-returned-after", values: ["syn", "synack", "ack", "data"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "accept-returned-after", values: ["syn", "synack", "ack", "data"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "connect-returned-before-release", values: ["yes", "no"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "accept-waiting-at-release", values: ["yes", "no"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "synack-retransmissions", values: ["0", "1", "2", "3"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "acks-dropped", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "release", values: ["lift", "data"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "client-state-while-held", values: ["ESTAB", "SYN-SENT", "none"]),
        LabFact(command: ["experiment", "drop-final-ack"], name: "server-state-while-held", values: ["SYN-RECV", "ESTAB", "none"]),
        LabFact(command: ["experiment", "no-accept"], name: "accept-calls", values: ["0", "1"]),
        LabFact(command: ["experiment", "no-accept"], name: "handshakes-completed", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "no-accept"], name: "backlog", values: ["2"]),
        LabFact(command: ["experiment", "no-accept"], name: "recv-q-after", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "no-accept"], name: "send-q", values: ["2"]),
        LabFact(command: ["experiment", "no-accept"], name: "overflow", values: ["syn-dropped", "ack-dropped", "rst", "accepted", "none"]),
        LabFact(command: ["experiment", "no-accept"], name: "syn-retransmissions", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "no-accept"], name: "extra-connect", values: ["timed-out", "connected", "refused", "failed"]),
        LabFact(command: ["experiment", "no-accept"], name: "syn-reset", values: ["yes", "no"]),
        LabFact(command: ["experiment", "no-accept"], name: "late-overflow", values: ["ack-dropped", "accepted", "rst", "none"]),
        LabFact(command: ["experiment", "no-accept"], name: "late-connect", values: ["returned", "failed"]),
        LabFact(command: ["experiment", "no-accept"], name: "accept-queue-peak", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "no-accept"], name: "overflow-counted", values: ["yes", "no"]),
        LabFact(command: ["experiment", "refused"], name: "answer", values: ["rst", "synack", "none"]),
        LabFact(command: ["experiment", "refused"], name: "connect-error", values: ["ECONNREFUSED", "EAGAIN", "none"]),
        LabFact(command: ["experiment", "refused"], name: "connect-ex", values: ["111", "11", "0"]),
        LabFact(command: ["experiment", "refused"], name: "client-state-after-rst", values: ["CLOSED", "SYN-SENT", "ESTAB", "none"]),
        LabFact(command: ["experiment", "sticky"], name: "small-sends", values: ["5"]),
        LabFact(command: ["experiment", "sticky"], name: "small-recvs", values: ["1", "2", "3", "4", "5"]),
        LabFact(command: ["experiment", "sticky"], name: "small-segments", values: ["1", "2", "3", "4", "5"]),
        LabFact(command: ["experiment", "sticky"], name: "large-recvs", values: ["1", "2", "3", "4"]),
        LabFact(command: ["experiment", "sticky"], name: "utf8-split", values: ["yes", "no"]),
        LabFact(command: ["experiment", "sticky"], name: "framed-intact", values: ["yes", "no"]),
        LabFact(command: ["experiment", "teardown"], name: "first-fin", values: ["client", "server", "none"]),
        LabFact(command: ["experiment", "teardown"], name: "time-wait", values: ["client", "server", "both", "none"]),
        LabFact(command: ["experiment", "teardown"], name: "half-close", values: ["yes", "no"]),
        LabFact(command: ["experiment", "teardown"], name: "unread-close", values: ["rst", "fin", "none"]),
        LabFact(command: ["experiment", "teardown"], name: "peer-error-after-rst", values: ["ECONNRESET", "none"]),
        LabFact(command: ["experiment", "teardown"], name: "linger-zero-close", values: ["rst", "fin", "none"]),
        LabFact(command: ["experiment", "teardown"], name: "close-wait-side", values: ["client", "server", "both", "none"]),
        LabFact(command: ["experiment", "udp"], name: "handshake", values: ["none", "seen"]),
        LabFact(command: ["experiment", "udp"], name: "datagrams", values: ["0", "1", "2", "3"]),
        LabFact(command: ["experiment", "udp"], name: "boundaries-kept", values: ["yes", "no"]),
        LabFact(command: ["experiment", "udp"], name: "icmp", values: ["port-unreachable", "none"]),
        LabFact(command: ["experiment", "udp"], name: "unconnected-error", values: ["none", "ECONNREFUSED"]),
        LabFact(command: ["experiment", "udp"], name: "connected-recv-error", values: ["ECONNREFUSED", "none"]),
        LabFact(command: ["experiment", "defer-accept"], name: "connect-returned-after", values: ["syn", "synack", "ack", "data"]),
        LabFact(command: ["experiment", "defer-accept"], name: "accept-returned-after", values: ["syn", "synack", "ack", "data"]),
        LabFact(command: ["experiment", "defer-accept"], name: "server-state-while-waiting", values: ["SYN-RECV", "ESTAB"]),
        LabFact(command: ["experiment", "defer-accept"], name: "synack-retransmissions", values: ["0", "1", "2"]),
        LabFact(command: ["experiment", "nonblocking"], name: "accept-nonblocking", values: ["EAGAIN", "returned"]),
        LabFact(command: ["experiment", "nonblocking"], name: "recv-nonblocking", values: ["EAGAIN", "returned"]),
        LabFact(command: ["experiment", "nonblocking"], name: "recv-timeout", values: ["timed-out", "returned"]),
        LabFact(command: ["experiment", "nonblocking"], name: "packets-while-waiting", values: ["0", "1", "2"]),
        LabFact(command: ["experiment", "many-clients"], name: "iterative-max-concurrent", values: ["0", "1", "2-49", "50"]),
        LabFact(command: ["experiment", "many-clients"], name: "threads-max-concurrent", values: ["0", "1", "2-49", "50"]),
        LabFact(command: ["experiment", "many-clients"], name: "poll-max-concurrent", values: ["0", "1", "2-49", "50"]),
        LabFact(command: ["experiment", "many-clients"], name: "iterative-waiting", values: ["0", "1", "2-48", "49", "50"]),
        LabFact(command: ["experiment", "many-clients"], name: "iterative-server-threads", values: ["0", "1", "2-50", "51"]),
        LabFact(command: ["experiment", "many-clients"], name: "threads-server-threads", values: ["0", "1", "2-50", "51"]),
        LabFact(command: ["experiment", "many-clients"], name: "poll-server-threads", values: ["0", "1", "2-50", "51"]),
        LabFact(command: ["experiment", "close-wait"], name: "server-recv", values: ["empty", "data", "error"]),
        LabFact(command: ["experiment", "close-wait"], name: "server-state-after-fin", values: ["CLOSE-WAIT", "ESTAB", "other"]),
        LabFact(command: ["experiment", "close-wait"], name: "client-state-after-fin", values: ["FIN-WAIT-2", "TIME-WAIT", "other"]),
        LabFact(command: ["experiment", "close-wait"], name: "close-wait-count", values: ["0", "1", "2", "3"]),
        LabFact(command: ["experiment", "close-wait"], name: "server-fin-before-close", values: ["no", "yes"]),
        LabFact(command: ["experiment", "close-wait"], name: "close-wait-after-close", values: ["0", "1", "2", "3"]),
        LabFact(command: ["experiment", "reuse-address"], name: "first-fin", values: ["server", "client", "none"]),
        LabFact(command: ["experiment", "reuse-address"], name: "time-wait-holder", values: ["server", "client", "both", "none"]),
        LabFact(command: ["experiment", "reuse-address"], name: "bind-without-reuseaddr", values: ["EADDRINUSE", "ok"]),
        LabFact(command: ["experiment", "reuse-address"], name: "bind-with-reuseaddr", values: ["ok", "EADDRINUSE"]),
        LabFact(command: ["experiment", "reuse-address"], name: "second-listener-reuseaddr", values: ["EADDRINUSE", "ok"]),
        LabFact(command: ["experiment", "reuse-address"], name: "reuseaddr-new-only", values: ["EADDRINUSE", "ok"]),
        LabFact(command: ["experiment", "reuse-address"], name: "reuseport-second-bind", values: ["ok", "EADDRINUSE"]),
        LabFact(command: ["experiment", "errors"], name: "first-send-after-reset", values: ["ECONNRESET", "EPIPE", "ok"]),
        LabFact(command: ["experiment", "errors"], name: "write-after-reset", values: ["EPIPE", "ECONNRESET", "ok"]),
        LabFact(command: ["experiment", "errors"], name: "sigpipe-without-nosignal", values: ["raised", "none"]),
        LabFact(command: ["experiment", "errors"], name: "sigpipe-with-nosignal", values: ["raised", "none"]),
        LabFact(command: ["experiment", "errors"], name: "no-route", values: ["ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "connected", "other"]),
        LabFact(command: ["experiment", "errors"], name: "no-arp-answer", values: ["EHOSTUNREACH", "ETIMEDOUT", "ENETUNREACH", "connected", "other"]),
        LabFact(command: ["experiment", "errors"], name: "syn-dropped", values: ["ETIMEDOUT", "EHOSTUNREACH", "ECONNREFUSED", "timed-out", "connected", "other"]),
        LabFact(command: ["experiment", "errors"], name: "syns-dropped", values: ["1", "2", "3", "4", "5", "6"]),
        LabFact(command: ["experiment", "errors"], name: "syncookies-sent", values: ["yes", "no"]),
        LabFact(command: ["experiment", "errors"], name: "syncookies-recv", values: ["yes", "no"]),
        LabFact(command: ["experiment", "errors"], name: "listen-overflows", values: ["yes", "no"]),
        LabFact(command: ["experiment", "errors"], name: "full-queue-connect", values: ["timed-out", "connected", "refused", "failed"]),
        LabFact(command: ["experiment", "data-transfer"], name: "ack-after-data", values: ["600", "601", "3", "301", "other"]),
        LabFact(command: ["experiment", "data-transfer"], name: "ack-after-reply", values: ["50", "51", "601", "other"]),
        LabFact(command: ["experiment", "data-transfer"], name: "ack-is-next-byte", values: ["yes", "no"]),
        LabFact(command: ["experiment", "data-transfer"], name: "client-window-scale", values: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]),
        LabFact(command: ["experiment", "data-transfer"], name: "server-window-scale", values: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]),
        LabFact(command: ["experiment", "data-transfer"], name: "window-zero-seen", values: ["yes", "no"]),
        LabFact(command: ["experiment", "data-transfer"], name: "zero-window-probes", values: ["0", "1", "2", "3"]),
        LabFact(command: ["experiment", "data-transfer"], name: "window-reopened", values: ["yes", "no"]),
        LabFact(command: ["experiment", "data-transfer"], name: "segments-with-nagle", values: ["1", "2", "3", "4", "5"]),
        LabFact(command: ["experiment", "data-transfer"], name: "segments-with-nodelay", values: ["1", "2", "3", "4", "5"]),
        LabFact(command: ["experiment", "data-transfer"], name: "nagle-waited-for-ack", values: ["yes", "no"]),
        LabFact(command: ["experiment", "retransmit"], name: "copies-dropped", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "retransmit"], name: "retransmissions", values: ["0", "1", "2", "3", "4"]),
        LabFact(command: ["experiment", "retransmit"], name: "retransmitted-seq-same", values: ["yes", "no"]),
        LabFact(command: ["experiment", "retransmit"], name: "first-resend-after", values: ["under-100ms", "100ms-to-1s", "over-1s"]),
        LabFact(command: ["experiment", "retransmit"], name: "last-wait-doubled", values: ["yes", "no"]),
        LabFact(command: ["experiment", "retransmit"], name: "loss-probes", values: ["0", "1", "2"]),
        LabFact(command: ["experiment", "retransmit"], name: "timeouts", values: ["0", "1", "2", "3"]),
    ])

    /// The fact `name` recorded by the command `arguments` (a fact of `handshake` is found
    /// for `handshake --port 4545` too).
    public func fact(named name: String, forCommand arguments: [String]) -> LabFact? {
        facts.first { fact in
            fact.name == name && arguments.count >= fact.command.count
                && Array(arguments.prefix(fact.command.count)) == fact.command
        }
    }

    /// The names of the facts the command `arguments` records.
    public func factNames(forCommand arguments: [String]) -> [String] {
        facts.filter { arguments.count >= $0.command.count && Array(arguments.prefix($0.command.count)) == $0.command }
            .map(\.name)
    }
}
