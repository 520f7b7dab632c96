/// The kernel's protocol counters as `/proc/net/netstat` and `/proc/net/snmp` print them
/// (what `nstat` reads): pairs of lines, a header `TcpExt: ListenOverflows ...` and a line of
/// values `TcpExt: 3 ...`. Keys are `TcpExt.ListenOverflows`, as `nstat` spells them
/// without the prefix's colon (`TcpExtListenOverflows`).
public struct NetstatCounters: Sendable, Hashable {
    public var values: [String: Int64]

    public init(values: [String: Int64] = [:]) {
        self.values = values
    }

    /// The counters osilab shows beside a run: what explains a dropped SYN or ACK, and
    /// the retransmissions that follow.
    public static let explainerSet = Set(explainers)

    public static let explainers = [
        "TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPTimeouts", "TcpExt.TCPSynRetrans",
        "TcpExt.SyncookiesSent", "TcpExt.SyncookiesRecv", "TcpExt.TCPReqQFullDrop", "TcpExt.TCPAbortOnData",
        "TcpExt.TCPAbortOnClose", "Tcp.RetransSegs", "Tcp.AttemptFails", "Tcp.EstabResets", "Tcp.OutRsts",
    ]

    /// Why a counters file could not be read.
    public enum ParseError: Error, Sendable, Hashable {
        /// Line `line` (from 1) names `names` counters but its values line holds `values`.
        case countMismatch(line: Int, names: Int, values: Int)
        /// A values line whose prefix differs from its header's.
        case prefixMismatch(line: Int)
        /// A value that is not a decimal number.
        case notANumber(line: Int, text: String)
        /// A header line without its values line.
        case missingValues(line: Int)
    }

    /// Reads one or more files' text (netstat and snmp may be concatenated).
    public static func parse(_ text: String) throws(ParseError) -> NetstatCounters {
        var counters = NetstatCounters()
        try counters.merge(text)
        return counters
    }

    /// Adds the counters of another file's text; with `only`, just those counters (a
    /// sampler reading the files a thousand times a second keeps a dozen of some 400).
    public mutating func merge(_ text: String, only: Set<String>? = nil) throws(ParseError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        var index = 0
        while index < lines.count {
            let header = lines[index].split(separator: " ", omittingEmptySubsequences: true)
            guard index + 1 < lines.count else { throw .missingValues(line: index + 1) }
            let numbers = lines[index + 1].split(separator: " ", omittingEmptySubsequences: true)
            guard let prefix = header.first, prefix.hasSuffix(":"), numbers.first == prefix else {
                throw .prefixMismatch(line: index + 2)
            }
            guard header.count == numbers.count else {
                throw .countMismatch(line: index + 1, names: header.count - 1, values: numbers.count - 1)
            }
            let group = prefix.dropLast()
            for (name, number) in zip(header.dropFirst(), numbers.dropFirst()) {
                let key = "\(group).\(name)"
                if let only, !only.contains(key) { continue }
                // Some snmp values are signed (Tcp.MaxConn is -1).
                guard let value = Int64(number) else { throw .notANumber(line: index + 2, text: String(number)) }
                values[key] = value
            }
            index += 2
        }
    }

    public subscript(name: String) -> Int64? { values[name] }

    /// How much each counter grew since `earlier`: only the ones that changed.
    public func changes(since earlier: NetstatCounters) -> [String: Int64] {
        var changed: [String: Int64] = [:]
        for (name, value) in values {
            let delta = value &- (earlier.values[name] ?? 0)
            if delta != 0 { changed[name] = delta }
        }
        return changed
    }
}
