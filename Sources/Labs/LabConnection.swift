#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import SystemPackage
import TextUI

/// One client's connection as a lab service sees it: the socket, the limits, the log,
/// and the bytes counted each way. Used by one thread only, the connection's own.
public final class LabConnection {
    /// The connection's number in the server's log (`#3`).
    public let id: Int
    /// The client's address, as accept() returned it.
    public let peer: SocketAddress
    public let limits: ServerLimits
    public let log: LabLog
    let socket: Socket
    private let stopping: @Sendable () -> Bool

    public private(set) var bytesIn = 0
    public private(set) var bytesOut = 0
    /// Whether SO_SNDTIMEO holds the whole I/O timeout (an answer's last send may have
    /// left it at what remained of that answer's deadline).
    private var sendTimeoutIsWhole = false
    /// The time the latest answer was given (``answerDeadline(bytes:)``), for the log.
    private var answerAllowance: Duration?

    init(id: Int, socket: Socket, peer: SocketAddress, limits: ServerLimits, log: LabLog,
         stopping: @escaping @Sendable () -> Bool) {
        self.id = id
        self.socket = socket
        self.peer = peer
        self.limits = limits
        self.log = log
        self.stopping = stopping
    }

    /// Whether the server has been asked to stop; long work (a running command) checks it.
    public var serverIsStopping: Bool { stopping() }

    /// The language of the server's log.
    public var language: Language { log.language }

    /// Logs a line about one request or answer (shown unless the server is `--quiet`).
    public func note(_ text: @autoclosure () -> String) {
        log.write(.messages, "#\(id) \(text())")
    }

    /// Logs a line that matters even in a quiet log: a refusal, a protocol error.
    public func report(_ text: @autoclosure () -> String) {
        log.write(.connections, "#\(id) \(text())")
    }

    /// Logs the sentence `id` about one request or answer, in the log's language.
    public func note(_ id: LabMessage, _ parts: LabSentence.Part...) {
        guard log.wants(.messages) else { return }
        note(LabSentence(id, parts: parts).text(language))
    }

    /// Logs the sentence `id` even in a quiet log, in the log's language.
    public func report(_ id: LabMessage, _ parts: LabSentence.Part...) {
        guard log.wants(.connections) else { return }
        report(LabSentence(id, parts: parts).text(language))
    }

    // MARK: Moving bytes

    /// Receives into `buffer` and returns the count; 0 means the client closed its side.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        let count = try socket.recv(into: buffer)
        bytesIn += count
        return count
    }

    /// Receives up to `maxBytes`; empty means the client closed its side.
    public func receive(upTo maxBytes: Int) throws(SocketError) -> [UInt8] {
        let bytes = try socket.recv(maxBytes: maxBytes)
        bytesIn += bytes.count
        return bytes
    }

    /// Sends every byte (Python's `sendall`; the notes use `send`, which may send only part).
    ///
    /// All of it must go out by one deadline (``answerDeadline(bytes:)``), not within a
    /// timeout per send: a client that reads a few bytes now and then would otherwise
    /// keep each send() progressing, and hold its connection for as long as it likes.
    public func send(_ bytes: some Collection<UInt8>) throws(SocketError) {
        let array = Array(bytes)
        let deadline = answerDeadline(bytes: array.count)
        var sent = 0
        defer { bytesOut += sent }
        while sent < array.count {
            try limitSendTimeout(to: deadline, call: "sendall", sent: sent)
            do throws(SocketError) {
                sent += try socket.send(array[sent..<min(array.count, sent + LabConnection.sendPiece)])
            } catch {
                sent += error.bytesTransferred
                if error.reason == .timedOut { dropUnsentOnClose() }
                throw SocketError(call: "sendall", reason: error.reason, bytesTransferred: sent)
            }
        }
    }

    /// Sends `count` bytes of an open file with the kernel's zero-copy `sendfile`; returns
    /// how many went out (fewer only if the file shrank meanwhile). One deadline for all
    /// of it, as in ``send(_:)``.
    public func sendFile(_ descriptor: Int32, count: Int) throws(SocketError) -> Int {
        let deadline = answerDeadline(bytes: count)
        var sent = 0
        defer { bytesOut += sent }
        while sent < count {
            try limitSendTimeout(to: deadline, call: "sendfile", sent: sent)
            // Socket.sendFile calls sendfile() again after each partial send, each call with
            // the whole SO_SNDTIMEO: a small piece keeps that from stretching the deadline.
            let piece = min(count - sent, LabConnection.filePiece)
            do throws(SocketError) {
                let went = try socket.sendFile(from: descriptor, offset: Int64(sent), count: piece)
                sent += went
                if went < piece { break }
            } catch {
                sent += error.bytesTransferred
                if error.reason == .timedOut { dropUnsentOnClose() }
                throw SocketError(call: "sendfile", reason: error.reason, bytesTransferred: sent)
            }
        }
        return sent
    }

    /// The most one send() or sendfile() is given: small enough that a stalled client is
    /// noticed within a piece, large enough that a fast one costs few system calls.
    static let sendPiece = 256 * 1024
    /// The most one ``sendFile(_:count:)`` step gives the socket layer: at the slowest rate
    /// allowed this is a quarter of a second past the deadline at most.
    static let filePiece = 64 * 1024

    /// When an answer of `bytes` must have gone out: the I/O timeout, plus the time the
    /// answer takes at ``ServerLimits/minimumSendRate`` (a big file over a slow link is fine,
    /// a client that reads a trickle is not).
    func answerDeadline(bytes: Int) -> ContinuousClock.Instant {
        let rate = max(1, limits.minimumSendRate)
        let transfer = Duration.milliseconds(Int64(clamping: bytes / rate * 1000 + bytes % rate * 1000 / rate))
        answerAllowance = limits.ioTimeout + transfer
        return ContinuousClock.now + limits.ioTimeout + transfer
    }

    /// Makes the coming close() reset the connection (SO_LINGER 0) instead of leaving the
    /// kernel to deliver what is still queued: a client too slow for the deadline would
    /// otherwise go on draining megabytes from an orphaned socket, and never see the cut.
    private func dropUnsentOnClose() {
        try? socket.setLinger(seconds: 0)
    }

    /// Sets SO_SNDTIMEO to what is left until `deadline`, or throws a timeout when nothing is.
    private func limitSendTimeout(to deadline: ContinuousClock.Instant, call: String, sent: Int) throws(SocketError) {
        let left = deadline - ContinuousClock.now
        guard left > .zero else {
            dropUnsentOnClose()
            throw SocketError(call: call, reason: .timedOut, bytesTransferred: sent)
        }
        if left >= limits.ioTimeout {
            // Most answers are small and go out at once: no setsockopt() for them.
            if !sendTimeoutIsWhole { try setSendTimeout(limits.ioTimeout) }
            sendTimeoutIsWhole = true
        } else {
            try setSendTimeout(left)
            sendTimeoutIsWhole = false
        }
    }

    // MARK: Requests of the remote and files labs

    /// What one request read brought.
    public enum Request {
        /// The bytes of one recv(): in the notes' protocols a request is whatever one
        /// recv() returns, since they mark no end of a request.
        case bytes([UInt8])
        /// recv() returned 0: the client closed the connection.
        case closed
        /// More than ``ServerLimits/maxRequestBytes`` arrived at once; the first bytes are kept for the log.
        case tooLong(firstBytes: [UInt8])
    }

    /// What one recv() of `limit` bytes returns (whatever has arrived, waiting if nothing
    /// has), without a buffer of `limit` bytes for every connection that waits: a first
    /// recv() of a few KiB, then, only if that filled up, what else is already queued.
    func receiveQueued(upTo limit: Int) throws(SocketError) -> [UInt8] {
        let first = min(limit, LabConnection.firstReadBytes)
        var bytes = try receive(upTo: first)
        guard bytes.count == first else { return bytes }
        while bytes.count < limit {
            // Grows as bytes arrive: at most what is there (MSG_DONTWAIT), never the limit at once.
            let asked = min(limit - bytes.count, max(LabConnection.firstReadBytes, bytes.count))
            guard let more = try? socket.recv(maxBytes: asked, flags: Int32(MSG_DONTWAIT)), !more.isEmpty else { break }
            bytesIn += more.count
            bytes += more
            if more.count < asked { break }  // nothing more was queued
        }
        return bytes
    }

    /// The first recv() of a request: larger than any request of the notes (they read 1024).
    static let firstReadBytes = 4096

    /// Waits (up to the idle timeout) for the next request and reads it with one recv().
    public func receiveRequest() throws(SocketError) -> Request {
        // One byte more than allowed tells "exactly at the limit" from "over it".
        let bytes = try receiveQueued(upTo: limits.maxRequestBytes + 1)
        if bytes.isEmpty { return .closed }
        if bytes.count > limits.maxRequestBytes { return .tooLong(firstBytes: Array(bytes.prefix(32))) }
        return .bytes(bytes)
    }

    /// Waits (up to the I/O timeout, not the idle one) for the client's acknowledgement
    /// after an announced size; nil when the client closed instead.
    ///
    /// Its content does not matter: the notes' clients send "准备好接受数据了" or
    /// "ready to recv file". What matters is the wait, which keeps the size and the data
    /// from arriving in one recv() on the client (粘包, "sticky packets").
    public func receiveAcknowledgement() throws(SocketError) -> [UInt8]? {
        try setReceiveTimeout(limits.ioTimeout)
        let bytes = try receiveQueued(upTo: limits.maxRequestBytes + 1)
        try setReceiveTimeout(limits.idleTimeout)
        return bytes.isEmpty ? nil : bytes
    }

    /// What one step of the remote or files exchange brought: the bytes the service goes
    /// on with, or how the connection ended.
    enum Step {
        case bytes([UInt8])
        case ended(ConnectionEnding)
    }

    /// Step 1 of the remote and files exchange: the next request, or how the connection
    /// ended. A request over the limit is answered with `ERR ...` and the connection is
    /// closed, because the rest of the stream can no longer be understood.
    func nextRequest() -> Step {
        let request: Request
        do throws(SocketError) {
            request = try receiveRequest()
        } catch {
            return .ended(ending(after: error, during: .request))
        }
        switch request {
        case .closed:
            return .ended(.clientClosed)
        case .tooLong(let firstBytes):
            let reason = LabSentence(.requestTooLong, .number(limits.maxRequestBytes))
            report(.requestTooLongLog, .sentence(reason), .quoted(firstBytes, limit: 20))
            // Protocol: English on the wire, whatever the log speaks.
            answerAndClose(Array("ERR \(LabSentence(.requestTooLongClosing, .number(limits.maxRequestBytes)).wire)".utf8))
            return .ended(.protocolError(reason))
        case .bytes(let bytes):
            return .bytes(bytes)
        }
    }

    /// Steps 2 and 3 of the remote and files exchange: sends `size` as ASCII digits and
    /// returns the client's acknowledgement, or how the connection ended.
    func announce(size: Int) -> Step {
        do throws(SocketError) {
            try send(Array(String(size).utf8))
        } catch {
            return .ended(ending(after: error, during: .answer))
        }
        let acknowledgement: [UInt8]?
        do throws(SocketError) {
            acknowledgement = try receiveAcknowledgement()
        } catch {
            return .ended(ending(after: error, during: .acknowledgement))
        }
        guard let acknowledgement else {
            note(.closedInsteadOfAcknowledging)
            return .ended(.clientClosed)
        }
        return .bytes(acknowledgement)
    }

    /// Steps 2 to 4 of the remote and files exchange for an answer held in memory: the size,
    /// the client's acknowledgement, then the bytes; logs `sent` (its count, the
    /// acknowledgement, its count again). Returns how the connection ended if it did.
    func sendSizeFirst(_ answer: [UInt8], logging sent: LabMessage) -> ConnectionEnding? {
        let acknowledgement: [UInt8]
        switch announce(size: answer.count) {
        case .ended(let ending): return ending
        case .bytes(let bytes): acknowledgement = bytes
        }
        do throws(SocketError) {
            try send(answer)
        } catch {
            return ending(after: error, during: .answer)
        }
        note(sent, .number(answer.count), .quoted(acknowledgement, limit: 30), .number(answer.count))
        return nil
    }

    /// Sends a last answer, then ends the connection politely: FIN first, then the bytes
    /// the client still sends are read and dropped for a moment before close().
    ///
    /// Closing at once with unread bytes in the receive queue would make the kernel send
    /// RST instead of FIN, and an RST can destroy the answer before the client reads it.
    public func answerAndClose(_ bytes: [UInt8]) {
        try? send(bytes)
        try? socket.shutdown(.write)
        let deadline = ContinuousClock.now + .seconds(1)
        var drained = 0
        try? setReceiveTimeout(.milliseconds(200))
        while ContinuousClock.now < deadline && drained < 16 * 1024 * 1024 {
            guard let chunk = try? socket.recv(maxBytes: 65536), !chunk.isEmpty else { break }
            drained += chunk.count
            bytesIn += chunk.count
        }
    }

    /// Sets only the receive timeout (SO_RCVTIMEO); the send timeout stays as it is.
    func setReceiveTimeout(_ timeout: Duration) throws(SocketError) {
        try socket.setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: timeval(timeout),
                             call: "setsockopt(SO_RCVTIMEO)")
    }

    func setSendTimeout(_ timeout: Duration) throws(SocketError) {
        sendTimeoutIsWhole = timeout == limits.ioTimeout
        try socket.setOption(level: SOL_SOCKET, name: SO_SNDTIMEO, value: timeval(timeout),
                             call: "setsockopt(SO_SNDTIMEO)")
    }

    // MARK: Endings

    /// What the server was doing when a socket call failed.
    public enum Phase: Sendable {
        /// Waiting for the next request (the idle timeout applies).
        case request
        /// Waiting for the acknowledgement after an announced size (the I/O timeout applies).
        case acknowledgement
        /// Sending an answer (the I/O timeout applies to a send that cannot progress).
        case answer
    }

    /// Turns a failed socket call into the way the connection ended.
    public func ending(after error: SocketError, during phase: Phase) -> ConnectionEnding {
        if serverIsStopping { return .serverStopping }
        switch error.reason {
        case .timedOut:
            switch phase {
            case .request: return .timedOut(LabSentence(.timeoutNoRequest, .duration(limits.idleTimeout)))
            case .acknowledgement: return .timedOut(LabSentence(.timeoutNoAcknowledgement, .duration(limits.ioTimeout)))
            case .answer: return .timedOut(LabSentence(.timeoutClientNotReading, .duration(answerAllowance ?? limits.ioTimeout)))
            }
        case .system(.connectionReset), .system(.brokenPipe):
            return .reset
        default:
            return .failed(.socket(error))
        }
    }
}

/// `12 s`, `1.5 s`, `250 ms` (in Chinese `12 秒`, `1.5 秒`, `250 毫秒`).
func seconds(_ duration: Duration, _ language: Language = .english) -> String {
    let (number, isMilliseconds) = durationNumber(duration)
    return LabSay(language)(isMilliseconds ? .durationMilliseconds : .durationSeconds, number)
}

/// ``seconds(_:_:)`` as the wire has it (the remote server's `[osilab: ...]` markers),
/// written here rather than read from the sentence file.
func wireSeconds(_ duration: Duration) -> String {
    let (number, isMilliseconds) = durationNumber(duration)
    return number + (isMilliseconds ? " ms" : " s")
}

/// The number of a duration as shown, and whether it counts milliseconds.
private func durationNumber(_ duration: Duration) -> (String, Bool) {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    if milliseconds < 1000 { return ("\(milliseconds)", true) }
    if milliseconds % 1000 == 0 { return ("\(milliseconds / 1000)", false) }
    return ("\(milliseconds / 1000).\(milliseconds % 1000 / 100)", false)
}

extension timeval {
    /// A C `timeval` for a socket timeout. Zero would mean "wait forever", so a tiny
    /// positive duration becomes one microsecond.
    init(_ duration: Duration) {
        self.init()
        guard duration > .zero else { return }
        let (wholeSeconds, attoseconds) = duration.components
        tv_sec = .init(wholeSeconds)
        tv_usec = .init(attoseconds / 1_000_000_000_000)
        if tv_sec == 0 && tv_usec == 0 { tv_usec = 1 }
    }
}
