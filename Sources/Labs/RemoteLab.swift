import Sockets
import TextUI
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
        // What goes back is the command's output, so it is protocol: English (`wire`), whatever
        // the log speaks. The learner's client may show it in the learner's language.
        let quoted = LabSentence.Part.quoted(request, limit: 60)
        guard let text = String(validating: request, as: UTF8.self) else {
            connection.report(.refusedNotUTF8Log, quoted)
            return RemoteOutput.line(LabSentence(.wireNotUTF8))
        }
        let words: [String]
        switch splitCommandLine(text) {
        case .success(let split): words = split
        case .failure(let refusal):
            connection.report(.refusedLog, quoted, .sentence(refusal.sentence))
            return RemoteOutput.line(LabSentence(.wireCannotSplit, .sentence(refusal.sentence)))
        }
        if let refusal = policy.refusal(for: words) {
            connection.report(.refusedLog, quoted, .sentence(refusal.sentence))
            return RemoteOutput.line(LabSentence(.wireNotRun, .sentence(refusal.sentence)))
        }
        let result: CommandResult
        do throws(CommandRefusal) {
            result = try runner.run(words, shouldStop: { connection.serverIsStopping })
        } catch {
            connection.report(.couldNotRunLog, quoted, .sentence(error.sentence))
            return RemoteOutput.line(LabSentence(.wireRunError, .sentence(error.sentence)))
        }
        var output = result.output
        var how = result.exitStatus.map { LabSentence(.howExit, .number(Int($0))) }
            ?? LabSentence(.howSignal, .number(Int(result.signal ?? 0)))
        if result.timedOut {
            output += RemoteOutput.marker(LabSentence(.wireTimedOutMarker, .duration(runner.timeout)))
            how = LabSentence(.howKilledAfter, .duration(runner.timeout))
        }
        if result.truncated {
            output += RemoteOutput.marker(LabSentence(.wireOutputCutMarker, .bytes(runner.maxOutputBytes)))
            how = LabSentence(.howOutputCut, .bytes(runner.maxOutputBytes))
        }
        connection.note(.ranCommand, .text(shownWords(words)), .sentence(how), .number(result.output.count))
        return output
    }

    /// `["date", "-u"]`, each word escaped: the words came from the network.
    private func shownWords(_ words: [String]) -> String {
        "[" + words.map { "\"" + ByteText.escaped($0, limit: 80) + "\"" }.joined(separator: ", ") + "]"
    }

    /// Steps 2 to 4; returns how the connection ended if it did.
    private func answer(_ output: [UInt8], to connection: LabConnection) -> ConnectionEnding? {
        connection.sendSizeFirst(output.isEmpty ? RemoteCommandService.emptyOutput : output, logging: .answered)
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
    /// The most one command's whole exchange may take (`--timeout`).
    public var timeout: Duration
    /// How long a silence ends the size (see ``defaultQuietPeriod``).
    public var sizeQuietPeriod = defaultQuietPeriod

    public init(host: String = "localhost", port: UInt16 = LabName.remote.defaultPort,
                timeout: Duration = .seconds(10), maxOutputBytes: Int = 64 * 1024 * 1024,
                tracer: TraceRecorder? = nil) throws(LabClientError) {
        socket = try connectClient(host: host, port: port, timeout: timeout, lab: .remote, tracer: tracer)
        self.maxOutputBytes = maxOutputBytes
        self.timeout = timeout
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

    /// Sends `command` and returns the server's whole answer, all within ``timeout``.
    public func run(_ command: String) throws(LabClientError) -> Reply {
        guard !command.isEmpty else { throw LabClientError(.emptyCommand, connectionLost: false) }
        let deadline = ClientDeadline(timeout)
        let announcement = try requestAnnouncement(
            Array(command.utf8), on: socket, sending: LabSentence(.phaseSendingCommand), notASize: .notASize,
            acknowledgement: RemoteClient.acknowledgement, deadline: deadline, quietPeriod: sizeQuietPeriod)
        switch announcement {
        case .error(let reason):
            return .refused(reason)
        case .size(let size):
            guard size <= maxOutputBytes else {
                throw LabClientError(.tooLargeOutput, .bytes(size), .bytes(maxOutputBytes))
            }
            var output: [UInt8] = []
            output.reserveCapacity(size)
            let calls = try receiveExactly(size, from: socket, bufferBytes: recvBufferBytes,
                                           while: LabSentence(.phaseReceivingOutput), deadline: deadline) { piece in output += piece }
            try ensureInStep(socket, before: LabSentence(.phaseReceivingOutput))
            return .output(bytes: output, recvCalls: calls)
        }
    }

    public func close() { socket.close() }

    /// Reads commands from `console` and shows each output, until the input ends.
    /// - Returns: false if the connection was lost.
    public func run(console: ClientConsole) -> Bool {
        defer { close() }
        let say = console.say
        return console.session(socket, lab: .remote, usage: say(.usageRemote)) { command throws(LabClientError) in
            if command.isEmpty { return }
            switch try run(command) {
            case .output(let bytes, let calls):
                console.output(RemoteOutput.shown(bytes, language: console.language))
                console.remark(say(calls == 1 ? .outputSizeOne : .outputSizeMany, String(bytes.count), String(calls)))
            case .refused(let reason):
                console.remark(say(.serverRefused, refusalText(reason, among: [.requestTooLongClosing], language: console.language)))
            }
        }
    }
}

/// What the remote server adds to a command's output, and how a client shows it.
///
/// When osilab's server does not run a command it sends one line of explanation as the
/// output (`osilab: not run: ...`), and it marks a killed or cut command at the end of the
/// output (`[osilab: ...]`). That text is protocol, English on the wire. A client in another
/// language shows it in that language when it recognises the whole line or the last
/// marker; every other byte of the output is shown as it came.
public enum RemoteOutput {
    /// A whole output of one line: the sentence's wire text and a line end.
    static func line(_ sentence: LabSentence) -> [UInt8] { Array((sentence.wire + "\n").utf8) }

    /// A marker appended to the output, on a line of its own.
    static func marker(_ sentence: LabSentence) -> [UInt8] { Array(("\n" + sentence.wire + "\n").utf8) }

    static let markers: [LabMessage] = [.wireTimedOutMarker, .wireOutputCutMarker]

    /// The output as the learner sees it: decoded as UTF-8, with the server's own line or
    /// end marker in `language`, line feeds and tabs kept and every other control or bidi
    /// character escaped (``ByteText/output(_:)``): the output is a peer's bytes, and a
    /// command (or a server) could otherwise clear the screen or write the clipboard.
    public static func shown(_ bytes: [UInt8], language: Language) -> String {
        TerminalSafe.output(translated(bytes, language: language))
    }

    /// The output decoded as UTF-8, with the server's own line or end marker in `language`.
    static func translated(_ bytes: [UInt8], language: Language) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        guard language != .english, text.hasSuffix("\n") else { return text }
        let body = String(text.dropLast())
        if !body.contains("\n"), let sentence = LabSentence.recognise(body, among: WireText.remoteOutputs) {
            return sentence.text(language) + "\n"
        }
        // The marker is the last line, after the line end the server put before it.
        if let lineEnd = body.range(of: "\n[osilab: ", options: .backwards)?.lowerBound,
           let sentence = LabSentence.recognise(String(body[body.index(after: lineEnd)...]), among: markers) {
            return String(body[...lineEnd]) + sentence.text(language) + "\n"
        }
        return text
    }
}
