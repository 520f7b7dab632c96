#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// Writes to standard output, each line at once so a learner sees it as it happens.
    public static func standardOutput(detail: Detail = .messages, language: Language = .english) -> LabLog {
        LabLog(detail: detail, language: language) { line in StandardStream.output.writeLine(line) }
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

    /// Writes `text` and a line end (unless it already ends with one).
    public func writeLine(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n")
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
