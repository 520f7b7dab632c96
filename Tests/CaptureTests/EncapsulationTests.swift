import Capture
import Foundation
import Report
import TextUI
import Timeline
import Wire
import XCTest

/// Hand-built captures of encapsulations that real captures hold and loopback cannot make
/// (see make-handbuilt.py), each checked against what tcpdump, an independent decoder, reads
/// from the same file.
final class EncapsulationTests: XCTestCase {
    func fixture(_ name: String) -> String { CaptureFileTests.fixtures.appendingPathComponent(name).path }

    /// tcpdump's text for a capture file, one line per line it prints.
    func tcpdump(_ arguments: [String], _ name: String) throws -> [String] {
        try tcpdumpLines(reading: fixture(name), options: arguments)
    }

    /// The first match of `pattern`'s capture groups in `line`.
    func groups(_ pattern: String, in line: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
        return (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: line).map { String(line[$0]) } }
    }

    /// The lines `osilab read` prints for a capture, in English, times in UTC.
    func annotate(_ name: String) throws -> [String] {
        let file = try CaptureFile(path: fixture(name))
        var lines = PacketLines(numbers: .relative, utcOffsetSeconds: 0)
        var output: [String] = []
        let linkType = LinkType(rawValue: file.dataLink)
        try file.forEachPacket { header, bytes in
            output.append(lines.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength, linkType: linkType))
            return true
        }
        return output
    }

    func packets(_ name: String) throws -> [CapturedPacket] {
        try CaptureFile(path: fixture(name)).readAll()
    }

    func decode(_ packet: CapturedPacket) -> DecodedPacket {
        decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
    }

    // MARK: PPPoE length shorter than the IP packet claims

    func testPPPoELengthBoundsTheIPv4PacketAsTcpdumpSays() throws {
        let all = try packets("pppoe-short.pcap")
        XCTAssertEqual(all.count, 11)
        let packet = decode(all[4])
        // tcpdump -v: "IP truncated-ip - 6 bytes missing! (... length 58)" for packet 5.
        let lines = try tcpdump(["-nn", "-v"], "pppoe-short.pcap").filter { $0.contains("PPPoE") }
        XCTAssertEqual(lines.count, 11)
        let numbers = try XCTUnwrap(groups(#"truncated-ip - (\d+) bytes missing!.* length (\d+)\)"#, in: lines[4]), lines[4])
        XCTAssertEqual(lines.filter { $0.contains("truncated-ip") }.count, 1, "only packet 5 disagrees with its PPPoE length")
        guard case .invalid(.totalLengthPastEnclosing(let total, let available, let field))? = packet.error?.kind else {
            return XCTFail("packet 5 must say its IPv4 total length is more than the PPPoE length leaves: \(String(describing: packet.error))")
        }
        XCTAssertEqual(field, .pppoeLength)
        XCTAssertEqual(String(total), numbers[1], "the total length tcpdump prints")
        XCTAssertEqual(String(Int(total) - available), numbers[0], "as many bytes missing as tcpdump counts")

        let tcp = try XCTUnwrap(packet.tcp)
        XCTAssertEqual(tcp.payloadLength, 0, "the bytes past the PPPoE payload are not TCP data")
        XCTAssertTrue(packet.payload.isEmpty)
        XCTAssertEqual(packet.trailer.count, 6)
        for (index, other) in all.enumerated() where index != 4 {
            XCTAssertNil(decode(other).error, "packet \(index + 1) fits its PPPoE length")
        }
    }

    func testPPPoEPaddingIsListedOnceInTheLayers() throws {
        let packet = try packets("pppoe-short.pcap")[4]
        let sections = layerBreakdown(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        XCTAssertFalse(sections.contains { $0.name == .applicationData }, "no TCP data: \(sections.map(\.name))")
        let padding = sections.filter { $0.name == .ethernetPadding }
        XCTAssertEqual(padding.count, 1)
        XCTAssertEqual(padding.first?.bytes, 74..<80, "14 Ethernet + 8 PPPoE/PPP + 52 IP = 74; the frame is 80 bytes")
        XCTAssertEqual(padding.first?.fields.first?.value, .paddingAfterPPPoE(6))
        // No byte is shown as two things, apart from the problem section that points at the packet.
        let shown = sections.filter { !$0.isError }.map(\.bytes)
        for (index, range) in shown.enumerated() {
            for other in shown[(index + 1)...] {
                XCTAssertFalse(range.overlaps(other), "\(range) and \(other) overlap")
            }
        }
        let error = try XCTUnwrap(sections.last)
        XCTAssertTrue(error.isError)
        let expected: [(Language, [String])] = [(.english, ["6 bytes are missing", "not IP data"]), (.chinese, ["缺了 6 字节", "不是 IP 的数据"])]
        for (language, words) in expected {
            let text = LayerView.render(bytes: packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                        originalLength: packet.originalLength, title: "5", width: 400, colour: false,
                                        language: language).map(\.plainText).joined(separator: "\n")
            for word in words { XCTAssertTrue(text.contains(word), "\(language): \(text)") }
        }
    }

    func testPPPoEMismatchIsNotedOnThePacketLine() throws {
        let english = try annotate("pppoe-short.pcap")
        XCTAssertEqual(english[4], "21:56:02.926781000 c1 127.0.0.1:47001 > 127.0.0.1:58392 ACK ack=16 "
                       + "[IPv4 at byte 22 invalid: total length 58 is more than the 52 bytes the PPPoE length leaves for the IPv4 packet; 6 bytes are missing]")
        XCTAssertEqual(english.prefix(3).map { String($0.dropFirst(19)) },
                       try annotate("pppoe.pcap").prefix(3).map { String($0.dropFirst(19)) },
                       "the handshake is labelled as in the PPPoE capture it was built from")
    }

    // MARK: IP in IP

    static let tunnels = ["tunnel-6in6-ah.pcap", "tunnel-6in4.pcap", "tunnel-4in4.pcap", "tunnel-4in6.pcap"]

    func testTunnelledPacketsDecodeToTheInnerSegmentsTcpdumpSees() throws {
        // tcpdump -nn -S: "IP6 2001:db8::1 > 2001:db8::2: AH(...): IP6 ::1.41760 > ::1.47002: Flags [S], seq 269221884, ..."
        let pattern = #"^\S+ IP6? (\S+) > (\S+): (?:AH\([^)]*\): )?IP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\], (?:seq (\d+), )?(?:ack (\d+), )?"#
        for name in Self.tunnels {
            let lines = try tcpdump(["-nn", "-S"], name)
            let all = try packets(name)
            let shown = try annotate(name)
            XCTAssertEqual(lines.count, all.count, name)
            XCTAssertEqual(shown.count, all.count, name)
            XCTAssertEqual(all.count, 3, "\(name): the handshake")
            for ((line, packet), osilabLine) in zip(zip(lines, all), shown) {
                let fields = try XCTUnwrap(groups(pattern, in: line), "\(name): tcpdump printed \(line)")
                let decoded = decode(packet)
                XCTAssertNil(decoded.error, "\(name): \(line)")
                let tcp = try XCTUnwrap(decoded.tcp, "\(name): the TCP inside the tunnel, as tcpdump decodes it: \(line)")
                XCTAssertEqual(decoded.tunnels.count, 1, name)
                let outer = decoded.tunnels.first.flatMap { layer -> (String, String)? in
                    switch layer {
                    case .ipv4(let ip): ("\(ip.source)", "\(ip.destination)")
                    case .ipv6(let ip): ("\(ip.source)", "\(ip.destination)")
                    default: nil
                    }
                }
                XCTAssertTrue(osilabLine.hasSuffix(" [in a tunnel: \(fields[0]) > \(fields[1])]"),
                              "\(name): the line names the tunnel's ends as tcpdump does: \(osilabLine)")
                XCTAssertEqual(outer?.0, fields[0], "\(name): outer source")
                XCTAssertEqual(outer?.1, fields[1], "\(name): outer destination")
                XCTAssertEqual(decoded.source?.description, fields[2], "\(name): inner source")
                XCTAssertEqual(String(tcp.sourcePort), fields[3], name)
                XCTAssertEqual(decoded.destination?.description, fields[4], "\(name): inner destination")
                XCTAssertEqual(String(tcp.destinationPort), fields[5], name)
                let flags = (tcp.flags.contains(.syn) ? "S" : "") + (tcp.flags.contains(.ack) ? "." : "")
                XCTAssertEqual(flags, fields[6], "\(name): flags")
                if tcp.flags.contains(.syn) {
                    XCTAssertEqual(String(tcp.sequence.rawValue), fields[7], "\(name): seq")
                }
                if tcp.flags.contains(.ack) {
                    XCTAssertEqual(String(tcp.acknowledgment.rawValue), fields.last, "\(name): ack")
                }
            }
        }
    }

    func testTheHandshakeInsideATunnelIsLabelled() throws {
        for name in Self.tunnels {
            let lines = try annotate(name)
            XCTAssertEqual(lines.count, 3, name)
            XCTAssertTrue(lines[0].contains(" SYN seq=0 ") && lines[0].contains("(step 1: seq = J)"), "\(name): \(lines[0])")
            XCTAssertTrue(lines[1].contains(" SYN-ACK seq=0 ack=1 ") && lines[1].contains("(step 2: seq = K, ack = J+1 ✓)"),
                          "\(name): \(lines[1])")
            XCTAssertTrue(lines[2].contains(" ACK ack=1 ") && lines[2].contains("(step 3: ack = K+1 ✓)"), "\(name): \(lines[2])")
            XCTAssertTrue(lines.allSatisfy { $0.contains(" c1 ") }, "\(name): one connection, the inner one")
        }
    }

    func testTheLayersShowTheOuterAndTheInnerIP() throws {
        let packet = try packets("tunnel-6in6-ah.pcap")[0]
        let sections = layerBreakdown(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        XCTAssertEqual(sections.map(\.name), [.ethernetII, .tunnelIPv6, .ipv6Extension(.authenticationHeader), .ipv6, .tcp])
        XCTAssertEqual(sections.map(\.bytes), [0..<14, 14..<54, 54..<78, 78..<118, 118..<158])
        let fourInFour = try packets("tunnel-4in4.pcap")[0]
        XCTAssertEqual(layerBreakdown(fourInFour.bytes, linkType: .ethernet).map(\.name), [.ethernetII, .tunnelIPv4, .ipv4, .tcp])
        let chinese = LayerView.render(bytes: packet.bytes, linkType: .ethernet, originalLength: packet.bytes.count, title: "1",
                                       width: 200, colour: false, language: .chinese).map(\.plainText)
        XCTAssertTrue(chinese.contains { $0.contains("IPv6，隧道的外层首部") }, chinese.joined(separator: "\n"))
    }

    // MARK: Fragments after the first

    func testLaterFragmentsShowTheirAddressesOffsetAndIdentificationAsTcpdumpDoes() throws {
        // tcpdump -nn -v prints IPv6's "2001:db8::1 > 2001:db8::2: frag (0x12345678:32|32)", and
        // for IPv4 "(... id 4660, offset 32, flags [none], ...)" with "192.0.2.1 > 198.51.100.7: ip-proto-17".
        let text = try tcpdump(["-nn", "-v"], "fragments.pcap")
        let all = try packets("fragments.pcap")
        XCTAssertEqual(all.count, 4)
        let v6 = try XCTUnwrap(text.lazy.compactMap { self.groups(#"(\S+) > (\S+): frag \((0x[0-9a-f]+):(\d+)\|\d+\)$"#, in: $0) }.first,
                               text.joined(separator: "\n"))
        let v4Index = try XCTUnwrap(text.firstIndex { $0.contains("offset 32") }, text.joined(separator: "\n"))
        let v4Header = try XCTUnwrap(groups(#"id (\d+), offset (\d+),.* proto (\w+) "#, in: text[v4Index]))
        let v4Addresses = try XCTUnwrap(groups(#"^\s+(\S+) > (\S+): ip-proto-17$"#, in: text[v4Index + 1]), text[v4Index + 1])

        let expected: [(packet: Int, source: String, destination: String, version: String, offset: String, id: String, proto: String)] = [
            (1, v6[0], v6[1], "IPv6", v6[3], v6[2], "UDP"),
            (3, v4Addresses[0], v4Addresses[1], "IPv4", v4Header[1], v4Header[0], v4Header[2]),
        ]
        let lines = try annotate("fragments.pcap")
        for item in expected {
            let decoded = decode(all[item.packet])
            XCTAssertNil(decoded.error)
            let fragment = try XCTUnwrap(Timeline.laterFragment(decoded), "packet \(item.packet + 1) is a later fragment")
            XCTAssertEqual("\(fragment.source)", item.source)
            XCTAssertEqual("\(fragment.destination)", item.destination)
            XCTAssertEqual(String(fragment.offset), item.offset)
            XCTAssertEqual(fragment.identification, item.id)
            XCTAssertEqual("\(fragment.protocol)", item.proto)
            XCTAssertEqual(String(lines[item.packet].dropFirst(19)),
                           "\(item.source) > \(item.destination) \(item.version) fragment at offset \(item.offset) of id \(item.id) (\(item.proto))")
            guard case .other = Timeline.describeOther(decoded) else { return XCTFail("a later fragment is no UDP datagram") }
        }
        XCTAssertNil(Timeline.laterFragment(decode(all[0])), "the first fragment carries the UDP header and is shown as UDP")
        XCTAssertNotNil(decode(all[0]).udp)
    }

    func testLaterFragmentsAreSaidInChinese() throws {
        var lines = PacketLines(numbers: .relative, utcOffsetSeconds: 0, language: .chinese)
        let packet = try packets("fragments.pcap")[1]
        let line = packet.bytes.withUnsafeBytes {
            lines.line(timestamp: packet.timestamp, bytes: $0, originalLength: packet.originalLength, linkType: .ethernet)
        }
        XCTAssertEqual(String(line.dropFirst(19)), "2001:db8::1 > 2001:db8::2 IPv6 分片：标识 0x12345678，偏移 32 字节（UDP）")
        XCTAssertEqual(SentenceAudit.englishWords(in: line), [], line)
    }
}
