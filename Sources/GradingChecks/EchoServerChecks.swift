// Checks for exercise 11, echo-server (lesson 9).
import Foundation
import Sockets
import Trace

/// Grades `serveOneEchoClient(listener:)`.
public enum EchoServerChecks {
    public typealias Serve = @Sendable (Socket) throws -> Void

    /// Starts the learner's server on a fresh listener; the body plays the client and
    /// should close it when done. Afterwards, checks that the server returned.
    static func serving(_ serve: @escaping Serve, _ site: CallSite, client body: (Socket, LearnerThread<Void>) throws -> Void) {
        let trace = TraceRecorder()
        let spin = SpinWatch(trace: trace)
        guard let (listener, address) = try? makeListener(trace: trace) else { return fail(say(.gradingCouldNotListen), site) }
        let unblock = Unblocker()
        unblock.add(listener)
        let run = LearnerThread("serveOneEchoClient(listener:)") { () throws -> Void in try serve(listener) }
        do {
            let client = try connectClient(to: address)
            defer { client.close() }
            try body(client, run)
        } catch {
            fail(say(.gradingClientFailed, describe(error)), site)
        }
        let advice: [SyscallName: String] = [
            .recv: say(.echoServerRecvAdvice),
            .accept: say(.echoServerAcceptAdvice),
        ]
        switch finish(run, trace: trace, unblock: unblock, site, context: say(.afterClientClosed), advice: advice, spin: spin) {
        case .threw(let error)?: fail(say(.serveOneEchoClientThrew, describe(error)), site)
        default: break
        }
        unblock.release()
    }

    /// Sends `text` and reads a reply of the same length.
    static func exchange(_ client: Socket, _ text: String, _ server: LearnerThread<Void>, _ site: CallSite) -> Bool {
        let request = Array(text.utf8)
        let expected = request.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }
        do {
            try client.sendAll(request)
        } catch {
            fail(say(.echoSendFailed, showText(text), describe(error), server.hasEnded ? say(.serverReturnedAlready) : ""), site)
            return false
        }
        let (reply, closed, _) = receive(request.count, from: client, peerDone: { server.hasEnded })
        if reply == expected { return true }
        if reply.isEmpty {
            if closed {
                fail(say(.echoClosedBeforeAnswer, showText(text)), site)
            } else if server.hasEnded {
                fail(say(.echoNoAnswerReturned, showText(text)), site)
            } else {
                fail(say(.echoNoAnswer, showText(text)), site)
            }
        } else if reply == request, reply != expected {
            fail(say(.echoUnchanged, showText(text)), site)
        } else {
            fail(say(.echoWrongReply, showText(text), "\(request.count)", showBytes(reply), "\(reply.count)",
                     closed ? say(.beforeConnectionClosed) : ""), site)
        }
        return false
    }

    public static func answersInUpperCase(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, site) { client, server in
            _ = exchange(client, "hello", server, site)
        }
    }

    public static func answersEveryMessage(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, site) { client, server in
            for text in ["first", "second line\n", "ni hao 你好", "last"] {
                guard exchange(client, text, server, site) else { return }
            }
        }
    }

    public static func answersALongMessage(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, site) { client, server in
            let text = String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 2000)
            _ = exchange(client, text, server, site)
        }
    }

    public static func closesWhenTheClientCloses(_ serve: @escaping Serve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        serving(serve, site) { client, server in
            guard exchange(client, "bye", server, site) else { return }
            // The client says it is done; the server should close its side, which the
            // client sees as recv() returning no bytes.
            try client.shutdown(.write)
            if !peerClosed(client) {
                fail(say(.echoNotClosed), site)
            }
        }
    }
}
