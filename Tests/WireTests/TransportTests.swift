import Wire
import WireFixtures
import XCTest

/// TCP headers and options, UDP lengths, ICMP messages.
final class TransportTests: XCTestCase {
    func decodeTCP(_ tcp: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> DecodedPacket {
        decodePacket(Build.ethernetIPv4TCP(tcp), linkType: .ethernet)
    }

    // MARK: TCP header

    func testAllFlagsIncludingAE() throws {
        let packet = decodeTCP(Build.tcp(flags: 0x1ff))
        let flags = try XCTUnwrap(packet.tcp?.flags)
        XCTAssertEqual(flags, [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr, .ae])
        XCTAssertEqual(flags.description, "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR,AE")
        XCTAssertEqual(flags.tcpdumpStyle, "[FSRP.UEWe]")
        XCTAssertEqual(TCPFlags().description, "none")
        XCTAssertEqual(TCPFlags().tcpdumpStyle, "[none]")
        XCTAssertEqual(TCPFlags([.syn, .ece, .cwr]).tcpdumpStyle, "[SEW]", "an ECN-setup SYN")
    }

    func testHeaderFieldsAndUrgentPointer() throws {
        let packet = decodeTCP(Build.tcp(sourcePort: 1, destinationPort: 65535, sequence: 0xffff_ffff, acknowledgment: 7,
                                         flags: 0x38, window: 512, urgentPointer: 3, checksum: 0x1357, payload: [1, 2, 3, 4]))
        let tcp = try XCTUnwrap(packet.tcp)
        XCTAssertEqual(tcp.sourcePort, 1)
        XCTAssertEqual(tcp.destinationPort, 65535)
        XCTAssertEqual(tcp.sequence.description, "4294967295")
        XCTAssertEqual(tcp.acknowledgment.rawValue, 7)
        XCTAssertEqual(tcp.flags, [.psh, .ack, .urg])
        XCTAssertEqual(tcp.window, 512)
        XCTAssertEqual(tcp.checksum, 0x1357)
        XCTAssertEqual(tcp.urgentPointer, 3)
        XCTAssertEqual(tcp.reserved, 0)
        XCTAssertEqual(tcp.payloadLength, 4)
        XCTAssertEqual(packet.payload, 54..<58)
    }

    func testDataOffsetBelowFiveIsInvalid() {
        let packet = decodeTCP(Build.tcp(dataOffset: 2))
        XCTAssertEqual(packet.error, DecodeError(layer: .tcp, kind: .invalid(.dataOffsetTooSmall(dataOffset: 2)), offset: 34))
        XCTAssertEqual(packet.error?.description, "TCP at byte 34 invalid: data offset is 2, i.e. 8 bytes; the minimum is 5 (20 bytes)")
        XCTAssertNotNil(packet.ipv4, "the IP header stays decoded")
        XCTAssertNil(packet.transport)
    }

    func testDataOffsetPastTheIPPacketIsInvalidOptionsCutByTheCaptureAreKept() throws {
        // The IP total length leaves 20 bytes, but the data offset says 60.
        let whole = decodeTCP(Build.tcp(dataOffset: 15))
        XCTAssertEqual(whole.error, DecodeError(layer: .tcp, kind: .invalid(.lengthFieldTooShort(field: .ipv4TotalLength, available: 20, needed: 60)),
                                                offset: 34))
        XCTAssertEqual(whole.error?.description, "TCP at byte 34 invalid: the IPv4 total length leaves 20 bytes for it, but it needs 60")

        XCTAssertNil(whole.transport, "a header that claims more than the IP packet holds is not kept")

        // Here the header is really 32 bytes, and the capture stops after 24 of them: the
        // fixed 20 are whole, so the segment is kept and only its options are marked cut.
        let full = Build.ethernetIPv4TCP(Build.tcp(options: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))
        let cut = decodePacket(Array(full.prefix(58)), linkType: .ethernet, originalLength: full.count)
        XCTAssertEqual(cut.error, DecodeError(layer: .tcpOptions, kind: .truncated(needed: 12, available: 4), offset: 54, cutBySnapLength: true))
        let tcp = try XCTUnwrap(cut.tcp)
        XCTAssertEqual(tcp.headerLength, 32, "the header length is what the data offset says")
        XCTAssertEqual(tcp.range, 34..<58, "the header's bytes are the captured ones")
        XCTAssertEqual(tcp.options.declaredCount, 12)
        XCTAssertEqual(tcp.options.bytes.count, 4)
        XCTAssertTrue(tcp.options.isCutByCapture)
        XCTAssertEqual(cut.payload, 58..<58)

        // Cut inside the fixed 20 bytes: nothing of TCP can be trusted.
        let short = decodePacket(Array(full.prefix(50)), linkType: .ethernet, originalLength: full.count)
        XCTAssertEqual(short.error, DecodeError(layer: .tcp, kind: .truncated(needed: 20, available: 16), offset: 34, cutBySnapLength: true))
        XCTAssertNil(short.transport)

        // The same 58 bytes said to be the whole frame: the capture cut nothing, so the
        // packet itself is short, and its TCP header is not kept.
        let lying = decodePacket(Array(full.prefix(58)), linkType: .ethernet, originalLength: 58)
        XCTAssertEqual(lying.error?.layer, .ipv4)
        XCTAssertEqual(lying.error?.isInvalid, true)
        XCTAssertNil(lying.transport)
    }

    /// A SYN from a 68-byte snap length: MSS and SACK-permitted whole, the timestamps option
    /// cut after 8 of its 10 bytes. The options before the cut are decoded; the cut one is
    /// missing, not malformed.
    func testOptionsBeforeTheCutAreDecodedAndTheCutOneIsMissingNotMalformed() throws {
        let syn = Captured.synWithOptions
        let cut = decodePacket(Array(syn.prefix(68)), linkType: .ethernet, originalLength: syn.count)
        let tcp = try XCTUnwrap(cut.tcp)
        XCTAssertEqual(tcp.flags, .syn)
        XCTAssertEqual(tcp.sourcePort, 58550)
        XCTAssertEqual(tcp.options.mss, 65495)
        XCTAssertTrue(tcp.options.sackPermitted)
        XCTAssertNil(tcp.options.timestamps)
        XCTAssertNil(tcp.options.windowScale, "wscale comes after the cut")
        XCTAssertNil(tcp.options.malformed)
        XCTAssertEqual(tcp.options.elements.map(\.kind), [.maximumSegmentSize, .sackPermitted])
        XCTAssertEqual(tcp.options.tcpdumpDescription, "[mss 65495,sackOK,[|tcp]]")
        XCTAssertEqual(cut.error, DecodeError(layer: .tcpOptions, kind: .truncated(needed: 20, available: 14), offset: 54, cutBySnapLength: true))
        XCTAssertEqual(cut.error?.description,
                       "TCP options at byte 54 truncated: needed 20 bytes, had 14 (the capture's snap length cut the packet short)")

        // An impossible length before the cut is still reported as what it is.
        var bad = syn
        bad[55] = 1
        let badCut = decodePacket(Array(bad.prefix(68)), linkType: .ethernet, originalLength: bad.count)
        XCTAssertEqual(badCut.tcp?.options.malformed?.reason, .lengthBelowTwo)
        XCTAssertEqual(badCut.error?.isInvalid, true, "the first problem in the bytes wins")

        // A length that runs past the header as declared is wrong even though the capture
        // also ends there.
        var long = syn
        long[61] = 30 // the timestamps option at byte 60 claims 30 of the 14 bytes left
        let longCut = decodePacket(Array(long.prefix(66)), linkType: .ethernet, originalLength: long.count)
        XCTAssertEqual(longCut.tcp?.options.malformed?.reason, .runsPastHeader)
    }

    // MARK: TCP options

    func testSACKBlocksUpToFour() throws {
        var options: [UInt8] = [1, 1, 5, 34]
        for index in 0..<4 { options += Build.be32(UInt32(1000 + 200 * index)) + Build.be32(UInt32(1100 + 200 * index)) }
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(flags: 0x10, options: options)).tcp)
        XCTAssertEqual(tcp.headerLength, 56, "20 + two NOPs + 2 + 4 x 8")
        XCTAssertEqual(tcp.options.sackBlocks.count, 4)
        let expected: [SACKBlock] = (0..<4).map { (index: Int) -> SACKBlock in
            let left = UInt32(1000 + 200 * index)
            return SACKBlock(left: SequenceNumber(left), right: SequenceNumber(left + 100))
        }
        XCTAssertEqual(Array(tcp.options.sackBlocks), expected)
        XCTAssertFalse(tcp.options.isMalformed)
        XCTAssertEqual(tcp.options.tcpdumpDescription, "[nop,nop,sack 4 {1000:1100}{1200:1300}{1400:1500}{1600:1700}]")
    }

    func testUnknownOptionKindsAreKeptByKind() throws {
        let options: [UInt8] = [2, 4, 0x05, 0xb4, 253, 4, 0xbe, 0xef, 30, 2]
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(options: options)).tcp)
        XCTAssertEqual(tcp.options.mss, 1460)
        XCTAssertTrue(tcp.options.hasUnknownKinds)
        XCTAssertEqual(tcp.options.unknownKinds, [TCPOptionKind(253), .multipath])
        XCTAssertEqual(TCPOptionKind(253).description, "unknown(253)")
        let elements = tcp.options.elements
        XCTAssertEqual(elements.map(\.kind), [.maximumSegmentSize, TCPOptionKind(253), .multipath, .endOfOptions])
        XCTAssertEqual(elements[1].value, .other([0xbe, 0xef]))
        XCTAssertEqual(elements[1].range, 58..<62)
        XCTAssertEqual(tcp.options.tcpdumpDescription, "[mss 1460,unknown-253 0xbeef,MPTCP,eol]")
    }

    func testEndOfOptionsStopsTheList() throws {
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(options: [0, 0xff, 0xff, 0xff])).tcp)
        XCTAssertFalse(tcp.options.isMalformed, "bytes after EOL are padding and are not read")
        XCTAssertEqual(tcp.options.elements.map(\.kind), [.endOfOptions])
    }

    func testOptionLengthZeroOrOneIsMalformedNotACrash() throws {
        for length: UInt8 in [0, 1] {
            let packet = decodeTCP(Build.tcp(options: [2, 4, 0x05, 0xb4, 8, length, 0, 0], payload: [0x7a]))
            let tcp = try XCTUnwrap(packet.tcp, "the header is still decoded when its options are bad")
            XCTAssertEqual(tcp.options.mss, 1460, "options before the bad one stay decoded")
            XCTAssertNil(tcp.options.timestamps)
            let problem = try XCTUnwrap(tcp.options.malformed)
            XCTAssertEqual(problem.reason, .lengthBelowTwo)
            XCTAssertEqual(problem.kind, .timestamps)
            XCTAssertEqual(problem.offset, 58)
            XCTAssertEqual(packet.error, DecodeError(layer: .tcpOptions, kind: .invalid(.tcpOption(problem)), offset: 58))
            XCTAssertEqual(packet.error?.problem, "invalid: option timestamps has length \(length); the smallest possible is 2")
            XCTAssertEqual(tcp.payloadLength, 1)
            XCTAssertEqual(tcp.options.tcpdumpDescription, "[mss 1460,bad opt]")
        }
    }

    func testOptionRunningPastTheHeaderIsMalformed() throws {
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(options: [1, 1, 8, 10])).tcp)
        XCTAssertEqual(tcp.options.malformed?.reason, .runsPastHeader)
        XCTAssertEqual(tcp.options.malformed?.remaining, 2)
        XCTAssertEqual(tcp.options.malformed?.description, "option timestamps has length 10 but only 2 bytes of options remain")
        XCTAssertEqual(tcp.options.elements.map(\.kind), [.noOperation, .noOperation])
    }

    func testOptionWithoutALengthByteIsMalformed() throws {
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(options: [1, 1, 1, 3])).tcp)
        XCTAssertEqual(tcp.options.malformed?.reason, .missingLength)
        XCTAssertEqual(tcp.options.malformed?.kind, .windowScale)
    }

    func testKnownOptionWithWrongLengthIsMalformed() throws {
        let tcp = try XCTUnwrap(decodeTCP(Build.tcp(options: [2, 3, 0x05, 1])).tcp)
        XCTAssertEqual(tcp.options.malformed?.reason, .wrongLength)
        XCTAssertNil(tcp.options.mss, "a 3-byte MSS cannot be read as an MSS")
        XCTAssertEqual(tcp.options.malformed?.description, "option MSS has length 3; it must be 4")
    }

    // MARK: Sequence numbers

    func testSequenceNumbersWrapModulo2To32() {
        XCTAssertEqual(SequenceNumber(0xffff_ffff) + 2, SequenceNumber(1))
        XCTAssertEqual(SequenceNumber(1) - 2, SequenceNumber(0xffff_ffff))
        XCTAssertEqual(SequenceNumber(0xffff_fff0).distance(to: SequenceNumber(0x10)), 32, "forward across the wrap")
        XCTAssertEqual(SequenceNumber(0x10).distance(to: SequenceNumber(0xffff_fff0)), -32, "backward across the wrap")
        XCTAssertEqual(SequenceNumber(0x10) - SequenceNumber(0xffff_fff0), 32)
        XCTAssertTrue(SequenceNumber(0xffff_fff0).isBefore(SequenceNumber(5)), "5 comes after 0xfffffff0 once the counter wraps")
        XCTAssertFalse(SequenceNumber(5).isBefore(SequenceNumber(0xffff_fff0)))
        XCTAssertTrue(SequenceNumber(5).isAfter(SequenceNumber(0xffff_fff0)))
        XCTAssertFalse(SequenceNumber(7).isBefore(SequenceNumber(7)))
        XCTAssertEqual(SequenceNumber(100).distance(to: SequenceNumber(100)), 0)
        var number = SequenceNumber(0xffff_ffff)
        number += 1
        XCTAssertEqual(number.rawValue, 0)
        XCTAssertEqual(SequenceNumber(3_000_000_000).description, "3000000000")
    }

    // MARK: UDP

    func testUDPLengthBelowEightIsInvalid() throws {
        let packet = decodePacket(Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2], length: 5)), linkType: .raw)
        XCTAssertEqual(packet.error, DecodeError(layer: .udp, kind: .invalid(.udpLengthBelowHeader(length: 5)), offset: 20))
        XCTAssertEqual(packet.error?.description, "UDP at byte 20 invalid: length 5 is smaller than the 8-byte UDP header")
        XCTAssertEqual(packet.udp?.length, 5, "the header is shown with the impossible length")
    }

    func testUDPLengthPastTheIPPacketIsInvalid() {
        let packet = decodePacket(Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2], length: 400)), linkType: .raw)
        XCTAssertEqual(packet.error, DecodeError(layer: .udp, kind: .invalid(.udpLengthPastEnclosing(length: 400, available: 10, field: .ipv4TotalLength)),
                                                 offset: 20))
        XCTAssertEqual(packet.error?.description, "UDP at byte 20 invalid: length 400 is more than the 10 bytes the IPv4 total length leaves for it")
        XCTAssertEqual(packet.payload, 28..<30)
    }

    func testUDPLengthShorterThanTheIPPayloadWins() {
        let packet = decodePacket(Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2, 3, 4], length: 10)), linkType: .raw)
        XCTAssertNil(packet.error)
        XCTAssertEqual(packet.udp?.payloadLength, 2)
        XCTAssertEqual(packet.payload, 28..<30)
    }

    func testTruncatedUDPHeader() {
        let bytes = Build.ipv4(protocol: 17, payload: Build.udp(payload: []))
        let packet = decodePacket(Array(bytes.prefix(24)), linkType: .raw, originalLength: 28)
        XCTAssertEqual(packet.error, DecodeError(layer: .udp, kind: .truncated(needed: 8, available: 4), offset: 20, cutBySnapLength: true))
    }

    // MARK: ICMP

    func testICMPEchoRequest() throws {
        let icmp: [UInt8] = [8, 0, 0x12, 0x34] + Build.be16(0x0abc) + Build.be16(7) + Array("abcdefgh".utf8)
        let packet = decodePacket(Build.ipv4(protocol: 1, payload: icmp), linkType: .raw)
        XCTAssertNil(packet.error)
        let message = try XCTUnwrap(packet.icmp)
        XCTAssertTrue(message.isEchoRequest)
        XCTAssertFalse(message.isError)
        XCTAssertEqual(message.identifier, 0x0abc)
        XCTAssertEqual(message.sequenceNumber, 7)
        XCTAssertEqual(message.typeName, "echo request")
        XCTAssertNil(message.quoted)
        XCTAssertEqual(packet.payload, 28..<36)
    }

    func testICMPv6EchoReply() throws {
        let icmp: [UInt8] = [129, 0, 0, 0] + Build.be16(1) + Build.be16(2)
        let packet = decodePacket(Build.ipv6(nextHeader: 58, payload: icmp), linkType: .ipv6)
        guard case .icmpv6(let message) = packet.transport else { return XCTFail("expected ICMPv6") }
        XCTAssertTrue(message.isEchoReply)
        XCTAssertEqual(message.typeName, "echo reply")
    }

    func testICMPErrorWithShortQuoteKeepsAddressesWithoutPorts() throws {
        // A quote of the original IP header and just 2 bytes after it: too short for both ports.
        let original = Build.ipv4(protocol: 17, payload: Build.udp(payload: []))
        let icmp: [UInt8] = [3, 1, 0, 0, 0, 0, 0, 0] + Array(original.prefix(22))
        let packet = decodePacket(Build.ipv4(protocol: 1, payload: icmp, source: Build.server4, destination: Build.client4), linkType: .raw)
        XCTAssertNil(packet.error, "a short quote is normal, not a decode error")
        let quote = try XCTUnwrap(packet.icmp?.quoted)
        XCTAssertEqual(quote.source, .v4(IPv4Address(192, 0, 2, 1)))
        XCTAssertEqual(quote.destination, .v4(IPv4Address(198, 51, 100, 7)))
        XCTAssertEqual(quote.protocol, .udp)
        XCTAssertNil(quote.sourcePort)
        XCTAssertEqual(packet.icmp?.codeName, "host unreachable")
    }

    func testTruncatedICMPHeader() {
        let packet = decodePacket(Build.ipv4(protocol: 1, payload: [3, 3, 0, 0, 0]), linkType: .raw)
        XCTAssertEqual(packet.error, DecodeError(layer: .icmp, kind: .invalid(.lengthFieldTooShort(field: .ipv4TotalLength, available: 5, needed: 8)),
                                                 offset: 20))
        XCTAssertEqual(packet.error?.description, "ICMP at byte 20 invalid: the IPv4 total length leaves 5 bytes for it, but it needs 8")
    }
}
