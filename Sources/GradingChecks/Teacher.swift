import Foundation
import Sockets
import TextUI
import Trace
import XCTest

// Every check reports through here, at the line of the learner's test file that called it,
// so `swift test` and `osilab check` point at the test named after the behaviour, and the
// message says, as a teacher would, what the code did and what was expected.

/// Where a check was called from: the test method in `Tests/ExerciseTests/<Name>Tests.swift`.
public struct CallSite: Sendable {
    public let file: StaticString
    public let line: UInt

    public init(file: StaticString, line: UInt) {
        self.file = file
        self.line = line
    }
}

/// Records one failure with a teacher's message.
func fail(_ message: String, _ site: CallSite) {
    if CheckReport.keep(message) { return }
    XCTFail(message, file: site.file, line: site.line)
}

/// How long learner code may take before a check calls it hung. Every correct solution
/// finishes in milliseconds on loopback; the rest is room for a slow, busy machine.
public let learnerDeadline: Duration = .seconds(5)

/// Waits for the learner's code; when it hangs, frees it and returns nil after recording
/// a failure that says where it probably waits.
func finish<Value>(
    _ run: LearnerThread<Value>, within limit: Duration = learnerDeadline, trace: TraceRecorder?,
    unblock: Unblocker?, _ site: CallSite, context: String = "", advice: [SyscallName: String] = [:],
    spin: SpinWatch? = nil
) -> LearnerOutcome<Value>? {
    var outcome: LearnerOutcome<Value>?
    let deadline = ContinuousClock.now.advanced(by: limit)
    // In slices, so a tripped spin watch is reported at once rather than at the deadline.
    repeat {
        outcome = run.wait(upTo: min(.milliseconds(50), deadline - ContinuousClock.now))
    } while outcome == nil && spin?.tripped != true && ContinuousClock.now < deadline
    let language = CheckLanguage.current
    let say = StringTable<CheckText>(language)
    if let spin, spin.tripped {
        let report = say(.inContext, run.function, SpinWatch.message(in: language))
        fail(context.isEmpty ? report : say(.inContext, context, report), site)
        return nil
    }
    if let outcome { return outcome }
    let report = HangReport.describe(
        function: run.function, seconds: run.secondsRunning, trace: trace, advice: advice, language: language)
    fail(context.isEmpty ? report : say(.inContext, context, report), site)
    unblock?.release()
    // Give the freed thread a moment, so it does not run on into the next check.
    _ = run.wait(upTo: .milliseconds(500))
    return nil
}

/// A phrase for an error the learner's code threw: a socket error as the Sockets module
/// says it, in the language of the grading.
func describe(_ error: any Error) -> String {
    guard let socketError = error as? SocketError else { return String(describing: error) }
    return socketError.message(in: say.language)
}

/// Bytes as a learner can read them: quoted text when they are printable UTF-8, hex
/// otherwise, shortened when long.
public func showBytes(_ bytes: [UInt8], limit: Int = 48) -> String {
    if let text = String(validating: bytes, as: UTF8.self),
       text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }) {
        return showText(text, limit: limit)
    }
    let shown = bytes.prefix(limit / 2).map { String(format: "%02x", $0) }.joined(separator: " ")
    return "[" + shown + (bytes.count > limit / 2 ? " " + say(.shortenedBytes, "\(bytes.count)") : "") + "]"
}

/// Text in quotes with newlines visible, shortened when long.
public func showText(_ text: String, limit: Int = 48) -> String {
    var shown = ""
    for character in text.prefix(limit) {
        switch character {
        case "\n": shown += "\\n"
        case "\t": shown += "\\t"
        case "\"": shown += "\\\""
        default:
            // Control bytes (a length prefix read as text, say) shown as \x00, not invisibly.
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, scalar.value < 0x20 || scalar.value == 0x7f {
                let digits = Array("0123456789abcdef")
                shown += "\\x" + String(digits[Int(scalar.value >> 4)]) + String(digits[Int(scalar.value & 15)])
            } else {
                shown.append(character)
            }
        }
    }
    let cut = text.count > limit ? say(.shortenedBytes, "\(text.utf8.count)") : ""
    return "\"" + shown + "\"" + cut
}

/// A TCP connection on loopback: one end for the grading, one for the learner's code.
public struct LoopbackConnection: Sendable {
    /// The grading's end; it has a 3-second timeout so the grading itself never hangs.
    public let ours: Socket
    /// The end handed to the learner's code, traced so a hang can be located.
    public let theirs: Socket

    /// Connects two sockets through a listener on 127.0.0.1 that is closed again at once.
    public static func make(trace: TraceRecorder?) throws -> LoopbackConnection {
        let listener = try Socket(family: .inet, type: .stream)
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen(backlog: 1)
        let address = try listener.localAddress()
        let theirs = try Socket(family: .inet, type: .stream, tracer: trace, role: "your code")
        try theirs.connect(to: address)
        let (ours, _) = try listener.accept()
        try ours.setTimeout(.seconds(3))
        try ours.setNoDelay(true)
        return LoopbackConnection(ours: ours, theirs: theirs)
    }

    public func close() {
        ours.close()
        theirs.close()
    }
}

/// A TCP listener on 127.0.0.1 with a port the kernel chose, traced, for server exercises.
func makeListener(trace: TraceRecorder?) throws -> (Socket, SocketAddress) {
    let listener = try Socket(family: .inet, type: .stream, tracer: trace, role: "your server")
    try listener.setReuseAddress(true)
    try listener.bind(to: .ipv4(.loopback, port: 0))
    try listener.listen(backlog: 16)
    return (listener, try listener.localAddress())
}

/// A client of the grading, connected to `address`, with a timeout so it never hangs.
func connectClient(to address: SocketAddress) throws -> Socket {
    let client = try Socket(family: .inet, type: .stream, role: "grading client")
    try client.setTimeout(.seconds(3))
    try client.connect(to: address)
    return client
}

/// Receives until `count` bytes have come, the peer closes, or `within` passes. The
/// grading's own reads, which must never hang.
/// - Parameter peerDone: when it turns true (the learner's code has returned), nothing more
///   will come: stop waiting 0.2 s later instead of at the limit.
func receive(
    _ count: Int, from socket: Socket, within limit: Duration = .seconds(2), peerDone: (() -> Bool)? = nil
) -> (bytes: [UInt8], closed: Bool, error: SocketError?) {
    var bytes: [UInt8] = []
    let deadline = ContinuousClock.now.advanced(by: limit)
    var graceSlices = 4
    while bytes.count < count {
        let left = deadline - ContinuousClock.now
        if left <= .zero { return (bytes, false, SocketError(call: "recv", reason: .timedOut)) }
        do {
            guard try socket.waitUntilReadable(timeout: min(left, .milliseconds(50))) else {
                if peerDone?() == true {
                    graceSlices -= 1
                    if graceSlices == 0 { return (bytes, false, SocketError(call: "recv", reason: .timedOut)) }
                }
                continue
            }
            let chunk = try socket.recv(maxBytes: count - bytes.count)
            if chunk.isEmpty { return (bytes, true, nil) }
            bytes += chunk
        } catch {
            return (bytes, false, error)
        }
    }
    return (bytes, false, nil)
}

/// One recv() of whatever arrives first (at most `maxBytes`), as the notes' programs read a
/// request; empty when nothing came within `limit`, or the peer closed.
func receiveSome(
    _ maxBytes: Int, from socket: Socket, within limit: Duration = .seconds(2), peerDone: (() -> Bool)? = nil
) -> [UInt8] {
    let deadline = ContinuousClock.now.advanced(by: limit)
    var graceSlices = 4
    while ContinuousClock.now < deadline {
        if (try? socket.waitUntilReadable(timeout: .milliseconds(50))) == true {
            return (try? socket.recv(maxBytes: maxBytes)) ?? []
        }
        if peerDone?() == true {
            graceSlices -= 1
            if graceSlices == 0 { return [] }
        }
    }
    return []
}

/// Whether the peer has closed its side: recv() returns no bytes within `limit`.
func peerClosed(_ socket: Socket, within limit: Duration = .seconds(2)) -> Bool {
    do {
        guard try socket.waitUntilReadable(timeout: limit) else { return false }
        return try socket.recv(maxBytes: 1).isEmpty
    } catch {
        // A reset also ends the connection.
        return error.errno == .connectionReset
    }
}

/// Sleeps briefly without blocking anything else.
func pause(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
}
