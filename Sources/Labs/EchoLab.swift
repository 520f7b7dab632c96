import Sockets
import TextUI
import Trace

/// Upper-cases ASCII letters and leaves every other byte alone, like Python's `bytes.upper()`
/// in the notes' server.
///
/// Working on bytes, not characters, keeps multi-byte UTF-8 intact (and a reply exactly
/// as long as its request) even when a recv() cut a character in two.
public func upperCasedASCII(_ bytes: inout some MutableCollection<UInt8>) {
    for index in bytes.indices where (0x61...0x7A).contains(bytes[index]) {
        bytes[index] -= 0x20
    }
}

// MARK: Server

/// The notes' example 1 server: every byte that arrives goes back upper-cased.
///
/// ```text
/// while True:
///     data = conn.recv(1024)
///     if not data: break
///     conn.send(data.upper())
/// ```
/// There are no messages in a TCP stream, so the server does not wait for a whole line:
/// it answers whatever each recv() returns, and a reply is always exactly as long as the
/// bytes it answers.
public struct EchoService: LabService {
    public let name = "echo"
    /// The most one recv() takes; a longer message is simply answered in several pieces.
    public var chunkBytes: Int

    public init(chunkBytes: Int = 64 * 1024) {
        self.chunkBytes = max(1, chunkBytes)
    }

    public func serve(_ connection: LabConnection) -> ConnectionEnding {
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        let logsMessages = connection.log.wants(.messages)
        while true {
            let received = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) -> Int in try connection.receive(into: raw) }
            }
            let count: Int
            switch received {
            case .success(let value): count = value
            case .failure(let error): return connection.ending(after: error, during: .request)
            }
            if count == 0 { return .clientClosed }
            let request = logsMessages ? Array(buffer[0..<count]) : []
            upperCasedASCII(&buffer[0..<count])
            do throws(SocketError) {
                try connection.send(buffer[0..<count])
            } catch {
                return connection.ending(after: error, during: .answer)
            }
            if logsMessages {
                connection.note(.echoExchange, .number(count), .quoted(request, limit: 60), .quoted(Array(buffer[0..<count]), limit: 60))
            }
        }
    }
}

// MARK: Client

/// The notes' example 1 client, corrected: it reads exactly as many bytes as it sent,
/// decodes them only when all have arrived, and never sends an empty message.
public final class EchoClient {
    public let socket: Socket

    /// Connects to an echo server. `host` may be a name: IPv6 and IPv4 addresses are tried in turn.
    /// - Parameter timeout: the longest wait for the connection and for each reply.
    public init(host: String = "localhost", port: UInt16 = LabName.echo.defaultPort,
                timeout: Duration = .seconds(10), tracer: TraceRecorder? = nil) throws(LabClientError) {
        socket = try connectClient(host: host, port: port, timeout: timeout, lab: .echo, tracer: tracer)
    }

    /// What came back for one line.
    public struct Reply: Sendable, Equatable {
        public var bytes: [UInt8]
        /// How many recv() calls it took to collect them.
        public var recvCalls: Int
        /// The reply decoded as UTF-8 (invalid bytes would show as U+FFFD).
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Sends `line` as UTF-8 and returns the server's reply of the same length.
    ///
    /// An empty line sends nothing: TCP has no empty message, so the notes' client, which
    /// sends zero bytes and then waits in recv(), waits forever. Here it returns an empty reply.
    ///
    /// Long lines go out in pieces of at most `pieceBytes`, each read back before the next
    /// is sent. Sending everything first could deadlock: the server's replies would fill
    /// our receive buffer while we are still sending, its send() would stop, it would stop
    /// reading, and our send() would stop too.
    public func send(_ line: String, pieceBytes: Int = 16 * 1024) throws(LabClientError) -> Reply {
        var reply: [UInt8] = []
        var calls = 0
        let total = line.utf8.count
        for piece in utf8Pieces(of: line, maxBytes: pieceBytes) {
            do throws(SocketError) {
                try socket.sendAll(piece)
            } catch {
                throw LabClientError.socket(error, while: LabSentence(.phaseSendingLine))
            }
            // The echo protocol announces nothing: the reply is as long as the line sent.
            calls += try receiveExactly(piece.count, from: socket, while: LabSentence(.phaseWaitingEcho),
                                        earlier: reply.count, total: total, closedEarly: .clientClosedMidEcho) { bytes in
                reply += bytes
            }
        }
        return Reply(bytes: reply, recvCalls: calls)
    }

    public func close() { socket.close() }

    /// Reads lines from `console` and shows each reply, until the input ends.
    /// - Returns: false if the connection was lost.
    public func run(console: ClientConsole) -> Bool {
        defer { close() }
        return console.session(socket, lab: .echo, usage: console.say(.usageEcho)) { line throws(LabClientError) in
            if line.isEmpty {
                if console.prompt != nil {
                    console.remark(console.say(.emptyLineEcho))
                }
                return
            }
            let reply = try send(line)
            console.output(ByteText.output(reply.bytes))
        }
    }
}

/// Splits `text` into pieces of at most `maxBytes` UTF-8 bytes, never inside a character
/// (so a server that decodes each recv(), like the notes', sees no broken character).
func utf8Pieces(of text: String, maxBytes: Int) -> [[UInt8]] {
    var pieces: [[UInt8]] = []
    var current: [UInt8] = []
    for scalar in text.unicodeScalars {
        let encoded = Array(String(scalar).utf8)
        if !current.isEmpty && current.count + encoded.count > max(4, maxBytes) {
            pieces.append(current)
            current = []
        }
        current += encoded
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces
}
