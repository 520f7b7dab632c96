import Sockets

/// The bounds that keep one slow, broken or hostile client from hurting the others.
///
/// The notes' servers have none: one client that connects and never sends stops the
/// whole server, because it serves one connection at a time and waits in recv() forever.
public struct ServerLimits: Sendable, Equatable {
    /// Connections served at once; more are accepted and closed at once, with a log line.
    public var maxConnections: Int
    /// How long a connection may sit without sending its next request.
    public var idleTimeout: Duration
    /// How long one send may stall (the client is not reading), and how long the server
    /// waits for the client's acknowledgement in the remote and files labs.
    public var ioTimeout: Duration
    /// The longest request (a command, `get NAME`, or an acknowledgement) the remote and
    /// files servers read; the notes read requests with `recv(1024)`.
    public var maxRequestBytes: Int
    /// How long `stop()` waits for connections to finish after closing them.
    public var stopGrace: Duration

    public init(
        maxConnections: Int = 512, idleTimeout: Duration = .seconds(120), ioTimeout: Duration = .seconds(10),
        maxRequestBytes: Int = 4096, stopGrace: Duration = .seconds(3)
    ) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.ioTimeout = ioTimeout
        self.maxRequestBytes = maxRequestBytes
        self.stopGrace = stopGrace
    }

    public static let standard = ServerLimits()
}

/// How one connection ended, as the server's log and summary report it.
public enum ConnectionEnding: Sendable, Equatable, CustomStringConvertible {
    /// recv() returned 0: the client closed its side (its FIN arrived).
    case clientClosed
    /// The client reset the connection (ECONNRESET), or vanished while we were sending (EPIPE).
    case reset
    /// The connection was closed because something took too long; the text says what.
    case timedOut(String)
    /// The client sent something the protocol cannot carry on from; the text says what.
    case protocolError(String)
    /// The server closed it because it is shutting down.
    case serverStopping
    /// Accepted and closed at once because the server already serves its maximum.
    case refused(String)
    /// A socket call failed for another reason.
    case failed(String)

    /// The short label used to count endings in the summary.
    public var kind: String {
        switch self {
        case .clientClosed: "client closed"
        case .reset: "reset"
        case .timedOut: "timed out"
        case .protocolError: "protocol error"
        case .serverStopping: "server stopping"
        case .refused: "refused"
        case .failed: "failed"
        }
    }

    public var description: String {
        switch self {
        case .clientClosed: "client closed the connection"
        case .reset: "connection reset by the client"
        case .timedOut(let what): "timed out: \(what)"
        case .protocolError(let what): "protocol error: \(what)"
        case .serverStopping: "closed because the server is stopping"
        case .refused(let why): "refused: \(why)"
        case .failed(let what): "failed: \(what)"
        }
    }
}

/// What a server did between start and stop.
public struct ServerSummary: Sendable, Equatable, CustomStringConvertible {
    public var lab: String
    /// Connections accepted (TCP) or datagrams received (UDP).
    public var connections = 0
    /// How many connections ended each way, by ``ConnectionEnding/kind``.
    public var endings: [String: Int] = [:]
    public var bytesIn = 0
    public var bytesOut = 0
    /// The most connections served at the same moment.
    public var mostAtOnce = 0
    /// Connections still open when `stop()` gave up waiting for them.
    public var abandoned = 0
    /// true for the UDP lab, which counts datagrams instead of connections.
    public var countsDatagrams = false

    public init(lab: String) { self.lab = lab }

    public var description: String {
        let noun = countsDatagrams ? "datagram" : "connection"
        var text = "\(lab) server summary: \(connections) \(noun)\(connections == 1 ? "" : "s")"
        if !endings.isEmpty {
            let parts = endings.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }
            text += " (" + parts.joined(separator: ", ") + ")"
        }
        if !countsDatagrams && mostAtOnce > 0 { text += ", at most \(mostAtOnce) at once" }
        text += "; received \(byteCount(bytesIn)), sent \(byteCount(bytesOut))"
        if abandoned > 0 { text += "; \(abandoned) still busy when the server gave up waiting" }
        return text
    }
}

/// A lab server that is running: where it listens, and how to stop it.
public protocol RunningLabServer: AnyObject, Sendable {
    /// The address the server is bound to, with the real port (useful after port 0).
    var address: SocketAddress { get }
    /// Stops accepting, closes every connection, waits briefly for them, and reports.
    /// Calling it again returns the same summary.
    @discardableResult func stop() -> ServerSummary
}

/// A server could not start.
public struct LabServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
