import Sockets
import Trace
import SystemPackage
import TextUI

/// Why a lab client could not go on, in words a learner can act on.
public struct LabClientError: Error, Sendable, CustomStringConvertible {
    public var sentence: LabSentence
    /// true when the connection is gone and the client should stop.
    public var connectionLost: Bool

    public init(_ sentence: LabSentence, connectionLost: Bool = true) {
        self.sentence = sentence
        self.connectionLost = connectionLost
    }

    init(_ id: LabMessage, _ parts: LabSentence.Part..., connectionLost: Bool = true) {
        self.init(LabSentence(id, parts: parts), connectionLost: connectionLost)
    }

    /// The error in `language`.
    public func text(_ language: Language) -> String { sentence.text(language) }

    public var description: String { text(.english) }

    /// A failed socket call while doing `what` ("waiting for the answer").
    static func socket(_ error: SocketError, while what: LabSentence) -> LabClientError {
        switch error.reason {
        case .timedOut:
            return LabClientError(.clientTimedOut, .sentence(what))
        case .system(.connectionReset):
            return LabClientError(.clientReset, .sentence(what))
        case .system(.brokenPipe):
            return LabClientError(.clientServerClosed, .sentence(what))
        default:
            return LabClientError(.clientSocketFailed, .sentence(what), .socketError(error))
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
        let address = LabSentence.Part.text("\(HostAndPort(host: host, port: port))")
        if error.errno == .connectionRefused {
            throw LabClientError(.couldNotConnectRefused, address, .socketError(error), .text(lab.rawValue))
        }
        throw LabClientError(.couldNotConnect, address, .socketError(error))
    }
}

/// Receives exactly `count` bytes, however the network splits them, and hands each piece
/// to `consume` as it arrives. Returns how many recv() calls it took.
///
/// It asks recv() for no more than what is still missing, so it never swallows the first
/// bytes of whatever the server sends next.
/// - Parameters:
///   - bufferBytes: the most one recv() may return (the notes use `recv(1024)`).
///   - earlier: bytes of the same answer received before this call, and `total` the whole
///     answer's length, for the counts an error shows (the echo client reads a long line's
///     echo piece by piece).
///   - closedEarly: the sentence for a server that closes before all bytes are in, with the
///     phase, the bytes in and the bytes expected: the size-first labs say "it announced",
///     the echo lab, which announces nothing, says "sent".
@discardableResult
func receiveExactly(_ count: Int, from socket: Socket, bufferBytes: Int = 64 * 1024, while what: LabSentence,
                    earlier: Int = 0, total: Int? = nil, closedEarly: LabMessage = .clientClosedEarly,
                    consume: ([UInt8]) throws(LabClientError) -> Void) throws(LabClientError) -> Int {
    var received = 0
    var calls = 0
    let expected = total ?? count
    while received < count {
        let piece: [UInt8]
        do throws(SocketError) {
            piece = try socket.recv(maxBytes: min(max(1, bufferBytes), count - received))
        } catch {
            throw LabClientError.socket(error, while: LabSentence(.phaseProgress, .sentence(what), .number(earlier + received), .number(expected)))
        }
        calls += 1
        if piece.isEmpty {
            throw LabClientError(closedEarly, .sentence(what), .number(earlier + received), .number(expected))
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
            self = .error(reason.isEmpty ? Announcement.noReason : reason)
        } else {
            return nil
        }
    }

    /// The reason of an `ERR` that gave none (the sentence `lab.refusedWithoutReason` in English).
    public static let noReason = "the server refused without saying why"
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
        throw LabClientError.socket(error, while: LabSentence(.phaseWaitingSize))
    }
    if bytes.isEmpty {
        throw LabClientError(.clientClosedWithoutAnswer)
    }
    do throws(SocketError) {
        while bytes.count < limit, bytes.last != 0x0A, try socket.waitUntilReadable(timeout: quietPeriod) {
            let more = try socket.recv(maxBytes: limit - bytes.count)
            if more.isEmpty { break }
            bytes += more
        }
    } catch {
        throw LabClientError.socket(error, while: LabSentence(.phaseWaitingRestOfSize))
    }
    return bytes
}

/// Steps 1 to 3 of the remote and files exchange, as their clients see it: sends
/// `request`, receives the size announcement, and acknowledges it. Like the notes' clients,
/// it acknowledges a refusal too, so that client and server stay in step.
///
/// - Parameters:
///   - sending: what the request is, for an error while sending it ("sending the command").
///   - notASize: the sentence for an announcement that is no size ("... where the file size belongs").
///   - check: looks at an announced size before the acknowledgement goes out; what it
///     throws ends the exchange unacknowledged.
/// - Returns: the announcement: the size of what follows, or the server's refusal. A
///   refusal is returned even when its acknowledgement could not be sent.
func requestAnnouncement(
    _ request: [UInt8], on socket: Socket, sending: LabSentence, notASize: LabMessage, acknowledgement: [UInt8],
    beforeAcknowledging check: (Int) throws(LabClientError) -> Void = { _ in }
) throws(LabClientError) -> Announcement {
    do throws(SocketError) {
        try socket.sendAll(request)
    } catch {
        throw LabClientError.socket(error, while: sending)
    }
    let announced = try receiveAnnouncement(from: socket)
    guard let announcement = Announcement(announced) else {
        throw LabClientError(notASize, .quoted(announced, limit: 60))
    }
    if case .size(let size) = announcement { try check(size) }
    do throws(SocketError) {
        try socket.sendAll(acknowledgement)
    } catch {
        if case .error = announcement { return announcement }
        throw LabClientError.socket(error, while: LabSentence(.phaseAcknowledgingSize))
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

/// A reason an `ERR` announcement gave, for the learner: in English as it came; in another
/// language the sentence of a reason osilab's servers send (`ids`), or else the reason as
/// it came, since only the server knows what it meant. "As it came" is escaped
/// (``ByteText/escaped(_:limit:)``): the reason is the server's text, on the learner's terminal.
func refusalText(_ reason: String, among ids: [LabMessage], language: Language) -> String {
    let asItCame = ByteText.escaped(reason, limit: 300)
    guard language != .english else { return asItCame }
    if reason == Announcement.noReason { return LabSay(language)(.refusedWithoutReason) }
    return LabSentence.recognise(reason, among: ids).map { TerminalSafe.line($0.text(language)) } ?? asItCame
}
