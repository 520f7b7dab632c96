import Wire
import WireFixtures
import XCTest

/// IPv4 and IPv6: lengths, padding, fragments, options, checksums, extension headers.
final class IPTests: XCTestCase {
    // MARK: IPv4 lengths

    func testEthernetPaddingIsNotPayload() throws {
        // A bare ACK is 54 bytes; Ethernet pads it to 60 with zeros the IP header does not count.
        let frame = Build.ethernetIPv4TCP(Build.tcp(flags: 0x10)) + [UInt8](repeating: 0, count: 6)
        XCTAssertEqual(frame.count, 60)
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.tcp?.payloadLength, 0, "the padding must not be mistaken for data")
        XCTAssertTrue(packet.payload.isEmpty)
        XCTAssertEqual(packet.trailer, 54..<60)
        XCTAssertEqual(packet.ipv4?.payload, 34..<54)
    }

    func testPaddedUDPPayloadStopsAtTheIPTotalLength() {
        let frame = Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 17, payload: Build.udp(payload: [0x41, 0x42])) + [0, 0, 0, 0]
        let packet = decodePacket(frame, linkType: .ethernet)
        XCTAssertEqual(packet.payload, 42..<44)
        XCTAssertEqual(packet.trailer, 44..<48)
    }

    func testHeaderLengthBelowFiveIsInvalid() {
        let packet = decodePacket(Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 6, payload: Build.tcp(), ihl: 3), linkType: .ethernet)
        XCTAssertEqual(packet.error?.layer, .ipv4)
        XCTAssertEqual(packet.error?.kind, .invalid(.headerLengthTooSmall(ihl: 3)))
        XCTAssertEqual(packet.error?.problem, "invalid: header length (IHL) is 3, i.e. 12 bytes; the minimum is 5 (20 bytes)")
        XCTAssertEqual(packet.error?.offset, 14)
        XCTAssertNil(packet.network)
        XCTAssertNotNil(packet.link.ethernet, "the Ethernet header stays decoded")
    }

    func testTotalLengthSmallerThanHeaderIsInvalid() throws {
        let packet = decodePacket(Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 6, payload: Build.tcp(), totalLength: 12), linkType: .ethernet)
        XCTAssertEqual(packet.error?.kind, .invalid(.totalLengthBelowHeader(total: 12, header: 20)))
        XCTAssertEqual(packet.error?.problem, "invalid: total length 12 is smaller than the 20-byte header")
        XCTAssertEqual(packet.ipv4?.totalLength, 12, "the header itself is still shown")
        XCTAssertNil(packet.transport)
    }

    func testWrongVersionInAnIPv4FrameIsInvalid() {
        let packet = decodePacket(Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 6, payload: Build.tcp(), version: 6), linkType: .ethernet)
        XCTAssertEqual(packet.error?.kind, .invalid(.wrongVersion(found: 6, expected: 4)))
        XCTAssertEqual(packet.error?.problem, "invalid: version field is 6, not 4")
    }

    func testTotalLengthPastAWholeFrameIsInvalidButTheSegmentStillDecodes() throws {
        let bytes = Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 6, payload: Build.tcp(payload: [1, 2, 3]), totalLength: 1500)
        let packet = decodePacket(bytes, linkType: .ethernet, originalLength: bytes.count)
        XCTAssertEqual(packet.error?.layer, .ipv4)
        XCTAssertEqual(packet.error?.isInvalid, true, "the capture holds the whole frame, so the header lies")
        XCTAssertEqual(packet.tcp?.payloadLength, 3, "decoding goes on with the bytes that are there")
        XCTAssertEqual(packet.payload, 54..<57)
    }

    func testSnapLengthCutLeavesHeadersAndSaysThePayloadIsTruncated() throws {
        let full = Build.ethernetIPv4TCP(Build.tcp(flags: 0x18, payload: [UInt8](repeating: 0x61, count: 1000)))
        let captured = Array(full.prefix(96))
        let packet = decodePacket(captured, linkType: .ethernet, originalLength: full.count)
        XCTAssertTrue(packet.isCutBySnapLength)
        XCTAssertEqual(packet.tcp?.payloadLength, 1000, "the length comes from the IP header, not the capture")
        XCTAssertEqual(packet.payload, 54..<96)
        XCTAssertEqual(packet.error, DecodeError(layer: .payload, kind: .truncated(needed: 1000, available: 42), offset: 54, cutBySnapLength: true))
        XCTAssertEqual(packet.error?.description, "payload at byte 54 truncated: needed 1000 bytes, had 42 (the capture's snap length cut the packet short)")
    }

    func testZeroTotalLengthMeansSegmentationOffload() throws {
        let bytes = Build.ethernet(type: 0x0800) + Build.ipv4(protocol: 6, payload: Build.tcp(payload: [9, 9]), totalLength: 0)
        let packet = decodePacket(bytes, linkType: .ethernet)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.ipv4?.lengthFromCapture, true)
        XCTAssertEqual(packet.tcp?.payloadLength, 2)
    }

    // MARK: IPv4 fields

    func testChecksumIsVerified() throws {
        let good = Build.ipv4(protocol: 17, payload: Build.udp(payload: []))
        XCTAssertEqual(decodePacket(good, linkType: .raw).ipv4?.checksumValid, true)
        var bad = good
        bad[8] = 1 // TTL changed without fixing the checksum
        let packet = decodePacket(bad, linkType: .raw)
        XCTAssertEqual(packet.ipv4?.checksumValid, false)
        XCTAssertNil(packet.error, "a wrong checksum is shown, not treated as a decode failure")
    }

    func testTOSFlagsAndOptions() throws {
        let options: [UInt8] = [0x01, 0x01, 0x01, 0x00] // NOP NOP NOP EOL
        let bytes = Build.ipv4(protocol: 17, payload: Build.udp(payload: [7]), options: options, identification: 0xbeef,
                               dontFragment: false, ttl: 3, tos: 0xb9)
        let packet = decodePacket(bytes, linkType: .raw)
        let ip = try XCTUnwrap(packet.ipv4)
        XCTAssertEqual(ip.headerLength, 24)
        XCTAssertEqual(ip.options, 20..<24)
        XCTAssertEqual(ip.dscp, 46, "expedited forwarding")
        XCTAssertEqual(ip.ecn, 1)
        XCTAssertEqual(ip.identification, 0xbeef)
        XCTAssertFalse(ip.dontFragment)
        XCTAssertEqual(ip.ttl, 3)
        XCTAssertEqual(ip.checksumValid, true)
        XCTAssertEqual(packet.udp?.range, 24..<32, "the transport header starts after the options")
    }

    func testFirstFragmentCarriesTheTransportHeaderLaterOnesDoNot() throws {
        let first = decodePacket(Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2, 3, 4], length: 3000), moreFragments: true), linkType: .raw)
        XCTAssertEqual(first.ipv4?.isFragment, true)
        XCTAssertEqual(first.ipv4?.moreFragments, true)
        XCTAssertEqual(first.udp?.destinationPort, 4545)

        let later = decodePacket(Build.ipv4(protocol: 17, payload: [0xde, 0xad, 0xbe, 0xef], fragmentOffset: 185), linkType: .raw)
        let ip = try XCTUnwrap(later.ipv4)
        XCTAssertTrue(ip.isFragment)
        XCTAssertEqual(ip.fragmentOffset, 185)
        XCTAssertEqual(ip.fragmentByteOffset, 1480)
        XCTAssertNil(later.transport, "a later fragment's first bytes are data, not a UDP header")
        XCTAssertEqual(later.payload, 20..<24)
        XCTAssertNil(later.error)
    }

    func testUnknownProtocolDecodesAndPrints() {
        let packet = decodePacket(Build.ipv4(protocol: 253, payload: [1, 2, 3]), linkType: .raw)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.transport, .other(IPProtocol(253)))
        XCTAssertEqual(IPProtocol(253).description, "unknown(253)")
        XCTAssertEqual(IPProtocol.tcp.description, "TCP")
        XCTAssertEqual(packet.payload, 20..<23)
    }

    // MARK: IPv6

    func testIPv6FixedHeaderFields() throws {
        let packet = decodePacket(Build.ipv6(nextHeader: 17, payload: Build.udp(payload: [1]), trafficClass: 0xb8, flowLabel: 0xabcde, hopLimit: 7), linkType: .ipv6)
        let ip = try XCTUnwrap(packet.ipv6)
        XCTAssertEqual(ip.version, 6)
        XCTAssertEqual(ip.trafficClass, 0xb8)
        XCTAssertEqual(ip.dscp, 46)
        XCTAssertEqual(ip.flowLabel, 0xabcde)
        XCTAssertEqual(ip.payloadLength, 9)
        XCTAssertEqual(ip.hopLimit, 7)
        XCTAssertEqual(ip.source.description, "2001:db8::1")
        XCTAssertEqual(ip.destination.description, "2001:db8::2")
        XCTAssertEqual(packet.destination, IPAddress("2001:db8::2"))
    }

    func testHopByHopThenAHThenFragmentThenTCP() throws {
        let tcp = Build.tcp(flags: 0x02, options: [2, 4, 0x05, 0xb4])
        let chain = Build.ipv6Extension(nextHeader: 51)
            + Build.authenticationHeader(nextHeader: 44)
            + Build.fragmentHeader(nextHeader: 6, offset: 0, more: true, identification: 0xcafe)
            + tcp
        let packet = decodePacket(Build.ethernet(type: 0x86dd) + Build.ipv6(nextHeader: 0, payload: chain), linkType: .ethernet)
        XCTAssertNil(packet.error)
        let ip = try XCTUnwrap(packet.ipv6)
        XCTAssertEqual(ip.extensionHeaders.map(\.kind), [.hopByHopOptions, .authenticationHeader, .fragment])
        XCTAssertEqual(ip.extensionHeaders.map(\.range), [54..<62, 62..<86, 86..<94])
        XCTAssertEqual(ip.fragment, IPv6Fragment(offset: 0, moreFragments: true, identification: 0xcafe))
        XCTAssertTrue(ip.isFragment)
        XCTAssertEqual(ip.upperLayerProtocol, .tcp)
        XCTAssertEqual(ip.upperLayerOffset, 94)
        XCTAssertEqual(packet.tcp?.options.mss, 1460)
        XCTAssertEqual(packet.tcp?.range.lowerBound, 94)
    }

    func testRoutingAndDestinationOptionsWithLongerLengths() throws {
        let chain = Build.ipv6Extension(nextHeader: 60, length: 2) + Build.ipv6Extension(nextHeader: 17, length: 1) + Build.udp(payload: [5])
        let packet = decodePacket(Build.ipv6(nextHeader: 43, payload: chain), linkType: .ipv6)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.ipv6?.extensionHeaders.map(\.range), [40..<64, 64..<80])
        XCTAssertEqual(packet.ipv6?.extensionHeaders.map(\.nextHeader), [.destinationOptions, .udp])
        XCTAssertEqual(packet.udp?.payloadLength, 1)
    }

    func testLaterIPv6FragmentStops() throws {
        let chain = Build.fragmentHeader(nextHeader: 6, offset: 100, more: false, identification: 1) + [0xaa, 0xbb]
        let packet = decodePacket(Build.ipv6(nextHeader: 44, payload: chain), linkType: .ipv6)
        XCTAssertNil(packet.error)
        XCTAssertNil(packet.transport)
        XCTAssertEqual(packet.ipv6?.fragment?.byteOffset, 800)
        XCTAssertEqual(packet.ipv6?.upperLayerProtocol, .tcp)
        XCTAssertEqual(packet.payload, 48..<50)
    }

    func testESPAndNoNextHeaderStopTheWalk() {
        let esp = decodePacket(Build.ipv6(nextHeader: 50, payload: [0, 0, 1, 0, 0, 0, 0, 1, 0x99, 0x98]), linkType: .ipv6)
        XCTAssertNil(esp.error)
        XCTAssertEqual(esp.transport, .other(.esp), "ESP is encrypted: nothing after it can be read")
        XCTAssertEqual(esp.payload, 40..<50)

        let none = decodePacket(Build.ipv6(nextHeader: 59, payload: []), linkType: .ipv6)
        XCTAssertNil(none.error)
        XCTAssertEqual(none.transport, .other(.noNextHeader))
    }

    func testExtensionHeaderPastThePayloadLengthIsInvalid() {
        // The hop-by-hop header claims 16 bytes, but the payload length leaves only 8.
        let chain = Build.ipv6Extension(nextHeader: 17, length: 1)
        let packet = decodePacket(Build.ipv6(nextHeader: 0, payload: chain, payloadLength: 8), linkType: .ipv6)
        XCTAssertEqual(packet.error?.layer, .ipv6Extension)
        XCTAssertEqual(packet.error?.kind, .invalid(.lengthFieldTooShort(field: .ipv6PayloadLength, available: 8, needed: 16)))
        XCTAssertEqual(packet.error?.problem, "invalid: the IPv6 payload length leaves 8 bytes for it, but it needs 16")
        XCTAssertNotNil(packet.ipv6, "the fixed header stays decoded")
    }

    func testTruncatedExtensionHeader() {
        let bytes = Build.ipv6(nextHeader: 0, payload: Build.ipv6Extension(nextHeader: 17, length: 1) + Build.udp(payload: []))
        let packet = decodePacket(Array(bytes.prefix(50)), linkType: .ipv6, originalLength: bytes.count)
        XCTAssertEqual(packet.error, DecodeError(layer: .ipv6Extension, kind: .truncated(needed: 16, available: 10), offset: 40, cutBySnapLength: true))
    }

    func testExtensionHeaderChainIsBounded() {
        var chain: [UInt8] = []
        for _ in 0..<20 { chain += Build.ipv6Extension(nextHeader: 60) }
        chain += Build.udp(payload: [])
        let packet = decodePacket(Build.ipv6(nextHeader: 60, payload: chain), linkType: .ipv6)
        XCTAssertEqual(packet.error?.layer, .ipv6Extension)
        XCTAssertEqual(packet.error?.kind, .invalid(.tooManyExtensionHeaders(limit: 16)))
        XCTAssertEqual(packet.error?.problem, "invalid: more than 16 extension headers in a row")
        XCTAssertEqual(packet.ipv6?.extensionHeaders.count, 16)
    }

    func testIPv6PayloadLengthPastAWholeFrameIsInvalid() {
        let bytes = Build.ipv6(nextHeader: 17, payload: Build.udp(payload: [1]), payloadLength: 100)
        let packet = decodePacket(bytes, linkType: .ipv6, originalLength: bytes.count)
        XCTAssertEqual(packet.error?.layer, .ipv6)
        XCTAssertEqual(packet.error?.isInvalid, true)
        XCTAssertNotNil(packet.udp)
    }

    // MARK: IP in IP

    /// A SYN from 10.0.0.1:40000 to 10.0.0.2:80, and the same between fd00::1 and fd00::2.
    static let innerSYN = Build.tcp(sourcePort: 40000, destinationPort: 80, sequence: 7, flags: 0x02)
    static let inner4 = Build.ipv4(protocol: 6, payload: innerSYN, source: [10, 0, 0, 1], destination: [10, 0, 0, 2])
    static let inner6 = Build.ipv6(nextHeader: 6, payload: innerSYN,
                                   source: [0xfd] + [UInt8](repeating: 0, count: 14) + [1],
                                   destination: [0xfd] + [UInt8](repeating: 0, count: 14) + [2])

    func assertInnerSYN(_ packet: DecodedPacket, isIPv6: Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(packet.error, file: file, line: line)
        XCTAssertEqual(packet.tcp?.flags, .syn, "the TCP inside the tunnel is decoded", file: file, line: line)
        XCTAssertEqual(packet.tcp?.sequence.rawValue, 7, file: file, line: line)
        XCTAssertEqual(packet.sourceEndpoint?.description, isIPv6 ? "[fd00::1]:40000" : "10.0.0.1:40000",
                       "the connection is the inner packet's", file: file, line: line)
        XCTAssertEqual(packet.destinationEndpoint?.description, isIPv6 ? "[fd00::2]:80" : "10.0.0.2:80", file: file, line: line)
    }

    func testIPv6InIPv6AfterAH() throws {
        // Tunnel-mode IPsec: outer IPv6 (next header 51), AH (next header 41), inner IPv6.
        let bytes = Build.ethernet(type: 0x86dd) + Build.ipv6(nextHeader: 51, payload: Build.authenticationHeader(nextHeader: 41) + Self.inner6)
        let packet = decodePacket(bytes, linkType: .ethernet, originalLength: bytes.count)
        assertInnerSYN(packet, isIPv6: true)
        XCTAssertEqual(packet.tunnels.count, 1)
        guard case .ipv6(let outer)? = packet.tunnels.first else { return XCTFail("the outer IPv6 header is kept") }
        XCTAssertEqual(outer.source.description, "2001:db8::1")
        XCTAssertEqual(outer.extensionHeaders.map(\.kind), [.authenticationHeader])
        XCTAssertEqual(outer.upperLayerProtocol, .ipv6)
        XCTAssertEqual(packet.ipv6?.range, 78..<118, "14 Ethernet + 40 outer IPv6 + 24 AH = 78")
        XCTAssertEqual(packet.link.range, 0..<14, "the link layer ends at the outer IP header")
    }

    func testIPv6InIPv4AndIPv4InIPv4AndIPv4InIPv6() {
        assertInnerSYN(decodePacket(Build.ipv4(protocol: 41, payload: Self.inner6), linkType: .raw), isIPv6: true)
        assertInnerSYN(decodePacket(Build.ipv4(protocol: 4, payload: Self.inner4), linkType: .raw), isIPv6: false)
        assertInnerSYN(decodePacket(Build.ipv6(nextHeader: 4, payload: Self.inner4), linkType: .raw), isIPv6: false)
        assertInnerSYN(decodePacket(Build.ipv6(nextHeader: 41, payload: Self.inner6), linkType: .raw), isIPv6: true)
        // After a hop-by-hop header too: the chain decides, not the fixed header's next header.
        assertInnerSYN(decodePacket(Build.ipv6(nextHeader: 0, payload: Build.ipv6Extension(nextHeader: 4) + Self.inner4), linkType: .raw),
                       isIPv6: false)
    }

    func testTunnelsNestedTooDeepStopAndSaySo() {
        // 100 IPv4-in-IPv4 headers around a SYN: four are read as tunnels, the fifth IP
        // header is the network layer, and what it carries is left undecoded.
        var bytes = Self.inner4
        for _ in 0..<100 { bytes = Build.ipv4(protocol: 4, payload: bytes) }
        let packet = decodePacket(bytes, linkType: .raw, originalLength: bytes.count)
        XCTAssertEqual(packet.tunnels.count, 4)
        XCTAssertEqual(packet.ipv4?.range, 80..<100)
        XCTAssertEqual(packet.transport, .other(.ipInIP))
        XCTAssertEqual(packet.error, DecodeError(layer: .ipv4, kind: .unsupported(.tunnelTooDeep(limit: 4)), offset: 100))
        XCTAssertEqual(packet.payload, 100..<bytes.count)
    }

    func testInnerPacketLongerThanTheTunnelIsInvalid() throws {
        // The inner total length says 60; the outer leaves it 40 (the 20-byte SYN header).
        let inner = Build.ipv4(protocol: 6, payload: Self.innerSYN, source: [10, 0, 0, 1], destination: [10, 0, 0, 2], totalLength: 60)
        let bytes = Build.ipv4(protocol: 4, payload: inner) + [UInt8](repeating: 0xee, count: 20)
        let packet = decodePacket(bytes, linkType: .raw, originalLength: bytes.count)
        XCTAssertEqual(packet.error?.kind, .invalid(.totalLengthPastEnclosing(total: 60, available: 40, field: .ipv4TotalLength)))
        XCTAssertEqual(packet.tcp?.payloadLength, 0, "the 20 bytes after the outer packet are not the inner packet's data")
        XCTAssertEqual(packet.trailer, 60..<80)
    }

    func testTunnelCutBySnapLengthIsTruncatedNotInvalid() {
        let bytes = Build.ipv4(protocol: 41, payload: Self.inner6)
        for length in 0..<bytes.count {
            let packet = decodePacket(Array(bytes.prefix(length)), linkType: .raw, originalLength: bytes.count)
            XCTAssertNotEqual(packet.error?.isInvalid, true, "cut to \(length): \(String(describing: packet.error))")
            if packet.tcp == nil { XCTAssertNotNil(packet.error, "cut to \(length): no TCP and no reason") }
        }
    }
}
