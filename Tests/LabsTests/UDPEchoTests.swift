import Foundation
import Labs
import Sockets
import XCTest

final class UDPEchoTests: XCTestCase {
    func testClientAndServerExchangeDatagrams() throws {
        let collector = LogCollector()
        let server = try UDPEchoServer(host: "127.0.0.1", port: 0, log: collector.log())
        defer { server.stop() }
        let port = try XCTUnwrap(server.address.port)
        let client = try UDPEchoClient(host: "localhost", port: port, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertEqual(try client.send(Array("hello 你好".utf8)), .answer(Array("HELLO 你好".utf8)))
        XCTAssertEqual(try client.send([]), .answer([]), "UDP carries an empty datagram, which TCP cannot")
        let summary = server.stop()
        XCTAssertEqual(summary.connections, 2, "two datagrams: \(summary)")
        XCTAssertTrue(summary.description.contains("2 datagrams"), summary.description)
        XCTAssertTrue(collector.lines.contains { $0.contains("datagram 2 from 127.0.0.1:") && $0.contains("0 bytes") }, "\(collector.lines)")
    }

    func testMessageBoundariesArePreserved() throws {
        let server = try UDPEchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let socket = try Socket(family: .inet, type: .datagram)
        defer { socket.close() }
        try socket.setTimeout(.seconds(2))
        // Three sends in a row, before reading anything: with TCP one recv() could return them glued together.
        for message in ["one", "two", "three"] { try socket.sendTo(Array(message.utf8), address: server.address) }
        var replies: [String] = []
        for _ in 0..<3 { replies.append(text(try socket.recvFrom(maxBytes: 65536).0)) }
        XCTAssertEqual(replies, ["ONE", "TWO", "THREE"], "each recvfrom() returns exactly one datagram")
    }

    func testUDPAndTCPServersShareAPortNumber() throws {
        let tcp = try TCPLabServer(service: EchoService(), host: "127.0.0.1", port: 0)
        defer { tcp.stop() }
        let port = try XCTUnwrap(tcp.address.port)
        let udp = try UDPEchoServer(host: "127.0.0.1", port: port)
        defer { udp.stop() }
        XCTAssertEqual(udp.address.port, port, "TCP port \(port) and UDP port \(port) are different ports")
    }

    func testClientReportsNoAnswerInsteadOfWaitingForever() throws {
        // A bound UDP socket that never answers.
        let silent = try Socket(family: .inet, type: .datagram)
        defer { silent.close() }
        try silent.bind(to: .ipv4(.loopback, port: 0))
        let port = try XCTUnwrap(silent.localAddress().port)
        let client = try UDPEchoClient(host: "127.0.0.1", port: port, timeout: .milliseconds(300))
        defer { client.close() }
        XCTAssertEqual(try client.send(Array("anyone?".utf8)), .noAnswer)
    }

    func testNothingListeningIsReportedAsAnICMPPortUnreachable() throws {
        // A port that was free a moment ago and has nobody on it now.
        let probe = try Socket(family: .inet, type: .datagram)
        try probe.bind(to: .ipv4(.loopback, port: 0))
        let port = try XCTUnwrap(probe.localAddress().port)
        probe.close()
        let client = try UDPEchoClient(host: "127.0.0.1", port: port, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertThrowsError(try client.send(Array("hello?".utf8))) { error in
            XCTAssertTrue("\(error)".contains("ICMP \"port unreachable\""), "\(error)")
        }
    }

    func testConsoleSendsEachLineAsADatagram() throws {
        let server = try UDPEchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let scripted = ScriptedConsole(["abc", "", "xyz"])
        let client = try UDPEchoClient(host: "127.0.0.1", port: try XCTUnwrap(server.address.port))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output, ["ABC", "", "XYZ"])
        XCTAssertTrue(scripted.remarks.contains { $0.contains("empty datagram") }, "\(scripted.remarks)")
    }
}
