import Sockets
import TextUI

/// The bounds that keep one slow, broken or hostile client from hurting the others.
///
/// The notes' servers have none: one client that connects and never sends stops the
/// whole server, because it serves one connection at a time and waits in recv() forever.
public struct ServerLimits: Sendable, Equatable {
    /// Connections served at once; more are accepted and closed at once, with a log line.
    public var maxConnections: Int
    /// Connections served at once for one client address (nil: half of ``maxConnections``).
    ///
    /// Without it one client can hold every slot and lock everybody else out. A fraction
    /// rather than a small number, because in a class demo every client may come from one
    /// machine (on loopback every client is 127.0.0.1).
    public var maxConnectionsPerPeer: Int?
    /// The deadline for a whole request: how long the server waits, from the end of its
    /// last answer, until the next request has arrived. A client that sends a byte now and
    /// then does not restart it.
    public var idleTimeout: Duration
    /// The deadline for a whole answer (every send of it together: a client that reads a
    /// few bytes now and then does not restart it), and for the client's acknowledgement
    /// in the remote and files labs.
    public var ioTimeout: Duration
    /// The longest request (a command, `get NAME`, or an acknowledgement) the remote and
    /// files servers read; the notes read requests with `recv(1024)`.
    public var maxRequestBytes: Int
    /// How long `stop()` waits for connections to finish after closing them.
    public var stopGrace: Duration
    /// The slowest an answer may go out, in bytes per second, after the first
    /// ``ioTimeout``: an answer of N bytes must be sent within ioTimeout + N / this rate.
    /// 1 MiB/s is slow for a lab network (loopback moves gigabytes a second) and far faster
    /// than a client that reads a trickle to keep its connection.
    public var minimumSendRate = 1024 * 1024

    public init(
        maxConnections: Int = 512, maxConnectionsPerPeer: Int? = nil, idleTimeout: Duration = .seconds(120),
        ioTimeout: Duration = .seconds(10), maxRequestBytes: Int = 4096, stopGrace: Duration = .seconds(3)
    ) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerPeer = maxConnectionsPerPeer
        self.idleTimeout = idleTimeout
        self.ioTimeout = ioTimeout
        self.maxRequestBytes = maxRequestBytes
        self.stopGrace = stopGrace
    }

    /// The connections one client address may hold at once.
    public var perPeerLimit: Int {
        min(maxConnections, maxConnectionsPerPeer ?? max(1, maxConnections / 2))
    }

    public static let standard = ServerLimits()
}

/// How one connection ended, as the server's log and summary report it.
public enum ConnectionEnding: Sendable, Equatable, CustomStringConvertible {
    /// recv() returned 0: the client closed its side (its FIN arrived).
    case clientClosed
    /// The client reset the connection (ECONNRESET), or vanished while we were sending (EPIPE).
    case reset
    /// The connection was closed because something took too long; the sentence says what.
    case timedOut(LabSentence)
    /// The client sent something the protocol cannot carry on from; the sentence says what.
    case protocolError(LabSentence)
    /// The server closed it because it is shutting down.
    case serverStopping
    /// Accepted and closed at once because the server already serves its maximum.
    case refused(LabSentence)
    /// A socket call failed for another reason.
    case failed(LabSentence)

    /// The short label used to count endings in the summary (a key: English always).
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

    /// The sentence id of each ``kind``, for showing it in a language.
    static let kindIDs: [String: LabMessage] = [
        "client closed": .kindClientClosed, "reset": .kindReset, "timed out": .kindTimedOut,
        "protocol error": .kindProtocolError, "server stopping": .kindServerStopping, "refused": .kindRefused,
        "failed": .kindFailed, "ignored": .kindIgnored,
    ]

    /// The ending as a sentence.
    public var sentence: LabSentence {
        switch self {
        case .clientClosed: LabSentence(.endingClientClosed)
        case .reset: LabSentence(.endingReset)
        case .timedOut(let what): LabSentence(.endingTimedOut, .sentence(what))
        case .protocolError(let what): LabSentence(.endingProtocolError, .sentence(what))
        case .serverStopping: LabSentence(.endingServerStopping)
        case .refused(let why): LabSentence(.endingRefused, .sentence(why))
        case .failed(let what): LabSentence(.endingFailed, .sentence(what))
        }
    }

    public func text(_ language: Language) -> String { sentence.text(language) }

    public var description: String { text(.english) }
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

    /// The summary line in `language`.
    public func text(_ language: Language) -> String {
        let say = LabSay(language)
        let head: LabMessage = countsDatagrams
            ? (connections == 1 ? .summaryDatagram : .summaryDatagrams)
            : (connections == 1 ? .summaryConnection : .summaryConnections)
        var text = say(head, lab, String(connections))
        if !endings.isEmpty {
            let parts = endings.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { say(.summaryEndingCount, String($0.value), ConnectionEnding.kindIDs[$0.key].map { say($0) } ?? $0.key) }
            text += say(.summaryEndings, parts.joined(separator: say(.listSeparator)))
        }
        if !countsDatagrams && mostAtOnce > 0 { text += say(.summaryAtMost, String(mostAtOnce)) }
        text += say(.summaryBytes, byteCount(bytesIn, language), byteCount(bytesOut, language))
        if abandoned > 0 { text += say(.summaryAbandoned, String(abandoned)) }
        return text
    }

    public var description: String { text(.english) }
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
    public var sentence: LabSentence
    public init(_ sentence: LabSentence) { self.sentence = sentence }
    public init(_ id: LabMessage, _ parts: LabSentence.Part...) { sentence = LabSentence(id, parts: parts) }

    public func text(_ language: Language) -> String { sentence.text(language) }
    public var description: String { text(.english) }
}
