import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// Why a restarted server's bind() fails with EADDRINUSE: the old server closed first, so
/// its end of the connection waits in TIME-WAIT on the server's port; SO_REUSEADDR (on the
/// old socket and the new) lets the new server bind anyway. And SO_REUSEPORT, which is what
/// lets two sockets listen on one port.
public struct ReuseAddress: Experiment {
    public static let info = ExperimentInfo(
        name: "reuse-address",
        summary: .reuseSummary,
        needs: [.capture, .ss],
        discussion: """
            An old server with SO_REUSEADDR serves one client and closes the connection first, so its \
            own end waits in TIME-WAIT (`ss -tan`); then it stops. A new server binds the same port: \
            without SO_REUSEADDR bind() fails with EADDRINUSE (errno 98), with it bind() and listen() \
            succeed; a second socket with SO_REUSEADDR still cannot bind while the first listens. A \
            second old server, without SO_REUSEADDR, does the same on another port: there even a new \
            server that sets the flag gets EADDRINUSE, because Linux checks the flag on the TIME-WAIT \
            socket too. Last, two sockets that both set SO_REUSEPORT listen on one port.
            """,
        facts: [
            FactDescription("first-fin", ["server", "client", "none"], "who sent the first FIN of the old server's connection"),
            FactDescription("time-wait-holder", ["server", "client", "both", "none"], "whose end of that connection ss showed in TIME-WAIT"),
            FactDescription("bind-without-reuseaddr", ["EADDRINUSE", "ok"], "what bind() to the port did without SO_REUSEADDR"),
            FactDescription("bind-with-reuseaddr", ["ok", "EADDRINUSE"], "what bind() and listen() did with SO_REUSEADDR"),
            FactDescription("second-listener-reuseaddr", ["EADDRINUSE", "ok"],
                            "what bind() with SO_REUSEADDR did while another socket listened on the port"),
            FactDescription("reuseaddr-new-only", ["EADDRINUSE", "ok"],
                            "what bind() with SO_REUSEADDR did where the old server had not set it"),
            FactDescription("reuseport-second-bind", ["ok", "EADDRINUSE"],
                            "what the second socket's bind() did when both set SO_REUSEPORT"),
        ])

    public init() {}

    struct Observed {
        /// The client of the old server that set SO_REUSEADDR, and of the one that did not.
        var client: IPEndpoint?
        var plainClient: IPEndpoint?
        /// "ok" or the errno's name, for each bind (and listen) the facts name.
        var without: String?
        var with: String?
        var secondListener: String?
        var newOnly: String?
        var reusePort: String?
        var table: SocketTable?
        var plainTable: SocketTable?
        var sharedTable: SocketTable?
        var sharedPort: UInt16 = 0
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let say = ExperimentStrings(settings.language)
        let tracer = TraceRecorder()
        // The old servers are bound before the capture starts, so its filter can name the port.
        let old = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { old.close() }
        try old.setReuseAddress(true)
        try old.bind(to: .ipv4(.loopback, port: 0))
        let plain = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
        defer { plain.close() }
        try plain.bind(to: .ipv4(.loopback, port: 0))
        guard let port = try old.localAddress().port, let plainPort = try plain.localAddress().port else {
            throw ExperimentError.setup(say(.setupNoPort))
        }
        // Only the first old server's port is captured: the second connection would repeat its
        // segments, off the ladder, and its part rests on bind() and ss alone.
        let recorder = try ExperimentRecorder(filter: "tcp port \(port)", capture: settings.capture, tracer: tracer,
                                              kernelPorts: [port], kernelInterval: settings.kernelInterval)
        var observed = Observed()

        /// "ok", or the name of the errno `body` failed with.
        func result(_ body: () throws(SocketError) -> Void) -> String {
            do throws(SocketError) {
                try body()
                return "ok"
            } catch {
                return error.errno.map { ErrnoName.of($0.rawValue) } ?? "\(error)"
            }
        }

        /// A call's result as the ladder writes it: `0`, or `-1 EADDRINUSE`.
        func returned(_ result: String?) -> String {
            result == "ok" ? "0" : "-1 " + (result ?? "?")
        }

        let recorded = try recorder.record {
            /// The old server serves one client and closes first; the client closes on b"".
            func serveOnce(_ listener: Socket, port: UInt16, client role: String) throws -> IPEndpoint? {
                try listener.listen(backlog: 8)
                try listener.setTimeout(.seconds(3))
                let client = try Socket(family: .inet, type: .stream, tracer: tracer, role: role)
                defer { client.close() }
                try client.setTimeout(.seconds(3))
                try client.connect(to: .ipv4(.loopback, port: port))
                let endpoint = try client.localAddress().endpoint
                let (connection, _) = try listener.accept()
                connection.close()
                guard try client.recv(maxBytes: 1024).isEmpty else { throw ExperimentError.hung(say(.reuseHungEOF)) }
                client.close()
                listener.close()
                return endpoint
            }
            /// ss, once the last ACK has made the server's end TIME-WAIT (at once on loopback, but
            /// the close runs in the kernel's softirq, after our close() may have returned).
            func timeWaitTable(_ port: UInt16, client: IPEndpoint?) throws -> SocketTable {
                var table = try SocketTable.take(port: port)
                for _ in 0..<50 where !table.rows.contains(where: { $0.state == "TIME-WAIT" && $0.peer == client }) {
                    Thread.sleep(forTimeInterval: 0.01)
                    table = try SocketTable.take(port: port)
                }
                return table
            }

            recorder.note(say(.reuseNoteOld, String(port)))
            observed.client = try serveOnce(old, port: port, client: "client 1")
            observed.table = try timeWaitTable(port, client: observed.client)

            let fresh = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            observed.without = result { () throws(SocketError) in try fresh.bind(to: .ipv4(.loopback, port: port)) }
            recorder.note(say(.reuseNoteWithout, String(port), returned(observed.without)))
            fresh.close()
            let reusing = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            defer { reusing.close() }
            try reusing.setReuseAddress(true)
            observed.with = result { () throws(SocketError) in
                try reusing.bind(to: .ipv4(.loopback, port: port))
                try reusing.listen(backlog: 8)
            }
            recorder.note(say(.reuseNoteWith, returned(observed.with)))
            let second = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            try second.setReuseAddress(true)
            observed.secondListener = result { () throws(SocketError) in try second.bind(to: .ipv4(.loopback, port: port)) }
            recorder.note(say(.reuseNoteSecond, returned(observed.secondListener)))
            second.close()
            reusing.close()

            recorder.note(say(.reuseNotePlain, String(plainPort)))
            observed.plainClient = try serveOnce(plain, port: plainPort, client: "client 2")
            observed.plainTable = try timeWaitTable(plainPort, client: observed.plainClient)
            let late = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            try late.setReuseAddress(true)
            observed.newOnly = result { () throws(SocketError) in try late.bind(to: .ipv4(.loopback, port: plainPort)) }
            recorder.note(say(.reuseNoteNewOnly, String(plainPort), returned(observed.newOnly)))
            late.close()

            let first = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            defer { first.close() }
            try first.setReusePort(true)
            try first.bind(to: .ipv4(.loopback, port: 0))
            try first.listen(backlog: 8)
            observed.sharedPort = try first.localAddress().port ?? 0
            let other = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
            defer { other.close() }
            try other.setReusePort(true)
            observed.reusePort = result { () throws(SocketError) in
                try other.bind(to: .ipv4(.loopback, port: observed.sharedPort))
                try other.listen(backlog: 8)
            }
            recorder.note(say(.reuseNoteShare, String(observed.sharedPort), returned(observed.reusePort)))
            observed.sharedTable = try SocketTable.take(port: observed.sharedPort, listening: true)
            other.close()
            first.close()
        }
        let server = IPEndpoint(.v4(.loopback), port)
        var outcome = ExperimentOutcome(Self.info.name, run: recorded.0, timeline: recorded.1, client: observed.client,
                                        server: server, scope: .oneConnection, captured: recorder.isCapturing)
        explain(&outcome, observed, port: port, plainPort: plainPort, say: say)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, plainPort: UInt16,
                 say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let server = IPEndpoint(.v4(.loopback), port)

        if outcome.captured, let client = observed.client {
            let fins = outcome.segments.filter { $0.segment.isFIN && $0.client == client && $0.server == server }
            let from = fins.first.map { $0.direction == .serverToClient ? "server" : "client" }
            facts["first-fin"] = from ?? "none"
            explanation.claim(from == "server", from == "server"
                ? say(.reuseFirstFin)
                : say(.reuseFirstFinWrong, from.map { say($0 == "client" ? .sideClient : .sideServer) } ?? say(.sideNobody)))
        } else {
            explanation.claim(nil, say(.reuseFirstFinUnchecked))
        }

        if let table = observed.table, let client = observed.client {
            let serverWaits = table.rows.contains { $0.state == "TIME-WAIT" && $0.local == server && $0.peer == client }
            let clientWaits = table.rows.contains { $0.state == "TIME-WAIT" && $0.local == client && $0.peer == server }
            let who = serverWaits ? (clientWaits ? "both" : "server") : (clientWaits ? "client" : "none")
            facts["time-wait-holder"] = who
            let whoText = say(serverWaits ? (clientWaits ? .sideBoth : .sideServer) : (clientWaits ? .sideClient : .sideNone))
            explanation.claim(who == "server", who == "server"
                ? say(.reuseTimeWait, "\(server)", String(port))
                : say(.reuseTimeWaitWrong, whoText))
            outcome.sections.append(table.section(say(.reuseSectionTimeWait, String(port))))
        }

        if let without = observed.without {
            facts["bind-without-reuseaddr"] = without
            explanation.claim(without == "EADDRINUSE", without == "EADDRINUSE"
                ? say(.reuseWithout, String(port))
                : without == "ok" ? say(.reuseWithoutWrongOK, String(port)) : say(.reuseWithoutWrongFailed, String(port), without))
        }
        if let with = observed.with {
            facts["bind-with-reuseaddr"] = with
            explanation.claim(with == "ok", with == "ok" ? say(.reuseWith) : say(.reuseWithWrong, String(port), with))
        }
        if let second = observed.secondListener {
            facts["second-listener-reuseaddr"] = second
            explanation.claim(second == "EADDRINUSE", second == "EADDRINUSE"
                ? say(.reuseSecond, String(port))
                : second == "ok" ? say(.reuseSecondWrongOK, String(port)) : say(.reuseSecondWrongFailed, String(port), second))
        }
        if let newOnly = observed.newOnly {
            facts["reuseaddr-new-only"] = newOnly
            // The claim rests on the TIME-WAIT socket being there: say so if ss did not list it.
            let waiting = observed.plainTable?.rows.contains {
                $0.state == "TIME-WAIT" && $0.local?.port == plainPort && $0.peer == observed.plainClient
            } ?? false
            explanation.claim(newOnly == "EADDRINUSE" && waiting, newOnly == "EADDRINUSE" && waiting
                ? say(.reuseNewOnly, String(plainPort))
                : newOnly == "ok" ? say(.reuseNewOnlyWrongOK, String(plainPort))
                : waiting ? say(.reuseNewOnlyWrongFailed, String(plainPort), newOnly)
                : say(.reuseNewOnlyNoTimeWait, String(plainPort)))
            if let plainTable = observed.plainTable {
                outcome.sections.append(plainTable.section(say(.reuseSectionPlain, String(plainPort))))
            }
        }
        if let reusePort = observed.reusePort {
            facts["reuseport-second-bind"] = reusePort
            let listeners = observed.sharedTable?.rows.filter { $0.state == "LISTEN" && $0.local?.port == observed.sharedPort }.count ?? 0
            let held = reusePort == "ok" && listeners == 2
            explanation.claim(held, held
                ? say(.reusePort, String(observed.sharedPort))
                : say(.reusePortWrong, String(observed.sharedPort), reusePort == "ok" ? say(.reuseBindSucceeded) : reusePort,
                      String(listeners)))
            if let sharedTable = observed.sharedTable {
                outcome.sections.append(sharedTable.section(say(.reuseSectionShared, String(observed.sharedPort))))
            }
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
