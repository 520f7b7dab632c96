import Foundation
import SockDiag
import TextUI
import Wire
import XCTest

/// The parser against a reply the kernel really sent (Fixtures/record-dump.py made it, and
/// wrote down what it had done), and against that reply cut, padded and corrupted.
final class SockDiagParserTests: XCTestCase {
    struct Recorded: Decodable {
        var listener: String
        var backlog: UInt32
        var queued: UInt32
        var established: [[String]]
        var data_client: String
        var data_bytes: UInt64
    }

    private func fixture() throws -> ([UInt8], Recorded) {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent("dump-ipv4.bin")))
        let facts = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: folder.appendingPathComponent("dump-ipv4.json")))
        return (bytes, facts)
    }

    func testTheRecordedDumpReadsAsTheScriptBuiltIt() throws {
        let (bytes, facts) = try fixture()
        let reply = SockDiagReply.parse(bytes)
        XCTAssertNil(reply.problem)
        XCTAssertTrue(reply.done)
        XCTAssertEqual(reply.sockets.count, 1 + facts.established.count)
        let listener = try XCTUnwrap(reply.sockets.first { $0.state == .listen })
        XCTAssertEqual("\(listener.local)", facts.listener)
        XCTAssertEqual(listener.receiveQueue, facts.queued, "ss's Recv-Q of a listener: the accept queue")
        XCTAssertEqual(listener.sendQueue, facts.backlog, "ss's Send-Q of a listener: the backlog")
        for pair in facts.established {
            let socket = try XCTUnwrap(reply.sockets.first { "\($0.local)" == pair[0] && "\($0.remote)" == pair[1] }, "\(pair)")
            XCTAssertEqual(socket.state, .established)
            XCTAssertEqual(socket.family, 2)
            XCTAssertNotNil(socket.tcpInfo, "a connected socket carries tcp_info")
            XCTAssertEqual(socket.tcpInfo?.state, TCPState.established.rawValue)
            XCTAssertNotEqual(socket.cookie, 0)
        }
        let sender = try XCTUnwrap(reply.sockets.first { "\($0.local)" == facts.data_client }?.tcpInfo)
        XCTAssertEqual(sender.bytesAcked, facts.data_bytes + 1, "the data and the SYN")
        XCTAssertGreaterThan(sender.rtt, 0)
        // The recording is from Linux 6.18, whose tcp_info (280 bytes) is longer than the
        // 232 bytes of this machine's headers: both windows are there.
        XCTAssertGreaterThanOrEqual(sender.length, 236)
        XCTAssertNotNil(sender.peerWindow)
        XCTAssertNotNil(sender.advertisedWindow)
    }

    func testEveryCutOfTheReplyEndsWithAProblemOrFewerSocketsNeverATrap() throws {
        let (bytes, facts) = try fixture()
        let all = 1 + facts.established.count
        for length in 0..<bytes.count {
            let reply = SockDiagReply.parse(Array(bytes.prefix(length)))
            XCTAssertLessThanOrEqual(reply.sockets.count, all)
            XCTAssertFalse(reply.done, "cut at \(length): NLMSG_DONE is the last message")
            if length > 0 && reply.problem == nil {
                // Only a cut exactly between two messages reads cleanly: it lost a socket, or
                // only the closing NLMSG_DONE (20 bytes).
                XCTAssertTrue(reply.sockets.count < all || length == bytes.count - 20, "cut at \(length)")
            }
        }
    }

    func testAnUnknownAttributeIsSkippedAndAMisstatedOneIsReported() throws {
        let (bytes, _) = try fixture()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        var first = Array(bytes[0..<length])
        // Append an attribute of a type no kernel sends (0x3ff), 8 bytes.
        first += [8, 0, 0xFF, 0x03, 1, 2, 3, 4]
        let newLength = first.count
        first[0] = UInt8(newLength & 0xFF)
        first[1] = UInt8(newLength >> 8)
        let plain = SockDiagReply.parse(Array(bytes[0..<length]))
        let padded = SockDiagReply.parse(first)
        XCTAssertNil(padded.problem)
        XCTAssertEqual(padded.sockets, plain.sockets)
        // The same attribute claiming 200 bytes runs past its message.
        first[newLength - 8] = 200
        let lying = SockDiagReply.parse(first)
        XCTAssertEqual(lying.problem, .badAttributeLength(offset: newLength - 8, length: 200, available: 8))
        XCTAssertTrue(lying.sockets.isEmpty)
        // tcp_info cut to 100 bytes (shorter than the oldest kernel's) is dropped, not misread.
        let short = TCPInfo(Array(repeating: 1, count: 100))
        XCTAssertNil(short)
        // One as long as Linux 4.9's (up to tcpi_min_rtt and the data segment counts: 160
        // bytes) has no byte counts past it.
        let older = try XCTUnwrap(TCPInfo(Array(repeating: 0, count: 160)))
        XCTAssertNotNil(older.bytesAcked)
        XCTAssertNil(older.bytesSent)
        XCTAssertNil(older.peerWindow)
    }

    func testTheKernelsRefusalAndBadLengthsAreTypedProblems() {
        // NLMSG_ERROR carrying -EPERM (1), then the request's header.
        var error: [UInt8] = [36, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        error += [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 16)
        XCTAssertEqual(SockDiagReply.parse(error).problem, .kernel(errno: 1))
        // An acknowledgement (error 0) is no problem.
        var acknowledgement = error
        acknowledgement.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        XCTAssertNil(SockDiagReply.parse(acknowledgement).problem)
        // nlmsg_len below its own header, and past the end.
        XCTAssertEqual(SockDiagReply.parse([8, 0, 0, 0, 20, 0, 0, 0] + [UInt8](repeating: 0, count: 8)).problem,
                       .badMessageLength(offset: 0, length: 8, available: 16))
        XCTAssertEqual(SockDiagReply.parse([100, 0, 0, 0, 20, 0, 0, 0] + [UInt8](repeating: 0, count: 8)).problem,
                       .badMessageLength(offset: 0, length: 100, available: 16))
        // A socket message too short for inet_diag_msg.
        let short: [UInt8] = [24, 0, 0, 0, 20, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        XCTAssertEqual(SockDiagReply.parse(short).problem,
                       .truncated(what: "a socket record (inet_diag_msg)", offset: 16, needed: 72, available: 8))
        // A family the parser does not know.
        var unknown: [UInt8] = [88, 0, 0, 0, 20, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0, count: 72)
        unknown[16] = 1  // AF_UNIX
        XCTAssertEqual(SockDiagReply.parse(unknown).problem, .unknownFamily(1, offset: 16))
        // A message type nobody sends is stepped over; NLMSG_DONE then ends the reply.
        let noop: [UInt8] = [16, 0, 0, 0, 0x99, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let done: [UInt8] = [20, 0, 0, 0, 3, 0, 2, 0] + [UInt8](repeating: 0, count: 12)
        let both = SockDiagReply.parse(noop + done)
        XCTAssertNil(both.problem)
        XCTAssertTrue(both.done)
    }

    func testTheRequestIsWhatTheKernelExpects() {
        let request = SockDiagRequest.dump(family: 10, sequence: 7)
        XCTAssertEqual(request.count, 72)
        XCTAssertEqual(Array(request[0..<4]), [72, 0, 0, 0])
        XCTAssertEqual(Array(request[4..<6]), [20, 0], "SOCK_DIAG_BY_FAMILY")
        XCTAssertEqual(Array(request[6..<8]), [0x01, 0x03], "NLM_F_REQUEST | NLM_F_DUMP")
        XCTAssertEqual(Array(request[16..<20]), [10, 6, 2, 0], "AF_INET6, IPPROTO_TCP, INET_DIAG_INFO wanted")
        XCTAssertEqual(Array(request[20..<24]), [0xFF, 0xFF, 0xFF, 0x0F], "every state")
    }

    func testNetstatCountersAndTheirDeltas() throws {
        let before = try NetstatCounters.parse("""
            TcpExt: SyncookiesSent ListenOverflows ListenDrops
            TcpExt: 0 4 4
            Tcp: RtoAlgorithm MaxConn RetransSegs
            Tcp: 1 -1 10
            """)
        XCTAssertEqual(before["TcpExt.ListenOverflows"], 4)
        XCTAssertEqual(before["Tcp.MaxConn"], -1)
        let after = try NetstatCounters.parse("TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 5 5\nTcp: RtoAlgorithm MaxConn RetransSegs\nTcp: 1 -1 12\n")
        XCTAssertEqual(after.changes(since: before), ["TcpExt.ListenOverflows": 1, "TcpExt.ListenDrops": 1, "Tcp.RetransSegs": 2])
        XCTAssertThrowsError(try NetstatCounters.parse("TcpExt: A B\nTcpExt: 1\n")) { error in
            XCTAssertEqual(error as? NetstatCounters.ParseError, .countMismatch(line: 1, names: 2, values: 1))
        }
        XCTAssertThrowsError(try NetstatCounters.parse("TcpExt: A\nIpExt: 1\n"))
        XCTAssertThrowsError(try NetstatCounters.parse("TcpExt: A\nTcpExt: x\n"))
        XCTAssertThrowsError(try NetstatCounters.parse("TcpExt: A\n"))
        // This machine's own files read cleanly, with the counters osilab explains.
        let live = try NetstatCounters.parse(String(contentsOfFile: "/proc/net/netstat", encoding: .utf8)
                                             + String(contentsOfFile: "/proc/net/snmp", encoding: .utf8))
        for name in NetstatCounters.explainers { XCTAssertNotNil(live[name], name) }
    }

    /// The counters osilab names stay in English in every language (they are what `nstat` prints).
    func testEveryExplainingCounterIsAWordChineseSentencesKeep() {
        for name in NetstatCounters.explainers {
            let word = String(name.split(separator: ".").last ?? "")
            XCTAssertTrue(SentenceAudit.keptWords.contains(word), "add \(word) to SentenceAudit.keptWords")
        }
    }
}
