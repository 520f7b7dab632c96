@testable import Wire
import WireFixtures
import XCTest

/// Short, lying and random packets: each must become a decode error (or decode), never a
/// crash or a read past the end. Every field read is checked against the view it comes from,
/// in any build; one outside it is counted (`ByteView.strayReads`), so a stray offset in the
/// decoder fails here.
final class RobustnessTests: XCTestCase {
    /// Cutting the captured data segment (Ethernet 14, IPv4 20, TCP 32, data 12 bytes) at every
    /// length must report a truncation in the layer where the cut falls.
    func testEveryTruncationOfATCPSegmentIsTruncatedAtTheRightLayer() throws {
        let full = Captured.dataSegment
        XCTAssertEqual(full.count, 78)
        for length in 0..<full.count {
            let packet = decodePacket(Array(full.prefix(length)), linkType: .ethernet, originalLength: full.count)
            let error = try XCTUnwrap(packet.error, "cut at \(length) bytes: the decoder must notice")
            guard case .truncated(let needed, let available) = error.kind else {
                XCTFail("cut at \(length) bytes: expected truncated, got \(error)")
                continue
            }
            XCTAssertTrue(error.cutBySnapLength, "cut at \(length)")
            switch length {
            case 0..<14:
                XCTAssertEqual(error.layer, .ethernet, "cut at \(length)")
                XCTAssertEqual(needed, 14)
                XCTAssertEqual(available, length)
                XCTAssertNil(packet.network)
            case 14..<34:
                XCTAssertEqual(error.layer, .ipv4, "cut at \(length)")
                XCTAssertEqual(needed, 20)
                XCTAssertEqual(available, length - 14)
                XCTAssertNotNil(packet.link.ethernet)
                XCTAssertNil(packet.network)
            case 34..<54:
                XCTAssertEqual(error.layer, .tcp, "cut at \(length)")
                XCTAssertEqual(needed, 20, "cut at \(length): the fixed header")
                XCTAssertEqual(available, length - 34)
                XCTAssertNotNil(packet.ipv4)
                XCTAssertNil(packet.transport)
            case 54..<66:
                // The fixed header is whole: the segment is kept, its 12 option bytes cut.
                XCTAssertEqual(error.layer, .tcpOptions, "cut at \(length)")
                XCTAssertEqual(needed, 12)
                XCTAssertEqual(available, length - 54)
                XCTAssertEqual(packet.tcp?.options.isCutByCapture, true, "cut at \(length)")
                XCTAssertEqual(packet.tcp?.payloadLength, 12)
            default:
                XCTAssertEqual(error.layer, .payload, "cut at \(length)")
                XCTAssertEqual(needed, 12)
                XCTAssertEqual(available, length - 66)
                XCTAssertEqual(packet.tcp?.payloadLength, 12)
                XCTAssertEqual(packet.payload, 66..<length)
            }
        }
        XCTAssertNil(decodePacket(full, linkType: .ethernet, originalLength: full.count).error)
    }

    /// Without an original length the decoder cannot know why bytes are missing; it says
    /// truncated, as tcpdump does. With the original length equal to what was captured, the
    /// frame is whole and a total length past its end is a lie.
    func testMissingBytesWithoutAndWithAKnownWholeFrame() {
        let cut = Array(Captured.dataSegment.prefix(70))
        XCTAssertEqual(decodePacket(cut, linkType: .ethernet).error?.isTruncated, true)
        let whole = decodePacket(cut, linkType: .ethernet, originalLength: cut.count)
        XCTAssertEqual(whole.error?.layer, .ipv4)
        XCTAssertEqual(whole.error?.isInvalid, true)
    }

    func testEveryTruncationOfEveryCapturedPacketAndLinkType() {
        let samples: [([UInt8], LinkType)] = [
            (Captured.synWithOptions, .ethernet), (Captured.icmpPortUnreachable, .ethernet),
            (Captured.icmpv6PortUnreachable, .ethernet), (Captured.ipv6Syn, .ethernet),
            (Captured.linuxCookedUDP, .linuxSLL), (Captured.linuxCooked2UDP, .linuxSLL2),
        ]
        for (bytes, linkType) in samples {
            for length in 0..<bytes.count {
                let packet = decodePacket(Array(bytes.prefix(length)), linkType: linkType, originalLength: bytes.count)
                XCTAssertEqual(packet.error?.isTruncated, true, "\(linkType) cut at \(length): \(String(describing: packet.error))")
                XCTAssertLessThanOrEqual(packet.payload.upperBound, length)
            }
        }
    }

    /// A fixed-seed generator so a failure is reproducible (SplitMix64).
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// 20,000 buffers: real packets with random bytes overwritten, cut or extended, plus pure
    /// noise, across every link type. None may crash; every range the result reports must lie
    /// inside the buffer, and the layer view and hex dump must cope too.
    func testRandomAndMutatedBuffersNeverCrash() {
        var random = SplitMix64(state: 0x05_1A_B0_5E)
        let seeds: [[UInt8]] = [
            Captured.synWithOptions, Captured.synAck, Captured.dataSegment, Captured.resetAck,
            Captured.udpDatagram, Captured.icmpPortUnreachable, Captured.ipv6Syn, Captured.icmpv6PortUnreachable,
            Captured.linuxCookedUDP, Captured.linuxCooked2UDP,
            Build.ethernet(type: 0x8100) + Build.vlanTag(id: 5, innerType: 0x8847) + [0, 0x01, 0x01, 0x40] + Build.ipv4(protocol: 6, payload: Build.tcp(options: [5, 10, 0, 0, 0, 1, 0, 0, 0, 2])),
            Build.ethernet(type: 0x8864) + [0x11, 0, 0, 1, 0, 30, 0, 0x57] + Build.ipv6(nextHeader: 0, payload: Build.ipv6Extension(nextHeader: 51) + Build.authenticationHeader(nextHeader: 44) + Build.fragmentHeader(nextHeader: 17, offset: 0, more: true, identification: 1) + Build.udp(payload: [1])),
        ]
        let linkTypes: [LinkType] = [.ethernet, .null, .loop, .raw, .linktypeRaw, .ipv4, .ipv6, .linuxSLL, .linuxSLL2,
                                     .ppp, .pppSerial, .pppEther, LinkType(rawValue: 147)]
        var decodedTCP = 0
        let strayBefore = ByteView.strayReads.load(ordering: .relaxed)
        for iteration in 0..<20_000 {
            var bytes: [UInt8]
            if iteration % 10 == 0 {
                bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
                case 1: bytes += (0..<Int.random(in: 1...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                default: break
                }
            }
            let linkType = iteration % 3 == 0 ? linkTypes[Int.random(in: 0..<linkTypes.count, using: &random)] : (iteration % 3 == 1 ? .ethernet : .linuxSLL)
            let original: Int? = [nil, bytes.count, bytes.count + 100][iteration % 3]
            let packet = decodePacket(bytes, linkType: linkType, originalLength: original)
            if packet.tcp != nil { decodedTCP += 1 }
            let limit = bytes.count
            let ranges = [packet.payload, packet.trailer, packet.link.range, packet.ipv4?.range, packet.ipv4?.payload,
                          packet.ipv6?.payload, packet.tcp?.range, packet.tcp?.options.range, packet.udp?.range, packet.icmp?.quoted?.range]
            for case let range? in ranges where !range.isEmpty {
                XCTAssertTrue(range.lowerBound >= 0 && range.upperBound <= limit, "iteration \(iteration): range \(range) outside \(limit) bytes")
            }
            if let tcp = packet.tcp { _ = tcp.options.elements; _ = tcp.options.tcpdumpDescription }
            if iteration % 20 == 0 {
                let sections = layerBreakdown(of: packet, bytes: bytes)
                for section in sections {
                    XCTAssertTrue(section.bytes.upperBound <= limit, "iteration \(iteration): section \(section.name) outside the buffer")
                }
                XCTAssertEqual(hexDump(bytes, marking: sections).reduce(0) { $0 + $1.bytes.count }, bytes.count)
                if packet.error != nil { XCTAssertEqual(sections.last?.isError, true, "iteration \(iteration): the error must be the last section") }
            }
        }
        XCTAssertGreaterThan(decodedTCP, 1000, "the mutations should leave many packets decodable, or the test exercises little")
        XCTAssertEqual(ByteView.strayReads.load(ordering: .relaxed), strayBefore,
                       "a decoder read a field outside the view it checked: an offset is wrong")
    }
}
