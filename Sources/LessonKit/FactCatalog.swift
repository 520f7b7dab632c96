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
