import Report
import Wire
import WireFixtures
import XCTest

/// The OSI view a learner sees with `--layers`, in English: sections by layer, every field named
/// with its value and its bytes. (Wire's own LayerBreakdownTests check the facts behind it.)
final class LayerBreakdownTextTests: XCTestCase {
    func field(_ name: String, in section: LayerBreakdown.Section?, file: StaticString = #filePath, line: UInt = #line) -> LayerBreakdown.Field? {
        let found = section?.fields.first { $0.name == name }
        if found == nil { XCTFail("no field \"\(name)\" in \(section?.name ?? "missing section")", file: file, line: line) }
        return found
    }

    func breakdown(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil) -> [LayerBreakdown.Section] {
        LayerBreakdown.sections(bytes, linkType: linkType, originalLength: originalLength)
    }

    func testDataSegmentBreaksDownIntoLayers2347() throws {
        let sections = breakdown(Captured.dataSegment, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), ["Ethernet II", "IPv4", "TCP", "Application data"])
        XCTAssertEqual(sections.map(\.osiLayer), [2, 3, 4, 7])
        XCTAssertEqual(sections.map(\.osiLayerName), ["Data link", "Network", "Transport", "Application"])
        XCTAssertEqual(sections.map(\.bytes), [0..<14, 14..<34, 34..<66, 66..<78])

        let ip = sections[1], tcp = sections[2], data = sections[3]
        XCTAssertEqual(field("Source address", in: ip)?.value, "127.0.0.1")
        XCTAssertEqual(field("Source address", in: ip)?.bytes, 26..<30)
        XCTAssertEqual(field("Header length", in: ip)?.value, "20 bytes (IHL 5)")
        XCTAssertEqual(field("Version", in: ip)?.bytes, field("Header length", in: ip)?.bytes, "version and IHL share byte 14")
        XCTAssertEqual(field("Header checksum", in: ip)?.value, "0x8e94 (correct)")
        XCTAssertEqual(field("Flags", in: ip)?.value, "DF (don't fragment)")
        XCTAssertEqual(field("Protocol", in: ip)?.value, "6 (TCP)")

        XCTAssertEqual(field("Source port", in: tcp)?.value, "58550")
        XCTAssertEqual(field("Source port", in: tcp)?.bytes, 34..<36)
        XCTAssertEqual(field("Destination port", in: tcp)?.value, "45451")
        XCTAssertEqual(field("Sequence number", in: tcp)?.value, "2463216459")
        XCTAssertEqual(field("Flags", in: tcp)?.value, "PSH,ACK [P.]")
        XCTAssertEqual(field("Header length", in: tcp)?.value, "32 bytes (data offset 8)")
        XCTAssertEqual(tcp.fields.filter { $0.name.hasPrefix("Option: ") }.map(\.name), ["Option: NOP", "Option: NOP", "Option: timestamps"])
        XCTAssertEqual(field("Option: timestamps", in: tcp)?.value, "value 3223561482, echo 2818854653")
        XCTAssertEqual(field("Option: timestamps", in: tcp)?.bytes, 56..<66)

        XCTAssertEqual(field("Length", in: data)?.value, "12 bytes")
        XCTAssertEqual(field("Text", in: data)?.value, "\"hello osilab\"")
    }

    func testEveryFieldHasBytesInsideItsSection() {
        let packets: [([UInt8], LinkType)] = [
            (Captured.synWithOptions, .ethernet), (Captured.icmpPortUnreachable, .ethernet), (Captured.ipv6Syn, .ethernet),
            (Captured.linuxCookedUDP, .linuxSLL), (Captured.linuxCooked2UDP, .linuxSLL2),
            (Build.ethernet(type: 0x8100) + Build.vlanTag(id: 7, innerType: 0x0806) + Build.be16(1) + Build.be16(0x0800) + [6, 4] + Build.be16(2) + Build.clientMAC + Build.client4 + Build.serverMAC + Build.server4, .ethernet),
        ]
        for (bytes, linkType) in packets {
            let sections = breakdown(bytes, linkType: linkType)
            XCTAssertFalse(sections.isEmpty)
            for section in sections {
                XCTAssertFalse(section.fields.isEmpty, "\(section.name) shows no fields")
                for field in section.fields {
                    XCTAssertTrue(section.bytes.contains(field.bytes.lowerBound) && field.bytes.upperBound <= section.bytes.upperBound,
                                  "\(section.name): \(field.name) bytes \(field.bytes) lie outside \(section.bytes)")
                    XCTAssertFalse(field.value.isEmpty, "\(section.name): \(field.name) has no value")
                }
            }
        }
    }

    func testVLANAndARPSections() throws {
        let arp = Build.be16(1) + Build.be16(0x0800) + [6, 4] + Build.be16(2) + Build.clientMAC + Build.client4 + Build.serverMAC + Build.server4
        let sections = breakdown(Build.ethernet(type: 0x8100) + Build.vlanTag(id: 7, priority: 3, innerType: 0x0806) + arp, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), ["Ethernet II", "802.1Q VLAN tag", "ARP"])
        XCTAssertEqual(field("VLAN ID", in: sections[1])?.value, "7")
        XCTAssertEqual(field("Priority (PCP)", in: sections[1])?.value, "3")
        XCTAssertEqual(field("EtherType", in: sections[0])?.value, "0x8100 (802.1Q VLAN)")
        XCTAssertEqual(field("Operation", in: sections[2])?.value, "2 (reply)")
        XCTAssertEqual(field("Sender IP", in: sections[2])?.value, "192.0.2.1")
    }

    func testICMPErrorShowsTheQuotedDatagram() throws {
        let sections = breakdown(Captured.icmpPortUnreachable, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.osiLayer), [2, 3, 3, 3], "ICMP belongs to the network layer")
        XCTAssertEqual(field("Type", in: sections[2])?.value, "3 (destination unreachable)")
        XCTAssertEqual(field("Code", in: sections[2])?.value, "3 (port unreachable)")
        XCTAssertEqual(field("Original ports", in: sections[3])?.value, "48059 -> 45453")
    }

    func testDecodeErrorIsTheLastSection() throws {
        let full = Captured.synWithOptions
        let sections = breakdown(Array(full.prefix(40)), linkType: .ethernet, originalLength: full.count)
        XCTAssertEqual(sections.map(\.name), ["Ethernet II", "IPv4", "Decode error"])
        let error = try XCTUnwrap(sections.last)
        XCTAssertTrue(error.isError)
        XCTAssertEqual(error.osiLayer, 4)
        XCTAssertEqual(error.bytes, 34..<40)
        XCTAssertEqual(field("Layer", in: error)?.value, "TCP")
        XCTAssertEqual(field("Problem", in: error)?.value, "truncated: needed 20 bytes, had 6 (the capture's snap length cut the packet short)")
        XCTAssertEqual(field("Capture", in: error)?.value, "kept 40 bytes of the 74 the packet had")
    }

    func testEthernetPaddingSection() {
        let frame = Build.ethernetIPv4TCP(Build.tcp(flags: 0x10)) + [UInt8](repeating: 0, count: 6)
        let sections = breakdown(frame, linkType: .ethernet)
        XCTAssertEqual(sections.map(\.name), ["Ethernet II", "IPv4", "TCP", "Ethernet padding"])
        XCTAssertEqual(sections.last?.bytes, 54..<60)
        XCTAssertEqual(sections.last?.osiLayer, 2)
    }

    func testHexDumpMarksEachByteWithItsSection() throws {
        let bytes = Captured.dataSegment
        let lines = hexDump(bytes, marking: layerBreakdown(bytes, linkType: .ethernet))
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
        let sections = breakdown(bytes, linkType: .ethernet)
        XCTAssertEqual(sections.last?.name, "Decode error")
        XCTAssertEqual(sections.last?.bytes, 56..<58)
        let marks = hexDump(bytes, marking: layerBreakdown(bytes, linkType: .ethernet)).flatMap(\.sections)
        XCTAssertEqual(marks[55], 2, "a NOP before the problem belongs to TCP")
        XCTAssertEqual(marks[56], sections.count - 1, "the bad option is marked as the error")
    }

    func testWrongIPv4ChecksumSaysWhatItShouldBe() throws {
        // The captured SYN's header checksum is 0x8e9a (tcpdump -v agrees); blank it out.
        var bytes = Captured.synWithOptions
        bytes[24] = 0
        bytes[25] = 0
        let ip = try XCTUnwrap(breakdown(bytes, linkType: .ethernet).first { $0.name == "IPv4" })
        XCTAssertEqual(field("Header checksum", in: ip)?.value, "0x0000 (wrong: it should be 0x8e9a)")
    }

    func testESPShowsOnlyWhatIsInTheClear() throws {
        let esp = Build.be32(0x1000) + Build.be32(7) + [UInt8](repeating: 0x5a, count: 12)
        let sections = breakdown(Build.ipv6(nextHeader: 50, payload: esp), linkType: .ipv6)
        XCTAssertEqual(sections.map(\.name), ["IPv6", "ESP (encapsulating security payload)"])
        XCTAssertEqual(field("Security parameters index", in: sections.last)?.value, "0x00001000")
        XCTAssertEqual(field("Sequence number", in: sections.last)?.value, "7")
        XCTAssertEqual(field("Encrypted data", in: sections.last)?.bytes, 48..<60)
    }
}
