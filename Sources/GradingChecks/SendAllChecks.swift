// Checks for exercise 8, send-all (lesson 8).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Sockets
import Synchronization

/// Grades `sendEverything(_:using:)`.
public enum SendAllChecks {
    public typealias SendEverything = @Sendable ([UInt8], (ArraySlice<UInt8>) throws(SocketError) -> Int) throws(SocketError) -> Void

    /// A peer that takes at most `most` bytes per send() and remembers them, as the kernel
    /// does when its send buffer has only that much room. Once the check gives up, further
    /// calls park the learner's thread instead of letting a runaway loop spin.
    final class StingyPeer: Sendable {
        let most: Int
        let failAfter: Int?
        private let state = Mutex<(received: [UInt8], calls: Int, gaveUp: Bool)>(([], 0, false))

        init(most: Int, failAfter: Int? = nil) {
            self.most = most
            self.failAfter = failAfter
        }

        func send(_ slice: ArraySlice<UInt8>) throws(SocketError) -> Int {
            let (stop, received) = state.withLock { ($0.gaveUp, $0.received.count) }
            if stop { Thread.sleep(forTimeInterval: 3600) }
            if let failAfter, received >= failAfter {
                throw SocketError(call: "send", reason: .system(.brokenPipe))
            }
            let taken = Array(slice.prefix(most))
            state.withLock {
                $0.received += taken
                $0.calls += 1
            }
            return taken.count
        }

        var received: [UInt8] { state.withLock { $0.received } }
        var calls: Int { state.withLock { $0.calls } }
        func giveUp() { state.withLock { $0.gaveUp = true } }
    }

    static func runAgainst(_ peer: StingyPeer, _ function: @escaping SendEverything, _ payload: [UInt8], _ site: CallSite)
        -> LearnerOutcome<Bool>? {
        let run = LearnerThread("sendEverything(_:using:)") { () throws -> Bool in
            try function(payload) { (slice) throws(SocketError) -> Int in try peer.send(slice) }
            return true
        }
        defer { peer.giveUp() }
        return finish(run, trace: nil, unblock: nil, site,
                      context: say(.sendingToStingyPeer, "\(payload.count)", "\(peer.most)"))
    }

    static func judge(_ peer: StingyPeer, _ payload: [UInt8], _ site: CallSite) {
        let received = peer.received
        if received == payload { return }
        if received.count < payload.count, payload.starts(with: received) {
            let calls = say(peer.calls == 1 ? .countCall : .countCalls, "\(peer.calls)")
            fail(say(.sentPart, "\(received.count)", "\(payload.count)", "\(peer.most)", calls), site)
        } else {
            fail(say(.sentFromStart, showBytes(received), "\(received.count)", showBytes(payload), "\(payload.count)"), site)
        }
    }

    public static func sendsTheRestAfterAPartialSend(_ function: @escaping SendEverything, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let payload = Array("hello, world".utf8)
        let peer = StingyPeer(most: 3)
        switch runAgainst(peer, function, payload, site) {
        case .returned?: judge(peer, payload, site)
        case .threw(let error)?: fail(say(.sendThrewAllSucceeded, describe(error)), site)
        case nil: break
        }
    }

    public static func oneByteAtATime(_ function: @escaping SendEverything, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let payload = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let peer = StingyPeer(most: 1)
        switch runAgainst(peer, function, payload, site) {
        case .returned?: judge(peer, payload, site)
        case .threw(let error)?: fail(say(.sendThrewAllSucceeded, describe(error)), site)
        case nil: break
        }
    }

    public static func sendsNothingForNoBytes(_ function: @escaping SendEverything, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let peer = StingyPeer(most: 3)
        switch runAgainst(peer, function, [], site) {
        case .returned?:
            if !peer.received.isEmpty { fail(say(.nothingToSend, showBytes(peer.received)), site) }
        case .threw(let error)?: fail(say(.sendThrewEmpty, describe(error)), site)
        case nil: break
        }
    }

    public static func letsAFailureOut(_ function: @escaping SendEverything, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let payload = Array("a message the peer will not get whole".utf8)
        let peer = StingyPeer(most: 5, failAfter: 5)
        switch runAgainst(peer, function, payload, site) {
        case .returned?:
            fail(say(.brokenPipeSwallowed, "\(payload.count)"), site)
        case .threw(let error)?:
            if let socketError = error as? SocketError, socketError.errno != .brokenPipe {
                fail(say(.brokenPipeChanged, describe(socketError)), site)
            }
        case nil:
            break
        }
    }

    /// The real thing: a non-blocking TCP socket with a small send buffer, whose send()
    /// takes only what fits. The learner's `send` waits until the socket can take more
    /// (as a blocking send would) and then sends what it can.
    public static func realPartialSends(_ function: @escaping SendEverything, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let connection = try? LoopbackConnection.make(trace: nil) else { return fail(say(.gradingCouldNotConnectLoopback), site) }
        defer { connection.close() }
        let theirs = connection.theirs
        do {
            try theirs.setSendBufferSize(16_384)
            try theirs.setBlocking(false)
        } catch {
            return fail(say(.gradingNoSocketSetup, describe(error)), site)
        }
        var generator = SplitMix(seed: 8)
        let payload = (0..<1_000_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let counts = Mutex<(calls: Int, partial: Int)>((0, 0))
        let reader = LearnerThread("the grading's reader") { () -> [UInt8] in
            var received: [UInt8] = []
            while received.count < payload.count {
                guard let chunk = try? connection.ours.recv(maxBytes: 65536), !chunk.isEmpty else { break }
                received += chunk
            }
            return received
        }
        let run = LearnerThread("sendEverything(_:using:)") { () throws -> Bool in
            try function(payload) { (slice) throws(SocketError) -> Int in
                guard try theirs.waitUntilWritable(timeout: .seconds(2)) else {
                    throw SocketError(call: "send", reason: .timedOut)
                }
                let taken = try theirs.send(slice)
                counts.withLock {
                    $0.calls += 1
                    if taken < slice.count { $0.partial += 1 }
                }
                return taken
            }
            return true
        }
        let unblock = Unblocker()
        unblock.add(connection.ours, theirs)
        let outcome = finish(run, trace: nil, unblock: unblock, site, context: say(.sendingOneMegabyte))
        // Let the peer know nothing more comes, so the reader stops.
        try? theirs.shutdown(.write)
        let received: [UInt8]
        if case .returned(let bytes)? = reader.wait(upTo: .seconds(3)) { received = bytes } else { received = [] }
        let (calls, partial) = counts.withLock { ($0.calls, $0.partial) }
        switch outcome {
        case .returned?:
            if received != payload {
                fail(say(.realIncomplete, "\(received.count)", "\(payload.count)",
                         payload.starts(with: received) ? "" : say(.notInOrderSent), "\(partial)", "\(calls)"), site)
            }
        case .threw(let error)?:
            fail(say(.realFailed, describe(error)), site)
        case nil:
            break
        }
    }
}
