// Checks for exercise 9, datagram-echo (lesson 8).
import Foundation
import Sockets
import TextUI
import Trace

/// Grades `serveDatagrams(on:count:)`.
public enum DatagramEchoChecks {
    public typealias Serve = @Sendable (Socket, Int) throws -> Void

    /// A UDP socket on 127.0.0.1 with a port the kernel chose.
    static func udpSocket(trace: TraceRecorder?, role: String) throws -> (Socket, SocketAddress) {
        let socket = try Socket(family: .inet, type: .datagram, tracer: trace, role: role)
        try socket.bind(to: .ipv4(.loopback, port: 0))
        return (socket, try socket.localAddress())
    }

    /// Waits for the replies to the grading's clients, and stops waiting soon after the
    /// learner's server has returned: no more replies can come then.
    struct Replies {
        let server: LearnerThread<Void>

        /// The next datagram on `client`, or nil after 2 s (or sooner, once the server is done).
        func next(on client: Socket) -> [UInt8]? {
            let deadline = ContinuousClock.now.advanced(by: .seconds(2))
            var graceLeft = 4
            while ContinuousClock.now < deadline {
                if (try? client.waitUntilReadable(timeout: .milliseconds(50))) == true {
                    return try? client.recvFrom(maxBytes: 65535).0
                }
                if server.hasEnded {
                    graceLeft -= 1
                    if graceLeft == 0 { return nil }
                }
            }
            return nil
        }

        /// Adds, when the server has returned already, that it returned without answering.
        var returnedEarly: String {
            server.hasEnded ? say(.datagramReturnedEarly) : ""
        }
    }

    /// Starts the learner's server for `count` datagrams; the body plays the clients.
    static func serving(
        _ serve: @escaping Serve, count: Int, _ site: CallSite,
        clients: (SocketAddress, Replies) throws -> Void
    ) {
        let trace = TraceRecorder()
        guard let (server, address) = try? udpSocket(trace: trace, role: "your server") else {
            return fail(say(.gradingNoUDP), site)
        }
        let unblock = Unblocker()
        unblock.add(server)
        let run = LearnerThread("serveDatagrams(on:count: \(count))") { () throws -> Void in try serve(server, count) }
        do {
            try clients(address, Replies(server: run))
        } catch {
            fail(say(.gradingClientFailed, describe(error)), site)
        }
        let advice: [SyscallName: String] = [.recvfrom: say(.datagramRecvfromAdvice)]
        switch finish(run, trace: trace, unblock: unblock, site, advice: advice) {
        case .threw(let error)?: fail(say(.serveDatagramsThrew, describe(error)), site)
        default: break
        }
        unblock.release()
    }

    public static func echoesADatagram(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 1, site) { address, replies in
            let (client, _) = try udpSocket(trace: nil, role: "client")
            defer { client.close() }
            try client.sendTo(Array("ping".utf8), address: address)
            guard let answer = replies.next(on: client) else {
                return fail(say(.datagramNoEcho, replies.returnedEarly), site)
            }
            if answer != Array("ping".utf8) {
                fail(say(.datagramWrongEcho, showBytes(answer)), site)
            }
        }
    }

    public static func answersEachSender(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 2, site) { address, replies in
            let (first, _) = try udpSocket(trace: nil, role: "client A")
            let (second, _) = try udpSocket(trace: nil, role: "client B")
            defer {
                first.close()
                second.close()
            }
            try first.sendTo(Array("from A".utf8), address: address)
            try second.sendTo(Array("from B".utf8), address: address)
            let toFirst = replies.next(on: first)
            let toSecond = replies.next(on: second)
            if toFirst != Array("from A".utf8) || toSecond != Array("from B".utf8) {
                fail(say(.datagramSenders, toFirst.map { showBytes($0) } ?? say(.nothing),
                         toSecond.map { showBytes($0) } ?? say(.nothing), replies.returnedEarly), site)
            }
        }
    }

    public static func keepsDatagramsApart(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let messages = ["one", "two", "three"].map { Array($0.utf8) }
        serving(serve, count: 3, site) { address, replies in
            let (client, _) = try udpSocket(trace: nil, role: "client")
            defer { client.close() }
            for message in messages { try client.sendTo(message, address: address) }
            var answers: [[UInt8]] = []
            for _ in messages {
                guard let answer = replies.next(on: client) else { break }
                answers.append(answer)
            }
            if answers != messages {
                fail(say(.datagramApart, "\(answers.map { showBytes($0) })", replies.returnedEarly), site)
            }
        }
    }

    public static func echoesAnEmptyDatagram(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 2, site) { address, replies in
            let (client, _) = try udpSocket(trace: nil, role: "client")
            defer { client.close() }
            try client.sendTo([], address: address)
            try client.sendTo(Array("after".utf8), address: address)
            let first = replies.next(on: client)
            let second = replies.next(on: client)
            if first != [] || second != Array("after".utf8) {
                fail(say(.datagramEmpty, first.map { showBytes($0) } ?? say(.nothing),
                         second.map { showBytes($0) } ?? say(.nothing), replies.returnedEarly), site)
            }
        }
    }
}
