import Capture
import Foundation
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// Live capture on the loopback interface. These tests need root (CI runs as root; so
/// does ./scripts/test), because opening a capture needs CAP_NET_RAW.
final class LiveCaptureTests: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertEqual(geteuid(), 0, "live capture tests need root: run ./scripts/test (it uses sudo)")
    }

    /// Captures while `body` runs, then waits briefly for the last packets.
    func capture(filter: String, expecting count: Int, _ body: () throws -> Void) throws -> ([CapturedPacket], CaptureStatistics) {
        let live = try LiveCapture(options: CaptureOptions(filter: filter))
        let background = live.startInBackground()
        try body()
        _ = background.waitUntil(timeout: .seconds(3)) { $0.count >= count }
        return try background.stop()
    }

    func segments(_ packets: [CapturedPacket]) -> [Segment] {
        packets.enumerated().compactMap { index, packet in
            Segment(decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink)), number: index + 1,
                    timestamp: packet.timestamp)
        }
    }

    func handshake(_ family: AddressFamily) throws {
        let listener = try Socket(family: family, type: .stream, role: "server")
        defer { listener.close() }
        try listener.bind(to: family == .inet6 ? .ipv6(.loopback, port: 0) : .ipv4(.loopback, port: 0))
        try listener.listen()
        let address = try listener.localAddress()
        let port = try XCTUnwrap(address.port)

        let (packets, statistics) = try capture(filter: "tcp port \(port)", expecting: 3) {
            let client = try Socket(family: family, type: .stream)
            defer { client.close() }
            try client.connect(to: address)
            let (connection, _) = try listener.accept()
            connection.close()
        }
        let found = segments(packets)
        XCTAssertGreaterThanOrEqual(found.count, 3, "the capture saw the handshake (\(statistics))")
        guard found.count >= 3 else { return }
        let (syn, synAck, ack) = (found[0], found[1], found[2])
        XCTAssertTrue(syn.isSYN, "step 1 is a SYN")
        XCTAssertTrue(synAck.isSYNACK, "step 2 is a SYN-ACK")
        XCTAssertTrue(ack.isPureACK, "step 3 is a pure ACK")
        XCTAssertEqual(synAck.acknowledgment, syn.sequence + 1, "SYN-ACK acknowledges J+1")
        XCTAssertEqual(ack.acknowledgment, synAck.sequence + 1, "the final ACK acknowledges K+1")
        XCTAssertEqual(syn.destination.port, port)
        XCTAssertLessThanOrEqual(syn.timestamp, synAck.timestamp)
        XCTAssertLessThanOrEqual(synAck.timestamp, ack.timestamp)
        XCTAssertEqual(statistics.dropped, 0)
        XCTAssertEqual(statistics.delivered, packets.count)
        XCTAssertGreaterThanOrEqual(Int(statistics.received), packets.count,
                                    "on lo the kernel counts each packet twice (out and in); libpcap shows it once")
    }

    func testCapturesAnIPv4HandshakeWithTheRightArithmetic() throws {
        try handshake(.inet)
    }

    func testCapturesAnIPv6Handshake() throws {
        try handshake(.inet6)
    }

    func testRefusedConnectIsASYNAnsweredByRST() throws {
        let holder = try Socket(family: .inet, type: .stream)
        defer { holder.close() }
        try holder.bind(to: .ipv4(.loopback, port: 0))
        let address = try holder.localAddress()
        let (packets, _) = try capture(filter: "tcp port \(address.port ?? 0)", expecting: 2) {
            let client = try Socket(family: .inet, type: .stream)
            defer { client.close() }
            XCTAssertEqual(client.connectEx(to: address), 111)
        }
        let found = segments(packets)
        XCTAssertEqual(found.count, 2)
        XCTAssertTrue(found.first?.isSYN ?? false)
        XCTAssertTrue(found.last?.isRST ?? false, "the closed port answers with RST")
        XCTAssertEqual(found.last?.acknowledgment, (found.first?.sequence).map { $0 + 1 })
    }

    func testPacketTimestampsShareTheTraceClock() throws {
        let before = Instant.now()
        let (listener, address) = try { () throws -> (Socket, SocketAddress) in
            let socket = try Socket(family: .inet, type: .stream)
            try socket.bind(to: .ipv4(.loopback, port: 0))
            try socket.listen()
            return (socket, try socket.localAddress())
        }()
        defer { listener.close() }
        let (packets, _) = try capture(filter: "tcp port \(address.port ?? 0)", expecting: 3) {
            let client = try Socket(family: .inet, type: .stream)
            defer { client.close() }
            try client.connect(to: address)
        }
        let after = Instant.now()
        XCTAssertFalse(packets.isEmpty)
        for packet in packets {
            XCTAssertGreaterThanOrEqual(packet.timestamp, before, "packet stamped before the test began: clocks differ")
            XCTAssertLessThanOrEqual(packet.timestamp, after, "packet stamped after the test ended: clocks differ")
        }
    }

    func testWrittenCaptureReadsBackIdenticallyAndTcpdumpOpensIt() throws {
        let listener = try Socket(family: .inet, type: .stream)
        defer { listener.close() }
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let address = try listener.localAddress()
        let (packets, _) = try capture(filter: "tcp port \(address.port ?? 0)", expecting: 3) {
            let client = try Socket(family: .inet, type: .stream)
            defer { client.close() }
            try client.connect(to: address)
        }
        let path = NSTemporaryDirectory() + "osilab-roundtrip-\(getpid()).pcap"
        defer { unlink(path) }
        let writer = try CaptureWriter(path: path, dataLink: packets.first?.dataLink ?? 1)
        for packet in packets { writer.write(packet) }
        writer.close()

        XCTAssertEqual(try CaptureFile(path: path).readAll(), packets, "bytes, lengths and nanosecond times survive")

        let output = try tcpdumpOutput(["-nn", "-r", path], reading: "the file osilab wrote")
        XCTAssertEqual(output.split(separator: "\n").count, packets.count)
        XCTAssertTrue(output.contains("Flags [S]"), output)
    }

    func testBadFilterAndMissingInterfaceAreClearErrors() {
        XCTAssertThrowsError(try LiveCapture(options: CaptureOptions(filter: "tcp prot 80"))) { error in
            let error = error as? CaptureError
            XCTAssertEqual(error?.kind, .badFilter(expression: "tcp prot 80"))
            XCTAssertTrue(error?.description.contains("not valid tcpdump filter syntax") ?? false)
        }
        XCTAssertThrowsError(try LiveCapture(options: CaptureOptions(interface: "osilab-nope0"))) { error in
            let error = error as? CaptureError
            XCTAssertEqual(error?.kind, .noSuchInterface, "\(String(describing: error))")
            XCTAssertTrue(error?.description.contains("ip link") ?? false)
        }
    }

    func testStopEndsABlockedCaptureQuickly() throws {
        let live = try LiveCapture(options: CaptureOptions(filter: "tcp port 9"))
        let background = live.startInBackground()
        let start = ContinuousClock.now
        let (packets, _) = try background.stop()
        XCTAssertEqual(packets.count, 0)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1), "stop() must not wait for a packet to arrive")
    }
}
