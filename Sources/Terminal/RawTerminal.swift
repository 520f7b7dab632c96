#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Raw mode changes the terminal for the whole login session, not just for this process: if
// osilab died in raw mode, the learner's shell would be left without echo or line editing.
// So the saved settings live in plain global memory where a signal handler can reach them
// without allocating, and every way out restores them: `leave()`, a thrown error (the
// caller's `defer`), normal exit (`atexit`), and the fatal signals (a handler that restores,
// then re-raises the signal with its default action so the exit status stays honest).

/// State the signal handlers read. Written only while no handler for it is installed.
nonisolated(unsafe) private var savedSettings = termios()
nonisolated(unsafe) private var settingsSaved: sig_atomic_t = 0
nonisolated(unsafe) private var restoreDescriptor: Int32 = STDIN_FILENO
nonisolated(unsafe) private var outputDescriptor: Int32 = STDOUT_FILENO
nonisolated(unsafe) private var resizePipeWrite: Int32 = -1
/// Leave the alternate screen, show the cursor, reset styles: preallocated for the handlers.
nonisolated(unsafe) private var restoreBytes: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var restoreByteCount = 0
nonisolated(unsafe) private var atexitInstalled = false

/// Puts the terminal back as it was. Only async-signal-safe calls (`tcsetattr`, `write`).
private func restoreTerminalNow() {
    guard settingsSaved != 0 else { return }
    settingsSaved = 0
    if let restoreBytes { _ = write(outputDescriptor, restoreBytes, restoreByteCount) }
    _ = tcsetattr(restoreDescriptor, TCSAFLUSH, &savedSettings)
}

private let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE]

private func installHandler(_ signalNumber: Int32, _ handler: @convention(c) (Int32) -> Void) {
    var action = sigaction()
    #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = handler
    #else
    action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(signalNumber, &action, nil)
}

private func restoreDefault(_ signalNumber: Int32) {
    var action = sigaction()
    #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = SIG_DFL
    #else
    action.__sigaction_u.__sa_handler = SIG_DFL
    #endif
    sigemptyset(&action.sa_mask)
    sigaction(signalNumber, &action, nil)
}

/// What ``RawTerminal/readEvent(timeoutMilliseconds:)`` returns.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// The window changed size (SIGWINCH): lay out again for ``RawTerminal/size``.
    case resize
    /// Nothing arrived before the timeout.
    case timeout
    /// The input closed (the terminal went away).
    case endOfInput
}

/// Errors from switching the terminal's mode.
public enum TerminalError: Error, CustomStringConvertible, Equatable {
    case notATerminal
    case settingsUnavailable(errno: Int32)
    case alreadyActive

    public var description: String {
        switch self {
        case .notATerminal:
            "standard input and output must both be a terminal for the interactive view"
        case .settingsUnavailable(let code):
            "cannot change the terminal's settings (tcgetattr/tcsetattr: \(String(cString: strerror(code))))"
        case .alreadyActive:
            "the terminal is already in raw mode"
        }
    }
}

/// The terminal in raw mode, on the alternate screen, for a full-screen view.
///
/// Raw mode here means: no echo, no line buffering, no signals from Ctrl-C (it arrives as a
/// key, so the view can quit cleanly), no CR/LF translation of input. Output processing
/// stays on. Only one may be active at a time.
public final class RawTerminal {
    public let input: Int32
    public let output: Int32
    private var active = false
    private var resizePipeRead: Int32 = -1
    private var pending: [UInt8] = []
    private var queued: [Key] = []

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input
        self.output = output
    }

    deinit { leave() }

    /// The terminal's current size.
    public var size: TerminalSize { TerminalSize.current(descriptor: output) }

    /// Saves the settings, enters raw mode and the alternate screen, hides the cursor, and
    /// installs the handlers that restore it all. The corresponding C functions are
    /// `tcgetattr` and `tcsetattr`.
    public func enter() throws(TerminalError) {
        guard !active else { throw .alreadyActive }
        guard Terminal.isTerminal(input), Terminal.isTerminal(output) else { throw .notATerminal }
        var settings = termios()
        guard tcgetattr(input, &settings) == 0 else { throw .settingsUnavailable(errno: errno) }

        if restoreBytes == nil {
            let bytes = Array((ControlSequence.resetStyle + ControlSequence.showCursor + ControlSequence.leaveAlternateScreen).utf8)
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            buffer.initialize(from: bytes, count: bytes.count)
            restoreBytes = buffer
            restoreByteCount = bytes.count
        }
        savedSettings = settings
        restoreDescriptor = input
        outputDescriptor = output

        var raw = settings
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw .settingsUnavailable(errno: errno) }
        settingsSaved = 1
        active = true

        if !atexitInstalled {
            atexitInstalled = true
            atexit { restoreTerminalNow() }
        }
        for signalNumber in fatalSignals {
            installHandler(signalNumber) { number in
                restoreTerminalNow()
                restoreDefault(number)
                raise(number)
            }
        }
        openResizePipe()
        Terminal.write(ControlSequence.enterAlternateScreen + ControlSequence.hideCursor + ControlSequence.clearScreen, to: output)
    }

    /// Restores the saved settings, leaves the alternate screen and shows the cursor. Safe
    /// to call more than once.
    public func leave() {
        guard active else { return }
        active = false
        restoreTerminalNow()
        for signalNumber in fatalSignals { restoreDefault(signalNumber) }
        closeResizePipe()
    }

    /// Runs `body` with the terminal back in its normal mode and screen (to run a child
    /// process attached to it), then enters raw mode again.
    public func suspended<T>(_ body: () -> T) throws(TerminalError) -> T {
        leave()
        let result = body()
        try enter()
        return result
    }

    /// Draws a whole screen at once: each line at its row, the rest of the row cleared.
    /// Lines are cut to the terminal's width so nothing wraps.
    public func draw(_ lines: [String]) {
        var frame = ""
        for (row, line) in lines.enumerated() {
            frame += ControlSequence.moveTo(row: row + 1, column: 1) + line + ControlSequence.resetStyle + ControlSequence.clearToEndOfLine
        }
        frame += "\u{1B}[J"
        Terminal.write(frame, to: output)
    }

    /// Waits for a key or a resize. A lone Escape is told apart from the start of an escape
    /// sequence by waiting 40 ms for the rest.
    ///
    /// - Parameter timeoutMilliseconds: how long to wait; negative waits for ever.
    public func readEvent(timeoutMilliseconds: Int32 = -1) -> InputEvent {
        if !queued.isEmpty { return .key(queued.removeFirst()) }
        while true {
            var descriptors = [pollfd(fd: input, events: Int16(POLLIN), revents: 0)]
            if resizePipeRead >= 0 { descriptors.append(pollfd(fd: resizePipeRead, events: Int16(POLLIN), revents: 0)) }
            let waitFor: Int32 = pending.isEmpty ? timeoutMilliseconds : 40
            let ready = poll(&descriptors, nfds_t(descriptors.count), waitFor)
            if ready < 0 {
                if errno == EINTR { continue }
                return .endOfInput
            }
            if ready == 0 {
                if pending.isEmpty { return .timeout }
                queued = KeyDecoder.finish(pending)
                pending = []
                if !queued.isEmpty { return .key(queued.removeFirst()) }
                continue
            }
            if descriptors.count > 1, descriptors[1].revents & Int16(POLLIN) != 0 {
                drainResizePipe()
                return .resize
            }
            if descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                var buffer = [UInt8](repeating: 0, count: 256)
                let count = read(input, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return .endOfInput }
                let decoded = KeyDecoder.decode(pending + buffer[0..<count])
                pending = decoded.remainder
                queued += decoded.keys
                if !queued.isEmpty { return .key(queued.removeFirst()) }
            }
        }
    }

    // SIGWINCH may arrive at any moment, also while we are blocked in poll: the handler
    // writes a byte into a pipe that poll watches (the self-pipe trick).
    private func openResizePipe() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        resizePipeRead = fds[0]
        resizePipeWrite = fds[1]
        installHandler(SIGWINCH) { _ in
            var byte: UInt8 = 1
            _ = write(resizePipeWrite, &byte, 1)
        }
    }

    private func closeResizePipe() {
        restoreDefault(SIGWINCH)
        if resizePipeRead >= 0 { close(resizePipeRead) }
        if resizePipeWrite >= 0 { close(resizePipeWrite) }
        resizePipeRead = -1
        resizePipeWrite = -1
    }

    private func drainResizePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(resizePipeRead, &buffer, buffer.count) > 0 {}
    }
}

extension RawTerminal {
    /// Waits for one key in the terminal's normal mode (after a lab ran), without echo or
    /// Enter. Keys typed before the call are discarded first, so a key pressed during the
    /// lab does not skip the wait. Returns at once when `input` is not a terminal.
    public static func waitForAnyKey(input: Int32 = STDIN_FILENO) {
        guard Terminal.isTerminal(input) else { return }
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
        withUnsafeMutableBytes(of: &quiet.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcflush(input, TCIFLUSH)
        guard tcsetattr(input, TCSANOW, &quiet) == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 32)
        while read(input, &buffer, buffer.count) < 0 && errno == EINTR {}
        tcsetattr(input, TCSANOW, &saved)
    }
}
