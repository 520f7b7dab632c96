import Capture
import Foundation
import Report
import Timeline
import Trace
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
            output.append(lines.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength, linkType: linkType,
                                     invalidTimestamp: header.invalidTimestamp))
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

    /// What `tcpdump -nn -S -r` prints for a capture: the trusted reading.
    func tcpdumpLines(_ name: String, options: [String] = ["-nn", "-S"]) throws -> [String] {
        try CaptureTests.tcpdumpLines(reading: fixture(name), options: options)
    }

    /// A loopback handshake recorded with `tcpdump -i lo -s 68`: 68 bytes keep Ethernet, IPv4
    /// and the fixed 20 bytes of TCP, then 14 of the SYN's 20 option bytes (mss, sackOK, and
    /// the timestamps option cut in two). The segment must survive with its numbers, so the
    /// handshake keeps step 1 and J; the note says the options were cut, as tcpdump's `[|tcp]`.
    func testOptionsCutBySnapLengthKeepTheHandshake() throws {
        let name = "handshake-snaplen68.pcap"
        let trusted = try tcpdumpLines(name)
        guard trusted.count == 10 else { return XCTFail("tcpdump printed \(trusted.count) lines, not 10: \(trusted)") }
        XCTAssertTrue(trusted[0].contains("Flags [S],") && trusted[0].contains("[|tcp]"), trusted[0])
        XCTAssertTrue(trusted[1].contains("Flags [S.],") && trusted[1].contains("[|tcp]"), trusted[1])
        XCTAssertFalse(trusted[2].contains("[|tcp]"), "the ACK's 12 option bytes fit in 68: \(trusted[2])")

        // The numbers osilab decodes for the cut SYN and SYN-ACK are tcpdump's.
        func number(after word: String, in line: String) -> UInt32? {
            guard let range = line.range(of: word + " ") else { return nil }
            return UInt32(line[range.upperBound...].prefix { $0.isNumber })
        }
        let file = try CaptureFile(path: fixture(name))
        let packets = try file.readAll()
        guard packets.count == 10 else { return XCTFail("\(packets.count) packets, not 10") }
        for index in 0..<2 {
            let packet = packets[index]
            XCTAssertEqual(packet.bytes.count, 68)
            let decoded = decodePacket(packet.bytes, linkType: LinkType(rawValue: file.dataLink), originalLength: packet.originalLength)
            let tcp = try XCTUnwrap(decoded.tcp, "packet \(index + 1): the fixed TCP header is whole and must be kept")
            XCTAssertEqual(tcp.sequence.rawValue, number(after: "seq", in: trusted[index]), trusted[index])
            if index == 1 { XCTAssertEqual(tcp.acknowledgment.rawValue, number(after: "ack", in: trusted[index]), trusted[index]) }
            XCTAssertEqual(tcp.window, number(after: "win", in: trusted[index]).map { UInt16($0) }, trusted[index])
            XCTAssertTrue(tcp.options.isCutByCapture)
            XCTAssertEqual(tcp.options.declaredCount, 20)
            XCTAssertEqual(tcp.options.mss, 65495, "tcpdump shows mss 65495 before the cut")
            XCTAssertTrue(tcp.options.sackPermitted)
            XCTAssertNil(tcp.options.timestamps, "the timestamps option is cut in two")
            XCTAssertNil(tcp.options.malformed, "a cut option is missing, not wrong")
            XCTAssertEqual(decoded.error, DecodeError(layer: .tcpOptions, kind: .truncated(needed: 20, available: 14),
                                                      offset: 54, cutBySnapLength: true))
            XCTAssertEqual(tcp.options.tcpdumpDescription, "[mss 65495,sackOK,[|tcp]]")
        }

        let lines = try annotate(name)
        guard lines.count == 11 else { return XCTFail("\(lines.count) lines, not 10 and the summary") }
        XCTAssertTrue(lines[0].contains(" SYN seq=0 [mss=65495 sackOK]  (step 1: seq = J) [TCP options at byte 54 truncated: needed 20 bytes, had 14"), lines[0])
        XCTAssertTrue(lines[1].contains(" SYN-ACK seq=0 ack=1 [mss=65495 sackOK]  (step 2: seq = K, ack = J+1 ✓) [TCP options at byte 54 truncated"), lines[1])
        XCTAssertTrue(lines[2].hasSuffix(" ACK ack=1  (step 3: ack = K+1 ✓)"), lines[2])
        XCTAssertEqual(lines.last, "10 packets, 1 TCP connection", "no unfinished handshake and nothing undecodable")

        var chinese = PacketLines(numbers: .relative, utcOffsetSeconds: 0, language: .chinese)
        var chineseLines: [String] = []
        let again = try CaptureFile(path: fixture(name))
        try again.forEachPacket { header, bytes in
            chineseLines.append(chinese.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength,
                                             linkType: LinkType(rawValue: again.dataLink)))
            return chineseLines.count < 3
        }
        guard chineseLines.count == 3 else { return XCTFail("read \(chineseLines.count) packets, not 3") }
        XCTAssertTrue(chineseLines[0].contains("第 1 步：seq = J") && chineseLines[0].contains("[TCP 选项（从第 54 字节起）被截断了：需要 20 字节，只有 14 字节"),
                      chineseLines[0])
        XCTAssertTrue(chineseLines[1].contains("第 2 步") && chineseLines[1].contains("TCP 选项"), chineseLines[1])
    }

    /// Records whose fraction of a second cannot be (make-handbuilt.py): libpcap hands them
    /// on unchecked, so they used to roll over into the next second (1,500,000 µs) or go
    /// negative (0xffffffff). tcpdump -tt prints the recorded seconds and the field's digits;
    /// osilab must report the same two numbers, and say the time is invalid.
    func testInvalidRecordTimestampsAreFlaggedWithTheirRawValue() throws {
        for (name, nanoseconds, invalidAt) in [("invalid-timestamps.pcap", false, [1, 2]),
                                               ("invalid-timestamps-nanoseconds.pcap", true, [1, 2])] {
            let trusted = try tcpdumpLines(name, options: ["-nn", "-tt"] + (nanoseconds ? ["--nano"] : []))
            let file = try CaptureFile(path: fixture(name))
            XCTAssertEqual(file.fractionIsNanoseconds, nanoseconds, "\(name): the unit comes from the magic number")
            var headers: [PacketHeader] = []
            try file.forEachPacket { header, _ in headers.append(header); return true }
            guard headers.count == trusted.count, headers.count >= 3 else {
                return XCTFail("\(name): \(headers.count) packets, tcpdump printed \(trusted.count) lines")
            }
            for (index, header) in headers.enumerated() {
                let stamp = trusted[index].prefix { $0 != " " }.split(separator: ".")
                guard stamp.count == 2, let seconds = Int64(stamp[0]), let fraction = UInt64(stamp[1]) else {
                    XCTFail("\(name): tcpdump's time \(trusted[index]) is not seconds.fraction")
                    continue
                }
                if invalidAt.contains(index) {
                    let invalid = try XCTUnwrap(header.invalidTimestamp, "\(name) packet \(index + 1): \(trusted[index])")
                    XCTAssertEqual(invalid.seconds, seconds, "\(name) packet \(index + 1): the recorded second, as tcpdump prints it")
                    XCTAssertEqual(UInt64(invalid.fraction), fraction, "\(name) packet \(index + 1): the field as tcpdump prints it")
                    XCTAssertEqual(invalid.isNanoseconds, nanoseconds)
                    XCTAssertEqual(header.timestamp, Instant(seconds: seconds, nanoseconds: 0),
                                   "not rolled over into later seconds nor negative: the start of its second")
                } else {
                    XCTAssertNil(header.invalidTimestamp, "\(name) packet \(index + 1)")
                    XCTAssertEqual(header.timestamp, Instant(seconds: seconds, nanoseconds: Int64(fraction) * (nanoseconds ? 1 : 1000)),
                                   "\(name) packet \(index + 1): a valid time is read as tcpdump reads it")
                }
            }
        }
        XCTAssertEqual(try CaptureFile(path: fixture("handshake.pcapng")).fractionIsNanoseconds, nil,
                       "pcapng times come from one 64-bit count; there is no fraction field to check")

        let lines = try annotate("invalid-timestamps.pcap")
        guard lines.count == 5 else { return XCTFail("\(lines.count) lines") }
        XCTAssertTrue(lines[1].hasPrefix("21:56:02.1500000 c1 "), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("(step 2: seq = K, ack = J+1 ✓) [invalid timestamp: the record's microsecond field is 1500000, but it must be below 1000000]"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("21:56:02.4294967295 c1 "), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("21:56:02.999999000 c1 ") && !lines[3].contains("invalid"), lines[3])

        let file = try CaptureFile(path: fixture("invalid-timestamps-nanoseconds.pcap"))
        var chinese = PacketLines(numbers: .relative, utcOffsetSeconds: 0, language: .chinese)
        var chineseLines: [String] = []
        try file.forEachPacket { header, bytes in
            chineseLines.append(chinese.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength,
                                             linkType: LinkType(rawValue: file.dataLink), invalidTimestamp: header.invalidTimestamp))
            return true
        }
        XCTAssertEqual(chineseLines.count, 3)
        XCTAssertTrue(chineseLines.last?.hasSuffix("[时间戳无效：这条记录的纳秒字段是 4294967295，可它必须小于 1000000000]") ?? false,
                      "\(chineseLines)")
    }
}
