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
        guard let connection = try? LoopbackConnection.make(trace: trace) else { return fail("could not connect on loopback", site) }
        defer { connection.close() }
        let unblock = Unblocker()
        unblock.add(connection.theirs)
        let theirs = connection.theirs
        let learner = LearnerThread("receiveExactly(\(count), from:)") { try receive(count, theirs) }
        let ours = connection.ours
        Thread.detachNewThread { peer(ours) }
        let advice: [SyscallName: String] = [.recv: recvAdvice ?? ("The peer has sent every byte asked for (and no more is coming): "
            + "stop as soon as you have `count` bytes")]
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
                fail("\(situation): you returned \(bytes.count) bytes, but \(expected.count) were asked for. recv() returns "
                     + "what has arrived so far; call it again until you have them all", site)
            } else {
                fail("\(situation): you returned \(showBytes(bytes)), expected \(showBytes(expected))", site)
            }
        case .threw(let error):
            fail("\(situation): receiveExactly threw \(describe(error)) although every byte arrived", site)
        }
        return false
    }

    public static func allAtOnce(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let message = Array("hello, world".utf8)
        run(receive, count: 12, site, peer: { try? $0.sendAll(message) }) { outcome, _ in
            _ = expectBytes(outcome, message, "the peer sent 12 bytes in one send()", site)
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
                            "the peer sent 12 bytes as 3 + 5 + 4, with a pause before each piece", site)
        }
    }

    public static func leavesTheNextMessage(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let first = Array("0123456789".utf8)
        let next = Array("NEXT!!".utf8)
        run(receive, count: 10, site, peer: { try? $0.sendAll(first + next) }) { outcome, connection in
            guard expectBytes(outcome, first, "the peer sent a 10-byte message and the 6 bytes of the next one together", site) else { return }
            let (rest, _, _) = GradingChecks.receive(next.count, from: connection.theirs, within: .milliseconds(500))
            if rest != next {
                fail("you returned the right 10 bytes, but took \(next.count - rest.count) more from the socket: they belonged "
                     + "to the next message, and are lost now. Ask recv() for at most the bytes still missing "
                     + "(count - received)", site)
            }
        }
    }

    public static func zeroBytes(_ receive: @escaping Receive, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        run(receive, count: 0, site, recvAdvice: "You were asked for 0 bytes, and on Linux a recv() for 0 bytes on a TCP "
            + "socket waits for data to arrive. With nothing to receive, return [] without calling recv()", peer: { _ in }) { outcome, _ in
            switch outcome {
            case .returned(let bytes) where bytes.isEmpty: break
            case .returned(let bytes): fail("asked for 0 bytes, you returned \(showBytes(bytes))", site)
            case .threw(let error):
                fail("asked for 0 bytes, you threw \(describe(error)): for 0 bytes there is nothing to receive, so return [] "
                     + "without calling recv()", site)
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
                fail("the peer sent 5 bytes and closed; you returned \(showBytes(bytes)) as if all 12 had come. When recv() "
                     + "returns no bytes before you have them all, throw ConnectionClosedEarly", site)
            case .threw(let error):
                if !(error is SocketError), !String(describing: error).hasPrefix("ConnectionClosedEarly") {
                    fail("the peer sent 5 bytes and closed; you threw \(describe(error)); expected ConnectionClosedEarly", site)
                }
            }
        }
    }
}
