#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import Synchronization
import TextUI

/// Where a lab client reads its commands and writes what comes back.
///
/// On a terminal it shows a prompt like the notes' `input(">>")`; with standard input
/// piped it reads plain lines without one, so a client can be scripted, and it stops at
/// the end of the input instead of waiting for more.
///
/// While it waits for the learner's next line, a console with ``input`` also watches the
/// connection, so a server that stops (or closes an idle connection) is noticed at once,
/// not only when the next line is sent.
public struct ClientConsole: Sendable {
    /// The next line without its line end, or nil at the end of the input (used when ``input`` is nil).
    public var readLine: @Sendable () -> String?
    /// Lines read from a descriptor while the connection is watched; nil to use ``readLine``.
    public var input: LineInput?
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
        self.input = nil
        self.prompt = prompt
        self.output = output
        self.remark = remark
        self.language = language
    }

    /// A console that reads its lines from `input` and watches the connection meanwhile.
    public init(input: LineInput, prompt: String?,
                output: @escaping @Sendable (String) -> Void, remark: @escaping @Sendable (String) -> Void,
                language: Language = .english) {
        self.readLine = { input.next(watching: nil).line }
        self.input = input
        self.prompt = prompt
        self.output = output
        self.remark = remark
        self.language = language
    }

    /// Standard input and output; the prompt only when standard input is a terminal.
    public static func standard(prompt: String = ">> ", language: Language = .english) -> ClientConsole {
        let interactive = isatty(STDIN_FILENO) == 1
        return ClientConsole(
            input: LineInput(descriptor: STDIN_FILENO),
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

    /// Shows the prompt (if any) and waits for the next line, watching `socket` meanwhile
    /// when the console has an ``input``.
    func nextLine(watching socket: Socket? = nil) -> LineInput.Event {
        if let prompt { StandardStream.output.write(prompt) }
        if let input { return input.next(watching: socket) }
        return readLine().map { .line($0) } ?? .end
    }

    /// Lines are trimmed like the notes' `input(...).strip()`. At the end of typed input
    /// (Ctrl-D), or when the connection ends while the prompt waits, the line after the
    /// prompt is ended, so what follows starts afresh.
    func nextCommand(watching socket: Socket? = nil) -> LineInput.Event {
        let event = nextLine(watching: socket)
        switch event {
        case .line(let line): return .line(line.trimmingSpaces())
        case .end, .peerClosed, .peerReset:
            if prompt != nil { output("") }
            return event
        }
    }

    /// Lines are trimmed like the notes' `input(...).strip()`; nil at the end of the input.
    func nextCommand() -> String? { nextCommand(watching: nil).line }

    /// On a terminal, says where the client is connected and how to use it.
    func greet(_ socket: Socket, lab: LabName, usage: String) {
        guard prompt != nil else { return }
        let peer = (try? socket.peerAddress()).map { "\($0)" } ?? "?"
        let local = (try? socket.localAddress()).map { "\($0)" } ?? "?"
        remark(say(.greet, lab.rawValue, peer, local, usage))
    }

    /// The session of a TCP lab client: greets, then hands each command to `handle` until
    /// the input ends. An error is shown, and one that lost the connection ends the session,
    /// as does the server closing the connection while the client waits for a line.
    /// - Returns: false if the connection was lost.
    func session(_ socket: Socket, lab: LabName, usage: String,
                 _ handle: (String) throws(LabClientError) -> Void) -> Bool {
        greet(socket, lab: lab, usage: usage)
        while true {
            let command: String
            switch nextCommand(watching: socket) {
            case .end: return true
            case .line(let line): command = line
            case .peerClosed:
                remark(LabClientError(.clientServerClosedIdle, .text(lab.rawValue)))
                return false
            case .peerReset:
                remark(LabClientError(.clientResetIdle, .text(lab.rawValue)))
                return false
            }
            do throws(LabClientError) {
                try handle(command)
            } catch {
                remark(error)
                if error.connectionLost { return false }
            }
        }
    }
}

/// Lines read straight from a descriptor (standard input) with read(), so that one poll()
/// can wait for the learner's next line and for the connection at once.
///
/// `Swift.readLine` reads through C's buffered `stdin`, whose buffer poll() cannot see: a
/// line already buffered there would leave poll() waiting. Here every byte read sits in
/// this object's own buffer, which is looked at before each poll().
public final class LineInput: Sendable {
    /// What waiting for a line brought.
    public enum Event: Sendable, Equatable {
        /// A line, without its line end (`\n` or `\r\n`).
        case line(String)
        /// The end of the input (Ctrl-D, or the end of a pipe or file).
        case end
        /// The watched connection's peer closed its side (its FIN arrived).
        case peerClosed
        /// The watched connection was reset (an RST arrived).
        case peerReset

        /// The line, or nil for every other event.
        public var line: String? {
            if case .line(let line) = self { return line }
            return nil
        }
    }

    private struct State {
        var buffer: [UInt8] = []
        var ended = false
    }

    public let descriptor: Int32
    private let state = Mutex(State())

    /// Reads lines from `descriptor`; it is not closed here.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next line, or the end of the input, or what happened to `socket` first.
    ///
    /// The corresponding C functions are `poll` (on the descriptor and the socket together)
    /// and `read`. The socket is only watched, never read: when the server sends bytes
    /// nobody asked for, they stay queued for the next exchange and the watch stops.
    public func next(watching socket: Socket?) -> Event {
        var watched = socket
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let event = state.withLock({ Self.take(&$0) }) { return event }
            var entries = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let watched, watched.fileno >= 0 {
                entries.append(pollfd(fd: watched.fileno, events: Int16(POLLIN) | pollPeerClosed, revents: 0))
            }
            let ready = poll(&entries, nfds_t(entries.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                state.withLock { $0.ended = true }
                continue
            }
            if entries.count > 1, let socket = watched {
                switch Self.connectionEvent(entries[1].revents, socket: socket) {
                case .some(let event):
                    // A line half typed on a terminal would otherwise reach the shell as a
                    // command once the client exits. The corresponding C function is `tcflush`.
                    if isatty(descriptor) == 1 { tcflush(descriptor, TCIFLUSH) }
                    return event
                case .none:
                    // Readable without a close: bytes the server sent unasked. Leave them.
                    if entries[1].revents != 0 { watched = nil }
                }
            }
            guard entries[0].revents != 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                state.withLock { $0.buffer += chunk[0..<count] }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
                state.withLock { $0.ended = true }
            }
        }
    }

    /// Whether the poll() flags of the socket say the connection is over.
    private static func connectionEvent(_ flags: Int16, socket: Socket) -> Event? {
        guard flags & (Int16(POLLERR) | Int16(POLLHUP) | pollPeerClosed) != 0 else { return nil }
        if flags & Int16(POLLERR) != 0, let code = try? socket.pendingError(), code == ECONNRESET { return .peerReset }
        return .peerClosed
    }

    /// A whole line from the buffer; at the end of the input, what is left of the last line,
    /// then `.end`.
    private static func take(_ state: inout State) -> Event? {
        if let newline = state.buffer.firstIndex(of: 0x0A) {
            var line = state.buffer[..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            state.buffer.removeSubrange(...newline)
            return .line(text)
        }
        guard state.ended else { return nil }
        if state.buffer.isEmpty { return .end }
        let text = String(decoding: state.buffer, as: UTF8.self)
        state.buffer = []
        return .line(text)
    }
}

/// poll()'s flag for "the peer closed its side" (a FIN arrived), which POLLIN alone cannot
/// tell from data. Linux's POLLRDHUP (0x2000, <sys/poll.h> with _GNU_SOURCE, which Swift's
/// Glibc does not show); elsewhere 0, and only a reset or a fully closed socket is noticed.
#if os(Linux)
private let pollPeerClosed: Int16 = 0x2000
#else
private let pollPeerClosed: Int16 = 0
#endif
