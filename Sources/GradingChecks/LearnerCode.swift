import Dispatch
import Foundation
import Sockets
import Synchronization
import TextUI
import Trace

/// How a piece of the learner's code ended, or that it has not ended yet.
public enum LearnerOutcome<Value: Sendable>: Sendable {
    case returned(Value)
    case threw(any Error)
}

/// The learner's code, running on a thread of its own so that a hang cannot stop the grading.
///
/// A thread cannot be killed from outside, so a check that gives up on the learner's code
/// must also take away what it waits for: close the sockets it was given (``Unblocker``).
/// A blocked recv() or accept() then returns, and any later socket call fails, so the
/// thread ends soon after instead of lingering into the next check.
public final class LearnerThread<Value: Sendable>: Sendable {
    private let outcome = Mutex<LearnerOutcome<Value>?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    /// What the check calls the code, for messages: `serveOneEchoClient(listener:)`.
    public let function: String
    private let started = ContinuousClock.now

    /// Starts `body` at once on a new thread.
    public init(_ function: String, _ body: @escaping @Sendable () throws -> Value) {
        self.function = function
        let thread = Thread { [self] in
            let result: LearnerOutcome<Value>
            do {
                result = .returned(try body())
            } catch {
                result = .threw(error)
            }
            self.outcome.withLock { $0 = result }
            self.finished.signal()
        }
        thread.name = "learner: \(function)"
        thread.start()
    }

    /// Waits until the code has ended or `limit` has passed; nil means it is still running.
    public func wait(upTo limit: Duration) -> LearnerOutcome<Value>? {
        if let done = outcome.withLock({ $0 }) { return done }
        let nanoseconds = max(0, limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000)
        if finished.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success {
            // Leave the semaphore signalled for any later wait.
            finished.signal()
        }
        return outcome.withLock { $0 }
    }

    /// The outcome if the code has ended, without waiting.
    public var current: LearnerOutcome<Value>? { outcome.withLock { $0 } }

    public var hasEnded: Bool { current != nil }

    /// Seconds since the code was started, for messages.
    public var secondsRunning: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Says, in a learner's words, where code that did not finish is probably stuck.
///
/// The grading gives the learner's code traced sockets, so a call that is still blocked
/// shows up in the trace as entered and not returned: that is where the code waits.
public enum HangReport {
    /// A sentence for a check's failure message: what did not finish, for how long, and where
    /// it probably waits.
    /// - Parameters:
    ///   - advice: what to say for a call blocked in a given function, instead of the general
    ///     explanation (the check knows its exercise best), in `language`.
    ///   - language: the language of the sentence (the checks pass ``CheckLanguage/current``).
    public static func describe(
        function: String, seconds: Double, trace: TraceRecorder?, advice: [SyscallName: String] = [:],
        language: Language = .english
    ) -> String {
        let say = StringTable<CheckText>(language)
        let waited = String(format: "%.1f", seconds)
        if let trace, let pending = trace.snapshot().last(where: { $0.isPending }) {
            let call = "\(pending.call)"
            if let why = advice[pending.call] ?? explanation(for: pending.call, language: language) {
                return say(.hangWaitingWhy, function, waited, call, why)
            }
            return say(.hangWaiting, function, waited, call)
        } else if trace != nil {
            return say(.hangLoop, function, waited)
        }
        return say(.hangNoTrace, function, waited)
    }

    static func explanation(for call: SyscallName, language: Language) -> String? {
        let say = StringTable<CheckText>(language)
        switch call {
        case .accept: return say(.hangAccept)
        case .recv, .recvfrom: return say(.hangRecv)
        case .send, .sendto: return say(.hangSend)
        case .connect: return say(.hangConnect)
        default: return nil
        }
    }
}

/// Frees learner code that hangs: shuts down and closes the sockets it was given.
///
/// shutdown() wakes a thread blocked in recv() or accept() on Linux (close() alone does
/// not); closing afterwards makes every later call on the socket fail at once, so a loop
/// that keeps calling recv() ends too.
public final class Unblocker: Sendable {
    private let sockets = Mutex<[Socket]>([])

    public init() {}

    /// Adds sockets to free later.
    public func add(_ more: Socket...) {
        sockets.withLock { $0.append(contentsOf: more) }
    }

    /// Shuts down and closes every socket added. Safe to call more than once.
    public func release() {
        let list = sockets.withLock { list -> [Socket] in
            defer { list.removeAll() }
            return list
        }
        for socket in list {
            try? socket.shutdown(.both)
            socket.close()
        }
    }
}

/// Notices learner code that keeps calling recv() on a connection the peer has closed.
///
/// recv() returning no bytes means the peer closed; code that ignores it loops at full
/// speed, and every call would be recorded in the trace. After 1000 such returns in a row
/// the watch parks the looping thread for good (trace observers run on the thread that
/// made the call), which stops both the spinning and the trace from growing, and
/// remembers why, so the check can say so.
public final class SpinWatch: Sendable {
    private let state = Mutex<(emptyInARow: Int, tripped: Bool)>((0, false))
    public static let limit = 1000

    public init(trace: TraceRecorder) {
        trace.observe { [self] event in
            guard case .returned(let record) = event, record.call == .recv else { return }
            let trip = state.withLock { state -> Bool in
                if record.outcome == .returned(0) { state.emptyInARow += 1 } else { state.emptyInARow = 0 }
                guard state.emptyInARow >= Self.limit else { return false }
                state.tripped = true
                return true
            }
            if trip {
                while true { Thread.sleep(forTimeInterval: 3600) }
            }
        }
    }

    /// Whether the code was caught looping on a closed connection.
    public var tripped: Bool { state.withLock { $0.tripped } }

    /// What the check says when the watch trips, in English.
    public static var message: String { message(in: .english) }

    /// What the check says when the watch trips.
    public static func message(in language: Language) -> String {
        StringTable<CheckText>(language)(.spinWatch, String(limit))
    }
}
