import Report
import TextUI
import Timeline
import Trace
import Wire
import WireFixtures
import XCTest

/// The watch/read lines in Chinese for packets that are not TCP: ICMP in words, the quoted
/// datagram, and English that says exactly what it said before.
final class ChinesePacketLinesTests: XCTestCase {
    static func be16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)] }

    /// A raw IPv4 packet (no link layer) from `source` to `destination`.
    static func ipv4(protocol number: UInt8, source: [UInt8], destination: [UInt8], payload: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [0x45, 0] + be16(20 + payload.count) + [0x12, 0x34, 0x40, 0, 64, number, 0, 0]
        header += source + destination
        var sum: UInt32 = 0
        for index in stride(from: 0, to: header.count, by: 2) { sum += UInt32(header[index]) << 8 | UInt32(header[index + 1]) }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        header[10] = UInt8(~UInt16(sum) >> 8)
        header[11] = UInt8(~UInt16(sum) & 0xff)
        return header + payload
    }

    /// ICMP `type`/`code` from 127.0.0.1 to 127.0.0.2, quoting a UDP datagram 127.0.0.2:5353 > 127.0.0.1:9.
    static func icmp(type: UInt8, code: UInt8) -> [UInt8] {
        let quotedUDP = be16(5353) + be16(9) + be16(12) + [0, 0]
        let quoted = ipv4(protocol: 17, source: [127, 0, 0, 2], destination: [127, 0, 0, 1], payload: quotedUDP + [1, 2, 3, 4])
        return ipv4(protocol: 1, source: [127, 0, 0, 1], destination: [127, 0, 0, 2], payload: [type, code, 0, 0, 0, 0, 0, 0] + quoted)
    }

    func line(_ bytes: [UInt8], _ language: Language) -> String {
        var lines = PacketLines(language: language)
        return bytes.withUnsafeBytes { lines.line(timestamp: Instant(nanosecondsSinceEpoch: 0), bytes: $0, originalLength: bytes.count, linkType: .raw) }
    }

    func testAPortUnreachableIsSaidInChineseWithTheDatagramItIsAbout() {
        let packet = Self.icmp(type: 3, code: 3)
        XCTAssertEqual(line(packet, .english),
                       "00:00:00.000000000 127.0.0.1 > 127.0.0.2 ICMP destination unreachable: port unreachable (about 127.0.0.2:5353 > 127.0.0.1:9)")
        let chinese = line(packet, .chinese)
        XCTAssertEqual(chinese, "00:00:00.000000000 127.0.0.1 > 127.0.0.2 ICMP 目的不可达：端口不可达（针对 127.0.0.2:5353 > 127.0.0.1:9）")
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [])
    }

    /// The English table of ICMP names must say what Wire says, for every type and code, so
    /// the Chinese table translates the same list.
    func testTheICMPNamesAreWiresNamesInEnglish() throws {
        let english = ToolStrings(.english)
        let chinese = ToolStrings(.chinese)
        for type in 0...255 {
            for code in 0...15 {
                let decoded = decodePacket(Self.icmp(type: UInt8(type), code: UInt8(code)), linkType: .raw,
                                           originalLength: Self.icmp(type: 0, code: 0).count)
                let message = try XCTUnwrap(decoded.icmp, "ICMP \(type)/\(code) decodes")
                let wire = message.codeName.map { "\(message.typeName): \($0)" } ?? message.typeName
                XCTAssertEqual(english.icmpSummary(message), wire, "ICMP type \(type) code \(code)")
                XCTAssertEqual(SentenceAudit.englishWords(in: chinese.icmpSummary(message)), [], "ICMP type \(type) code \(code)")
            }
        }
    }

    func testTheSummaryCountsInChinese() {
        let english = ToolStrings(.english), chinese = ToolStrings(.chinese)
        XCTAssertEqual(english.summary(packets: 1, connections: 0, unfinished: 0, undecodable: 0), "1 packet, 0 TCP connections")
        XCTAssertEqual(english.summary(packets: 6, connections: 1, unfinished: 1, undecodable: 5),
                       "6 packets, 1 TCP connection, 1 with an unfinished handshake, 5 undecodable")
        XCTAssertEqual(chinese.summary(packets: 6, connections: 1, unfinished: 1, undecodable: 5),
                       "6 个报文，1 个 TCP 连接，其中 1 个握手没有完成，5 个报文无法解码")
    }

    func testAPacketThatIsNeitherTCPNorUDPNorICMPIsNamedInChinese() {
        let packet = Self.ipv4(protocol: 253, source: [127, 0, 0, 1], destination: [127, 0, 0, 2], payload: [0, 0, 0, 0])
        let english = line(packet, .english)
        let chinese = line(packet, .chinese)
        XCTAssertTrue(english.hasSuffix(" IPv4 protocol \(IPProtocol(253))"), english)
        XCTAssertEqual(chinese, english.replacingOccurrences(of: "IPv4 protocol", with: "IPv4 协议"))
    }

    func testAnUndecodedIPv6PacketNamesWhatFollowsItsExtensionHeaders() {
        // Hop-by-hop, then AH, then protocol 253: the packet carries 253, not "hop-by-hop".
        let chain = Build.ipv6Extension(nextHeader: 51) + Build.authenticationHeader(nextHeader: 253) + [0, 0, 0, 0]
        let packet = Build.ipv6(nextHeader: 0, payload: chain)
        let decoded = decodePacket(packet, linkType: .raw)
        guard case .other = Timeline.describeOther(decoded) else { return XCTFail("not TCP, UDP or ICMP") }
        XCTAssertEqual(ToolStrings(.english).otherSummary(decoded), "IPv6 next header \(IPProtocol(253))")
        let english = line(packet, .english), chinese = line(packet, .chinese)
        XCTAssertTrue(english.hasSuffix(" IPv6 next header \(IPProtocol(253))"), english)
        XCTAssertEqual(chinese, english.replacingOccurrences(of: "IPv6 next header", with: "IPv6 下一个首部"))
    }
}
