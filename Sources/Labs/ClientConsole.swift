#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import TextUI

/// Where a lab client reads its commands and writes what comes back.
///
/// On a terminal it shows a prompt like the notes' `input(">>")`; with standard input
/// piped it reads plain lines without one, so a client can be scripted, and it stops at
/// the end of the input instead of waiting for more.
public struct ClientConsole: Sendable {
    /// The next line without its line end, or nil at the end of the input.
    public var readLine: @Sendable () -> String?
    /// Shown before each line is read, or nil for none.
    public var prompt: String?
    /// What the server sent (standard output).
    public var output: @Sendable (String) -> Void
    /// Remarks about the exchange: sizes, recv() counts, errors (standard error).
    public var remark: @Sendable (String) -> Void
    /// The language of the remarks (what goes to the server stays as the learner typed it).
    public var language: Language

    public init(readLine: @escaping @Sendable () -> String?, prompt: String?,
                output: @escaping @Sendable (String) -> Void, remark: @escaping @Sendable (String) -> Void,
                language: Language = .english) {
        self.readLine = readLine
        self.prompt = prompt
        self.output = output
        self.remark = remark
        self.language = language
    }

    /// Standard input and output; the prompt only when standard input is a terminal.
    public static func standard(prompt: String = ">> ", language: Language = .english) -> ClientConsole {
        let interactive = isatty(STDIN_FILENO) == 1
        return ClientConsole(
            readLine: { Swift.readLine(strippingNewline: true) },
            prompt: interactive ? prompt : nil,
            output: { StandardStream.output.writeLine($0) },
            remark: { StandardStream.error.writeLine($0) },
            language: language)
    }

    /// The console's sentences.
    public var say: LabSay { LabSay(language) }

    /// Shows `error` as a remark: `error: ...`.
    func remark(_ error: LabClientError) {
        remark(say(.errorLine, error.text(language)))
    }

    /// Shows the prompt (if any) and reads the next line.
    func nextLine() -> String? {
        if let prompt { StandardStream.output.write(prompt) }
        return readLine()
    }

    /// Lines are trimmed like the notes' `input(...).strip()`. At the end of typed input
    /// (Ctrl-D) the line after the prompt is ended, so the shell's prompt starts afresh.
    func nextCommand() -> String? {
        guard let line = nextLine() else {
            if prompt != nil { output("") }
            return nil
        }
        return line.trimmingSpaces()
    }

    /// On a terminal, says where the client is connected and how to use it.
    func greet(_ socket: Socket, lab: LabName, usage: String) {
        guard prompt != nil else { return }
        let peer = (try? socket.peerAddress()).map { "\($0)" } ?? "?"
        let local = (try? socket.localAddress()).map { "\($0)" } ?? "?"
        remark(say(.greet, lab.rawValue, peer, local, usage))
    }

    /// The session of a TCP lab client: greets, then hands each command to `handle` until
    /// the input ends. An error is shown, and one that lost the connection ends the session.
    /// - Returns: false if the connection was lost.
    func session(_ socket: Socket, lab: LabName, usage: String,
                 _ handle: (String) throws(LabClientError) -> Void) -> Bool {
        greet(socket, lab: lab, usage: usage)
        while let command = nextCommand() {
            do throws(LabClientError) {
                try handle(command)
            } catch {
                remark(error)
                if error.connectionLost { return false }
            }
        }
        return true
    }
}
