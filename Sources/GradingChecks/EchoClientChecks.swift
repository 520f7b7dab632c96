// Checks for exercise 12, echo-client (lesson 9), one of them on captured packets.
import Capture
import Foundation
import Sockets
import Synchronization
import Timeline
import Wire

/// Grades `echoClient(server:messages:)`.
public enum EchoClientChecks {
    public typealias Client = @Sendable (SocketAddress, [String]) throws -> [String]

    /// The grading's upper-case echo server for one client. Each reply goes out in pieces
    /// of `piece` bytes with a short pause between them, so a client that reads only once
    /// gets part of it. It closes after the client's FIN.
    final class EchoServer: Sendable {
        let listener: Socket
        let address: SocketAddress
        let thread: LearnerThread<Void>

        init(piece: Int) throws {
            (listener, address) = try makeListener(trace: nil)
            let listener = self.listener
            thread = LearnerThread("the grading's echo server") { () throws -> Void in
                guard try listener.waitUntilReadable(timeout: .seconds(4)) else { return }
                let (connection, _) = try listener.accept()
                defer { connection.close() }
                try connection.setTimeout(.seconds(4))
                try connection.setNoDelay(true)
                while true {
                    let data = try connection.recv(maxBytes: 65536)
                    if data.isEmpty { return }
                    let reply = data.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }
                    var offset = 0
                    while offset < reply.count {
                        if offset > 0 { pause(.milliseconds(20)) }
                        let end = min(reply.count, offset + piece)
                        try connection.sendAll(reply[offset..<end])
                        offset = end
                    }
                }
            }
        }

        func stop() {
            try? listener.shutdown(.both)
            listener.close()
            _ = thread.wait(upTo: .seconds(1))
        }
    }

    static func upper(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    static func talk(_ client: @escaping Client, _ messages: [String], piece: Int, _ site: CallSite) {
        guard let server = try? EchoServer(piece: piece) else { return fail("the grading could not start its echo server", site) }
        defer { server.stop() }
        let address = server.address
        let run = LearnerThread("echoClient(server:messages:)") { try client(address, messages) }
        switch finish(run, trace: nil, unblock: nil, site) {
        case .returned(let replies)?:
            let expected = messages.map(upper)
            guard replies != expected else { return }
            if replies.count != messages.count {
                return fail("you sent \(messages.count) message\(messages.count == 1 ? "" : "s") and returned "
                            + "\(replies.count) repl\(replies.count == 1 ? "y" : "ies"): one reply per message", site)
            }
            for (index, (got, want)) in zip(replies, expected).enumerated() where got != want {
                let (gotBytes, wantBytes) = (got.utf8.count, want.utf8.count)
                if got.unicodeScalars.count < want.unicodeScalars.count {
                    return fail("for \(showText(messages[index])) the server's reply is \(wantBytes) bytes, and arrived in pieces "
                                + "of \(piece); you returned only part of it, \(showText(got)) (\(gotBytes) bytes). Keep receiving "
                                + "until you have as many bytes as you sent", site)
                }
                if got.contains("\u{FFFD}") {
                    return fail("reply \(index + 1) contains \"\u{FFFD}\", the mark of broken UTF-8: you decoded a piece that "
                                + "ended in the middle of a character. Collect all the reply's bytes, then decode once", site)
                }
                return fail("for \(showText(messages[index])) you returned \(showText(got)), expected \(showText(want))", site)
            }
        case .threw(let error)?:
            fail("echoClient threw: \(describe(error))", site)
        case nil:
            break
        }
    }

    public static func getsEveryReply(_ client: @escaping Client, file: StaticString = #filePath, line: UInt = #line) {
        talk(client, ["hello", "osi model", "ni hao 你好"], piece: 65536, CallSite(file: file, line: line))
    }

    public static func readsAReplyInPieces(_ client: @escaping Client, file: StaticString = #filePath, line: UInt = #line) {
        let long = String(repeating: "socket 套接字 ", count: 150)
        talk(client, [long, "short"], piece: 1000, CallSite(file: file, line: line))
    }

    /// Captures the client's connection on loopback and checks it with Timeline's
    /// connection tracker: a complete handshake, a FIN each way (the client's first), no RST.
    public static func opensAndClosesProperly(_ client: @escaping Client, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let server = try? EchoServer(piece: 65536), let port = server.address.port else {
            return fail("the grading could not start its echo server", site)
        }
        defer { server.stop() }
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: CaptureOptions(filter: "tcp port \(port)"))
        } catch {
            let privilege = error.kind == .permissionDenied
            return fail(privilege
                ? "this check watches your client's packets on loopback, and capturing needs privilege: "
                    + "`osilab check echo-client` grades it in a private network of your own (no root needed; "
                    + "`osilab doctor` says whether this machine allows one), or run the tests as root. (\(error))"
                : "the grading could not capture on loopback: \(error)", site)
        }
        let background = capture.startInBackground()
        let address = server.address
        let run = LearnerThread("echoClient(server:messages:)") { try client(address, ["hello"]) }
        let outcome = finish(run, trace: nil, unblock: nil, site)
        // The kernel finishes the close after the program has moved on: wait for the last ACK.
        if !background.packets.isEmpty { _ = server.thread.wait(upTo: .seconds(2)) }
        _ = background.waitUntil(timeout: .seconds(1)) { packets in
            packets.filter { decodePacket($0.bytes, linkType: LinkType(rawValue: $0.dataLink)).tcp?.flags.contains(.fin) == true }
                .count >= 2
        }
        pause(.milliseconds(50))
        let packets = (try? background.stop().packets) ?? []
        guard case .returned? = outcome else {
            if case .threw(let error)? = outcome { fail("echoClient threw: \(describe(error))", site) }
            return
        }
        var tracker = ConnectionTracker()
        var roles: [AnnotatedSegment] = []
        for (index, packet) in packets.enumerated() {
            let decoded = decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
            if let segment = Segment(decoded, number: index + 1, timestamp: packet.timestamp) {
                roles.append(tracker.annotate(segment))
            }
        }
        let steps = Set(roles.compactMap(\.step))
        if roles.isEmpty || !steps.contains(1) {
            return fail("no SYN from your client to port \(port) was captured: did it connect to the address it was given?", site)
        }
        if !steps.isSuperset(of: [1, 2, 3]) {
            return fail("the capture shows an incomplete handshake (steps \(steps.sorted()) of 1, 2, 3)", site)
        }
        if roles.contains(where: { $0.role == .reset }) {
            return fail("the connection ended with a reset (RST) rather than a FIN each way: a socket closed while data it "
                        + "had not read was waiting sends RST. Read every reply before closing", site)
        }
        let clientFIN = roles.first { if case .fin = $0.role { $0.direction == .clientToServer } else { false } }
        let serverFIN = roles.first { if case .fin = $0.role { $0.direction == .serverToClient } else { false } }
        guard let clientFIN else {
            return fail("your client never sent a FIN: close the socket when you are done (the grading's server closes "
                        + "its side only after yours), so the connection ends properly", site)
        }
        if serverFIN == nil {
            return fail("your client sent its FIN, but no FIN came back from the server within 1 s", site)
        }
        if case .fin(let first) = clientFIN.role, !first {
            fail("the server closed first; the client should close first here, after its last reply", site)
        }
    }
}
