import Sockets
import Trace
import SystemPackage

/// Why a lab client could not go on, in words a learner can act on.
public struct LabClientError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// true when the connection is gone and the client should stop.
    public var connectionLost: Bool

    public init(_ description: String, connectionLost: Bool = true) {
        self.description = description
        self.connectionLost = connectionLost
    }

    /// A failed socket call while doing `what` ("waiting for the answer").
    static func socket(_ error: SocketError, while what: String) -> LabClientError {
        switch error.reason {
        case .timedOut:
            return LabClientError("\(what): the server sent nothing for too long (--timeout), so the client gave up")
        case .system(.connectionReset):
            return LabClientError("\(what): the server reset the connection")
        case .system(.brokenPipe):
            return LabClientError("\(what): the server has closed the connection")
        default:
            return LabClientError("\(what): \(error)")
        }
    }
}

/// Connects a lab client: resolves `host` (a name or an address) and tries its IPv6 and
/// IPv4 addresses in turn, like Python's `socket.create_connection`.
func connectClient(
    host: String, port: UInt16, timeout: Duration, lab: LabName, tracer: TraceRecorder? = nil
) throws(LabClientError) -> Socket {
    do throws(SocketError) {
        return try createConnection(host: host, port: port, timeout: timeout, tracer: tracer, role: "client")
    } catch {
        var text = "could not connect to \(HostAndPort(host: host, port: port)): \(error)"
        if error.errno == .connectionRefused {
            text += "\nIs the server running? Start it with: osilab serve \(lab.rawValue)"
        }
        throw LabClientError(text)
    }
}

/// Receives exactly `count` bytes, however the network splits them, and hands each piece
/// to `consume` as it arrives. Returns how many recv() calls it took.
///
/// It asks recv() for no more than what is still missing, so it never swallows the first
/// bytes of whatever the server sends next.
/// - Parameter bufferBytes: the most one recv() may return (the notes use `recv(1024)`).
@discardableResult
func receiveExactly(_ count: Int, from socket: Socket, bufferBytes: Int = 64 * 1024, while what: String,
                    consume: ([UInt8]) throws(LabClientError) -> Void) throws(LabClientError) -> Int {
    var received = 0
    var calls = 0
    while received < count {
        let piece: [UInt8]
        do throws(SocketError) {
            piece = try socket.recv(maxBytes: min(max(1, bufferBytes), count - received))
        } catch {
            throw LabClientError.socket(error, while: "\(what) (\(received) of \(count) bytes had arrived)")
        }
        calls += 1
        if piece.isEmpty {
            throw LabClientError("\(what): the server closed the connection after \(received) of the \(count) bytes it announced")
        }
        received += piece.count
        try consume(piece)
    }
    return calls
}

/// What the remote and files servers send where the client expects a size.
public enum Announcement: Equatable, Sendable {
    /// ASCII decimal digits: the number of bytes that follow once the client acknowledges.
    case size(Int)
    /// `ERR reason`: osilab's servers refuse this way (the notes' protocol has no error message).
    case error(String)

    /// Parses the announcement; nil when it is neither digits nor `ERR ...`. Surrounding
    /// spaces and line ends are allowed, as Python's `int()` allows them.
    public init?(_ bytes: [UInt8]) {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let trimmed = bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
        if !trimmed.isEmpty, trimmed.count <= 18, trimmed.allSatisfy({ (0x30...0x39).contains($0) }),
           let value = Int(String(decoding: trimmed, as: UTF8.self)) {
            self = .size(value)
        } else if trimmed.starts(with: Array("ERR".utf8)) {
            let reason = String(decoding: trimmed.dropFirst(3), as: UTF8.self).trimmingSpaces()
            self = .error(reason.isEmpty ? "the server refused without saying why" : reason)
        } else {
            return nil
        }
    }
}

/// Receives the size announcement of the remote and files protocols.
///
/// The notes' protocol marks no end of the size: the server sends the digits, then waits
/// for the acknowledgement before it sends anything else. So the size is everything that
/// arrives until the server goes quiet: after the first recv() the client waits
/// `quietPeriod` for more digits (a server may send them in pieces) and stops at the first
/// silence. A line end, if a server sends one, ends the size at once.
func receiveAnnouncement(from socket: Socket, quietPeriod: Duration = .milliseconds(50), limit: Int = 256)
    throws(LabClientError) -> [UInt8]
{
    var bytes: [UInt8]
    do throws(SocketError) {
        bytes = try socket.recv(maxBytes: limit)
    } catch {
        throw LabClientError.socket(error, while: "waiting for the size")
    }
    if bytes.isEmpty {
        throw LabClientError("waiting for the size: the server closed the connection without answering")
    }
    do throws(SocketError) {
        while bytes.count < limit, bytes.last != 0x0A, try socket.waitUntilReadable(timeout: quietPeriod) {
            let more = try socket.recv(maxBytes: limit - bytes.count)
            if more.isEmpty { break }
            bytes += more
        }
    } catch {
        throw LabClientError.socket(error, while: "waiting for the rest of the size")
    }
    return bytes
}

/// Steps 1 to 3 of the remote and files exchange, as their clients see it: sends
/// `request`, receives the size announcement, and acknowledges it. Like the notes' clients,
/// it acknowledges a refusal too, so that client and server stay in step.
///
/// - Parameters:
///   - sending: what the request is, for an error while sending it ("sending the command").
///   - sizeName: what the size counts, for an announcement that is no size ("file size").
///   - check: looks at an announced size before the acknowledgement goes out; what it
///     throws ends the exchange unacknowledged.
/// - Returns: the announcement: the size of what follows, or the server's refusal. A
///   refusal is returned even when its acknowledgement could not be sent.
func requestAnnouncement(
    _ request: [UInt8], on socket: Socket, sending: String, sizeName: String, acknowledgement: [UInt8],
    beforeAcknowledging check: (Int) throws(LabClientError) -> Void = { _ in }
) throws(LabClientError) -> Announcement {
    do throws(SocketError) {
        try socket.sendAll(request)
    } catch {
        throw LabClientError.socket(error, while: sending)
    }
    let announced = try receiveAnnouncement(from: socket)
    guard let announcement = Announcement(announced) else {
        throw LabClientError("the server sent \(ByteText.quoted(announced)) where the \(sizeName) belongs")
    }
    if case .size(let size) = announcement { try check(size) }
    do throws(SocketError) {
        try socket.sendAll(acknowledgement)
    } catch {
        if case .error = announcement { return announcement }
        throw LabClientError.socket(error, while: "acknowledging the size")
    }
    return announcement
}

extension String {
    /// Without leading and trailing whitespace, like Python's `str.strip()`.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
