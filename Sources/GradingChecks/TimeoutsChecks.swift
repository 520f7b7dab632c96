// Checks for exercise 7, timeouts (lesson 7).
import Foundation
import Sockets
import Trace

/// Grades `receive(from:waitingAtMost:)` and `acceptIfWaiting(on:)`.
public enum TimeoutsChecks {
    public typealias Receive = @Sendable (Socket, Duration) throws -> [UInt8]?
    public typealias Accept = @Sendable (Socket) throws -> Socket?

    /// Runs the learner's receive on a fresh connection after `prepare` has acted on the
    /// grading's end; returns the outcome and the seconds it took.
    static func receiveOn(
        _ receive: @escaping Receive, limit: Duration, _ site: CallSite, prepare: @escaping @Sendable (Socket) -> Void
    ) -> (LearnerOutcome<[UInt8]?>, Double, LoopbackConnection)? {
        let trace = TraceRecorder()
        guard let connection = try? LoopbackConnection.make(trace: trace) else {
            fail(say(.gradingNoLoopbackConnection), site)
            return nil
        }
        let unblock = Unblocker()
        unblock.add(connection.theirs)
        let theirs = connection.theirs
        prepare(connection.ours)
        let run = LearnerThread(say(.callReceiveWaiting, seconds(limit))) { try receive(theirs, limit) }
        let advice: [SyscallName: String] = [.recv: say(.timeoutRecvAdvice)]
        guard let outcome = finish(run, trace: trace, unblock: unblock, site, advice: advice) else {
            connection.close()
            return nil
        }
        return (outcome, run.secondsRunning, connection)
    }

    /// A duration's seconds as Swift writes them in `Duration`'s description (`0.3`, `2.0`).
    static func seconds(_ limit: Duration) -> String {
        let text = "\(limit)"
        return text.hasSuffix(" seconds") ? String(text.dropLast(" seconds".count)) : text
    }

    public static func givesUpWhenNothingArrives(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let (outcome, seconds, connection) = receiveOn(receive, limit: .milliseconds(300), site, prepare: { _ in }) else { return }
        defer { connection.close() }
        switch outcome {
        case .returned(nil):
            if seconds < 0.25 {
                fail(say(.gaveUpEarly, String(format: "%.2f", seconds)), site)
            }
        case .returned(let bytes?):
            fail(say(bytes.isEmpty ? .silentReturnedEmpty : .silentReturnedBytes, showBytes(bytes)), site)
        case .threw(let error):
            fail(say(.silentThrew, describe(error)), site)
        }
    }

    public static func returnsWhatArrives(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let message = Array("hello".utf8)
        guard let (outcome, _, connection) = receiveOn(receive, limit: .seconds(2), site, prepare: { ours in
            _ = try? ours.send(message)
        }) else { return }
        defer { connection.close() }
        switch outcome {
        case .returned(let bytes?) where bytes == message:
            break
        case .returned(let bytes):
            fail(say(.sentBeforeReturned, showBytes(message), bytes.map { showBytes($0) } ?? "nil"), site)
        case .threw(let error):
            fail(say(.sentBeforeThrew, showBytes(message), describe(error)), site)
        }
    }

    public static func waitsForLateData(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let message = Array("late".utf8)
        guard let (outcome, _, connection) = receiveOn(receive, limit: .seconds(2), site, prepare: { ours in
            Thread.detachNewThread {
                pause(.milliseconds(150))
                _ = try? ours.send(message)
            }
        }) else { return }
        defer { connection.close() }
        switch outcome {
        case .returned(let bytes?) where bytes == message:
            break
        case .returned(nil):
            fail(say(.lateNil, showBytes(message)), site)
        case .returned(let bytes?):
            fail(say(.lateWrong, showBytes(message), showBytes(bytes)), site)
        case .threw(let error):
            fail(say(.lateThrew, showBytes(message), describe(error)), site)
        }
    }

    public static func tellsClosedFromSilent(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let (outcome, _, connection) = receiveOn(receive, limit: .seconds(2), site, prepare: { ours in
            try? ours.shutdown(.write)
        }) else { return }
        defer { connection.close() }
        switch outcome {
        case .returned(let bytes?) where bytes.isEmpty:
            break
        case .returned(nil):
            fail(say(.closedNil), site)
        case .returned(let bytes?):
            fail(say(.closedBytes, showBytes(bytes)), site)
        case .threw(let error):
            fail(say(.closedThrew, describe(error)), site)
        }
    }

    /// Calls the learner's acceptIfWaiting on `listener` with a deadline.
    static func acceptOnce(_ accept: @escaping Accept, _ listener: Socket, trace: TraceRecorder, _ site: CallSite)
        -> (LearnerOutcome<Socket?>, Double)? {
        let unblock = Unblocker()
        unblock.add(listener)
        let run = LearnerThread("acceptIfWaiting(on:)") { try accept(listener) }
        let advice: [SyscallName: String] = [.accept: say(.acceptAdvice)]
        guard let outcome = finish(run, trace: trace, unblock: unblock, site, advice: advice) else { return nil }
        return (outcome, run.secondsRunning)
    }

    public static func returnsNilWithoutAClient(_ accept: @escaping Accept, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let trace = TraceRecorder()
        guard let (listener, _) = try? makeListener(trace: trace) else { return fail(say(.gradingCouldNotListen), site) }
        defer { listener.close() }
        guard let (outcome, seconds) = acceptOnce(accept, listener, trace: trace, site) else { return }
        switch outcome {
        case .returned(nil):
            if seconds > 1 {
                fail(say(.acceptSlow, String(format: "%.1f", seconds)), site)
            }
        case .returned(let connection?):
            connection.close()
            fail(say(.acceptReturnedConnection), site)
        case .threw(let error):
            fail(say(.acceptThrewNoClient, describe(error)), site)
        }
        if !listener.isBlocking {
            fail(say(.leftNonBlocking), site)
        }
    }

    public static func takesAWaitingClient(_ accept: @escaping Accept, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let trace = TraceRecorder()
        guard let (listener, address) = try? makeListener(trace: trace),
              let client = try? connectClient(to: address) else { return fail(say(.gradingNoClient), site) }
        defer {
            listener.close()
            client.close()
        }
        // The handshake is complete when connect() returns on loopback, give or take a moment.
        _ = try? listener.waitUntilReadable(timeout: .seconds(1))
        guard let (outcome, _) = acceptOnce(accept, listener, trace: trace, site) else { return }
        switch outcome {
        case .returned(let connection?):
            defer { connection.close() }
            let peer = try? connection.peerAddress()
            let clientAddress = try? client.localAddress()
            if peer == nil || peer != clientAddress {
                fail(say(.wrongConnection, peer.map { "\($0)" } ?? say(.unknownAddress),
                         clientAddress.map { "\($0)" } ?? say(.unknownAddress)), site)
            }
        case .returned(nil):
            fail(say(.acceptNil), site)
        case .threw(let error):
            fail(say(.acceptThrewWaiting, describe(error)), site)
        }
        if !listener.isBlocking {
            fail(say(.leftNonBlocking), site)
        }
    }
}
