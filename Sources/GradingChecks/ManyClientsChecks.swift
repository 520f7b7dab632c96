// Checks for exercise 13, many-clients (lesson 9).
import Foundation
import Sockets
import Trace

/// Grades `serveClients(listener:count:)`.
public enum ManyClientsChecks {
    public typealias Serve = @Sendable (Socket, Int) throws -> Void

    /// Starts the learner's server for `count` clients; the body plays the clients and gets
    /// an unblocker to register them with. Afterwards, checks that the server returned.
    static func serving(
        _ serve: @escaping Serve, count: Int, _ site: CallSite,
        clients body: (SocketAddress, LearnerThread<Void>, Unblocker) throws -> Void
    ) {
        let trace = TraceRecorder()
        let spin = SpinWatch(trace: trace)
        guard let (listener, address) = try? makeListener(trace: trace) else { return fail(say(.gradingCouldNotListen), site) }
        let unblock = Unblocker()
        unblock.add(listener)
        let run = LearnerThread("serveClients(listener:count: \(count))") { () throws -> Void in try serve(listener, count) }
        do {
            try body(address, run, unblock)
        } catch {
            fail(say(.gradingClientOfFailed, describe(error)), site)
        }
        let advice: [SyscallName: String] = [
            .accept: say(.manyAcceptAdvice, "\(count)"),
        ]
        switch finish(run, trace: trace, unblock: unblock, site, context: say(.afterEveryClientClosed), advice: advice, spin: spin) {
        case .threw(let error)?: fail(say(.serveClientsThrew, describe(error)), site)
        default: break
        }
        unblock.release()
    }

    /// Sends `text` on `client` and reads its echo; returns nil when it came back whole.
    static func echo(_ text: String, on client: Socket) -> String? {
        let bytes = Array(text.utf8)
        guard (try? client.sendAll(bytes)) != nil else { return say(.problemCouldNotSend) }
        let (reply, closed, _) = receive(bytes.count, from: client)
        if reply == bytes { return nil }
        if closed { return say(.problemClosed) }
        return reply.isEmpty ? say(.problemNoAnswer) : say(.problemOnly, showBytes(reply))
    }

    public static func servesAClientWhileAnotherIsSilent(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 2, site) { address, _, unblock in
            let silent = try connectClient(to: address)
            unblock.add(silent)
            pause(.milliseconds(50))
            let talker = try connectClient(to: address)
            unblock.add(talker)
            if let problem = echo("hi", on: talker) {
                fail(say(.silentClientBlocks, problem), site)
            }
            talker.close()
            silent.close()
        }
    }

    public static func servesFiveAtOnce(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 5, site) { address, _, unblock in
            var clients: [Socket] = []
            for _ in 0..<5 {
                let client = try connectClient(to: address)
                unblock.add(client)
                clients.append(client)
            }
            // The last to connect speaks first.
            for (index, client) in clients.enumerated().reversed() {
                if let problem = echo("client \(index + 1) of 5", on: client) {
                    fail(say(.fiveAtOnce, "\(index + 1)", problem, index < 4 ? say(.fiveAnsweredAlready, "\(index + 2)") : ""), site)
                    break
                }
            }
            for client in clients { client.close() }
        }
    }

    public static func waitsForEveryClient(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, count: 2, site) { address, server, unblock in
            let first = try connectClient(to: address)
            let second = try connectClient(to: address)
            unblock.add(first, second)
            defer {
                first.close()
                second.close()
            }
            if let problem = echo("one", on: first) ?? echo("two", on: second) {
                fail(say(.twoClients, problem), site)
                return
            }
            second.close()
            pause(.milliseconds(300))
            if server.hasEnded {
                fail(say(.returnedWhileConnected), site)
            }
            first.close()
        }
    }
}
