#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Labs
import Sockets
import XCTest

/// Datagrams whose answer would come back to be answered again (issue 17.6).
final class UDPLoopTests: XCTestCase {
    func testADatagramSpoofedFromTheServersOwnEndpointIsNotEchoedToItself() throws {
        try XCTSkipUnless(geteuid() == 0, "spoofing a source address needs a raw socket (root)")
        let collector = LogCollector()
        let server = try UDPEchoServer(host: "127.0.0.1", port: 0, log: collector.log(.connections))
        defer { server.stop() }
        let port = try XCTUnwrap(server.address.port)

        // tcpdump counts what really crosses lo from the server's port to itself.
        let folder = try temporaryFolder(self)
        let capture = folder + "/self.pcap"
        let tcpdump = try TestProcess("/usr/bin/tcpdump", ["-i", "lo", "-nn", "-U", "-w", capture,
                                                          "udp and src port \(port) and dst port \(port)"])
        defer { tcpdump.stop() }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { tcpdump.errors.contains("listening on") },
                      "tcpdump did not start: \(tcpdump.errors)")

        try sendSpoofed(Array("who echoes the echo?".utf8), fromPort: port, toPort: port)
        try sendSpoofed(Array("from nowhere".utf8), fromPort: 0, toPort: port)
        // The server goes on answering real clients.
        let client = try UDPEchoClient(host: "127.0.0.1", port: port, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertEqual(try client.send(Array("still there".utf8)), .answer(Array("STILL THERE".utf8)))
        // A loop, had it started, would have sent thousands by now.
        Thread.sleep(forTimeInterval: 1)
        tcpdump.process.interrupt()
        tcpdump.waitForExit()

        let read = try TestProcess("/usr/bin/tcpdump", ["-nn", "-r", capture])
        defer { read.stop() }
        read.waitForExit()
        let packets = read.output.split(separator: "\n")
        XCTAssertEqual(packets.count, 1, "only the spoofed datagram itself, no answer to it: \(packets.prefix(5))")

        let summary = server.stop()
        XCTAssertEqual(summary.endings["ignored"], 2, "\(summary)")
        let told = collector.lines(containing: "not answering datagrams from")
        XCTAssertEqual(told.count, 2, "each reason told once: \(collector.lines)")
        XCTAssertTrue(told.contains { $0.contains("127.0.0.1:\(port)") && $0.contains("this server's own") }, "\(told)")
        XCTAssertTrue(told.contains { $0.contains("127.0.0.1:0 ") && $0.contains("no port a client can receive on") }, "\(told)")
    }

    func testSendersThatCannotBeClientsAreRecognised() {
        let own: UInt16 = 4545
        XCTAssertEqual(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: own), ownPort: own), "own port")
        XCTAssertEqual(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: 0), ownPort: own), "port 0")
        XCTAssertEqual(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: 7), ownPort: own), "service port")
        XCTAssertEqual(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: 1023), ownPort: own), "service port")
        XCTAssertNil(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: 1024), ownPort: own))
        XCTAssertNil(UDPEchoServer.ignoredReason(.ipv4(.loopback, port: 54321), ownPort: own))
    }

    /// Sends one UDP datagram 127.0.0.1:`fromPort` -> 127.0.0.1:`toPort` through a raw
    /// socket whose IP header we write (IPPROTO_RAW implies IP_HDRINCL): the kernel fills
    /// in the IP checksum; a UDP checksum of 0 means "none" over IPv4 (RFC 768).
    private func sendSpoofed(_ payload: [UInt8], fromPort: UInt16, toPort: UInt16) throws {
        let raw = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_RAW))
        guard raw >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
        defer { close(raw) }
        let udpLength = 8 + payload.count
        let total = 20 + udpLength
        func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        var packet: [UInt8] = [0x45, 0] + be16(total) + [0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
        packet += be16(Int(fromPort)) + be16(Int(toPort)) + be16(udpLength) + [0, 0] + payload
        var destination = sockaddr_in()
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &destination) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(raw, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        XCTAssertEqual(sent, total, "the raw send failed: errno \(errno)")
    }
}
