#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
import TextUI

/// Where a lab server writes what it sees: one line per event, with the local time.
///
/// Lines from many connection threads are written whole, never interleaved.
public struct LabLog: Sendable {
    /// How much to say.
    public enum Detail: Int, Sendable, Comparable {
        /// Nothing at all (benchmarks).
        case silent
        /// Connections opening and ending, refusals, errors, the summary.
        case connections
        /// Also every request and answer, like the `print("recv:", ...)` lines of the notes' servers.
        case messages

        public static func < (lhs: Detail, rhs: Detail) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let detail: Detail
    /// The language the lines are written in (what the server sends stays English).
    public let language: Language
    private let sink: @Sendable (String) -> Void

    /// A log that hands each finished line (without a newline) to `sink`.
    public init(detail: Detail, language: Language = .english, sink: @escaping @Sendable (String) -> Void) {
        self.detail = detail
        self.language = language
        self.sink = sink
    }

    /// Writes to standard output through ``LineWriter/standardOutput``: each line as soon
    /// as it can, so a learner sees it as it happens, and never holding a connection up
    /// when nobody reads (a full pipe, a terminal paused with Ctrl-S).
    public static func standardOutput(detail: Detail = .messages, language: Language = .english) -> LabLog {
        let writer = LineWriter.standardOutput(language: language)
        return LabLog(detail: detail, language: language) { line in writer.enqueue(line) }
    }

    /// The log's sentences.
    public var say: LabSay { LabSay(language) }

    public static let silent = LabLog(detail: .silent) { _ in }

    /// Whether lines of this detail are written; check before building an expensive line.
    public func wants(_ level: Detail) -> Bool { level != .silent && level <= detail }

    /// Writes `text` with a time stamp if this log shows `level`.
    public func write(_ level: Detail, _ text: @autoclosure () -> String) {
        guard wants(level) else { return }
        sink("[\(LabLog.clockTime())] \(text())")
    }

    /// A line without a time stamp (banners, the summary).
    public func plain(_ level: Detail, _ text: @autoclosure () -> String) {
        guard wants(level) else { return }
        sink(text())
    }

    /// Writes the sentence `id`, in the log's language, with a time stamp if this log shows `level`.
    public func write(_ level: Detail, _ id: LabMessage, _ parts: LabSentence.Part...) {
        guard wants(level) else { return }
        sink("[\(LabLog.clockTime())] " + LabSentence(id, parts: parts).text(language))
    }

    /// The local wall-clock time as `14:03:27.512`.
    static func clockTime() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        let millisText = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millisText)"
    }
}

/// Standard output or standard error, written with one write() per call: lines from
/// different threads never mix, and nothing waits in a buffer (C's stdio buffers a pipe).
public enum StandardStream: Sendable {
    case output, error

    /// Writes `text` as it is. The corresponding C function is `write`.
    public func write(_ text: String) {
        let descriptor = self == .output ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(descriptor, raw.baseAddress, raw.count)
                #else
                Darwin.write(descriptor, raw.baseAddress, raw.count)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether a short write would not block now (a pipe or terminal with room; poll POLLOUT).
    public var canTakeALineNow: Bool {
        var entry = pollfd(fd: self == .output ? STDOUT_FILENO : STDERR_FILENO, events: Int16(POLLOUT), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLOUT) != 0
    }

    /// Writes `text` and a line end (unless it already ends with one).
    public func writeLine(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n")
    }
}

/// Lines for one output, written by a thread of their own so that whoever logs never waits.
///
/// A write() to a pipe nobody reads, or to a terminal paused with Ctrl-S, blocks. Made on
/// a connection's thread it would hold that connection, and then every other one, since
/// they all log. Here a line goes into a bounded queue and the caller goes on; the writer
/// thread does the waiting. When the queue is full the line is dropped and counted, and
/// the count is written as soon as writing works again (and at exit: ``finish(within:)``).
public final class LineWriter: Sendable {
    private struct Queue {
        var lines: [String] = []
        var dropped = 0
        /// The writer thread holds lines it took and has not finished writing.
        var writing = false
        var started = false
    }

    private let state = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    /// The most lines waiting at once (a few hundred KiB: log lines are short).
    public let capacity: Int
    private let output: @Sendable (String) -> Void
    private let droppedNotice: @Sendable (Int) -> String

    /// - Parameters:
    ///   - output: writes one chunk of text (lines with their line ends); may block.
    ///   - droppedNotice: the line that says how many lines were dropped.
    public init(capacity: Int = 4096, droppedNotice: @escaping @Sendable (Int) -> String,
                output: @escaping @Sendable (String) -> Void) {
        self.capacity = max(1, capacity)
        self.droppedNotice = droppedNotice
        self.output = output
    }

    private static let shared = Mutex<LineWriter?>(nil)

    /// The one writer for standard output (created by the first caller, in its language).
    public static func standardOutput(language: Language) -> LineWriter {
        shared.withLock { writer in
            if let writer { return writer }
            let made = LineWriter(droppedNotice: { LabSay(language)(.logLinesDropped, String($0)) },
                                  output: { StandardStream.output.write($0) })
            writer = made
            return made
        }
    }

    /// Queues `line` (a line end is added) and returns at once; drops it if the queue is full.
    public func enqueue(_ line: String) {
        let text = line.hasSuffix("\n") ? line : line + "\n"
        let start = state.withLock { queue -> Bool in
            guard queue.lines.count < capacity else {
                queue.dropped += 1
                return false
            }
            queue.lines.append(text)
            defer { queue.started = true }
            return !queue.started
        }
        if start && !startThread(stackBytes: 256 * 1024, { [self] in writeLoop() }) {
            // No thread: write here rather than lose the log.
            state.withLock { $0.started = false }
            flushHere()
        }
        wake.signal()
    }

    /// Lines dropped so far (their count not written yet).
    public var droppedCount: Int { state.withLock { $0.dropped } }

    private func take() -> ([String], Int) {
        state.withLock { queue in
            let taken = (queue.lines, queue.dropped)
            queue.lines = []
            queue.dropped = 0
            queue.writing = !taken.0.isEmpty || taken.1 > 0
            return taken
        }
    }

    private func write(_ lines: [String], dropped: Int) {
        // One write() for the lot: fewer system calls when lines come fast.
        if !lines.isEmpty { output(lines.joined()) }
        // The dropped lines came after those just written (the queue was full of them).
        if dropped > 0 { output(droppedNotice(dropped) + "\n") }
        state.withLock { $0.writing = false }
    }

    private func writeLoop() {
        while true {
            wake.wait()
            let (lines, dropped) = take()
            write(lines, dropped: dropped)
        }
    }

    private func flushHere() {
        let (lines, dropped) = take()
        write(lines, dropped: dropped)
    }

    /// Waits up to `timeout` for every queued line to be written, and says whether they were.
    ///
    /// A program ends with this: if the output is still blocked, what was dropped is said
    /// on standard error if that can take a line without waiting, and the rest is lost.
    @discardableResult
    public func finish(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.lines.isEmpty && !$0.writing && $0.dropped == 0 }) { return true }
            wake.signal()
            sleepBriefly(.milliseconds(10))
        }
        let (waiting, dropped) = state.withLock { ($0.lines.count, $0.dropped) }
        if waiting + dropped > 0, StandardStream.error.canTakeALineNow {
            StandardStream.error.write(droppedNotice(waiting + dropped) + "\n")
        }
        return false
    }
}

/// A log that keeps its lines in memory, for tests and for showing a lab's log afterwards.
public final class LogCollector: Sendable {
    private let storage = Mutex<[String]>([])

    public init() {}

    public func log(_ detail: LabLog.Detail = .messages, language: Language = .english) -> LabLog {
        LabLog(detail: detail, language: language) { [self] line in storage.withLock { $0.append(line) } }
    }

    public var lines: [String] { storage.withLock { $0 } }

    /// The lines that contain `text`.
    public func lines(containing text: String) -> [String] { lines.filter { $0.contains(text) } }
}

/// A byte count in the units a learner reads: `512 B`, `3.4 KiB`, `1.0 MiB` (in Chinese
/// `512 字节`, `3.4 KiB`).
public func byteCount(_ count: Int, _ language: Language = .english) -> String {
    let say = LabSay(language)
    guard let (number, unit) = byteCountParts(count) else { return say(.bytesSmall, String(count)) }
    return say(.bytesLarge, number, unit)
}

/// ``byteCount(_:_:)`` as the wire has it (the remote server's `[osilab: output cut at ...]`),
/// written here rather than read from the sentence file.
func wireByteCount(_ count: Int) -> String {
    guard let (number, unit) = byteCountParts(count) else { return "\(count) B" }
    return number + " " + unit
}

/// `("3.4", "KiB")`, or nil below 1024 bytes.
private func byteCountParts(_ count: Int) -> (String, String)? {
    if count < 1024 { return nil }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(count) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return ("\(tenths / 10).\(tenths % 10)", units[unit])
}
