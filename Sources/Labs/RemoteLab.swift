import Sockets
import Trace

// MARK: Server

/// The notes' example 2 server ("basic ssh"): runs a command and sends its output.
///
/// The exchange for each command, exactly as in the notes:
/// 1. the client sends the command;
/// 2. the server sends the output's length in bytes, as ASCII digits;
/// 3. the client sends an acknowledgement (any bytes);
/// 4. the server sends the output (`Have no message` when there is none).
///
/// Step 3 is there so that steps 2 and 4 cannot arrive glued together in one recv().
///
/// What osilab does where the notes' server would crash or misbehave: a command that is
/// refused, cannot be split or is not UTF-8 gets an explanation *as its output*
/// (`osilab: ...`), through the same four steps, so every client shows it and carries on.
/// A request longer than the limit gets `ERR ...` where the size belongs, and the
/// connection is closed, because the rest of the stream can no longer be understood.
public struct RemoteCommandService: LabService {
    public let name = "remote"
    public var policy: CommandPolicy
    public var runner: CommandRunner

    public init(policy: CommandPolicy = CommandPolicy(), runner: CommandRunner = CommandRunner()) {
        self.policy = policy
        self.runner = runner
    }

    /// The text the notes' server sends when a command prints nothing.
    public static let emptyOutput = Array("Have no message".utf8)

    public func serve(_ connection: LabConnection) -> ConnectionEnding {
        while true {
            let command: [UInt8]
            switch connection.nextRequest() {
            case .ended(let ending): return ending
            case .bytes(let bytes): command = bytes
            }

            let output = outputFor(command, connection: connection)
            if let ending = answer(output, to: connection) { return ending }
        }
    }

    /// Runs the command if it may run, and returns what to send back.
    private func outputFor(_ request: [UInt8], connection: LabConnection) -> [UInt8] {
        guard let text = String(validating: request, as: UTF8.self) else {
            connection.report("refused \(ByteText.quoted(request)): not UTF-8 text")
            return Array("osilab: the command is not UTF-8 text, so it was not run\n".utf8)
        }
        let words: [String]
        switch splitCommandLine(text) {
        case .success(let split): words = split
        case .failure(let refusal):
            connection.report("refused \(ByteText.quoted(request)): \(refusal)")
            return Array("osilab: cannot split the command: \(refusal)\n".utf8)
        }
        if let refusal = policy.refusal(for: words) {
            connection.report("refused \(ByteText.quoted(request)): \(refusal)")
            return Array("osilab: not run: \(refusal)\n".utf8)
        }
        let result: CommandResult
        do throws(CommandRefusal) {
            result = try runner.run(words, shouldStop: { connection.serverIsStopping })
        } catch {
            connection.report("could not run \(ByteText.quoted(request)): \(error)")
            return Array("osilab: \(error)\n".utf8)
        }
        var output = result.output
        var how = result.exitStatus.map { "exit status \($0)" } ?? "ended by signal \(result.signal ?? 0)"
        if result.timedOut {
            output += Array("\n[osilab: the command ran longer than \(seconds(runner.timeout)) and was killed]\n".utf8)
            how = "killed after \(seconds(runner.timeout))"
        }
        if result.truncated {
            output += Array("\n[osilab: output cut at \(byteCount(runner.maxOutputBytes))]\n".utf8)
            how = "output cut at \(byteCount(runner.maxOutputBytes)), killed"
        }
        connection.note("ran argv \(words), no shell: \(how), \(result.output.count) bytes of output")
        return output
    }

    /// Steps 2 to 4; returns how the connection ended if it did.
    private func answer(_ output: [UInt8], to connection: LabConnection) -> ConnectionEnding? {
        let message = output.isEmpty ? RemoteCommandService.emptyOutput : output
        let acknowledgement: [UInt8]
        switch connection.announce(size: message.count) {
        case .ended(let ending): return ending
        case .bytes(let bytes): acknowledgement = bytes
        }
        do throws(SocketError) {
            try connection.send(message)
        } catch {
            return connection.ending(after: error, during: .answer)
        }
        connection.note("announced \(message.count), got acknowledgement \(ByteText.quoted(acknowledgement, limit: 30)), sent \(message.count) bytes")
        return nil
    }
}

// MARK: Client

/// The notes' example 2 client, corrected: it reads exactly the announced number of
/// bytes, however they are split, and decodes UTF-8 only once the whole output is in.
/// (The notes' comment `#报错原因:中文编码时断开发送` is about decoding each piece: a
/// Chinese character is three bytes and a recv() can end between them.)
public final class RemoteClient {
    public let socket: Socket
    /// The acknowledgement the notes' client sends: "ready to receive the data".
    public static let acknowledgement = Array("准备好接受数据了".utf8)
    /// The largest output the client accepts.
    public var maxOutputBytes: Int
    /// The most one recv() may return: 1024, as in the notes, so a long output shows the
    /// loop at work. (A bigger buffer needs fewer calls; the result is the same.)
    public var recvBufferBytes = 1024

    public init(host: String = "localhost", port: UInt16 = LabName.remote.defaultPort,
                timeout: Duration = .seconds(10), maxOutputBytes: Int = 64 * 1024 * 1024,
                tracer: TraceRecorder? = nil) throws(LabClientError) {
        socket = try connectClient(host: host, port: port, timeout: timeout, lab: .remote, tracer: tracer)
        self.maxOutputBytes = maxOutputBytes
    }

    /// What came back for one command.
    public enum Reply: Sendable, Equatable {
        /// The output, all of it.
        case output(bytes: [UInt8], recvCalls: Int)
        /// The server answered `ERR reason` instead of a size.
        case refused(String)

        /// The output decoded as UTF-8, or the refusal.
        public var text: String {
            switch self {
            case .output(let bytes, _): String(decoding: bytes, as: UTF8.self)
            case .refused(let reason): "refused: \(reason)"
            }
        }
    }

    /// Sends `command` and returns the server's whole answer.
    public func run(_ command: String) throws(LabClientError) -> Reply {
        guard !command.isEmpty else { throw LabClientError("an empty command sends nothing", connectionLost: false) }
        let announcement = try requestAnnouncement(
            Array(command.utf8), on: socket, sending: "sending the command", sizeName: "size",
            acknowledgement: RemoteClient.acknowledgement)
        switch announcement {
        case .error(let reason):
            return .refused(reason)
        case .size(let size):
            guard size <= maxOutputBytes else {
                throw LabClientError("the server announced \(byteCount(size)), more than this client accepts (\(byteCount(maxOutputBytes)))")
            }
            var output: [UInt8] = []
            output.reserveCapacity(size)
            let calls = try receiveExactly(size, from: socket, bufferBytes: recvBufferBytes, while: "receiving the output") { piece in output += piece }
            return .output(bytes: output, recvCalls: calls)
        }
    }

    public func close() { socket.close() }

    /// Reads commands from `console` and shows each output, until the input ends.
    /// - Returns: false if the connection was lost.
    public func run(console: ClientConsole) -> Bool {
        defer { close() }
        return console.session(socket, lab: .remote, usage: "Type a command (try ls, date, uname -a).") { command throws(LabClientError) in
            if command.isEmpty { return }
            switch try run(command) {
            case .output(let bytes, let calls):
                console.output(String(decoding: bytes, as: UTF8.self))
                console.remark("(\(bytes.count) bytes, as announced, in \(calls) recv() call\(calls == 1 ? "" : "s"))")
            case .refused(let reason):
                console.remark("the server refused: \(reason)")
            }
        }
    }
}
