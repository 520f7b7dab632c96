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
        guard let server = try? EchoServer(piece: piece) else { return fail(say(.gradingNoEchoServer), site) }
        defer { server.stop() }
        let address = server.address
        let run = LearnerThread("echoClient(server:messages:)") { try client(address, messages) }
        switch finish(run, trace: nil, unblock: nil, site) {
        case .returned(let replies)?:
            let expected = messages.map(upper)
            guard replies != expected else { return }
            if replies.count != messages.count {
                let sent = say(messages.count == 1 ? .countMessage : .countMessages, "\(messages.count)")
                let returned = say(replies.count == 1 ? .countReply : .countReplies, "\(replies.count)")
                return fail(say(.echoClientCount, sent, returned), site)
            }
            for (index, (got, want)) in zip(replies, expected).enumerated() where got != want {
                let (gotBytes, wantBytes) = (got.utf8.count, want.utf8.count)
                if got.unicodeScalars.count < want.unicodeScalars.count {
                    return fail(say(.echoClientPartial, showText(messages[index]), "\(wantBytes)", "\(piece)", showText(got),
                                    "\(gotBytes)"), site)
                }
                if got.contains("\u{FFFD}") {
                    return fail(say(.echoClientBrokenUTF8, "\(index + 1)"), site)
                }
                return fail(say(.echoClientWrong, showText(messages[index]), showText(got), showText(want)), site)
            }
        case .threw(let error)?:
            fail(say(.echoClientThrew, describe(error)), site)
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
            return fail(say(.gradingNoEchoServer), site)
        }
        defer { server.stop() }
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: CaptureOptions(filter: "tcp port \(port)"))
        } catch {
            let privilege = error.kind == .permissionDenied
            return fail(say(privilege ? .captureNeedsPrivilege : .captureFailed, describe(error)), site)
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
            if case .threw(let error)? = outcome { fail(say(.echoClientThrew, describe(error)), site) }
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
            return fail(say(.noSYN, "\(port)"), site)
        }
        if !steps.isSuperset(of: [1, 2, 3]) {
            return fail(say(.incompleteHandshake, "\(steps.sorted())"), site)
        }
        if roles.contains(where: { $0.role == .reset }) {
            return fail(say(.endedWithReset), site)
        }
        let clientFIN = roles.first { if case .fin = $0.role { $0.direction == .clientToServer } else { false } }
        let serverFIN = roles.first { if case .fin = $0.role { $0.direction == .serverToClient } else { false } }
        guard let clientFIN else {
            return fail(say(.clientNoFIN), site)
        }
        if serverFIN == nil {
            return fail(say(.serverNoFIN), site)
        }
        if case .fin(let first) = clientFIN.role, !first {
            fail(say(.serverClosedFirst), site)
        }
    }
}
