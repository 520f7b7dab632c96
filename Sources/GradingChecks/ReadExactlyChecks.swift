// Checks for exercise 16, read-exactly (lesson 10).
import Foundation
import Sockets
import Trace

/// Grades `receiveExactly(_:from:)`.
public enum ReadExactlyChecks {
    public typealias Receive = @Sendable (Int, Socket) throws -> [UInt8]

    /// Runs the learner's function for `count` bytes while `peer` writes on the grading's end.
    static func run(
        _ receive: @escaping Receive, count: Int, _ site: CallSite, recvAdvice: String? = nil,
        peer: @escaping @Sendable (Socket) -> Void,
        then: (LearnerOutcome<[UInt8]>, LoopbackConnection) -> Void
    ) {
        let trace = TraceRecorder()
        let spin = SpinWatch(trace: trace)
        guard let connection = try? LoopbackConnection.make(trace: trace) else { return fail(say(.couldNotConnectLoopback), site) }
        defer { connection.close() }
        let unblock = Unblocker()
        unblock.add(connection.theirs)
        let theirs = connection.theirs
        let learner = LearnerThread("receiveExactly(\(count), from:)") { try receive(count, theirs) }
        let ours = connection.ours
        Thread.detachNewThread { peer(ours) }
        let advice: [SyscallName: String] = [.recv: recvAdvice ?? say(.readExactlyAdvice)]
        if let outcome = finish(learner, trace: trace, unblock: unblock, site, advice: advice, spin: spin) {
            then(outcome, connection)
        }
    }

    static func expectBytes(_ outcome: LearnerOutcome<[UInt8]>, _ expected: [UInt8], _ situation: String, _ site: CallSite) -> Bool {
        switch outcome {
        case .returned(let bytes) where bytes == expected:
            return true
        case .returned(let bytes):
            if bytes.count < expected.count, expected.starts(with: bytes) {
                fail(say(.readShort, situation, "\(bytes.count)", "\(expected.count)"), site)
            } else {
                fail(say(.readWrong, situation, showBytes(bytes), showBytes(expected)), site)
            }
        case .threw(let error):
            fail(say(.readThrew, situation, describe(error)), site)
        }
        return false
    }

    public static func allAtOnce(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let message = Array("hello, world".utf8)
        run(receive, count: 12, site, peer: { try? $0.sendAll(message) }) { outcome, _ in
            _ = expectBytes(outcome, message, say(.situationOneSend), site)
        }
    }

    public static func splitIntoPieces(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let pieces = ["hel", "lo, w", "orld"].map { Array($0.utf8) }
        run(receive, count: 12, site, peer: { ours in
            for (index, piece) in pieces.enumerated() {
                if index > 0 { pause(.milliseconds(60)) }
                try? ours.sendAll(piece)
            }
        }) { outcome, _ in
            _ = expectBytes(outcome, Array("hello, world".utf8),
                            say(.situationThreePieces), site)
        }
    }

    public static func leavesTheNextMessage(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let first = Array("0123456789".utf8)
        let next = Array("NEXT!!".utf8)
        run(receive, count: 10, site, peer: { try? $0.sendAll(first + next) }) { outcome, connection in
            guard expectBytes(outcome, first, say(.situationNextMessage), site) else { return }
            let (rest, _, _) = GradingChecks.receive(next.count, from: connection.theirs, within: .milliseconds(500))
            if rest != next {
                fail(say(.tookTooMuch, "\(next.count - rest.count)"), site)
            }
        }
    }

    public static func zeroBytes(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        run(receive, count: 0, site, recvAdvice: say(.zeroBytesAdvice), peer: { _ in }) { outcome, _ in
            switch outcome {
            case .returned(let bytes) where bytes.isEmpty: break
            case .returned(let bytes): fail(say(.zeroReturned, showBytes(bytes)), site)
            case .threw(let error):
                fail(say(.zeroThrew, describe(error)), site)
            }
        }
    }

    public static func peerClosesEarly(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        run(receive, count: 12, site, peer: { ours in
            try? ours.sendAll(Array("hello".utf8))
            try? ours.shutdown(.write)
        }) { outcome, _ in
            switch outcome {
            case .returned(let bytes):
                fail(say(.closedEarlyReturned, showBytes(bytes)), site)
            case .threw(let error):
                if !(error is SocketError), !String(describing: error).hasPrefix("ConnectionClosedEarly") {
                    fail(say(.closedEarlyWrongError, describe(error)), site)
                }
            }
        }
    }
}
