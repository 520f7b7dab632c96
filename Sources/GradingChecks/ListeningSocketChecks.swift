// Checks for exercise 5, listening-socket (lesson 7).
#if canImport(Glibc)
import Glibc
#endif
import Sockets

/// Grades `makeListeningSocket(port:)`.
public enum ListeningSocketChecks {
    public typealias Make = @Sendable (UInt16) throws -> Socket

    /// Runs the learner's function with a deadline; records a failure and returns nil when
    /// it throws or hangs.
    static func make(_ function: @escaping Make, port: UInt16, _ site: CallSite) -> Socket? {
        let run = LearnerThread("makeListeningSocket(port: \(port))") { try function(port) }
        switch finish(run, trace: nil, unblock: nil, site) {
        case .returned(let socket)?:
            return socket
        case .threw(let error)?:
            fail(say(.makeListeningSocketThrew, "\(port)", describe(error)), site)
            return nil
        case nil:
            return nil
        }
    }

    /// A port nobody uses right now: the kernel picks one, and we let it go.
    static func freePort() throws -> UInt16 {
        let probe = try Socket(family: .inet, type: .stream)
        defer { probe.close() }
        try probe.bind(to: .ipv4(.loopback, port: 0))
        return try probe.localAddress().port ?? 0
    }

    /// Checks that `socket` is a TCP socket listening on 127.0.0.1, and that a client can
    /// connect and be accepted. Returns false after recording what is wrong.
    @discardableResult
    static func isListeningOnLoopback(_ socket: Socket, port: UInt16?, _ site: CallSite) -> Bool {
        guard socket.type == .stream, socket.family == .inet else {
            fail(say(.notTCP, "\(socket.family)", "\(socket.type)"), site)
            return false
        }
        guard let address = try? socket.localAddress(), let endpoint = address.endpoint else {
            fail(say(.noAddressAtAll), site)
            return false
        }
        if endpoint.port == 0 {
            fail(say(.neverBound, "\(address)"), site)
            return false
        }
        if endpoint.address != .v4(.loopback) {
            fail(say(endpoint.address == .v4(.any) ? .boundToAny : .notLoopback, "\(address)"), site)
            return false
        }
        if let port, endpoint.port != port {
            fail(say(.wrongPort, "\(port)", "\(endpoint.port)"), site)
            return false
        }
        let client: Socket
        do {
            client = try Socket(family: .inet, type: .stream)
        } catch {
            fail(say(.gradingNoClientSocket, describe(error)), site)
            return false
        }
        defer { client.close() }
        try? client.setTimeout(.seconds(2))
        let code = client.connectEx(to: address)
        if code == ECONNREFUSED {
            fail(say(.notListening, "\(address)"), site)
            return false
        }
        if code != 0 {
            fail(say(.clientConnectFailed, "\(address)", ErrnoName.of(code)), site)
            return false
        }
        guard (try? socket.waitUntilReadable(timeout: .seconds(2))) == true,
              let (connection, _) = try? socket.accept() else {
            fail(say(.nothingToAccept), site)
            return false
        }
        connection.close()
        return true
    }

    public static func listensOnLoopback(_ function: @escaping Make, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let socket = make(function, port: 0, site) else { return }
        defer { socket.close() }
        isListeningOnLoopback(socket, port: nil, site)
    }

    public static func usesTheRequestedPort(_ function: @escaping Make, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let port = try? freePort() else {
            fail(say(.gradingNoPortToAsk), site)
            return
        }
        guard let socket = make(function, port: port, site) else { return }
        defer { socket.close() }
        isListeningOnLoopback(socket, port: port, site)
    }

    public static func setsReuseAddress(_ function: @escaping Make, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let socket = make(function, port: 0, site) else { return }
        defer { socket.close() }
        let value = try? socket.intOption(level: SOL_SOCKET, name: SO_REUSEADDR)
        if value != 1 {
            fail(say(.noReuseAddress), site)
        }
    }

    /// The real reason for SO_REUSEADDR: a server that closed a connection first leaves it
    /// in TIME-WAIT for a minute, and without the option its port cannot be bound again.
    public static func restartsAtOnce(_ function: @escaping Make, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let first = make(function, port: 0, site) else { return }
        guard isListeningOnLoopback(first, port: nil, site), let address = try? first.localAddress(),
              let port = address.port else {
            first.close()
            return
        }
        // A connection that the server side closes first: the server's end enters TIME-WAIT.
        if let client = try? connectClient(to: address), (try? first.waitUntilReadable(timeout: .seconds(2))) == true,
           let (connection, _) = try? first.accept() {
            connection.close()
            _ = peerClosed(client)
            client.close()
        }
        first.close()
        pause(.milliseconds(50))
        let run = LearnerThread("makeListeningSocket(port: \(port))") { try function(port) }
        switch finish(run, trace: nil, unblock: nil, site) {
        case .returned(let again)?:
            isListeningOnLoopback(again, port: port, site)
            again.close()
        case .threw(let error)?:
            fail(say(.restartFailed, "\(port)", describe(error)), site)
        case nil:
            break
        }
    }

    public static func reportsAPortInUse(_ function: @escaping Make, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let (busy, address) = try? makeListener(trace: nil), let port = address.port else {
            fail(say(.gradingNoOwnListener), site)
            return
        }
        defer { busy.close() }
        let run = LearnerThread("makeListeningSocket(port: \(port))") { try function(port) }
        switch finish(run, trace: nil, unblock: nil, site) {
        case .returned(let socket)?:
            let bound = (try? socket.localAddress()).map { "\($0)" } ?? say(.noAddress)
            socket.close()
            fail(say(.portInUseReturned, "\(port)", bound), site)
        case .threw(let error)?:
            if let socketError = error as? SocketError, socketError.errno != .addressInUse {
                fail(say(.portInUseWrongError, "\(port)", describe(socketError)), site)
            }
        case nil:
            break
        }
    }
}
