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
            fail("the grading could not set up a connection on loopback", site)
            return nil
        }
        let unblock = Unblocker()
        unblock.add(connection.theirs)
        let theirs = connection.theirs
        prepare(connection.ours)
        let run = LearnerThread("receive(from:waitingAtMost: \(limit))") { try receive(theirs, limit) }
        let advice: [SyscallName: String] = [.recv: "A plain recv() waits until something arrives, however long that takes: "
            + "give the socket a timeout first (setTimeout(limit))"]
        guard let outcome = finish(run, trace: trace, unblock: unblock, site, advice: advice) else {
            connection.close()
            return nil
        }
        return (outcome, run.secondsRunning, connection)
    }

    public static func givesUpWhenNothingArrives(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let (outcome, seconds, connection) = receiveOn(receive, limit: .milliseconds(300), site, prepare: { _ in }) else { return }
        defer { connection.close() }
        switch outcome {
        case .returned(nil):
            if seconds < 0.25 {
                fail(String(format: "receive returned nil after %.2f s, but it was allowed to wait 0.3 s: ", seconds)
                     + "wait for the timeout before giving up (set it with setTimeout(limit), then recv())", site)
            }
        case .returned(let bytes?):
            fail("the peer sent nothing and stayed connected, so receive should return nil after 0.3 s; it returned "
                 + "\(showBytes(bytes))" + (bytes.isEmpty ? ": an empty array means the peer closed, which it did not" : ""), site)
        case .threw(let error):
            fail("the peer sent nothing for 0.3 s, so receive should return nil; it threw instead: \(describe(error)). "
                 + "Catch the timeout (a SocketError whose reason is .timedOut) and return nil", site)
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
            fail("the peer had sent \(showBytes(message)) before the call, so receive should return it; it returned "
                 + (bytes.map { showBytes($0) } ?? "nil"), site)
        case .threw(let error):
            fail("the peer had sent \(showBytes(message)); receive threw instead of returning it: \(describe(error))", site)
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
            fail("the peer sent \(showBytes(message)) after 0.15 s, well within the 2 s allowed; receive returned nil "
                 + "instead of waiting for it", site)
        case .returned(let bytes?):
            fail("the peer sent \(showBytes(message)) after 0.15 s; receive returned \(showBytes(bytes))", site)
        case .threw(let error):
            fail("the peer sent \(showBytes(message)) after 0.15 s; receive threw: \(describe(error))", site)
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
            fail("the peer closed its side (its FIN arrived), so recv() returns no bytes at once: receive should return "
                 + "an empty array, not nil. nil is for a peer that is silent but still connected", site)
        case .returned(let bytes?):
            fail("the peer closed without sending; receive returned \(showBytes(bytes))", site)
        case .threw(let error):
            fail("the peer closed its side; recv() returns no bytes, which is not an error, but receive threw: \(describe(error))", site)
        }
    }

    /// Calls the learner's acceptIfWaiting on `listener` with a deadline.
    static func acceptOnce(_ accept: @escaping Accept, _ listener: Socket, trace: TraceRecorder, _ site: CallSite)
        -> (LearnerOutcome<Socket?>, Double)? {
        let unblock = Unblocker()
        unblock.add(listener)
        let run = LearnerThread("acceptIfWaiting(on:)") { try accept(listener) }
        let advice: [SyscallName: String] = [.accept: "A blocking accept() waits until a client comes: "
            + "switch the listener to non-blocking mode first (setBlocking(false))"]
        guard let outcome = finish(run, trace: trace, unblock: unblock, site, advice: advice) else { return nil }
        return (outcome, run.secondsRunning)
    }

    public static func returnsNilWithoutAClient(_ accept: @escaping Accept, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let trace = TraceRecorder()
        guard let (listener, _) = try? makeListener(trace: trace) else { return fail("the grading could not listen", site) }
        defer { listener.close() }
        guard let (outcome, seconds) = acceptOnce(accept, listener, trace: trace, site) else { return }
        switch outcome {
        case .returned(nil):
            if seconds > 1 {
                fail(String(format: "acceptIfWaiting took %.1f s to return nil: a non-blocking accept() ", seconds)
                     + "returns at once when no client waits", site)
            }
        case .returned(let connection?):
            connection.close()
            fail("no client had connected, yet acceptIfWaiting returned a connection", site)
        case .threw(let error):
            fail("no client was waiting, so a non-blocking accept() fails at once with EAGAIN (.wouldBlock); return nil "
                 + "for that instead of throwing. It threw: \(describe(error))", site)
        }
        if !listener.isBlocking {
            fail("the listener was left in non-blocking mode: put it back with setBlocking(true) before returning", site)
        }
    }

    public static func takesAWaitingClient(_ accept: @escaping Accept, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let trace = TraceRecorder()
        guard let (listener, address) = try? makeListener(trace: trace),
              let client = try? connectClient(to: address) else { return fail("the grading could not connect a client", site) }
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
                fail("the connection returned is not the waiting client's (its peer is "
                     + "\(peer.map { "\($0)" } ?? "unknown"), the client is \(clientAddress.map { "\($0)" } ?? "unknown"))", site)
            }
        case .returned(nil):
            fail("a client had connected and was waiting in the accept queue, but acceptIfWaiting returned nil", site)
        case .threw(let error):
            fail("a client was waiting, but acceptIfWaiting threw: \(describe(error))", site)
        }
        if !listener.isBlocking {
            fail("the listener was left in non-blocking mode: put it back with setBlocking(true) before returning", site)
        }
    }
}
