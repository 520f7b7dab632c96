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
        summary: .udpSummary,
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
        let say = ExperimentStrings(settings.language)
        let tracer = TraceRecorder()
        let server = try Socket(family: .inet, type: .datagram, tracer: tracer, role: "server")
        defer { server.close() }
        try server.bind(to: .ipv4(.loopback, port: 0))
        guard let port = try server.localAddress().port else { throw ExperimentError.setup(say(.setupNoPort)) }
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

            recorder.note(say(.udpNoteClosed, String(closedPort)))
            let closed = SocketAddress.ipv4(.loopback, port: closedPort)
            _ = try client.sendTo(Self.probe, address: closed)
            try client.setTimeout(.milliseconds(300))
            do throws(SocketError) { _ = try client.recvFrom(maxBytes: 1024) } catch { observed.unconnectedError = error }

            recorder.note(say(.udpNoteConnect))
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
                timeline.attach(PacketRemark(say(.udpRemarkClosed, String(closedPort))), toPacket: entry.number)
            }
        }
        var outcome = ExperimentOutcome(
            Self.info.name, run: run, timeline: timeline, client: observed.client, server: serverEnd,
            scope: .oneConnection, captured: recorder.isCapturing)
        explain(&outcome, observed, port: port, say: say)
        return outcome
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, say: ExperimentStrings) {
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
                ? say(.udpNoHandshake)
                : say(.udpHandshakeWrong, String(beforeFirst.count)))
            let lengths = toServer.compactMap { entry -> Int? in
                if case .udp(_, _, let length) = entry.content { return length }
                return nil
            }
            facts["datagrams"] = String(lengths.count)
            let sent = Self.messages.map(\.count)
            explanation.claim(lengths == sent, lengths == sent
                ? say(.udpOnePacket, String(lengths.count), say.list(lengths.map(String.init)))
                : say(.udpOnePacketWrong, say.list(sent.map(String.init)), say.list(lengths.map(String.init))))
        } else {
            explanation.claim(nil, say(.udpHandshakeUnchecked))
        }
        let kept = observed.received == Self.messages
        facts["boundaries-kept"] = kept ? "yes" : "no"
        let fromClient = observed.client.map { client in observed.senders.allSatisfy { $0 == client } } ?? false
        explanation.claim(kept && fromClient, kept && fromClient
            ? say(.udpBoundaries, say.list(observed.received.map { say(.udpQuoted, String(decoding: $0, as: UTF8.self)) }),
                  observed.client.map(String.init(describing:)) ?? "?")
            : say(.udpBoundariesWrong, say.list(observed.received.map { say.bytes($0.count) })))

        if outcome.captured {
            let unreachable = packets.filter { entry in
                if case .icmp(_, _, let summary, let quoted) = entry.content {
                    return summary.contains("port unreachable") && quoted?.1.port == observed.closedPort
                }
                return false
            }
            facts["icmp"] = unreachable.isEmpty ? "none" : "port-unreachable"
            explanation.claim(unreachable.count >= 2, unreachable.count >= 2
                ? say(.udpICMP, String(observed.closedPort))
                : say(.udpICMPWrong, String(observed.closedPort), String(unreachable.count)))
        } else {
            explanation.claim(nil, say(.udpICMPUnchecked))
        }
        let unconnected = observed.unconnectedError
        facts["unconnected-error"] = unconnected.map { $0.reason == .timedOut ? "none" : ErrnoName.of($0.errno?.rawValue ?? 0) } ?? "none"
        explanation.claim(unconnected?.reason == .timedOut, unconnected?.reason == .timedOut
            ? say(.udpUnconnected)
            : unconnected.map { say(.udpUnconnectedWrongFailed, "\($0)") } ?? say(.udpUnconnectedWrongReceived))
        let connected = observed.connectedError?.errno.map { ErrnoName.of($0.rawValue) }
        facts["connected-recv-error"] = connected ?? "none"
        explanation.claim(connected == "ECONNREFUSED", connected == "ECONNREFUSED"
            ? say(.udpConnected)
            : connected.map { say(.udpConnectedWrongFailed, $0) } ?? say(.udpConnectedWrongNoFailure))
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
