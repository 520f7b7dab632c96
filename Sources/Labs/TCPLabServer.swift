#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Sockets
import Synchronization
import SystemPackage

/// The protocol part of a lab server: what to do with one connection.
///
/// ``TCPLabServer`` does the rest (listen, accept, a thread per connection, limits, logs,
/// stopping), so each lab reads like the inner `while True:` loop of the notes' server.
public protocol LabService: Sendable {
    /// The lab's name in logs and summaries: `echo`, `remote`, `files`.
    var name: String { get }
    /// Serves one connection until it ends, and says how it ended. Runs on the
    /// connection's own thread; the socket is closed by the caller afterwards.
    func serve(_ connection: LabConnection) -> ConnectionEnding
}

/// A TCP server for one lab: listens, accepts, and serves every connection on a thread of
/// its own, so one slow or broken client never stalls the others.
///
/// ```swift
/// let server = try TCPLabServer(service: EchoService(), port: 0)   // the kernel picks a port
/// print(server.address)                                            // 127.0.0.1:40123
/// let summary = server.stop()
/// ```
public final class TCPLabServer: RunningLabServer {
    public let address: SocketAddress
    public let service: any LabService
    public let limits: ServerLimits
    public let log: LabLog

    private let listener: Socket
    /// The accept loop and every connection thread; stop() waits for them.
    private let threads = DispatchGroup()
    private let state: Mutex<State>
    /// Held for the whole of stop(), so a second caller waits for the first and gets the same summary.
    private let stopResult = Mutex<ServerSummary?>(nil)

    private struct State {
        var stopping = false
        /// Connections being served, by number. A socket leaves this table before it is
        /// closed, so stop() never shuts down a descriptor that has been reused.
        var live: [Int: Socket] = [:]
        /// Connections being served, by client address (``peerKey(_:)``).
        var perPeer: [String: Int] = [:]
        var nextID = 1
        var summary: ServerSummary
    }

    /// Binds, listens, and starts accepting on a thread of its own.
    /// - Parameters:
    ///   - host: the address to listen on, numeric or a name; the default keeps the lab
    ///     on this machine.
    ///   - port: 0 lets the kernel choose; ``address`` tells which it chose.
    /// - Throws: ``LabServerError`` saying which call failed (e.g. bind: EADDRINUSE).
    public init(
        service: any LabService, host: String = "127.0.0.1", port: UInt16,
        limits: ServerLimits = .standard, log: LabLog = .silent
    ) throws(LabServerError) {
        self.service = service
        self.limits = limits
        self.log = log
        state = Mutex(State(summary: ServerSummary(lab: service.name)))
        // Each connection is a descriptor; a command the remote lab runs adds two more.
        raiseOpenFileLimit(toAtLeast: limits.maxConnections * 3 + 64)
        do throws(SocketError) {
            let bindAddress = try serverAddress(host: host, port: port, type: .stream)
            let socket = try Socket(family: bindAddress.family, type: .stream, role: "server")
            do throws(SocketError) {
                // Lets a restarted server take its port back while old connections sit in TIME-WAIT.
                try socket.setReuseAddress(true)
                try socket.bind(to: bindAddress)
                try socket.listen(backlog: Int32(min(4096, max(128, limits.maxConnections))))
                address = try socket.localAddress()
            } catch {
                socket.close()
                throw error
            }
            listener = socket
        } catch {
            throw LabServerError(.serverCouldNotListen, .text(service.name), .text(host), .number(Int(port)), .socketError(error))
        }
        threads.enter()
        guard startThread({ [self] in
            acceptLoop()
            threads.leave()
        }) else {
            threads.leave()
            listener.close()
            throw LabServerError(.serverNoAcceptThread, .text(service.name))
        }
    }

    /// Connections being served right now.
    public var openConnections: Int { state.withLock { $0.live.count } }

    /// The counts so far (final once ``stop()`` has returned).
    public var summary: ServerSummary { state.withLock { $0.summary } }

    // MARK: Accepting

    private func acceptLoop() {
        while true {
            let accepted: (Socket, SocketAddress)
            do throws(SocketError) {
                accepted = try listener.accept(role: "server")
            } catch {
                if state.withLock({ $0.stopping }) { break }
                switch error.errno {
                case .tooManyOpenFiles?, .tooManyOpenFilesInSystem?, .noBufferSpace?, .noMemory?:
                    // The connection stays in the accept queue; pausing keeps this loop
                    // from spinning until a descriptor is free again.
                    log.write(.connections, .acceptFailedPausing, .socketError(error))
                    sleepBriefly(.milliseconds(100))
                default:
                    log.write(.connections, .acceptFailed, .socketError(error))
                    sleepBriefly(.milliseconds(10))
                }
                continue
            }
            admit(accepted.0, from: accepted.1)
        }
        listener.close()
    }

    private enum Admission { case admitted(Int), full(Int), peerFull(Int), stopping }

    private func admit(_ socket: Socket, from peer: SocketAddress) {
        let key = peerKey(peer)
        let admission = state.withLock { state -> Admission in
            if state.stopping { return .stopping }
            let id = state.nextID
            state.nextID += 1
            state.summary.connections += 1
            let refused = ConnectionEnding.refused(LabSentence(.just)).kind
            guard state.live.count < limits.maxConnections else {
                state.summary.endings[refused, default: 0] += 1
                return .full(id)
            }
            guard state.perPeer[key, default: 0] < limits.perPeerLimit else {
                state.summary.endings[refused, default: 0] += 1
                return .peerFull(id)
            }
            state.live[id] = socket
            state.perPeer[key, default: 0] += 1
            state.summary.mostAtOnce = max(state.summary.mostAtOnce, state.live.count)
            return .admitted(id)
        }
        switch admission {
        case .stopping:
            socket.close()
        case .full(let id):
            // Accepting and closing at once tells the client clearly (its recv() returns 0);
            // leaving it in the accept queue would leave it hanging.
            socket.close()
            let ending = ConnectionEnding.refused(LabSentence(.serverFull, .number(limits.maxConnections)))
            log.write(.connections, .fromPeer, .number(id), .text("\(peer)"), .sentence(ending.sentence))
        case .peerFull(let id):
            socket.close()
            let ending = ConnectionEnding.refused(LabSentence(.serverFullForPeer, .text(key), .number(limits.perPeerLimit)))
            log.write(.connections, .fromPeer, .number(id), .text("\(peer)"), .sentence(ending.sentence))
        case .admitted(let id):
            threads.enter()
            let started = startThread { [self] in
                serveConnection(id: id, socket: socket, peer: peer)
                threads.leave()
            }
            if !started {
                threads.leave()
                finish(id: id, socket: socket, peer: peer, ending: .failed(LabSentence(.noThread)),
                       bytesIn: 0, bytesOut: 0, started: ContinuousClock.now)
            }
        }
    }

    // MARK: Serving

    private func serveConnection(id: Int, socket: Socket, peer: SocketAddress) {
        let started = ContinuousClock.now
        let connection = LabConnection(id: id, socket: socket, peer: peer, limits: limits, log: log,
                                       stopping: { [self] in state.withLock { $0.stopping } })
        connection.report(.connectedFrom, .text("\(peer)"))
        var ending: ConnectionEnding
        do throws(SocketError) {
            try connection.setReceiveTimeout(limits.idleTimeout)
            try connection.setSendTimeout(limits.ioTimeout)
            ending = service.serve(connection)
        } catch {
            ending = .failed(.socket(error))
        }
        if connection.serverIsStopping, ending == .clientClosed || ending == .reset {
            // stop() shut the socket down, which is what the service saw as a close.
            ending = .serverStopping
        }
        finish(id: id, socket: socket, peer: peer, ending: ending,
               bytesIn: connection.bytesIn, bytesOut: connection.bytesOut, started: started)
    }

    private func finish(id: Int, socket: Socket, peer: SocketAddress, ending: ConnectionEnding,
                        bytesIn: Int, bytesOut: Int, started: ContinuousClock.Instant) {
        state.withLock { state in
            state.live[id] = nil
            let key = peerKey(peer)
            if let count = state.perPeer[key], count > 1 { state.perPeer[key] = count - 1 } else { state.perPeer[key] = nil }
            state.summary.endings[ending.kind, default: 0] += 1
            state.summary.bytesIn += bytesIn
            state.summary.bytesOut += bytesOut
        }
        socket.close()
        log.write(.connections, .connectionEnded, .number(id), .sentence(ending.sentence), .bytes(bytesIn), .bytes(bytesOut),
                  .duration(ContinuousClock.now - started))
    }

    // MARK: Stopping

    /// Stops accepting, shuts down every open connection (their threads see recv() return
    /// 0 and finish), waits up to ``ServerLimits/stopGrace`` for them, and returns the summary.
    @discardableResult
    public func stop() -> ServerSummary {
        stopResult.withLock { result in
            if let result { return result }
            let open = state.withLock { state -> Int in
                state.stopping = true
                // Closing a socket does not wake a thread blocked in it on Linux; shutdown() does.
                for socket in state.live.values { try? socket.shutdown(.both) }
                return state.live.count
            }
            if open > 0 {
                log.write(.connections, open == 1 ? .stoppingClosingOne : .stoppingClosingMany, .number(open))
            }
            // shutdown() on a listening socket makes a blocked accept() return (EINVAL) on Linux.
            try? listener.shutdown(.read)
            let finished = threads.wait(timeout: .now() + .nanoseconds(Int(clamping: limits.stopGrace.nanoseconds)))
            var summary = state.withLock { $0.summary }
            if finished == .timedOut { summary.abandoned = state.withLock { $0.live.count } }
            result = summary
            return summary
        }
    }

    deinit {
        listener.close()
    }
}

/// The client address connections are counted by for ``ServerLimits/perPeerLimit``: the
/// IP address without the port, since one client opens many connections from many ports.
func peerKey(_ peer: SocketAddress) -> String {
    peer.endpoint.map { "\($0.address)" } ?? "\(peer)"
}

/// The address a server binds to: `host` resolved for listening (numeric or a name).
func serverAddress(host: String, port: UInt16, type: SocketType) throws(SocketError) -> SocketAddress {
    let candidates = try getAddressInfo(host: host, port: port, type: type, passive: true)
    guard let first = candidates.first else {
        throw SocketError(call: "getaddrinfo", reason: .resolution(code: 0, message: "no address for \(host)"))
    }
    return first.address
}

/// Whether binding to `host` keeps the server reachable from this machine only.
public func isLoopbackOnly(host: String) -> Bool {
    guard let candidates = try? getAddressInfo(host: host, port: 0, type: .stream, passive: true),
          !candidates.isEmpty else { return false }
    return candidates.allSatisfy { $0.address.endpoint?.address.isLoopback ?? true }
}

func sleepBriefly(_ duration: Duration) {
    var request = timespec(tv_sec: Int(duration.components.seconds),
                           tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
