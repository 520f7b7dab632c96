import Foundation
import Report
import Wire

/// The kernel's table of TCP sockets as `ss` prints it, taken at one moment.
///
/// For a listening socket `Recv-Q` is the number of finished connections waiting for
/// accept() and `Send-Q` the backlog; for a connection they are the bytes not yet read by
/// the program and not yet acknowledged by the peer.
public struct SocketTable: Sendable {
    public struct Row: Sendable, Hashable {
        /// As ss spells it: `LISTEN`, `ESTAB`, `SYN-SENT`, `SYN-RECV`, `TIME-WAIT`, ...
        public var state: String
        public var receiveQueue: Int
        public var sendQueue: Int
        public var local: IPEndpoint?
        public var peer: IPEndpoint?
        /// The line as ss printed it.
        public var text: String
    }

    /// The command that was run, as a learner would type it.
    public var command: String
    /// ss's header line and the rows, for showing.
    public var lines: [String]
    public var rows: [Row]

    /// Runs `ss -tan` (or `ss -ltn` with `listening`) for the sockets using `port` as their
    /// own port or their peer's, optionally inside a namespace.
    public static func take(port: UInt16, listening: Bool = false, namespace: NetworkNamespace? = nil) throws(ToolError) -> SocketTable {
        let filter = listening ? "sport = :\(port)" : "( sport = :\(port) or dport = :\(port) )"
        let arguments = ["ss", listening ? "-ltn" : "-tan", filter]
        let result: ToolResult
        if let namespace {
            result = try namespace.exec(arguments, log: false)
        } else {
            result = try ExternalTool.run(arguments)
        }
        return parse(result.output, command: ExternalTool.shellLine(arguments))
    }

    /// Reads ss's output: a header, then one socket per line.
    public static func parse(_ output: String, command: String) -> SocketTable {
        var lines: [String] = []
        var rows: [Row] = []
        for line in output.split(separator: "\n").map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            lines.append(trimmed)
            let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.count >= 5, let receive = Int(words[1]), let send = Int(words[2]) else { continue }
            rows.append(Row(state: words[0], receiveQueue: receive, sendQueue: send,
                            local: IPEndpoint(parsing: words[3]), peer: IPEndpoint(parsing: words[4]), text: trimmed))
        }
        return SocketTable(command: command, lines: lines, rows: rows)
    }

    /// The row of the socket with this local address and (optionally) peer.
    public func row(local: IPEndpoint, peer: IPEndpoint? = nil) -> Row? {
        rows.first { $0.local == local && (peer == nil || $0.peer == peer) }
    }

    /// The listening socket on `port`.
    public func listener(port: UInt16) -> Row? {
        rows.first { $0.state == "LISTEN" && $0.local?.port == port }
    }

    /// The command and its output, for a report section.
    public func section(_ title: String) -> ReportSection {
        ReportSection(title: title, lines: ["$ " + command] + lines)
    }
}
