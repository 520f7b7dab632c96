import Dispatch
import Sockets
import Trace
import Synchronization
import SystemPackage
import TextUI

// MARK: Server

/// The echo over UDP, to compare with the TCP echo of the notes.
///
/// There is no listen(), no accept() and no connection: one socket receives datagrams
/// from anyone with recvfrom(), which also says who sent each, and answers each with
/// sendto() to that address. Each recvfrom() returns exactly one datagram, never part
/// of one and never two: UDP keeps message boundaries, TCP does not. An empty datagram
/// is a real message (TCP cannot send an empty message).
///
/// One thread serves everybody, since no client can hold the server up: a datagram is
/// answered at once or not at all.
public final class UDPEchoServer: RunningLabServer {
    public let address: SocketAddress
    public let log: LabLog
    private let socket: Socket
    private let finished = DispatchGroup()
    private let state: Mutex<State>
    private let stopResult = Mutex<ServerSummary?>(nil)

    private struct State {
        var stopping = false
        var summary: ServerSummary
        /// The reasons a datagram was left unanswered that the log has already told.
        var ignoredToldOf: Set<IgnoredSender> = []
    }

    /// Senders the server never answers, because the answer could start a loop.
    enum IgnoredSender: Hashable {
        /// The server's own port: the source is spoofed, or another echo server on the same
        /// port. Answering it echoes the echo, forever (itself, or the two servers in turn).
        case ownPort
        /// Port 0 is no port a client can receive on.
        case portZero
        /// A well-known service port (below 1024): echo (7) or chargen (19) there would
        /// answer the answer, a loop between two services. Clients use ephemeral ports.
        case servicePort
    }

    /// ``ignored(_:ownPort:)`` as a word, for tests and tools.
    public static func ignoredReason(_ sender: SocketAddress, ownPort: UInt16) -> String? {
        switch ignored(sender, ownPort: ownPort) {
        case .ownPort?: "own port"
        case .portZero?: "port 0"
        case .servicePort?: "service port"
        case nil: nil
        }
    }

    /// Why a datagram from `sender` must go unanswered, or nil to answer it.
    static func ignored(_ sender: SocketAddress, ownPort: UInt16) -> IgnoredSender? {
        guard let port = sender.port else { return nil }
        if port == 0 { return .portZero }
        if port == ownPort { return .ownPort }
        if port < 1024 { return .servicePort }
        return nil
    }

    /// The largest UDP payload over IPv4 (65535 minus the IP and UDP headers). A smaller
    /// buffer would silently cut longer datagrams: recvfrom() drops the rest.
    public static let maxDatagramBytes = 65507

    /// Binds and starts receiving on a thread of its own. Port 0 lets the kernel choose.
    public init(host: String = "127.0.0.1", port: UInt16, log: LabLog = .silent) throws(LabServerError) {
        self.log = log
        var summary = ServerSummary(lab: "udp-echo")
        summary.countsDatagrams = true
        state = Mutex(State(summary: summary))
        do throws(SocketError) {
            let bindAddress = try serverAddress(host: host, port: port, type: .datagram)
            let socket = try Socket(family: bindAddress.family, type: .datagram, role: "server")
            do throws(SocketError) {
                try socket.bind(to: bindAddress)
                address = try socket.localAddress()
                // The stop flag is checked at least this often, whatever the kernel does
                // with shutdown() on a socket that has no connection.
                try socket.setTimeout(.milliseconds(250))
            } catch {
                socket.close()
                throw error
            }
            self.socket = socket
        } catch {
            throw LabServerError(.udpCouldNotBind, .text(host), .number(Int(port)), .socketError(error))
        }
        finished.enter()
        guard startThread({ [self] in
            receiveLoop()
            finished.leave()
        }) else {
            finished.leave()
            socket.close()
            throw LabServerError(.udpNoThread)
        }
    }

    public var summary: ServerSummary { state.withLock { $0.summary } }

    private func receiveLoop() {
        while !state.withLock({ $0.stopping }) {
            let datagram: [UInt8], sender: SocketAddress
            do throws(SocketError) {
                (datagram, sender) = try socket.recvFrom(maxBytes: UDPEchoServer.maxDatagramBytes)
            } catch {
                if error.reason == .timedOut { continue }
                if state.withLock({ $0.stopping }) { break }
                // ECONNREFUSED here is an ICMP "port unreachable" for an earlier answer
                // whose client had gone: nothing to do with this datagram.
                log.write(.connections, .recvfromFailed, .socketError(error))
                continue
            }
            // shutdown() by stop() wakes recvfrom() with 0 bytes: that is no datagram.
            if state.withLock({ $0.stopping }) { break }
            if let reason = UDPEchoServer.ignored(sender, ownPort: address.port ?? 0) {
                // Told once per reason: a loop or a flood of them would otherwise fill the log.
                let first = state.withLock { state -> Bool in
                    state.summary.connections += 1
                    state.summary.bytesIn += datagram.count
                    state.summary.endings["ignored", default: 0] += 1
                    return state.ignoredToldOf.insert(reason).inserted
                }
                if first {
                    let why: LabMessage = switch reason {
                    case .ownPort: .udpIgnoredOwnPort
                    case .portZero: .udpIgnoredPortZero
                    case .servicePort: .udpIgnoredServicePort
                    }
                    log.write(.connections, .udpIgnored, .text("\(sender)"), .sentence(LabSentence(why, .number(Int(sender.port ?? 0)))))
                }
                continue
            }
            var reply = datagram
            upperCasedASCII(&reply)
            var sent = 0
            do throws(SocketError) {
                sent = try socket.sendTo(reply, address: sender)
            } catch {
                log.write(.connections, .sendtoFailed, .text("\(sender)"), .socketError(error))
            }
            let count = state.withLock { state -> Int in
                state.summary.connections += 1
                state.summary.bytesIn += datagram.count
                state.summary.bytesOut += sent
                return state.summary.connections
            }
            log.write(.messages, .datagramLog, .number(count), .text("\(sender)"), .number(datagram.count),
                      .quoted(datagram, limit: 60), .number(sent))
        }
        socket.close()
    }

    /// Stops receiving and returns the summary.
    @discardableResult
    public func stop() -> ServerSummary {
        stopResult.withLock { result in
            if let result { return result }
            state.withLock { $0.stopping = true }
            try? socket.shutdown(.read)
            _ = finished.wait(timeout: .now() + .seconds(2))
            let summary = state.withLock { $0.summary }
            result = summary
            return summary
        }
    }
}

// MARK: Client

/// Sends each line as one datagram and waits a moment for the answer.
///
/// UDP does not retransmit: a lost datagram or a lost answer is simply never seen, so the
/// client waits `timeout` and then says so instead of waiting forever.
public final class UDPEchoClient {
    private var socket: Socket
    private var candidates: [SocketAddress]
    public let timeout: Duration
    private let tracer: TraceRecorder?

    /// Resolves `host` (IPv6 and IPv4 addresses are tried in turn, see ``send(_:)``).
    public init(host: String = "localhost", port: UInt16 = LabName.udpEcho.defaultPort,
                timeout: Duration = .seconds(2), tracer: TraceRecorder? = nil) throws(LabClientError) {
        self.timeout = timeout
        self.tracer = tracer
        do throws(SocketError) {
            candidates = try getAddressInfo(host: host, port: port, type: .datagram).map(\.address)
        } catch {
            throw LabClientError(.cannotResolve, .text(host), .socketError(error))
        }
        guard let first = candidates.first else { throw LabClientError(.noAddress, .text(host)) }
        socket = try UDPEchoClient.connectedSocket(to: first, timeout: timeout, tracer: tracer)
    }

    /// A UDP socket "connected" to `address`. connect() on UDP sends nothing: it only sets
    /// the default destination, filters answers to those from that address, and lets the
    /// kernel report an ICMP "port unreachable" as ECONNREFUSED on the next call.
    private static func connectedSocket(
        to address: SocketAddress, timeout: Duration, tracer: TraceRecorder?
    ) throws(LabClientError) -> Socket {
        do throws(SocketError) {
            let socket = try Socket(family: address.family, type: .datagram, tracer: tracer, role: "client")
            try socket.setTimeout(timeout)
            try socket.connect(to: address)
            return socket
        } catch {
            throw LabClientError(.cannotPrepareUDP, .text("\(address)"), .socketError(error))
        }
    }

    /// What came back for one datagram.
    public enum Reply: Sendable, Equatable {
        case answer([UInt8])
        /// Nothing came back within the timeout.
        case noAnswer

        public var text: String {
            switch self {
            case .answer(let bytes): String(decoding: bytes, as: UTF8.self)
            case .noAnswer: "(no answer)"
            }
        }
    }

    /// Sends `bytes` as one datagram (empty is allowed) and waits for one datagram back.
    /// If the address refuses (nothing listens there: ICMP port unreachable), tries the
    /// host's next address, as `localhost` may be ::1 while the server is on 127.0.0.1.
    public func send(_ bytes: [UInt8]) throws(LabClientError) -> Reply {
        while true {
            do throws(SocketError) {
                try socket.send(bytes)
                return .answer(try socket.recv(maxBytes: UDPEchoServer.maxDatagramBytes))
            } catch {
                if error.reason == .timedOut { return .noAnswer }
                guard error.errno == .connectionRefused else { throw LabClientError(.sendingDatagram, .socketError(error)) }
                guard candidates.count > 1 else {
                    throw LabClientError(.udpNothingListens, .number(Int(candidates[0].port ?? 0)), .text("\(candidates[0])"))
                }
                candidates.removeFirst()
                socket.close()
                socket = try UDPEchoClient.connectedSocket(to: candidates[0], timeout: timeout, tracer: tracer)
            }
        }
    }

    public func close() { socket.close() }

    /// Reads lines from `console`, one datagram each (an empty line is an empty datagram).
    public func run(console: ClientConsole) -> Bool {
        defer { close() }
        let say = console.say
        if console.prompt != nil {
            console.remark(say(.udpGreet, "\(candidates[0])"))
        }
        while let line = console.nextCommand() {
            do throws(LabClientError) {
                switch try send(Array(line.utf8)) {
                case .answer(let bytes):
                    console.output(ByteText.output(bytes))
                    if bytes.isEmpty { console.remark(say(.udpEmptyBack)) }
                case .noAnswer:
                    console.remark(say(.udpNoAnswer, seconds(timeout, console.language)))
                }
            } catch {
                console.remark(error)
                return false
            }
        }
        return true
    }
}
