import Wire
import WireFixtures
import XCTest

/// Real loopback packets, decoded field by field against what tcpdump printed for them.
final class CapturedPacketTests: XCTestCase {
    func testSYNFromLoopbackDecodesEveryLayerAndOption() throws {
        let packet = decodePacket(Captured.synWithOptions, linkType: .ethernet)
        XCTAssertNil(packet.error, "a complete SYN must decode without problems")

        let ethernet = try XCTUnwrap(packet.link.ethernet, "loopback on Linux is captured as Ethernet")
        XCTAssertEqual(ethernet.source, .zero)
        XCTAssertEqual(ethernet.destination, .zero)
        XCTAssertEqual(ethernet.etherType, .ipv4)
        XCTAssertEqual(packet.link.range, 0..<14)

        let ip = try XCTUnwrap(packet.ipv4)
        XCTAssertEqual(ip.version, 4)
        XCTAssertEqual(ip.headerLength, 20)
        XCTAssertEqual(ip.totalLength, 60)
        XCTAssertEqual(ip.identification, 0xae1f)
        XCTAssertTrue(ip.dontFragment)
        XCTAssertFalse(ip.moreFragments)
        XCTAssertFalse(ip.isFragment)
        XCTAssertEqual(ip.ttl, 64)
        XCTAssertEqual(ip.protocol, .tcp)
        XCTAssertEqual(ip.checksum, 0x8e9a)
        XCTAssertEqual(ip.checksumValid, true, "the kernel always fills in the IPv4 header checksum")
        XCTAssertEqual(ip.source, .loopback)
        XCTAssertEqual(ip.destination, .loopback)
        XCTAssertEqual(ip.options, 34..<34)

        let tcp = try XCTUnwrap(packet.tcp)
        XCTAssertEqual(tcp.sourcePort, 58550)
        XCTAssertEqual(tcp.destinationPort, 45451)
        XCTAssertEqual(tcp.sequence, SequenceNumber(2463216458))
        XCTAssertEqual(tcp.acknowledgment, SequenceNumber(0))
        XCTAssertEqual(tcp.headerLength, 40)
        XCTAssertEqual(tcp.flags, .syn)
        XCTAssertEqual(tcp.flags.tcpdumpStyle, "[S]")
        XCTAssertEqual(tcp.window, 65495)
        XCTAssertEqual(tcp.checksum, 0xfe30)
        XCTAssertEqual(tcp.urgentPointer, 0)
        XCTAssertEqual(tcp.payloadLength, 0)
        XCTAssertEqual(tcp.sequenceLength, 1, "a SYN occupies one sequence number")

        XCTAssertEqual(tcp.options.mss, 65495)
        XCTAssertTrue(tcp.options.sackPermitted)
        XCTAssertEqual(tcp.options.timestamps, TCPTimestamps(value: 3223561481, echo: 0))
        XCTAssertEqual(tcp.options.windowScale, 10)
        XCTAssertTrue(tcp.options.sackBlocks.isEmpty)
        XCTAssertFalse(tcp.options.isMalformed)
        XCTAssertEqual(tcp.options.tcpdumpDescription, "[mss 65495,sackOK,TS val 3223561481 ecr 0,nop,wscale 10]")

        XCTAssertEqual(packet.source, .v4(.loopback))
        XCTAssertEqual(packet.sourceEndpoint?.description, "127.0.0.1:58550")
        XCTAssertEqual(packet.destinationEndpoint?.description, "127.0.0.1:45451")
        XCTAssertEqual(packet.payload, 74..<74)
        XCTAssertTrue(packet.trailer.isEmpty)
    }

    func testSYNACKAcknowledgesTheClientsISNPlusOne() throws {
        let packet = decodePacket(Captured.synAck, linkType: .ethernet)
        let tcp = try XCTUnwrap(packet.tcp)
        XCTAssertEqual(tcp.flags, [.syn, .ack])
        XCTAssertEqual(tcp.flags.description, "SYN,ACK")
        XCTAssertEqual(tcp.flags.tcpdumpStyle, "[S.]")
        XCTAssertEqual(tcp.sequence.rawValue, 901321308)
        XCTAssertEqual(tcp.acknowledgment, SequenceNumber(2463216458) + 1)
        XCTAssertEqual(tcp.options.timestamps?.echo, 3223561481, "the SYN-ACK echoes the SYN's timestamp")
    }

    func testDataSegmentPayloadIsTheApplicationBytes() throws {
        let bytes = Captured.dataSegment
        let packet = decodePacket(bytes, linkType: .ethernet)
        XCTAssertNil(packet.error)
        let tcp = try XCTUnwrap(packet.tcp)
        XCTAssertEqual(tcp.flags.tcpdumpStyle, "[P.]")
        XCTAssertEqual(tcp.payloadLength, 12)
        XCTAssertEqual(tcp.options.tcpdumpDescription, "[nop,nop,TS val 3223561482 ecr 2818854653]")
        XCTAssertEqual(String(decoding: bytes[packet.payload], as: UTF8.self), "hello osilab")
    }

    func testFINAndRSTFlags() throws {
        let fin = try XCTUnwrap(decodePacket(Captured.finAck, linkType: .ethernet).tcp)
        XCTAssertEqual(fin.flags, [.fin, .ack])
        XCTAssertEqual(fin.flags.tcpdumpStyle, "[F.]")
        XCTAssertEqual(fin.sequenceLength, 1, "a FIN occupies one sequence number")

        let reset = decodePacket(Captured.resetAck, linkType: .ethernet)
        let rst = try XCTUnwrap(reset.tcp)
        XCTAssertEqual(rst.flags, [.rst, .ack])
        XCTAssertEqual(rst.flags.tcpdumpStyle, "[R.]")
        XCTAssertEqual(rst.sequence.rawValue, 0)
        XCTAssertEqual(rst.acknowledgment.rawValue, 1069336693)
        XCTAssertEqual(rst.headerLength, 20)
        XCTAssertTrue(rst.options.isEmpty)
        XCTAssertEqual(reset.sourcePort, 45452, "the reset comes from the closed port")
    }

    func testUDPDatagram() throws {
        let bytes = Captured.udpDatagram
        let packet = decodePacket(bytes, linkType: .ethernet)
        XCTAssertNil(packet.error)
        let udp = try XCTUnwrap(packet.udp)
        XCTAssertEqual(udp.sourcePort, 48059)
        XCTAssertEqual(udp.destinationPort, 45453)
        XCTAssertEqual(udp.length, 13)
        XCTAssertEqual(udp.payloadLength, 5)
        XCTAssertEqual(String(decoding: bytes[packet.payload], as: UTF8.self), "ping?")
    }

    func testICMPPortUnreachableQuotesTheDatagramThatCausedIt() throws {
        let packet = decodePacket(Captured.icmpPortUnreachable, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.ipv4?.typeOfService, 0xc0, "Linux sends ICMP errors with precedence 6 (internetwork control)")
        guard case .icmp(let icmp) = packet.transport else {
            return XCTFail("expected ICMP, got \(String(describing: packet.transport))")
        }
        XCTAssertEqual(icmp.type, 3)
        XCTAssertEqual(icmp.code, 3)
        XCTAssertTrue(icmp.isError)
        XCTAssertTrue(icmp.isPortUnreachable)
        XCTAssertEqual(icmp.typeName, "destination unreachable")
        XCTAssertEqual(icmp.codeName, "port unreachable")
        let quote = try XCTUnwrap(icmp.quoted, "a port unreachable quotes the original IP header and 8 bytes")
        XCTAssertEqual(quote.protocol, .udp)
        XCTAssertEqual(quote.sourceEndpoint?.description, "127.0.0.1:48059")
        XCTAssertEqual(quote.destinationEndpoint?.description, "127.0.0.1:45453", "the closed port the datagram was sent to")
    }

    func testIPv6SYNAndUDPAndICMPv6PortUnreachable() throws {
        let syn = decodePacket(Captured.ipv6Syn, linkType: .ethernet)
        XCTAssertNil(syn.error)
        let ip = try XCTUnwrap(syn.ipv6)
        XCTAssertEqual(ip.flowLabel, 0xfc3fb)
        XCTAssertEqual(ip.payloadLength, 40)
        XCTAssertEqual(ip.hopLimit, 64)
        XCTAssertEqual(ip.nextHeader, .tcp)
        XCTAssertTrue(ip.extensionHeaders.isEmpty)
        XCTAssertEqual(syn.sourceEndpoint?.description, "[::1]:47312")
        XCTAssertEqual(syn.tcp?.options.mss, 65476, "IPv6's MSS on lo is 20 bytes smaller than IPv4's")

        let udp = decodePacket(Captured.ipv6UDP, linkType: .ethernet)
        XCTAssertEqual(udp.udp?.payloadLength, 5)
        XCTAssertEqual(String(decoding: Captured.ipv6UDP[udp.payload], as: UTF8.self), "ping6")

        let unreachable = decodePacket(Captured.icmpv6PortUnreachable, linkType: .ethernet)
        XCTAssertNil(unreachable.error)
        guard case .icmpv6(let icmp) = unreachable.transport else {
            return XCTFail("expected ICMPv6, got \(String(describing: unreachable.transport))")
        }
        XCTAssertEqual(icmp.type, 1)
        XCTAssertEqual(icmp.code, 4)
        XCTAssertTrue(icmp.isPortUnreachable)
        XCTAssertEqual(icmp.quoted?.destinationEndpoint?.description, "[::1]:45453")
        XCTAssertEqual(icmp.quoted?.sourcePort, 41097)
    }

    func testLinuxCookedV1AndV2() throws {
        let v1 = decodePacket(Captured.linuxCookedUDP, linkType: .linuxSLL)
        XCTAssertNil(v1.error)
        guard case .linuxCooked(let sll) = v1.link.frame else { return XCTFail("expected a cooked header") }
        XCTAssertEqual(sll.version, 1)
        XCTAssertEqual(sll.packetType, .host)
        XCTAssertEqual(sll.hardwareType, 772, "ARPHRD_LOOPBACK")
        XCTAssertEqual(sll.addressLength, 6)
        XCTAssertEqual(sll.sourceMAC, .zero)
        XCTAssertEqual(sll.protocolType, .ipv4)
        XCTAssertNil(sll.interfaceIndex)
        XCTAssertEqual(v1.link.range, 0..<16)
        XCTAssertEqual(v1.udp?.destinationPort, 45454)
        XCTAssertEqual(String(decoding: Captured.linuxCookedUDP[v1.payload], as: UTF8.self), "cooked")

        let v2 = decodePacket(Captured.linuxCooked2UDP, linkType: .linuxSLL2)
        XCTAssertNil(v2.error)
        guard case .linuxCooked(let sll2) = v2.link.frame else { return XCTFail("expected a cooked v2 header") }
        XCTAssertEqual(sll2.version, 2)
        XCTAssertEqual(sll2.interfaceIndex, 1, "lo is interface 1")
        XCTAssertEqual(sll2.packetType, .host)
        XCTAssertFalse(sll2.isOutgoing)
        XCTAssertEqual(v2.link.range, 0..<20)
        XCTAssertEqual(v2.udp?.destinationPort, 45454)
    }
}
