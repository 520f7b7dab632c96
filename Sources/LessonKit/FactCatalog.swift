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
