import Capture
import Foundation
import Report
import Timeline
import Wire
import XCTest

/// The fixtures in Fixtures/: captures recorded on loopback with tcpdump, and hand-built
/// ones for link types this machine cannot produce (see make-handbuilt.py). Each is paired
/// with the lines `osilab read` must print for it (`NAME.expected`, times in UTC).
final class CaptureFileTests: XCTestCase {
    static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// Reads a capture the way `osilab read` does and returns its lines.
    func annotate(_ name: String, numbers: NumberStyle = .relative) throws -> [String] {
        let file = try CaptureFile(path: fixture(name))
        var lines = PacketLines(numbers: numbers, utcOffsetSeconds: 0)
        var output: [String] = []
        let linkType = LinkType(rawValue: file.dataLink)
        try file.forEachPacket { header, bytes in
            output.append(lines.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength, linkType: linkType))
            return true
        }
        output.append(lines.summary)
        return output
    }

    func testEveryFixtureReadsAsItsExpectedLines() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { ($0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng")) && $0 != "damaged.pcap" }
            .sorted()
        XCTAssertGreaterThanOrEqual(names.count, 18, "the fixtures are missing")
        for name in names {
            let expectedFile = fixture((name as NSString).deletingPathExtension + ".expected")
            guard let expected = try? String(contentsOfFile: expectedFile, encoding: .utf8) else {
                XCTFail("\(name) has no .expected file beside it")
                continue
            }
            let actual = try annotate(name)
            XCTAssertEqual(actual, expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty },
                           "osilab read \(name) changed its output")
        }
    }

    func testHandshakeNumbersAgreeWithTcpdump() throws {
        // tcpdump -nn -S -r handshake-ipv4.pcap printed these for the first three packets.
        let packets = try CaptureFile(path: fixture("handshake-ipv4.pcap")).readAll()
        XCTAssertEqual(packets.count, 11)
        let segments = packets.prefix(3).enumerated().compactMap { index, packet in
            Segment(decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink)), number: index + 1,
                    timestamp: packet.timestamp)
        }
        XCTAssertEqual(segments.map(\.sequence.rawValue), [2_320_520_239, 3_278_525_303, 2_320_520_240])
        XCTAssertEqual(segments[1].acknowledgment.rawValue, 2_320_520_240, "SYN-ACK acknowledges J+1")
        XCTAssertEqual(segments[2].acknowledgment.rawValue, 3_278_525_304, "the final ACK acknowledges K+1")
        XCTAssertEqual(segments.map(\.source.port), [58392, 47001, 58392])
    }

    func testEveryLinkTypeGivesTheSameHandshake() throws {
        let reference = try annotate("handshake-ipv4.pcap").map { String($0.dropFirst(19)) }
        for name in ["null-little-endian.pcap", "loop.pcap", "ipv4-linktype.pcap", "ppp.pcap", "vlan-stacked.pcap",
                     "pppoe.pcap", "mpls.pcap", "handshake.pcapng", "handshake-nanoseconds.pcap"] {
            XCTAssertEqual(try annotate(name).map { String($0.dropFirst(19)) }, reference,
                           "\(name) must decode to the same segments as the Ethernet capture it was built from")
        }
        let linkTypes = try ["null-little-endian.pcap", "loop.pcap", "raw.pcap", "ipv4-linktype.pcap", "ipv6-linktype.pcap",
                             "ppp.pcap", "handshake-sll.pcap", "handshake-sll2.pcap", "handshake-ipv4.pcap"]
            .map { try CaptureFile(path: fixture($0)).dataLink }
        XCTAssertEqual(linkTypes, [0, 108, 12, 228, 229, 9, 113, 276, 1],
                       "libpcap reports DLT values; LINKTYPE_RAW (101) in a file becomes DLT_RAW (12)")
    }

    func testNanosecondTimestampsSurvive() throws {
        let packets = try CaptureFile(path: fixture("handshake-nanoseconds.pcap")).readAll()
        XCTAssertEqual(packets.first?.timestamp.nanosecondsOfSecond, 926_709_123)
        let micro = try CaptureFile(path: fixture("handshake-ipv4.pcap")).readAll()
        XCTAssertEqual(micro.first?.timestamp.nanosecondsOfSecond, 926_709_000, "microsecond files are scaled to nanoseconds")
    }

    func testDamagedFileDeliversWhatItCanThenFails() throws {
        let file = try CaptureFile(path: fixture("damaged.pcap"))
        var delivered = 0
        XCTAssertThrowsError(try file.forEachPacket { _, _ in delivered += 1; return true }) { error in
            let error = error as? CaptureError
            XCTAssertEqual(error?.call, "pcap_next_ex")
            XCTAssertTrue(error?.description.contains("truncated") ?? false, "\(String(describing: error))")
        }
        XCTAssertEqual(delivered, 10, "the ten whole packets before the damage are delivered")
    }

    func testNotACaptureFileIsAClearError() {
        XCTAssertThrowsError(try CaptureFile(path: fixture("make-handbuilt.py"))) { error in
            XCTAssertTrue("\(error)".contains("unknown file format"), "\(error)")
        }
        XCTAssertThrowsError(try CaptureFile(path: "/nonexistent/x.pcap")) { error in
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
    }

    func testMalformedPacketsAreDecodeErrorsNotCrashes() throws {
        let lines = try annotate("malformed.pcap")
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines[0].contains("IPv4") && lines[0].contains("truncated: needed 20 bytes, had 10"), lines[0])
        XCTAssertTrue(lines[1].contains("header length (IHL) is 3"), lines[1])
        XCTAssertTrue(lines[3].contains("data offset is 2"), lines[3])
        XCTAssertTrue(lines[5].contains("option MSS has length 1"), lines[5])
        XCTAssertTrue(lines[6].hasSuffix("5 undecodable"), lines[6])
    }

    func testEveryFixtureTruncatedAtEveryLengthDecodesWithoutCrashing() throws {
        // What a smaller snap length would have kept: every prefix of every packet.
        for name in ["handshake-ipv4.pcap", "handshake-ipv6.pcap", "handshake-sll2.pcap", "pppoe.pcap", "mpls.pcap",
                     "vlan-stacked.pcap", "null-big-endian-ipv6.pcap", "tunnel-6in6-ah.pcap", "tunnel-6in4.pcap",
                     "tunnel-4in4.pcap", "tunnel-4in6.pcap"] {
            let file = try CaptureFile(path: fixture(name))
            let linkType = LinkType(rawValue: file.dataLink)
            for packet in try file.readAll() {
                let whole = decodePacket(packet.bytes, linkType: linkType, originalLength: packet.originalLength)
                XCTAssertNil(whole.error, "\(name): the whole packet decodes cleanly")
                XCTAssertNotNil(whole.tcp, "\(name): the whole packet is TCP")
                for length in 0..<packet.bytes.count {
                    let cut = Array(packet.bytes.prefix(length))
                    let decoded = decodePacket(cut, linkType: linkType, originalLength: packet.originalLength)
                    XCTAssertLessThanOrEqual(decoded.payload.upperBound, length, "\(name): payload range past the captured bytes")
                    if decoded.tcp == nil {
                        XCTAssertNotNil(decoded.error, "\(name) cut to \(length) bytes: no TCP header and no error saying why")
                    }
                }
            }
        }
    }
}
