import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// How TCP moves data once connected: sequence and acknowledgment numbers counting bytes,
/// the receive window filling up when nobody reads, and Nagle's algorithm meeting the
/// peer's delayed ACK.
///
/// The server's receive buffer is shrunk to 4096 bytes (SO_RCVBUF, set on the listener so
/// that every accepted socket inherits it and the SYN-ACK already announces the small
/// window), which lets a few kilobytes fill it.
public struct DataTransfer: Experiment {
    public static let info = ExperimentInfo(
        name: "data-transfer",
        summary: .transferSummary,
        needs: [.capture, .ss],
        discussion: """
            Four connections to one server whose receive buffer is set to \(receiveBuffer) bytes \
            (SO_RCVBUF on the listener, inherited by each accepted socket). 1: the client sends three \
            messages of \(messageSizes.map(String.init).joined(separator: ", ")) bytes (TCP_NODELAY, one \
            segment each) and the server answers with \(replySize) bytes: every ACK number is the next \
            byte expected, seq + length. 2: the client sends \(fillBytes) bytes at once and the server does \
            not read: its window shrinks to 0, the client's kernel sends zero-window probes, `ss` shows the \
            bytes waiting on both sides; then the server reads and the window opens again. 3 and 4: once a request \
            and its reply (as many as net.ipv4.tcp_pingpong_thresh, 1 by default) have put the server into \
            delayed-ACK mode, the client writes a request as \
            \(pieces) small writes of \(pieceSize) bytes and waits for the reply, once with Nagle's algorithm \
            (the default) and once with TCP_NODELAY. Takes about a second.
            """,
        facts: [
            FactDescription("ack-after-data", ["600", "601", "3", "301", "other"],
                            "the server's relative ACK number after the client's three messages"),
            FactDescription("ack-after-reply", ["50", "51", "601", "other"],
                            "the client's relative ACK number after the server's reply"),
            FactDescription("ack-is-next-byte", ["yes", "no"], "every data segment acknowledged with seq + length"),
            FactDescription("client-window-scale", windowScales, "the window scale the client's SYN offered"),
            FactDescription("server-window-scale", windowScales, "the window scale the server's SYN-ACK offered"),
            FactDescription("window-zero-seen", ["yes", "no"], "whether the unread server advertised a window of 0"),
            FactDescription("zero-window-probes", ["0", "1", "2", "3"], "zero-window probes the client's kernel sent"),
            FactDescription("window-reopened", ["yes", "no"], "whether the window opened again after the server read"),
            FactDescription("segments-with-nagle", segmentCounts, "data segments for the \(pieces) small writes with Nagle on"),
            FactDescription("segments-with-nodelay", segmentCounts, "data segments for the \(pieces) small writes with TCP_NODELAY"),
            FactDescription("nagle-waited-for-ack", ["yes", "no"],
                            "whether, with Nagle on, the rest of the writes waited for the server's delayed ACK"),
        ])

    static let windowScales = (0...14).map(String.init)
    static let segmentCounts = (1...pieces).map(String.init)

    public static let receiveBuffer: Int32 = 4096
    public static let messageSizes = [100, 200, 300]
    public static let replySize = 50
    public static let fillBytes = 20000
    public static let pieces = 5
    public static let pieceSize = 10

    public init() {}

    struct Observed {
        var clients: [IPEndpoint?] = [nil, nil, nil, nil]
        var filled = 0
        var drained = 0
        var table: SocketTable?
        var nagleRound: (start: Instant, end: Instant)?
        var nodelayRound: (start: Instant, end: Instant)?
        var replyReceived: [UInt8] = []
        var firstDataRead: [UInt8] = []
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        let tell = TransferStrings(settings.language)
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            try stage.listener.setReceiveBufferSize(Self.receiveBuffer)
            try stage.listener.listen(backlog: 8)
            try stage.listener.setTimeout(.seconds(3))
            func connectPair(_ number: Int, noDelay: Bool = false) throws -> (Socket, Socket) {
                let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client \(number)")
                try client.setTimeout(.seconds(3))
                if noDelay { try client.setNoDelay(true) }
                try client.connect(to: stage.address)
                observed.clients[number - 1] = try client.localAddress().endpoint
                let (connection, _) = try stage.listener.accept(role: "server \(number)")
                try connection.setTimeout(.seconds(3))
                return (client, connection)
            }

            // 1: three messages, then a reply.
            stage.recorder.note(tell(.noteNumbers, say.list(Self.messageSizes.map(String.init))))
            let (client1, server1) = try connectPair(1, noDelay: true)
            defer { client1.close(); server1.close() }
            for (index, size) in Self.messageSizes.enumerated() {
                let message = Array(repeating: UInt8(ascii: "a") + UInt8(index), count: size)
                try client1.sendAll(message)
                guard server1.waitForBytes(size, timeout: .seconds(2)) else { throw ExperimentError.hung(tell(.hungData)) }
                observed.firstDataRead += try readExactly(server1, size, tell: tell)
            }
            try server1.sendAll(Array(repeating: UInt8(ascii: "r"), count: Self.replySize))
            observed.replyReceived = try readExactly(client1, Self.replySize, tell: tell)
            // The client may delay its ACK of the reply (by up to 40 ms): wait for it before closing,
            // so that the ladder shows the number it carries.
            let client1End = observed.clients[0]
            _ = stage.recorder.waitForSegments(timeout: .milliseconds(500)) { segments in
                guard let synAck = segments.first(where: { $0.isSYNACK && $0.destination == client1End }) else { return false }
                let wanted = synAck.sequence + 1 + Self.replySize
                return segments.contains { $0.source == client1End && $0.acknowledgment == wanted }
            }
            client1.close()
            server1.close()

            // 2: fill the window.
            stage.recorder.note(tell(.noteWindow, String(Self.fillBytes)))
            let (client2, server2) = try connectPair(2)
            defer { client2.close(); server2.close() }
            try client2.setBlocking(false)
            do throws(SocketError) {
                observed.filled = try client2.send(Array(repeating: UInt8(ascii: "w"), count: Self.fillBytes))
            } catch {
                guard case .wouldBlock = error.reason else { throw error }
            }
            let server2End = observed.clients[1]
            if stage.recorder.isCapturing {
                _ = stage.recorder.waitForSegments(timeout: .seconds(2)) { segments in
                    segments.contains { $0.destination == server2End && $0.window == 0 && $0.flags.contains(.ack) }
                }
                // The kernel's probe timer starts at the retransmission timeout (about 200 ms on
                // loopback) and doubles: two probes arrive within about 0.7 s.
                _ = stage.recorder.waitForSegments(timeout: .milliseconds(1500)) { segments in
                    Self.probes(in: segments, client: server2End).count >= 2
                }
            } else {
                Thread.sleep(forTimeInterval: 0.8)
            }
            observed.table = try SocketTable.take(port: stage.port)
            stage.recorder.note(tell(.noteRead))
            try server2.setTimeout(.seconds(2))
            // Bounded: each recv returns at least one byte or throws.
            while observed.drained < observed.filled {
                let piece = try server2.recv(maxBytes: 65536)
                if piece.isEmpty { break }
                observed.drained += piece.count
            }
            client2.close()
            server2.close()

            // 3 and 4: small writes, with Nagle and without.
            for (number, noDelay) in [(3, false), (4, true)] {
                stage.recorder.note(tell(noDelay ? .noteNoDelay : .noteNagle, String(Self.pieces), String(Self.pieceSize)))
                let (client, server) = try connectPair(number, noDelay: noDelay)
                defer { client.close(); server.close() }
                // Requests and replies first: the server answers at once, which puts its TCP into
                // interactive (ping-pong) mode, where it delays ACKs to carry them on its replies.
                // Linux counts quick replies against net.ipv4.tcp_pingpong_thresh (1 by default).
                let warmUps = min(max(kernelSetting("net/ipv4/tcp_pingpong_thresh") ?? 1, 1), 4)
                for round in 0...warmUps {
                    let start = Instant.now()
                    for piece in 0..<Self.pieces {
                        try client.send(Array(repeating: UInt8(ascii: "0") + UInt8(piece), count: Self.pieceSize))
                    }
                    _ = try readExactly(server, Self.pieces * Self.pieceSize, tell: tell)
                    try server.sendAll(Array("ok".utf8))
                    _ = try readExactly(client, 2, tell: tell)
                    if round == warmUps {
                        if noDelay { observed.nodelayRound = (start, Instant.now()) } else { observed.nagleRound = (start, Instant.now()) }
                    }
                }
                client.close()
                server.close()
            }
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .everyClient)
        explain(&outcome, observed, port: stage.port, say: tell)
        return outcome
    }

    /// Reads exactly `count` bytes (recv may return fewer at a time).
    private func readExactly(_ socket: Socket, _ count: Int, tell: TransferStrings) throws -> [UInt8] {
        var bytes: [UInt8] = []
        // Bounded: every recv returns at least one byte or throws (timeout or peer closed).
        while bytes.count < count {
            let piece = try socket.recv(maxBytes: count - bytes.count)
            if piece.isEmpty { throw ExperimentError.hung(tell(.hungClosed)) }
            bytes += piece
        }
        return bytes
    }

    /// Zero-window probes from `client`: no data, no SYN, FIN or RST, and a sequence number one
    /// below the next byte the peer expects (Linux's `tcp_xmit_probe_skb` sends `snd_una - 1`, so
    /// the receiver must answer with an ACK that carries its current window).
    static func probes(in segments: [Segment], client: IPEndpoint?) -> [Segment] {
        guard let client else { return [] }
        var expected: SequenceNumber?
        var windowClosed = false
        var found: [Segment] = []
        for segment in segments {
            if segment.destination == client, segment.flags.contains(.ack) {
                expected = segment.acknowledgment
                windowClosed = segment.window == 0
            } else if segment.source == client, segment.isPureACK, windowClosed, let next = expected,
                      segment.sequence + 1 == next {
                found.append(segment)
            }
        }
        return found
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, port: UInt16, say: TransferStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let server = IPEndpoint(.v4(.loopback), port)
        let segments = outcome.segments
        func of(_ number: Int) -> [AnnotatedSegment] {
            guard let client = observed.clients[number - 1] else { return [] }
            return segments.filter { $0.segment.source == client && $0.segment.destination == server
                || $0.segment.source == server && $0.segment.destination == client }
        }
        let total = Self.messageSizes.reduce(0, +)

        // 1: the numbers. A FIN takes a sequence number of its own, so each side's ACK number is
        // read up to the peer's FIN (a side's own FIN still carries the ACK number it had).
        let whole = of(1)
        func beforeFIN(from direction: Direction) -> [AnnotatedSegment] {
            let fin = whole.first { $0.segment.isFIN && $0.direction == direction }?.segment.timestamp
            return whole.filter { segment in fin.map { segment.segment.timestamp < $0 } ?? true }
        }
        let first = beforeFIN(from: .clientToServer)
        if outcome.captured {
            let data = first.filter { $0.direction == .clientToServer && $0.segment.payloadLength > 0 && $0.role == .data }
            let acks = first.filter { $0.direction == .serverToClient && $0.segment.flags.contains(.ack) }
            let everyAcked = !data.isEmpty && data.allSatisfy { segment in
                let next = segment.segment.sequence + segment.segment.payloadLength
                return acks.contains { $0.segment.acknowledgment == next }
            }
            facts["ack-is-next-byte"] = everyAcked ? "yes" : "no"
            let highest = acks.compactMap(\.relativeAcknowledgment).max()
            let known: Set<String> = ["600", "601", "3", "301"]
            facts["ack-after-data"] = highest.map { known.contains(String($0)) ? String($0) : "other" } ?? "other"
            let lines = data.map { segment -> String in
                let seq = segment.relativeSequence.map(String.init) ?? "?"
                let end = segment.relativeSequence.map { String(Int($0) + segment.segment.payloadLength) } ?? "?"
                return say(.lineSegment, seq, String(segment.segment.payloadLength), end)
            }
            outcome.sections.append(ReportSection(title: say(.sectionNumbers), lines: lines))
            explanation.claim(everyAcked && highest == UInt32(total + 1), everyAcked && highest == UInt32(total + 1)
                ? say(.claimAcks, say.list(Self.messageSizes.map(String.init)), String(total + 1))
                : say(.claimAcksWrong, highest.map(String.init) ?? "-", String(total + 1)))
            let replyAck = beforeFIN(from: .serverToClient).filter { $0.direction == .clientToServer && $0.segment.flags.contains(.ack) }
                .compactMap(\.relativeAcknowledgment).max()
            let replyKnown: Set<String> = ["50", "51", "601"]
            facts["ack-after-reply"] = replyAck.map { replyKnown.contains(String($0)) ? String($0) : "other" } ?? "other"
            explanation.claim(replyAck == UInt32(Self.replySize + 1), replyAck == UInt32(Self.replySize + 1)
                ? say(.claimReply, String(Self.replySize), String(Self.replySize + 1))
                : say(.claimReplyWrong, replyAck.map(String.init) ?? "-", String(Self.replySize + 1)))

            // The window scale each side offered.
            let syn = first.first { $0.segment.isSYN }
            let synAck = first.first { $0.segment.isSYNACK }
            if let clientScale = syn?.segment.options.windowScale, let serverScale = synAck?.segment.options.windowScale {
                facts["client-window-scale"] = String(clientScale)
                facts["server-window-scale"] = String(serverScale)
                let clientField = first.last { $0.direction == .clientToServer && !$0.segment.isSYN }?.segment.window ?? 0
                let bytes = Int(clientField) << Int(clientScale)
                explanation.claim(serverScale < clientScale, serverScale < clientScale
                    ? say(.claimScale, String(clientScale), String(clientField), String(bytes), String(serverScale),
                          String(Self.receiveBuffer))
                    : say(.claimScaleWrong, String(clientScale), String(serverScale)))
            } else {
                explanation.claim(false, say(.claimScaleMissing))
            }
        } else {
            explanation.claim(nil, say(.unchecked1))
        }
        let read = observed.firstDataRead.count == total && observed.replyReceived.count == Self.replySize
        explanation.claim(read, read ? say(.claimRead, String(total), String(Self.replySize)) : say(.claimReadWrong))

        // 2: the window.
        let second = of(2)
        if outcome.captured, let client = observed.clients[1] {
            let fromServer = second.filter { $0.direction == .serverToClient }
            let zero = fromServer.first { $0.segment.window == 0 && $0.segment.flags.contains(.ack) }
            facts["window-zero-seen"] = zero != nil ? "yes" : "no"
            let probes = Self.probes(in: second.map(\.segment), client: client)
            facts["zero-window-probes"] = String(min(probes.count, 3))
            for probe in probes {
                outcome.timeline.attach(PacketRemark(say(.remarkProbe)), toPacket: probe.number)
            }
            // The windows the server advertised until it was 0, as they shrank.
            var shrinking: [Int] = []
            for segment in fromServer {
                let window = Int(segment.segment.window)
                if shrinking.last != window { shrinking.append(window) }
                if window == 0 { break }
            }
            if let zero {
                let unread = zero.relativeAcknowledgment.map { Int($0) - 1 } ?? 0
                explanation.claim(true, say(.claimZero, say.list(shrinking.map(String.init)), String(unread)))
            } else {
                explanation.claim(false, say(.claimZeroWrong, say.list(shrinking.map(String.init))))
            }
            if zero != nil {
                let gaps = zip(probes.dropFirst(), probes).map { secondsText($0.timestamp.nanoseconds(since: $1.timestamp)) }
                let firstGap = zero.flatMap { z in probes.first.map { secondsText($0.timestamp.nanoseconds(since: z.segment.timestamp)) } }
                explanation.claim(!probes.isEmpty, probes.isEmpty
                    ? say(.claimProbesWrong)
                    : say(probes.count == 1 ? .claimProbe : .claimProbes, String(probes.count), firstGap ?? "-",
                          gaps.isEmpty ? "-" : say.list(gaps)))
            }
            let reopened = zero.map { z in
                fromServer.contains { $0.segment.timestamp > z.segment.timestamp && $0.segment.window > 0 }
                    && second.contains { $0.direction == .clientToServer && $0.segment.payloadLength > 0
                        && $0.segment.timestamp > z.segment.timestamp && $0.role == .data }
            } ?? false
            facts["window-reopened"] = reopened ? "yes" : "no"
            explanation.claim(reopened && observed.drained == observed.filled, reopened && observed.drained == observed.filled
                ? say(.claimReopened, String(observed.drained))
                : say(.claimReopenedWrong, String(observed.drained), String(observed.filled)))
        } else {
            explanation.claim(nil, say(.unchecked2))
        }
        if let table = observed.table, let client = observed.clients[1] {
            outcome.sections.append(table.section(say(.sectionTable)))
            let reader = table.row(local: server, peer: client)
            let writer = table.row(local: client, peer: server)
            let waiting = (reader?.receiveQueue ?? 0) + (writer?.sendQueue ?? 0)
            explanation.claim(waiting == observed.filled && (reader?.receiveQueue ?? 0) > 0, waiting == observed.filled
                ? say(.claimQueues, String(reader?.receiveQueue ?? 0), String(writer?.sendQueue ?? 0), String(observed.filled))
                : say(.claimQueuesWrong, String(reader?.receiveQueue ?? 0), String(writer?.sendQueue ?? 0), String(observed.filled)))
        }

        // 3 and 4: Nagle.
        if outcome.captured {
            func round(_ number: Int, _ window: (start: Instant, end: Instant)?) -> [AnnotatedSegment] {
                guard let window else { return [] }
                return of(number).filter { $0.direction == .clientToServer && $0.segment.payloadLength > 0
                    && $0.segment.timestamp >= window.start && $0.segment.timestamp <= window.end }
            }
            let nagle = round(3, observed.nagleRound)
            let nodelay = round(4, observed.nodelayRound)
            facts["segments-with-nagle"] = String(min(max(nagle.count, 1), Self.pieces))
            facts["segments-with-nodelay"] = String(min(max(nodelay.count, 1), Self.pieces))
            // The ACK that let the held-back bytes go: the server's last ACK before the second data segment.
            var waited = false
            var gapText = "-"
            if nagle.count >= 2 {
                let held = nagle[1].segment.timestamp
                let gap = held.nanoseconds(since: nagle[0].segment.timestamp)
                let ack = of(3).last { $0.direction == .serverToClient && $0.segment.timestamp <= held }
                waited = gap >= 20_000_000 && ack.map { $0.segment.acknowledgment == nagle[0].segment.sequence + nagle[0].segment.payloadLength } == true
                gapText = formatDuration(nanoseconds: gap)
                if let ack, waited {
                    outcome.timeline.attach(PacketRemark(say(.remarkDelayedAck)), toPacket: ack.segment.number)
                    outcome.timeline.attach(PacketRemark(say(.remarkHeld)), toPacket: nagle[1].segment.number)
                }
            }
            facts["nagle-waited-for-ack"] = waited ? "yes" : "no"
            let nagleTime = observed.nagleRound.map { formatDuration(nanoseconds: $0.end.nanoseconds(since: $0.start)) } ?? "-"
            let nodelayTime = observed.nodelayRound.map { formatDuration(nanoseconds: $0.end.nanoseconds(since: $0.start)) } ?? "-"
            explanation.claim(nagle.count < Self.pieces && waited, nagle.count < Self.pieces && waited
                ? say(.claimNagle, String(Self.pieces), String(nagle.count), gapText, nagleTime)
                : say(.claimNagleWrong, String(Self.pieces), String(nagle.count), gapText))
            explanation.claim(nodelay.count == Self.pieces, nodelay.count == Self.pieces
                ? say(.claimNoDelay, String(Self.pieces), nodelayTime)
                : say(.claimNoDelayWrong, String(Self.pieces), String(nodelay.count)))
        } else {
            explanation.claim(nil, say(.unchecked3))
        }
        outcome.explanation = explanation
        outcome.facts = facts
    }
}
