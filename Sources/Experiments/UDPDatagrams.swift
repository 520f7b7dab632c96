import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// UDP: no handshake, one packet per sendto(), boundaries kept, and what a closed port
/// answers (ICMP port unreachable), which only a connected socket hears about.
public struct UDPDatagrams: Experiment {
    public static let info = ExperimentInfo(
        name: "udp",
        summary: "sendto/recvfrom: no handshake, one packet per datagram, boundaries kept; a datagram to a closed "
            + "port brings back ICMP port unreachable, which only a connected socket reports (ECONNREFUSED).",
        needs: [.capture],
        discussion: """
            A UDP server is bound to a port on 127.0.0.1. The client, without any connect(), calls \
            sendto() three times with datagrams of different sizes; the server calls recvfrom() three \
            times and replies once to the address recvfrom() gave it. Then the client sends a datagram to \
            a port where nothing listens and waits briefly with recvfrom(); finally it connect()s its UDP \
            socket to that port, sends again, and calls recv().
            """,
        facts: [
            FactDescription("handshake", ["none", "seen"], "whether any packet came before the first datagram"),
            FactDescription("datagrams", ["0", "1", "2", "3"], "UDP packets the three sendto() calls produced"),
            FactDescription("boundaries-kept", ["yes", "no"], "whether each recvfrom() returned exactly one datagram"),
            FactDescription("icmp", ["port-unreachable", "none"], "what came back for the datagram to the closed port"),
            FactDescription("unconnected-error", ["none", "ECONNREFUSED"], "what the unconnected socket was told"),
            FactDescription("connected-recv-error", ["ECONNREFUSED", "none"], "what recv() on the connected socket got"),
        ])

    static let messages = ["one", "two two", "three three three"].map { Array($0.utf8) }
    static let probe = Array("anyone there?".utf8)

    public init() {}

    struct Observed {
        var client: IPEndpoint?
        var closedPort: UInt16 = 0
        var received: [[UInt8]] = []
        var senders: [IPEndpoint?] = []
        var unconnectedError: SocketError?
        var connectedError: SocketError?
        var firstSendto: Instant?
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let tracer = TraceRecorder()
        let server = try Socket(family: .inet, type: .datagram, tracer: tracer, role: "server")
        defer { server.close() }
        try server.bind(to: .ipv4(.loopback, port: 0))
        guard let port = try server.localAddress().port else { throw ExperimentError.setup("the kernel gave no port") }
        // A port that was free a moment ago: bound and released at once. The kernel hands
        // out ephemeral ports at random, so nothing else takes it within the second this runs.
        let closedPort: UInt16
        do {
            let probe = try Socket(family: .inet, type: .datagram)
            try probe.bind(to: .ipv4(.loopback, port: 0))
            closedPort = try probe.localAddress().port ?? 9
            probe.close()
        }
        let filter = "(udp and (port \(port) or port \(closedPort))) or icmp"
        let recorder = try ExperimentRecorder(filter: filter, capture: settings.capture, tracer: tracer)
        var observed = Observed()
        observed.closedPort = closedPort
        let (run, built) = try recorder.record {
            try server.setTimeout(.seconds(2))
            let client = try Socket(family: .inet, type: .datagram, tracer: tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(2))
            let serverAddress = SocketAddress.ipv4(.loopback, port: port)
            observed.firstSendto = Instant.now()
            for message in Self.messages { _ = try client.sendTo(message, address: serverAddress) }
            // Unbound until its first sendto(), the socket got a port then; its address reads
            // 0.0.0.0 (any), and loopback traffic leaves from 127.0.0.1.
            if let clientPort = try client.localAddress().port { observed.client = IPEndpoint(.v4(.loopback), clientPort) }
            for _ in Self.messages {
                let (data, sender) = try server.recvFrom(maxBytes: 1024)
                observed.received.append(data)
                observed.senders.append(sender.endpoint)
            }
            if let sender = observed.senders.first, let endpoint = sender {
                _ = try server.sendTo(Array("got \(observed.received.count) datagrams".utf8),
                                      address: .ipv4(.loopback, port: endpoint.port))
                _ = try client.recvFrom(maxBytes: 1024)
            }

            recorder.note("the client sends a datagram to port \(closedPort), where nothing listens")
            let closed = SocketAddress.ipv4(.loopback, port: closedPort)
            _ = try client.sendTo(Self.probe, address: closed)
            try client.setTimeout(.milliseconds(300))
            do throws(SocketError) { _ = try client.recvFrom(maxBytes: 1024) } catch { observed.unconnectedError = error }

            recorder.note("connect() on the UDP socket: it only fixes the peer address; nothing is sent")
            try client.connect(to: closed)
            try client.send(Self.probe)
            try client.setTimeout(.seconds(1))
            do throws(SocketError) { _ = try client.recv(maxBytes: 1024) } catch { observed.connectedError = error }
            client.close()
        }
        var timeline = built
        let serverEnd = IPEndpoint(.v4(.loopback), port)
        for entry in timeline.packets {
            if case .udp(_, let destination, _) = entry.content, destination.port == closedPort {
                timeline.attach(PacketRemark("to port \(closedPort), where nothing listens"), toPacket: entry.number)
            }
        }
        var outcome = ExperimentOutcome(
            Self.info.name, run: run, timeline: timeline, client: observed.client, server: serverEnd,
            scope: .oneConnection, captured: recorder.isCapturing)
        explain(&outcome, observed, port: port)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let packets = outcome.timeline.packets
        let toServer = packets.filter { if case .udp(_, let destination, _) = $0.content { destination.port == port } else { false } }

        if outcome.captured {
            let tcp = packets.filter { if case .tcp = $0.content { true } else { false } }
            let beforeFirst = packets.prefix { entry in
                if case .udp(_, let destination, _) = entry.content, destination.port == port { return false }
                return true
            }
            facts["handshake"] = beforeFirst.isEmpty && tcp.isEmpty ? "none" : "seen"
            explanation.claim(beforeFirst.isEmpty && tcp.isEmpty, beforeFirst.isEmpty && tcp.isEmpty
                ? "No handshake: the first packet on the wire was the first datagram itself, sent by the first "
                    + "sendto(); no SYN, no connection, no state in either kernel before it."
                : "Expected no packet before the first datagram; the capture holds \(beforeFirst.count) before it.")
            let lengths = toServer.compactMap { entry -> Int? in
                if case .udp(_, _, let length) = entry.content { return length }
                return nil
            }
            facts["datagrams"] = String(lengths.count)
            let sent = Self.messages.map(\.count)
            explanation.claim(lengths == sent, lengths == sent
                ? "Each sendto() became exactly one packet: \(lengths.count) datagrams of "
                    + lengths.map(String.init).joined(separator: ", ") + " bytes."
                : "Expected one packet per sendto() (\(sent.map(String.init).joined(separator: ", ")) bytes); the capture "
                    + "shows datagrams of \(lengths.map(String.init).joined(separator: ", ")) bytes.")
        } else {
            explanation.claim(nil, "that no handshake precedes the datagrams (no capture).")
        }
        let kept = observed.received == Self.messages
        facts["boundaries-kept"] = kept ? "yes" : "no"
        let fromClient = observed.client.map { client in observed.senders.allSatisfy { $0 == client } } ?? false
        explanation.claim(kept && fromClient, kept && fromClient
            ? "Each recvfrom() returned one whole datagram (" + observed.received.map { "\"\(String(decoding: $0, as: UTF8.self))\"" }
                .joined(separator: ", ") + ") with the sender's address \(observed.client.map(String.init(describing:)) ?? "?"), "
                + "although all three had been sent before the server read: UDP keeps message boundaries, TCP does not "
                + "(osilab experiment sticky)."
            : "Expected each recvfrom() to return one whole datagram from the client; it returned "
                + observed.received.map { "\($0.count) bytes" }.joined(separator: ", ") + ".")

        if outcome.captured {
            let unreachable = packets.filter { entry in
                if case .icmp(_, _, let summary, let quoted) = entry.content {
                    return summary.contains("port unreachable") && quoted?.1.port == observed.closedPort
                }
                return false
            }
            facts["icmp"] = unreachable.isEmpty ? "none" : "port-unreachable"
            explanation.claim(unreachable.count >= 2, unreachable.count >= 2
                ? "Both datagrams to port \(observed.closedPort) were answered by ICMP \"port unreachable\", sent by the "
                    + "receiving kernel and quoting the datagram's headers so the sender's kernel can tell which socket it is about."
                : "Expected an ICMP port unreachable for each of the two datagrams to port \(observed.closedPort); the "
                    + "capture holds \(unreachable.count).")
        } else {
            explanation.claim(nil, "the ICMP port unreachable (no capture).")
        }
        let unconnected = observed.unconnectedError
        facts["unconnected-error"] = unconnected.map { $0.reason == .timedOut ? "none" : ErrnoName.of($0.errno?.rawValue ?? 0) } ?? "none"
        explanation.claim(unconnected?.reason == .timedOut, unconnected?.reason == .timedOut
            ? "The unconnected socket was told nothing: its recvfrom() simply ran into its 300 ms timeout. Linux does not "
                + "report ICMP errors to an unconnected UDP socket, which may be talking to many peers."
            : "Expected the unconnected socket's recvfrom() to time out without an error; it "
                + (unconnected.map { "failed: \($0)" } ?? "received a datagram") + ".")
        let connected = observed.connectedError?.errno.map { ErrnoName.of($0.rawValue) }
        facts["connected-recv-error"] = connected ?? "none"
        explanation.claim(connected == "ECONNREFUSED", connected == "ECONNREFUSED"
            ? "After connect() (which sends nothing for UDP), the same kind of ICMP reply was reported: the next "
                + "recv() failed with ECONNREFUSED (Python: ConnectionRefusedError), although send() had succeeded."
            : "Expected recv() on the connected UDP socket to fail with ECONNREFUSED; it "
                + (connected.map { "failed with \($0)" } ?? "did not fail") + ".")
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
