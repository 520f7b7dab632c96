import Wire
import WireFixtures
import XCTest

/// The facts behind the OSI view a learner sees with `--layers`: sections by layer, every field
/// with its value and its bytes. The words for them are Report's (ReportTests' LayerBreakdownTextTests).
final class LayerBreakdownTests: XCTestCase {
    func field(_ name: FieldName, in section: LayerSection?, file: StaticString = #filePath, line: UInt = #line) -> Field? {
        let found = section?.fields.first { $0.name == name }
        if found == nil { XCTFail("no field \(name) in \(section.map { "\($0.name)" } ?? "missing section")", file: file, line: line) }
        return found
    }

    func address(_ text: String) -> FieldValue? { IPAddress(text).map(FieldValue.address) }

    func testDataSegmentBreaksDownIntoLayers2347() throws {
        let sections = layerBreakdown(Captured.dataSegment, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), [.ethernetII, .ipv4, .tcp, .applicationData])
        XCTAssertEqual(sections.map(\.osiLayer), [2, 3, 4, 7])
        XCTAssertEqual(sections.map(\.bytes), [0..<14, 14..<34, 34..<66, 66..<78])

        let ip = sections[1], tcp = sections[2], data = sections[3]
        XCTAssertEqual(field(.sourceAddress, in: ip)?.value, address("127.0.0.1"))
        XCTAssertEqual(field(.sourceAddress, in: ip)?.bytes, 26..<30)
        XCTAssertEqual(field(.headerLength, in: ip)?.value, .ipv4HeaderLength(20))
        XCTAssertEqual(field(.version, in: ip)?.bytes, field(.headerLength, in: ip)?.bytes, "version and IHL share byte 14")
        XCTAssertEqual(field(.headerChecksum, in: ip)?.value, .ipv4Checksum(0x8e94, valid: true, expected: 0x8e94))
        XCTAssertEqual(field(.flags, in: ip)?.value, .ipv4Flags(reserved: false, dontFragment: true, moreFragments: false))
        XCTAssertEqual(field(.protocol, in: ip)?.value, .ipProtocol(.tcp))

        XCTAssertEqual(field(.sourcePort, in: tcp)?.value, .number(58550))
        XCTAssertEqual(field(.sourcePort, in: tcp)?.bytes, 34..<36)
        XCTAssertEqual(field(.destinationPort, in: tcp)?.value, .number(45451))
        XCTAssertEqual(field(.sequenceNumber, in: tcp)?.value, .number(2463216459))
        XCTAssertEqual(field(.flags, in: tcp)?.value, .tcpFlags([.psh, .ack]))
        XCTAssertEqual(field(.headerLength, in: tcp)?.value, .tcpHeaderLength(32))
        let options = tcp.fields.compactMap { field -> TCPOptionKind? in
            if case .option(let kind) = field.name { return kind }
            return nil
        }
        XCTAssertEqual(options, [.noOperation, .noOperation, .timestamps])
        XCTAssertEqual(field(.option(.timestamps), in: tcp)?.value, .tcpOption(.timestamps(TCPTimestamps(value: 3223561482, echo: 2818854653))))
        XCTAssertEqual(field(.option(.timestamps), in: tcp)?.bytes, 56..<66)

        XCTAssertEqual(field(.length, in: data)?.value, .byteCount(12))
        XCTAssertEqual(field(.text, in: data)?.value, .preview("\"hello osilab\""))
    }

    func testEveryFieldHasBytesInsideItsSection() {
        let packets: [([UInt8], LinkType)] = [
            (Captured.synWithOptions, .ethernet), (Captured.icmpPortUnreachable, .ethernet), (Captured.ipv6Syn, .ethernet),
            (Captured.linuxCookedUDP, .linuxSLL), (Captured.linuxCooked2UDP, .linuxSLL2),
            (Build.ethernet(type: 0x8100) + Build.vlanTag(id: 7, innerType: 0x0806) + Build.be16(1) + Build.be16(0x0800) + [6, 4] + Build.be16(2) + Build.clientMAC + Build.client4 + Build.serverMAC + Build.server4, .ethernet),
        ]
        for (bytes, linkType) in packets {
            let sections = layerBreakdown(bytes, linkType: linkType)
            XCTAssertFalse(sections.isEmpty)
            for section in sections {
                XCTAssertFalse(section.fields.isEmpty, "\(section.name) shows no fields")
                for field in section.fields {
                    XCTAssertTrue(section.bytes.contains(field.bytes.lowerBound) && field.bytes.upperBound <= section.bytes.upperBound,
                                  "\(section.name): \(field.name) bytes \(field.bytes) lie outside \(section.bytes)")
                }
            }
        }
    }

    func testVLANAndARPSections() throws {
        let arp = Build.be16(1) + Build.be16(0x0800) + [6, 4] + Build.be16(2) + Build.clientMAC + Build.client4 + Build.serverMAC + Build.server4
        let sections = layerBreakdown(Build.ethernet(type: 0x8100) + Build.vlanTag(id: 7, priority: 3, innerType: 0x0806) + arp, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), [.ethernetII, .vlanTag, .arp])
        XCTAssertEqual(field(.vlanID, in: sections[1])?.value, .number(7))
        XCTAssertEqual(field(.priority, in: sections[1])?.value, .number(3))
        XCTAssertEqual(field(.etherType, in: sections[0])?.value, .etherType(0x8100))
        XCTAssertEqual(field(.operation, in: sections[2])?.value, .arpOperation(2))
        XCTAssertEqual(field(.senderIP, in: sections[2])?.value, address("192.0.2.1"))
    }

    func testICMPErrorShowsTheQuotedDatagram() throws {
        let sections = layerBreakdown(Captured.icmpPortUnreachable, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.osiLayer), [2, 3, 3, 3], "ICMP belongs to the network layer")
        XCTAssertEqual(field(.type, in: sections[2])?.value, .icmpType(3, isICMPv6: false))
        XCTAssertEqual(field(.code, in: sections[2])?.value, .icmpCode(3, type: 3, isICMPv6: false))
        XCTAssertEqual(field(.originalPorts, in: sections[3])?.value, .ports(48059, 45453))
    }

    func testDecodeErrorIsTheLastSection() throws {
        let full = Captured.synWithOptions
        let sections = layerBreakdown(Array(full.prefix(40)), linkType: .ethernet, originalLength: full.count)
        XCTAssertEqual(sections.map(\.name), [.ethernetII, .ipv4, .decodeError])
        let error = try XCTUnwrap(sections.last)
        XCTAssertTrue(error.isError)
        XCTAssertEqual(error.osiLayer, 4)
        XCTAssertEqual(error.bytes, 34..<40)
        XCTAssertEqual(field(.layer, in: error)?.value, .protocolLayer(.tcp))
        let problem = DecodeError(layer: .tcp, kind: .truncated(needed: 20, available: 6), offset: 34, cutBySnapLength: true)
        XCTAssertEqual(field(.problem, in: error)?.value, .decodeProblem(problem, options: nil))
        XCTAssertEqual(field(.capture, in: error)?.value, .captureKept(captured: 40, original: 74))
    }

    func testEthernetPaddingSection() {
        let frame = Build.ethernetIPv4TCP(Build.tcp(flags: 0x10)) + [UInt8](repeating: 0, count: 6)
        let sections = layerBreakdown(frame, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), [.ethernetII, .ipv4, .tcp, .ethernetPadding])
        XCTAssertEqual(sections.last?.bytes, 54..<60)
        XCTAssertEqual(sections.last?.osiLayer, 2)
        XCTAssertEqual(sections.last?.fields.first?.value, .paddingLength(6))
    }

    func testHexDumpMarksEachByteWithItsSection() throws {
        let bytes = Captured.dataSegment
        let sections = layerBreakdown(bytes, linkType: .ethernet)
        let lines = hexDump(bytes, marking: sections)
        XCTAssertEqual(lines.count, 5)
        XCTAssertEqual(lines[0].text, "0000  00 00 00 00 00 00 00 00  00 00 00 00 08 00 45 00  ..............E.")
        XCTAssertEqual(lines[4].text, "0040  4e fd 68 65 6c 6c 6f 20  6f 73 69 6c 61 62        N.hello osilab")
        XCTAssertEqual(lines[0].sections, [Int?](repeating: 0, count: 14) + [1, 1])
        XCTAssertEqual(lines[4].sections, [2, 2] + [Int?](repeating: 3, count: 12))
        XCTAssertEqual(hexDump([1, 2, 3]).first?.sections, [nil, nil, nil])
    }

    func testHexDumpPrefersTheSmallerOfOverlappingSections() {
        // Malformed options: the error section covers the bad option inside the TCP section.
        let bytes = Build.ethernetIPv4TCP(Build.tcp(options: [1, 1, 8, 0]))
        let sections = layerBreakdown(bytes, linkType: .ethernet)
        XCTAssertEqual(sections.last?.name, .decodeError)
        XCTAssertEqual(sections.last?.bytes, 56..<58)
        let marks = hexDump(bytes, marking: sections).flatMap(\.sections)
        XCTAssertEqual(marks[55], 2, "a NOP before the problem belongs to TCP")
        XCTAssertEqual(marks[56], sections.count - 1, "the bad option is marked as the error")
        guard case .decodeProblem(_, let options?)? = sections.last?.fields.first(where: { $0.name == .problem })?.value else {
            return XCTFail("the problem should name the malformed option")
        }
        XCTAssertEqual(options.kind, .timestamps)
        XCTAssertEqual(options.reason, .lengthBelowTwo)
    }

    func testWrongIPv4ChecksumSaysWhatItShouldBe() throws {
        // The captured SYN's header checksum is 0x8e9a (tcpdump -v agrees); blank it out.
        var bytes = Captured.synWithOptions
        bytes[24] = 0
        bytes[25] = 0
        let ip = try XCTUnwrap(layerBreakdown(bytes, linkType: .ethernet).first { $0.name == .ipv4 })
        XCTAssertEqual(field(.headerChecksum, in: ip)?.value, .ipv4Checksum(0x0000, valid: false, expected: 0x8e9a))
    }

    func testESPShowsOnlyWhatIsInTheClear() throws {
        let esp = Build.be32(0x1000) + Build.be32(7) + [UInt8](repeating: 0x5a, count: 12)
        let sections = layerBreakdown(Build.ipv6(nextHeader: 50, payload: esp), linkType: .ipv6)
        XCTAssertEqual(sections.map(\.name), [.ipv6, .esp])
        XCTAssertEqual(field(.securityParametersIndex, in: sections.last)?.value, .hex(0x1000, digits: 8))
        XCTAssertEqual(field(.sequenceNumber, in: sections.last)?.value, .number(7))
        XCTAssertEqual(field(.encryptedData, in: sections.last)?.bytes, 48..<60)
    }

    /// The fields the decoded headers do not keep are read again from the bytes; on a packet
    /// cut anywhere, that must never read past the end.
    func testEveryPrefixOfAPacketBreaksDownWithinItsBytes() {
        let packets = [Captured.synWithOptions, Captured.icmpPortUnreachable, Captured.ipv6Syn,
                       Build.ethernet(type: 0x86dd) + Build.ipv6(nextHeader: 44, payload: Build.fragmentHeader(nextHeader: 6, offset: 0, more: true, identification: 9) + Build.tcp()),
                       Build.ethernet(type: 0x86dd) + Build.ipv6(nextHeader: 51, payload: Build.authenticationHeader(nextHeader: 6) + Build.tcp()),
                       Build.ipv6(nextHeader: 50, payload: Build.be32(0x1000) + Build.be32(7))]
        for packet in packets {
            for count in 0...packet.count {
                let bytes = Array(packet.prefix(count))
                let linkType: LinkType = packet.first == 0x60 ? .ipv6 : .ethernet
                for section in layerBreakdown(bytes, linkType: linkType, originalLength: packet.count) {
                    XCTAssertTrue(section.bytes.upperBound <= count, "\(section.name) runs past \(count) bytes")
                    for field in section.fields { XCTAssertTrue(field.bytes.upperBound <= count, "\(field.name) runs past \(count) bytes") }
                }
            }
        }
    }
}
