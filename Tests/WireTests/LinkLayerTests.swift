import Wire
import WireFixtures
import XCTest

/// Every link type libpcap can hand us, and what sits between the link and IP.
final class LinkLayerTests: XCTestCase {
    let udp = Build.udp(payload: Array("hi".utf8))
    var ipv4UDP: [UInt8] { Build.ipv4(protocol: 17, payload: udp) }
    var ipv6UDP: [UInt8] { Build.ipv6(nextHeader: 17, payload: udp) }

    // MARK: Ethernet and VLANs

    func testEthernetMACAddressesAndEtherType() throws {
        let packet = decodePacket(Build.ethernet(type: 0x0800) + ipv4UDP, linkType: .ethernet)
        XCTAssertNil(packet.error)
        let ethernet = try XCTUnwrap(packet.link.ethernet)
        XCTAssertEqual(ethernet.destination.description, "02:00:00:00:00:02")
        XCTAssertEqual(ethernet.source.description, "02:00:00:00:00:01")
        XCTAssertEqual(packet.link.sourceMAC, ethernet.source)
        XCTAssertEqual(ethernet.etherType, .ipv4)
        XCTAssertEqual(packet.udp?.destinationPort, 4545)
    }

    func testSingleVLANTagIsReportedAndSkipped() throws {
        let frame = Build.ethernet(type: 0x8100) + Build.vlanTag(id: 100, priority: 5, dropEligible: true, innerType: 0x0800) + ipv4UDP
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.link.vlanIDs, [100])
        let tag = try XCTUnwrap(packet.link.vlanTags.first)
        XCTAssertEqual(tag.tagProtocol, .vlan)
        XCTAssertEqual(tag.priority, 5)
        XCTAssertTrue(tag.dropEligible)
        XCTAssertEqual(tag.innerType, 0x0800)
        XCTAssertEqual(tag.range, 14..<18)
        XCTAssertEqual(packet.link.range, 0..<18, "the IPv4 header starts after the tag")
        XCTAssertEqual(packet.ipv4?.range, 18..<38)
        XCTAssertEqual(packet.udp?.sourcePort, 50000)
    }

    func testStackedQinQTagsOutermostFirst() {
        for outer in [0x88a8, 0x9100] {
            let frame = Build.ethernet(type: outer)
                + Build.vlanTag(id: 10, innerType: 0x8100)
                + Build.vlanTag(id: 20, innerType: 0x86dd) + ipv6UDP
            let packet = decodePacket(frame, linkType: .ethernet)
            XCTAssertNil(packet.error, "outer TPID \(String(outer, radix: 16))")
            XCTAssertEqual(packet.link.vlanIDs, [10, 20])
            XCTAssertEqual(packet.link.vlanTags.first?.tagProtocol, EtherType(UInt16(outer)))
            XCTAssertEqual(packet.link.range, 0..<22)
            XCTAssertNotNil(packet.ipv6)
            XCTAssertEqual(packet.udp?.payloadLength, 2)
        }
    }

    func testTruncatedVLANTagIsATruncatedVLANError() {
        let frame = Build.ethernet(type: 0x8100) + [0x00, 0x64]
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertEqual(packet.error, DecodeError(layer: .vlan, kind: .truncated(needed: 4, available: 2), offset: 14))
        XCTAssertNotNil(packet.link.ethernet, "the Ethernet header before the tag stays decoded")
        XCTAssertNil(packet.network)
    }

    func testUnknownEtherTypeIsReportedNotGuessed() {
        // LLDP (0x88cc) carries no IP; the payload looks nothing like one anyway.
        let frame = Build.ethernet(type: 0x88cc) + [0x02, 0x07, 0x04, 0x00, 0x11, 0x22]
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error, "an EtherType we do not decode is not an error")
        XCTAssertEqual(packet.network, .other(EtherType(0x88cc)))
        XCTAssertEqual(EtherType(0x88cc).description, "unknown(0x88cc)")
        XCTAssertEqual(EtherType.ipv6.description, "IPv6")
        XCTAssertEqual(packet.payload, 14..<20)
        XCTAssertNil(packet.transport)
    }

    func testIEEE8023FrameWithLLCIsReportedAsLLC() throws {
        // A spanning-tree BPDU: 802.3 length 38, LLC DSAP/SSAP 0x42, control 0x03, padded to 60.
        let llcPayload: [UInt8] = [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 35)
        let frame = Build.ethernet(type: 38, destination: [0x01, 0x80, 0xc2, 0, 0, 0]) + llcPayload + [UInt8](repeating: 0, count: 8)
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error)
        let ethernet = try XCTUnwrap(packet.link.ethernet)
        XCTAssertTrue(ethernet.isIEEE8023)
        XCTAssertNil(ethernet.etherType)
        XCTAssertTrue(ethernet.destination.isMulticast)
        let llc = try XCTUnwrap(packet.link.llc)
        XCTAssertEqual(llc.length, 38)
        XCTAssertEqual(llc.dsap, 0x42)
        XCTAssertEqual(llc.control, 0x03)
        XCTAssertNil(llc.snapOUI)
        XCTAssertEqual(packet.network, .otherLLC(dsap: 0x42))
        XCTAssertEqual(packet.payload, 17..<52, "the LLC payload ends where the 802.3 length says")
        XCTAssertEqual(packet.trailer, 52..<60)
    }

    func testSNAPWithZeroOUICarriesAnEtherType() throws {
        let snap: [UInt8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00]
        let body = snap + ipv4UDP
        let packet = decodePacket(Build.ethernet(type: body.count) + body, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.link.llc?.snapOUI, 0)
        XCTAssertEqual(packet.link.llc?.snapProtocol, 0x0800)
        XCTAssertEqual(packet.ipv4?.range.lowerBound, 22)
        XCTAssertEqual(packet.udp?.destinationPort, 4545)
    }

    func testARPRequestSenderAndTarget() throws {
        let arp: [UInt8] = Build.be16(1) + Build.be16(0x0800) + [6, 4] + Build.be16(1)
            + Build.clientMAC + Build.client4 + [0, 0, 0, 0, 0, 0] + Build.server4
        let frame = Build.ethernet(type: 0x0806, destination: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) + arp + [UInt8](repeating: 0, count: 18)
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertTrue(packet.link.destinationMAC?.isBroadcast ?? false)
        guard case .arp(let message) = packet.network else { return XCTFail("expected ARP, got \(String(describing: packet.network))") }
        XCTAssertEqual(message.operation, 1)
        XCTAssertEqual(message.operationName, "request")
        XCTAssertEqual(message.senderMAC?.description, "02:00:00:00:00:01")
        XCTAssertEqual(message.senderIP?.description, "192.0.2.1")
        XCTAssertEqual(message.targetMAC, .zero, "a request does not know the target's MAC yet")
        XCTAssertEqual(message.targetIP?.description, "198.51.100.7")
        XCTAssertEqual(packet.trailer, 42..<60, "Ethernet pads the 42-byte ARP frame to 60")
        XCTAssertNil(packet.source, "ARP has no IP header, so no IP source")
    }

    // MARK: Loopback headers

    func testNullLoopbackFamilyInEitherByteOrder() throws {
        let cases: [([UInt8], ByteOrder, Bool)] = [
            ([2, 0, 0, 0], .littleEndian, false),
            ([0, 0, 0, 2], .bigEndian, false),
            ([30, 0, 0, 0], .littleEndian, true), // Darwin AF_INET6
            ([0, 0, 0, 30], .bigEndian, true),
            ([28, 0, 0, 0], .littleEndian, true), // FreeBSD
            ([0, 0, 0, 24], .bigEndian, true), // NetBSD/OpenBSD
            ([10, 0, 0, 0], .littleEndian, true), // Linux
        ]
        for (header, order, isIPv6) in cases {
            let packet = decodePacket(header + (isIPv6 ? ipv6UDP : ipv4UDP), linkType: .null)
            XCTAssertNil(packet.error, "family bytes \(header)")
            guard case .loopback(let loopback) = packet.link.frame else { return XCTFail("expected a loopback header") }
            XCTAssertEqual(loopback.byteOrder, order, "family bytes \(header)")
            XCTAssertEqual(isIPv6 ? packet.ipv6 != nil : packet.ipv4 != nil, true, "family bytes \(header)")
            XCTAssertEqual(packet.udp?.payloadLength, 2)
        }
    }

    func testNullLoopbackUnknownFamilyIsReported() {
        let packet = decodePacket([7, 0, 0, 0, 1, 2, 3], linkType: .null)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.network, .otherFamily(7))
        XCTAssertEqual(packet.payload, 4..<7)
    }

    func testLoopIsAlwaysNetworkByteOrder() throws {
        let v4 = decodePacket([0, 0, 0, 2] + ipv4UDP, linkType: .loop)
        XCTAssertNotNil(v4.ipv4)
        let v6 = decodePacket([0, 0, 0, 24] + ipv6UDP, linkType: .loop)
        XCTAssertNotNil(v6.ipv6)
        guard case .loopback(let header) = v6.link.frame else { return XCTFail("expected a loopback header") }
        XCTAssertEqual(header.family, 24)
        XCTAssertEqual(header.byteOrder, .bigEndian)
        XCTAssertEqual(header.familyName, "AF_INET6 (IPv6, NetBSD/OpenBSD)")
    }

    // MARK: Raw IP

    func testRawIPLinkTypesUseTheVersionNibble() {
        for linkType in [LinkType.raw, .rawOpenBSD, .linktypeRaw] {
            let v4 = decodePacket(ipv4UDP, linkType: linkType)
            XCTAssertNil(v4.error, "\(linkType)")
            XCTAssertEqual(v4.link.frame, .raw)
            XCTAssertEqual(v4.ipv4?.range, 0..<20)
            let v6 = decodePacket(ipv6UDP, linkType: linkType)
            XCTAssertEqual(v6.ipv6?.range, 0..<40, "\(linkType)")
        }
        XCTAssertNotNil(decodePacket(ipv4UDP, linkType: .ipv4).udp)
        XCTAssertNotNil(decodePacket(ipv6UDP, linkType: .ipv6).udp)
    }

    func testRawIPWithAnotherVersionIsInvalid() {
        var bytes = ipv4UDP
        bytes[0] = 0x55
        let packet = decodePacket(bytes, linkType: .raw)
        XCTAssertEqual(packet.error?.layer, .link)
        XCTAssertEqual(packet.error?.kind, .invalid(.rawIPVersion(found: 5)))
        XCTAssertEqual(packet.error?.problem, "invalid: a raw IP link carries IPv4 or IPv6, but the version field is 5")
        XCTAssertNil(packet.network)
    }

    func testDLTIPV4RejectsAnIPv6Header() {
        let packet = decodePacket(ipv6UDP, linkType: .ipv4)
        XCTAssertEqual(packet.error?.layer, .ipv4)
        XCTAssertEqual(packet.error?.isInvalid, true)
    }

    // MARK: Linux cooked

    func testLinuxCookedOutgoingPacket() throws {
        let header: [UInt8] = Build.be16(4) + Build.be16(1) + Build.be16(6) + Build.clientMAC + [0, 0] + Build.be16(0x0800)
        let packet = decodePacket(header + ipv4UDP, linkType: .linuxSLL)
        XCTAssertNil(packet.error)
        guard case .linuxCooked(let sll) = packet.link.frame else { return XCTFail("expected a cooked header") }
        XCTAssertEqual(sll.packetType, .outgoing)
        XCTAssertTrue(sll.isOutgoing)
        XCTAssertEqual(sll.packetType.description, "sent by us")
        XCTAssertEqual(sll.sourceMAC?.description, "02:00:00:00:00:01")
        XCTAssertEqual(packet.link.sourceMAC, sll.sourceMAC)
        XCTAssertEqual(packet.udp?.sourcePort, 50000)
    }

    func testLinuxCookedV2InterfaceIndexAndVLAN() throws {
        // SLL2 with protocol 0x8100: libpcap puts the VLAN tag back in front of the payload.
        let header: [UInt8] = Build.be16(0x8100) + [0, 0] + Build.be32(7) + Build.be16(1) + [0, 6] + Build.clientMAC + [0, 0]
        let packet = decodePacket(header + Build.vlanTag(id: 42, innerType: 0x0800) + ipv4UDP, linkType: .linuxSLL2)
        XCTAssertNil(packet.error)
        guard case .linuxCooked(let sll) = packet.link.frame else { return XCTFail("expected a cooked header") }
        XCTAssertEqual(sll.version, 2)
        XCTAssertEqual(sll.interfaceIndex, 7)
        XCTAssertEqual(sll.packetType, .host)
        XCTAssertEqual(packet.link.vlanIDs, [42])
        XCTAssertEqual(packet.ipv4?.range.lowerBound, 24)
    }

    func testLinuxCookedLLCFrame() {
        let header: [UInt8] = Build.be16(0) + Build.be16(1) + Build.be16(6) + Build.clientMAC + [0, 0] + Build.be16(0x0004)
        let packet = decodePacket(header + [0x42, 0x42, 0x03, 0, 0], linkType: .linuxSLL)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.link.llc?.dsap, 0x42)
        XCTAssertEqual(packet.network, .otherLLC(dsap: 0x42))
    }

    func testTruncatedCookedHeader() {
        let packet = decodePacket([0, 0, 3, 4, 0, 6], linkType: .linuxSLL2)
        XCTAssertEqual(packet.error, DecodeError(layer: .linuxCooked, kind: .truncated(needed: 20, available: 6), offset: 0))
        XCTAssertEqual(packet.link.frame, .missing)
    }

    // MARK: PPP and PPPoE

    func testPPPWithAddressControlAndTwoByteProtocol() throws {
        let packet = decodePacket([0xff, 0x03, 0x00, 0x21] + ipv4UDP, linkType: .ppp)
        XCTAssertNil(packet.error)
        guard case .ppp(let ppp) = packet.link.frame else { return XCTFail("expected PPP") }
        XCTAssertTrue(ppp.hasAddressAndControl)
        XCTAssertEqual(ppp.protocol, .ipv4)
        XCTAssertEqual(ppp.protocolFieldLength, 2)
        XCTAssertEqual(packet.link.range, 0..<4)
        XCTAssertNotNil(packet.udp)
    }

    func testPPPWithCompressedProtocolAndNoAddressControl() throws {
        let packet = decodePacket([0x57] + ipv6UDP, linkType: .ppp)
        XCTAssertNil(packet.error)
        guard case .ppp(let ppp) = packet.link.frame else { return XCTFail("expected PPP") }
        XCTAssertFalse(ppp.hasAddressAndControl)
        XCTAssertEqual(ppp.protocol, .ipv6)
        XCTAssertEqual(ppp.protocolFieldLength, 1)
        XCTAssertEqual(packet.ipv6?.range, 1..<41)
    }

    func testPPPControlProtocolIsReportedNotDecoded() {
        let packet = decodePacket([0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04], linkType: .pppSerial)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.network, .otherPPP(.lcp))
        XCTAssertEqual(PPPProtocol.lcp.description, "LCP")
        XCTAssertEqual(PPPProtocol(0x1234).description, "unknown(0x1234)")
    }

    func testPPPAddressWithoutControlIsInvalidAndCiscoHDLCIsUnsupported() {
        let bad = decodePacket([0xff, 0x07, 0x00, 0x21], linkType: .ppp)
        XCTAssertEqual(bad.error?.layer, .ppp)
        XCTAssertEqual(bad.error?.isInvalid, true)

        let cisco = decodePacket([0x0f, 0x00, 0x08, 0x00] + ipv4UDP, linkType: .pppSerial)
        XCTAssertEqual(cisco.error?.layer, .ppp)
        if case .unsupported = cisco.error?.kind {} else { XCTFail("Cisco HDLC should be reported unsupported, got \(String(describing: cisco.error))") }
    }

    func pppoeSession(_ payload: [UInt8], session: Int = 0x1234) -> [UInt8] {
        [0x11, 0x00] + Build.be16(session) + Build.be16(payload.count + 2) + Build.be16(0x0021) + payload
    }

    func testPPPoESessionCarryingIPv4() throws {
        let tcp = Build.tcp(flags: 0x02)
        let packet = decodePacket(Build.ethernet(type: 0x8864) + pppoeSession(Build.ipv4(protocol: 6, payload: tcp)), linkType: .ethernet)
        XCTAssertNil(packet.error)
        let pppoe = try XCTUnwrap(packet.link.pppoe)
        XCTAssertEqual(pppoe.version, 1)
        XCTAssertEqual(pppoe.type, 1)
        XCTAssertEqual(pppoe.sessionID, 0x1234)
        XCTAssertFalse(pppoe.isDiscovery)
        XCTAssertEqual(pppoe.pppProtocol, .ipv4)
        XCTAssertEqual(pppoe.range, 14..<22)
        XCTAssertEqual(packet.link.range, 0..<22)
        XCTAssertEqual(packet.tcp?.flags, .syn)
    }

    func testPPPoEDiscoveryIsReportedWithoutIP() throws {
        let padi: [UInt8] = [0x11, 0x09, 0x00, 0x00] + Build.be16(4) + [0x01, 0x01, 0x00, 0x00]
        let packet = decodePacket(Build.ethernet(type: 0x8863, destination: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) + padi, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.network, .pppoeDiscovery)
        XCTAssertEqual(packet.link.pppoe?.code, 0x09)
        XCTAssertEqual(packet.link.pppoe?.codeName, "PADI (initiation)")
        XCTAssertEqual(packet.payload, 20..<24, "the discovery tags")
    }

    func testPPPoEWithoutEthernetHeader() {
        let packet = decodePacket(pppoeSession(ipv4UDP, session: 7), linkType: .pppEther)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.link.pppoe?.sessionID, 7)
        XCTAssertNotNil(packet.udp)
    }

    /// A PPPoE session frame whose length covers `covered` bytes of IP, followed by `padding`
    /// zero bytes that the PPPoE length leaves to the frame.
    func pppoeShort(_ ip: [UInt8], covered: Int, padding: Int) -> [UInt8] {
        let pppProtocol = ip.first.map { $0 >> 4 == 6 ? 0x0057 : 0x0021 } ?? 0x0021
        return Build.ethernet(type: 0x8864) + [0x11, 0x00] + Build.be16(0x1234) + Build.be16(covered + 2) + Build.be16(pppProtocol)
            + Array(ip.prefix(covered)) + [UInt8](repeating: 0, count: padding)
    }

    func testPPPoELengthEndsTheIPv4PacketItsTotalLengthOverstates() throws {
        // A bare 40-byte ACK whose total length says 46: the 6 bytes the PPPoE length leaves
        // out are padding, not TCP data. 14 + 8 = 22 is where IPv4 starts.
        let ack = Build.ipv4(protocol: 6, payload: Build.tcp(flags: 0x10), totalLength: 46)
        let frame = pppoeShort(ack, covered: 40, padding: 6)
        let packet = decodePacket(frame, linkType: .ethernet, originalLength: frame.count)
        XCTAssertEqual(packet.error, DecodeError(layer: .ipv4, kind: .invalid(.totalLengthPastEnclosing(total: 46, available: 40,
                                                                                                          field: .pppoeLength)),
                                                 offset: 22))
        XCTAssertEqual(packet.error?.description,
                       "IPv4 at byte 22 invalid: total length 46 is more than the 40 bytes the PPPoE length leaves for the IPv4 packet; 6 bytes are missing")
        let tcp = try XCTUnwrap(packet.tcp, "the TCP header is all inside the PPPoE payload and decodes")
        XCTAssertEqual(tcp.payloadLength, 0, "no TCP data: the PPPoE payload ends with the TCP header")
        XCTAssertEqual(packet.payload, 62..<62)
        XCTAssertEqual(packet.trailer, 62..<68, "the 6 bytes after the PPPoE payload are the frame's padding")
        XCTAssertEqual(packet.ipv4?.payload, 42..<62)
    }

    func testPPPoELengthEndsTheIPv6PacketItsPayloadLengthOverstates() throws {
        let ip = Build.ipv6(nextHeader: 6, payload: Build.tcp(flags: 0x10), payloadLength: 26)
        let packet = decodePacket(pppoeShort(ip, covered: 60, padding: 6), linkType: .ethernet)
        XCTAssertEqual(packet.error?.kind, .invalid(.payloadLengthPastEnclosing(payloadLength: 26, available: 20, field: .pppoeLength)))
        XCTAssertEqual(packet.tcp?.payloadLength, 0)
        XCTAssertEqual(packet.trailer, 82..<88)
    }

    func testIPv4ShorterThanThePPPoELengthIsFine() {
        // The other way round is normal: the PPPoE payload may carry more than one IP packet's
        // worth only as PPP padding, and IP's own length ends the IP packet.
        let ip = Build.ipv4(protocol: 6, payload: Build.tcp(flags: 0x10, payload: [1, 2, 3]))
        let packet = decodePacket(pppoeShort(ip + [0, 0], covered: ip.count + 2, padding: 0), linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.tcp?.payloadLength, 3)
    }

    func testPPPoELengthCuttingTheIPv4HeaderIsInvalid() {
        let ip = Build.ipv4(protocol: 6, payload: Build.tcp(flags: 0x10))
        let packet = decodePacket(pppoeShort(ip, covered: 10, padding: 30), linkType: .ethernet)
        XCTAssertEqual(packet.error?.kind, .invalid(.lengthFieldTooShort(field: .pppoeLength, available: 10, needed: 20)))
        XCTAssertNil(packet.tcp)
    }

    // MARK: MPLS

    func mplsEntry(label: UInt32, bottom: Bool, ttl: UInt8 = 64, trafficClass: UInt32 = 0) -> [UInt8] {
        Build.be32(label << 12 | trafficClass << 9 | (bottom ? 1 << 8 : 0) | UInt32(ttl))
    }

    func testMPLSStackThenInferredIPv4() throws {
        let frame = Build.ethernet(type: 0x8847) + mplsEntry(label: 16001, bottom: false, trafficClass: 5)
            + mplsEntry(label: 24, bottom: true, ttl: 63) + ipv4UDP
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.link.mplsLabels.map(\.label), [16001, 24])
        XCTAssertEqual(packet.link.mplsLabels.first?.trafficClass, 5)
        XCTAssertEqual(packet.link.mplsLabels.map(\.isBottomOfStack), [false, true])
        XCTAssertEqual(packet.link.mplsLabels.last?.ttl, 63)
        XCTAssertTrue(packet.link.networkProtocolInferred, "MPLS does not name its payload; the decoder must say it inferred IPv4")
        XCTAssertEqual(packet.ipv4?.range.lowerBound, 22)
        XCTAssertNotNil(packet.udp)
    }

    func testMPLSThenInferredIPv6() {
        let packet = decodePacket(Build.ethernet(type: 0x8847) + mplsEntry(label: 2, bottom: true) + ipv6UDP, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertTrue(packet.link.networkProtocolInferred)
        XCTAssertNotNil(packet.ipv6)
    }

    func testMPLSPayloadThatDoesNotValidateIsNotGuessed() {
        var broken = ipv4UDP
        broken[10] ^= 0xff // the version nibble says 4, but the header checksum is wrong
        let packet = decodePacket(Build.ethernet(type: 0x8847) + mplsEntry(label: 100, bottom: true) + broken, linkType: .ethernet)
        XCTAssertNil(packet.network, "a payload that only looks like IPv4 must not be decoded as IPv4")
        XCTAssertFalse(packet.link.networkProtocolInferred)
        XCTAssertEqual(packet.error?.layer, .mpls)
        if case .unsupported = packet.error?.kind {} else { XCTFail("expected unsupported, got \(String(describing: packet.error))") }

        let ethernetPseudowire = decodePacket(Build.ethernet(type: 0x8847) + mplsEntry(label: 100, bottom: true) + [0x00, 0x11, 0x22, 0x33], linkType: .ethernet)
        XCTAssertNil(ethernetPseudowire.network)
        XCTAssertEqual(ethernetPseudowire.payload, 18..<22)
    }

    func testMPLSStackWithoutBottomRunsOutAsTruncated() {
        let packet = decodePacket(Build.ethernet(type: 0x8847) + mplsEntry(label: 1, bottom: false) + mplsEntry(label: 2, bottom: false), linkType: .ethernet)
        XCTAssertEqual(packet.error, DecodeError(layer: .mpls, kind: .truncated(needed: 4, available: 0), offset: 22))
        XCTAssertEqual(packet.link.mplsLabels.count, 2)
    }

    // MARK: Unknown link types and names

    func testUnknownLinkTypeIsReported() {
        let packet = decodePacket([1, 2, 3, 4], linkType: LinkType(rawValue: 147))
        XCTAssertEqual(packet.link.frame, .unsupported)
        XCTAssertEqual(packet.error?.layer, .link)
        XCTAssertEqual(packet.error?.kind, .unsupported(.linkType(LinkType(rawValue: 147))))
        XCTAssertEqual(packet.error?.problem, "not decoded: link type unknown(147) is not one this decoder reads")
        XCTAssertEqual(packet.payload, 0..<4)
    }

    func testLinkTypeNames() {
        XCTAssertEqual(LinkType.ethernet.name, "EN10MB (Ethernet)")
        XCTAssertEqual(LinkType.null.description, "NULL (BSD loopback)")
        XCTAssertEqual(LinkType.linuxSLL2.description, "LINUX_SLL2 (Linux cooked v2)")
        XCTAssertEqual(LinkType(rawValue: 147).description, "unknown(147)")
        XCTAssertEqual(LinkType(rawValue: 1), .ethernet)
        XCTAssertTrue(LinkType.pppEther.isSupported)
        XCTAssertFalse(LinkType(rawValue: 105).isSupported)
    }
}
