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
                    deadline: ClientDeadline? = nil,
                    consume: ([UInt8]) throws(LabClientError) -> Void) throws(LabClientError) -> Int {
    var received = 0
    var calls = 0
    let expected = total ?? count
    while received < count {
        try deadline?.waitUntilReadable(socket, while: LabSentence(.phaseProgress, .sentence(what), .number(earlier + received), .number(expected)))
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

    /// Whether `bytes` could be a whole announcement already: something other than spaces,
    /// and not just the start of `ERR` (`E`, `ER`), which a server may have cut anywhere.
    static func mayBeWhole(_ bytes: [UInt8]) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        let trimmed = Array(bytes.drop(while: isSpace))
        if trimmed.isEmpty { return false }
        return !(trimmed.count < 3 && Array("ERR".utf8).starts(with: trimmed))
    }

    /// The reason of an `ERR` that gave none (the sentence `lab.refusedWithoutReason` in English).
    public static let noReason = "the server refused without saying why"
}

/// The moment one client operation must be over by: `--timeout` is the whole exchange
/// (request, size, acknowledgement, answer), not a gap between two bytes, so a server that
/// sends a byte every few seconds cannot hold the client for longer.
struct ClientDeadline {
    /// The time the whole operation may take.
    let limit: Duration
    let end: ContinuousClock.Instant

    init(_ limit: Duration) {
        self.limit = limit
        end = .now + limit
    }

    /// What is left of the time, never negative.
    var remaining: Duration { max(.zero, end - .now) }

    /// The error for an operation that ran out of time while doing `what`.
    func passed(while what: LabSentence) -> LabClientError {
        LabClientError(.clientDeadline, .sentence(what), .duration(limit))
    }

    /// Waits until `socket` has bytes (or its end) to read; throws once the time is up.
    /// The corresponding C function is `poll`.
    func waitUntilReadable(_ socket: Socket, while what: LabSentence) throws(LabClientError) {
        while true {
            let left = remaining
            if left <= .zero { throw passed(while: what) }
            do throws(SocketError) {
                if try socket.waitUntilReadable(timeout: left) { return }
            } catch {
                throw LabClientError.socket(error, while: what)
            }
        }
    }
}

/// Receives the size announcement of the remote and files protocols.
///
/// The notes' format gives the size no end: the server sends the digits (in one send(),
/// as the notes' server and osilab's do) and then waits for the acknowledgement. So the size
/// is complete only when the server has gone quiet, and the client takes what arrives until
/// `quietPeriod` passes with nothing more, the wait starting afresh after every piece (a
/// server may send its digits one by one). A line end, if a server sends one, ends the size
/// at once. Bytes that cannot yet be a whole announcement (nothing but spaces, `E`, `ER`)
/// are waited on past a silence, until `deadline`.
///
/// A server that pauses longer than `quietPeriod` inside its digits cannot be told from one
/// that has finished: the rest of its size then arrives where the answer belongs, and
/// ``ensureInStep(_:before:)`` catches the bytes nobody asked for.
func receiveAnnouncement(from socket: Socket, deadline: ClientDeadline, quietPeriod: Duration = defaultQuietPeriod,
                         limit: Int = 256) throws(LabClientError) -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < limit, bytes.last != 0x0A {
        let phase = LabSentence(bytes.isEmpty ? .phaseWaitingSize : .phaseWaitingRestOfSize)
        if Announcement.mayBeWhole(bytes) {
            let wait = min(quietPeriod, deadline.remaining)
            let more: Bool
            do throws(SocketError) {
                more = try socket.waitUntilReadable(timeout: wait)
            } catch {
                throw LabClientError.socket(error, while: phase)
            }
            if !more {
                // Quiet only because the time ran out: the size may not be whole yet.
                if wait < quietPeriod { throw deadline.passed(while: phase) }
                break
            }
        } else {
            do throws(LabClientError) {
                try deadline.waitUntilReadable(socket, while: phase)
            } catch where bytes.isEmpty && error.sentence.id == .clientDeadline {
                // Not a byte since the request: the plainer sentence is the truer one.
                throw LabClientError(.clientTimedOut, .sentence(phase))
            }
        }
        let piece: [UInt8]
        do throws(SocketError) {
            piece = try socket.recv(maxBytes: limit - bytes.count)
        } catch {
            throw LabClientError.socket(error, while: phase)
        }
        if piece.isEmpty {
            if bytes.isEmpty { throw LabClientError(.clientClosedWithoutAnswer) }
            break
        }
        bytes += piece
    }
    return bytes
}

/// How long the size-first clients wait for more digits after the last piece of a size.
/// Longer than any pause between two send() calls of a server that sends digit by digit on
/// purpose; it is also what every exchange waits before acknowledging.
public let defaultQuietPeriod: Duration = .milliseconds(200)

/// Throws if the server has sent bytes that no request asked for: after a whole answer, or
/// before the next request. They mean the last answer was misread (its size arrived in
/// pieces further apart than the quiet period, or the server sent more than it announced),
/// and anything read from here on would be out of step. Looks without waiting; the
/// connection's end (FIN) is not such a byte and is left for the next exchange to meet.
func ensureInStep(_ socket: Socket, before what: LabSentence) throws(LabClientError) {
    let unasked: [UInt8]
    do throws(SocketError) {
        guard try socket.waitUntilReadable(timeout: .zero) else { return }
        unasked = try socket.recv(maxBytes: 256)
    } catch {
        // A reset or other failure here is the next exchange's to report.
        return
    }
    guard !unasked.isEmpty else { return }
    throw LabClientError(.clientOutOfStep, .sentence(what), .quoted(unasked, limit: 40))
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
    deadline: ClientDeadline, quietPeriod: Duration = defaultQuietPeriod,
    beforeAcknowledging check: (Int) throws(LabClientError) -> Void = { _ in }
) throws(LabClientError) -> Announcement {
    try ensureInStep(socket, before: sending)
    do throws(SocketError) {
        try socket.sendAll(request)
    } catch {
        throw LabClientError.socket(error, while: sending)
    }
    let announced = try receiveAnnouncement(from: socket, deadline: deadline, quietPeriod: quietPeriod)
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
