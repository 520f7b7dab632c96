@testable import LessonKit
import XCTest

/// The coverage contract (TOPICS.md): every topic of the source notes is taught by some
/// lesson. A lesson claims the ids it teaches in its front matter (`topics:`), and its text
/// must contain each of the topic's terms (compared without case): the terms are chosen so
/// that they cannot be avoided when the topic is really taught.
let coverageTopics: [(id: String, terms: [String])] = [
    ("osi.model", ["ISO", "1985", "seven"]),
    ("osi.principles", ["interface", "peer", "service"]),
    ("osi.physical", ["physical layer", "bit", "DTE", "DCE"]),
    ("osi.datalink", ["data link layer", "frame", "SDLC", "HDLC", "PPP", "STP", "frame relay"]),
    ("osi.network", ["network layer", "packet", "IP", "IPX", "RIP", "OSPF", "ARP", "routing"]),
    ("osi.transport", ["transport layer", "segment", "datagram", "TCP", "UDP", "SPX"]),
    ("osi.session", ["session layer", "checkpoint"]),
    ("osi.presentation", ["presentation layer", "compression", "encryption"]),
    ("osi.application", ["application layer", "Telnet", "FTP", "HTTP", "SNMP"]),
    ("osi.data-units", ["bit", "frame", "packet", "segment", "datagram", "message"]),
    ("tcp-udp.reliability", ["reliable", "retransmi"]),
    ("tcp-udp.flow-control", ["flow control", "window"]),
    ("tcp-udp.full-duplex", ["full duplex"]),
    ("tcp-udp.multiplexing", ["multiplex", "port"]),
    ("tcp-udp.connection-oriented", ["connection-oriented", "connectionless"]),
    ("tcp-udp.applications", ["Telnet", "FTP", "SMTP", "NFS", "SNMP", "DNS", "TFTP"]),
    ("tcp-udp.lower-layer-independence", ["independent", "link"]),
    ("socket.ip-port", ["65535", "port"]),
    ("socket.switchboard-analogy", ["switchboard", "extension"]),
    ("socket.roles", ["server", "client", "listen", "initiat"]),
    ("socket.address", ["socket address"]),
    ("socket.file-descriptor", ["file descriptor", "everything is a file"]),
    ("socket.berkeley-api", ["Berkeley"]),
    ("socket.hello-world", ["Hello, world!", "80"]),
    ("handshake.steps", ["SYN", "J+1", "K+1"]),
    ("handshake.calls", ["connect()", "accept()", "listen()"]),
    ("handshake.connect-returns", ["connect() returns", "SYN-ACK"]),
    ("handshake.accept-returns", ["accept() returns", "final ACK"]),
    ("handshake.live-demo", ["osilab handshake"]),
    ("families", ["AF_UNIX", "AF_INET", "AF_INET6"]),
    ("types", ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"]),
    ("methods.socket", ["socket.socket"]),
    ("methods.socketpair", ["socketpair"]),
    ("methods.create-connection", ["create_connection"]),
    ("methods.getaddrinfo", ["getaddrinfo"]),
    ("methods.bind", ["bind"]),
    ("methods.listen-backlog", ["listen", "backlog"]),
    ("methods.setblocking", ["setblocking"]),
    ("methods.accept", ["accept"]),
    ("methods.connect", ["connect"]),
    ("methods.connect-ex", ["connect_ex"]),
    ("methods.close", ["close"]),
    ("methods.recv", ["recv"]),
    ("methods.recvfrom", ["recvfrom"]),
    ("methods.send", ["send"]),
    ("methods.sendall", ["sendall"]),
    ("methods.sendto", ["sendto"]),
    ("methods.settimeout", ["settimeout"]),
    ("methods.getpeername", ["getpeername"]),
    ("methods.getsockname", ["getsockname"]),
    ("methods.fileno", ["fileno"]),
    ("methods.sendfile", ["sendfile"]),
    ("programs.echo", ["4545", "upper"]),
    ("programs.remote-command", ["4000", "Have no message"]),
    ("programs.file-get", ["9999", "get"]),
    ("programs.sticky-packets", ["粘包", "byte stream", "boundar"]),
    ("programs.utf8-split", ["UTF-8"]),
    ("programs.framing", ["length prefix"]),
    ("errata.accept-synack", ["kernel", "SYN-ACK", "accept"]),
    ("errata.connect-ex-111", ["111", "ECONNREFUSED", "10061"]),
    ("errata.seqpacket", ["SOCK_SEQPACKET", "AF_UNIX", "SCTP"]),
    ("errata.rdm", ["SOCK_RDM"]),
    ("errata.sendall-loop", ["loop", "sendall"]),
    ("errata.sendfile", ["zero-copy", "sendfile"]),
    ("errata.setblocking-eagain", ["EAGAIN", "BlockingIOError"]),
    ("errata.backlog", ["backlog", "accept queue"]),
    // Lesson 13 (many-clients).
    ("clients.one-at-a-time", ["accept()", "Recv-Q", "iterative"]),
    ("clients.threads", ["threading", "thread"]),
    ("clients.readiness", ["select()", "poll()", "epoll", "selectors"]),
    // Lesson 11 (closing): how connections end, and restarting a server.
    ("closing.fin-each-way", ["FIN", "ACK", "four-way"]),
    ("closing.half-close", ["shutdown", "SHUT_WR", "half-close"]),
    ("closing.time-wait", ["TIME-WAIT", "MSL", "TCP_TIMEWAIT_LEN", "RFC 9293"]),
    ("closing.close-wait", ["CLOSE-WAIT", "FIN-WAIT-2", "ss -tan"]),
    ("closing.reset", ["RST", "SO_LINGER", "ECONNRESET"]),
    ("closing.reuseaddr", ["SO_REUSEADDR", "EADDRINUSE", "setReuseAddress"]),
    ("closing.reuseport", ["SO_REUSEPORT", "hash"]),
    // Lesson 14 (errors): the error paths.
    ("errors.reset", ["ECONNRESET", "ConnectionResetError", "RST", "SO_LINGER"]),
    ("errors.epipe-sigpipe", ["EPIPE", "BrokenPipeError", "SIGPIPE", "MSG_NOSIGNAL", "SIG_IGN"]),
    ("errors.unreachable", ["ENETUNREACH", "EHOSTUNREACH", "ARP", "route"]),
    ("errors.timedout", ["ETIMEDOUT", "tcp_syn_retries", "TimeoutError"]),
    ("errors.syncookies", ["SYN cookie", "tcp_syncookies", "nstat", "ListenOverflows", "SyncookiesSent"]),
    // Lesson 12 (data transfer).
    ("transfer.seq-ack", ["sequence number", "acknowledgment number", "next byte", "seq + len"]),
    ("transfer.window", ["receive window", "window scale", "wscale", "zero-window probe", "Recv-Q", "Send-Q"]),
    ("transfer.retransmission", ["retransmission", "same sequence number", "RTO", "exponential backoff", "tail loss probe"]),
    ("transfer.nagle", ["Nagle", "delayed ACK", "TCP_NODELAY"]),
]

final class CoverageTests: XCTestCase {
    func testEveryTopicIsClaimedByALessonThatUsesItsTerms() throws {
        guard let library = RealLessons.load() else { return }
        XCTAssertFalse(library.lessons.isEmpty, "no lessons were found in \(RealLessons.folder.path)")
        for topic in coverageTopics {
            let claimants = library.lessons.filter { $0.topics.contains(topic.id) }
            guard !claimants.isEmpty else {
                XCTFail("no lesson claims the topic `\(topic.id)`: add it to the `topics:` of the lesson that teaches it")
                continue
            }
            for lesson in claimants {
                let text = lesson.source.lowercased()
                let missing = topic.terms.filter { !text.contains($0.lowercased()) }
                XCTAssertTrue(missing.isEmpty,
                              "\(lesson.file) claims `\(topic.id)` but never says: \(missing.joined(separator: "; "))")
            }
        }
    }

    func testLessonsClaimOnlyKnownTopics() throws {
        guard let library = RealLessons.load() else { return }
        let known = Set(coverageTopics.map(\.id))
        for lesson in library.lessons {
            for topic in lesson.topics where !known.contains(topic) {
                XCTFail("\(lesson.file) claims `\(topic)`, which is not in the coverage list (Tests/LessonKitTests/CoverageTests.swift)")
            }
        }
    }

    func testTheListHoldsEveryTopicOnce() {
        let ids = coverageTopics.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count, "a topic id is listed twice")
        XCTAssertEqual(ids.count, 85, "TOPICS.md lists 66 topics; lessons 11 to 14 add 19")
        for topic in coverageTopics { XCTAssertFalse(topic.terms.isEmpty, "\(topic.id) has no terms") }
    }
}
