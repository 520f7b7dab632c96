import Capture
import Foundation
@testable import Report
import TestSupport
import TextUI
import Wire
import WireFixtures
import XCTest

/// The OSI view (`--layers`) in Chinese, on real captures: the lessons' handshake and the
/// capture fixtures. The words change; the bytes each field points at must not.
final class ChineseLayerTests: XCTestCase {
    /// Tokens of a Chinese layer view that are not words to translate: protocol and field
    /// names as Wireshark writes them, operating-system names in an address family.
    static let allowed: Set<String> = ["EtherType", "PPPoE", "QinQ", "NetBSD", "OpenBSD", "FreeBSD", "Darwin"]

    /// The words in the data a packet carries, which the view quotes as they are (as text,
    /// or as hex bytes such as `ad`).
    static func dataWords(_ packet: CapturedPacket) -> Set<String> {
        let facts = layerBreakdown(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        var words: Set<String> = []
        for field in facts.flatMap(\.fields) {
            if case .preview(let data) = field.value { words.formUnion(SentenceAudit.englishWords(in: data)) }
        }
        return words
    }

    static func fixtures() throws -> [(name: String, packets: [CapturedPacket])] {
        var folder = URL(fileURLWithPath: #filePath)
        folder.deleteLastPathComponent()
        folder = folder.deletingLastPathComponent().appendingPathComponent("CaptureTests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
        XCTAssertGreaterThan(names.count, 15, "the capture fixtures should be found in \(folder.path)")
        return try names.map { name in
            // damaged.pcap ends part-way through a packet: keep the packets before the damage.
            let file = try CaptureFile(path: folder.appendingPathComponent(name).path)
            var packets: [CapturedPacket] = []
            try? file.forEachPacket { header, bytes in
                packets.append(CapturedPacket(timestamp: header.timestamp, bytes: Array(bytes),
                                              originalLength: header.originalLength, dataLink: file.dataLink))
                return true
            }
            return (name, packets)
        }
    }

    /// The words of a rendered view: its lines without the hex rows, whose `fe` and `ab` are bytes.
    static func words(_ lines: [String]) -> String {
        lines.filter { line in
            !(line.count > 6 && line.prefix(4).allSatisfy(\.isHexDigit) && line.dropFirst(4).hasPrefix("  "))
        }.joined(separator: "\n")
    }

    func sections(_ packet: CapturedPacket, _ language: Language) -> [LayerBreakdown.Section] {
        LayerBreakdown.sections(packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                originalLength: packet.originalLength, language: language)
    }

    func field(_ name: String, in section: LayerBreakdown.Section?, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let found = section?.fields.first { $0.name == name }
        if found == nil { XCTFail("no field \(name) in \(section?.name ?? "missing section")", file: file, line: line) }
        return found?.value
    }

    func hex(_ value: UInt16) -> String { String(format: "0x%04x", value) }

    // MARK: The lessons' handshake

    func testTheHandshakeSYNInChinese() throws {
        let run = try recordedRun()
        let packet = try XCTUnwrap(run.packets.first)
        let decoded = decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        let ip = try XCTUnwrap(decoded.ipv4), tcp = try XCTUnwrap(decoded.tcp)
        XCTAssertEqual(tcp.flags, [.syn], "the first packet of the recorded handshake is the SYN")

        let shown = sections(packet, .chinese)
        XCTAssertEqual(shown.map(\.name), ["以太网 II", "IPv4", "TCP"])
        XCTAssertEqual(shown.map(\.osiLayerName), ["数据链路层", "网络层", "传输层"])
        let link = shown[0], network = shown[1], transport = shown[2]
        XCTAssertEqual(field("EtherType（以太网类型）", in: link), "0x0800（IPv4）")
        XCTAssertEqual(field("目的 MAC", in: link), "00:00:00:00:00:00", "loopback frames carry zero MAC addresses")
        XCTAssertEqual(field("首部长度", in: network), "\(ip.headerLength) 字节（IHL \(ip.headerLength / 4)）")
        XCTAssertEqual(field("总长度", in: network), "\(ip.totalLength) 字节")
        XCTAssertEqual(field("标志", in: network), ip.dontFragment ? "DF（不分片）" : "无")
        XCTAssertEqual(field("TTL", in: network), "\(ip.ttl)")
        XCTAssertEqual(field("协议", in: network), "6（TCP）")
        XCTAssertEqual(ip.checksumValid, true)
        XCTAssertEqual(field("首部校验和", in: network), hex(ip.checksum) + "（正确）")
        XCTAssertEqual(field("源地址", in: network), ip.source.description)
        XCTAssertEqual(field("ECN", in: network), "0（不支持 ECN）")

        XCTAssertEqual(field("源端口", in: transport), "\(tcp.sourcePort)")
        XCTAssertEqual(field("目的端口", in: transport), "\(tcp.destinationPort)")
        XCTAssertEqual(field("序列号", in: transport), "\(tcp.sequence.rawValue)")
        XCTAssertEqual(field("确认号", in: transport), "\(tcp.acknowledgment.rawValue)（没有用上：ACK 标志没有置位）")
        XCTAssertEqual(field("首部长度", in: transport), "\(tcp.headerLength) 字节（数据偏移 \(tcp.headerLength / 4)）")
        XCTAssertEqual(field("标志", in: transport), "SYN [S]")
        XCTAssertEqual(field("窗口", in: transport), "\(tcp.window)")
        let mss = try XCTUnwrap(tcp.options.mss), scale = try XCTUnwrap(tcp.options.windowScale)
        let timestamps = try XCTUnwrap(tcp.options.timestamps)
        XCTAssertEqual(field("选项：MSS", in: transport), "\(mss) 字节")
        XCTAssertEqual(field("选项：允许 SACK", in: transport), "是")
        XCTAssertEqual(field("选项：窗口扩大因子", in: transport), "\(scale)（窗口要乘以 \(1 << Int(scale))）")
        XCTAssertEqual(field("选项：时间戳", in: transport), "值 \(timestamps.value)，回显 \(timestamps.echo)")
        XCTAssertEqual(field("选项：NOP", in: transport), "填充")
    }

    func testTheHandshakeRendersInChineseWithTheSameBytes() throws {
        let run = try recordedRun()
        for (index, packet) in run.packets.enumerated() {
            let text = LayerView.render(bytes: packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                        originalLength: packet.originalLength, title: "第 \(index + 1) 个报文", colour: false,
                                        language: .chinese).map(\.plainText)
            let joined = text.joined(separator: "\n")
            XCTAssertEqual(text.first, "第 \(index + 1) 个报文：抓到 \(packet.bytes.count) 字节")
            XCTAssertTrue(text.contains("├─ 第 2 层 数据链路层：以太网 II  [字节 0–13]"), joined)
            XCTAssertTrue(text.contains("├─ 第 3 层 网络层：IPv4  {字节 14–33}"), joined)
            XCTAssertTrue(joined.contains("第 4 层 传输层：TCP  <字节 34–"), joined)
            XCTAssertTrue(text.contains("字节：[数据链路层] {网络层} <传输层> (应用层) !问题!"), joined)
            XCTAssertEqual(SentenceAudit.englishWords(in: Self.words(text), allowed: Self.allowed.union(Self.dataWords(packet))), [], joined)
            // The hex rows are the same in every language.
            let english = LayerView.render(bytes: packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                           originalLength: packet.originalLength, title: "Packet \(index + 1)", colour: false)
                .map(\.plainText)
            XCTAssertEqual(text.filter { $0.hasPrefix("00") }, english.filter { $0.hasPrefix("00") })
        }
    }

    func testACutSYNSaysWhatIsMissingInChinese() throws {
        let run = try recordedRun()
        let packet = try XCTUnwrap(run.packets.first)
        let cut = Array(packet.bytes.prefix(40))
        let shown = LayerBreakdown.sections(cut, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.bytes.count,
                                            language: .chinese)
        let error = try XCTUnwrap(shown.last)
        XCTAssertTrue(error.isError)
        XCTAssertEqual(error.name, "解码错误")
        XCTAssertEqual(field("出错的首部", in: error), "TCP")
        XCTAssertEqual(field("问题", in: error), "被截断了：需要 20 字节，只有 6 字节（抓包的快照长度把报文截短了）")
        XCTAssertEqual(field("抓包", in: error), "报文原有 \(packet.bytes.count) 字节，只保留了 40 字节")
        let text = LayerView.render(bytes: cut, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.bytes.count,
                                    title: "第 1 个报文", colour: false, language: .chinese).map(\.plainText)
        XCTAssertEqual(text.first, "第 1 个报文：抓到 40 字节，线路上共有 \(packet.bytes.count) 字节")
        XCTAssertTrue(text.contains("└─ 问题：解码错误  !字节 34–39!"), text.joined(separator: "\n"))
    }

    /// The run report's `--layers` and step mode's `l` view pass the learner's language on.
    func testTheReportAndStepModeShowTheLayersInChinese() throws {
        let run = try recordedRun()
        let timeline = run.timeline()
        var style = ReportStyle(format: .plain, width: 80, colour: false, language: .chinese)
        style.layers = true
        let report = RunReport.lines(for: run, timeline: timeline, style: style, explanation: [])
        // --plain draws the tree in ASCII (PlainText); the Chinese words stay.
        XCTAssertTrue(report.contains("+- 第 2 层 数据链路层：以太网 II  [字节 0-13]"), report.joined(separator: "\n"))
        XCTAssertTrue(report.contains("|    源地址      127.0.0.1"), report.joined(separator: "\n"))

        var screen = StepScreen(run: run, timeline: timeline, numbers: .relative, language: .chinese)
        while screen.currentPacket == nil, screen.position < screen.count - 1 { screen.forward() }
        screen.showLayers = true
        let lines = screen.lines(columns: 60, rows: 60, mode: .plain)
        XCTAssertTrue(lines.contains("├─ 第 3 层 网络层：IPv4  {字节 14–33}"), lines.joined(separator: "\n"))
        for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 60, line) }
    }

    // MARK: Every fixture

    /// A field covers the same bytes in every language, and every name and value has words.
    func testEveryFixtureHasTheSameSectionsAndBytesInBothLanguages() throws {
        var compared = 0
        for (name, packets) in try Self.fixtures() {
            for (index, packet) in packets.enumerated() {
                let english = sections(packet, .english), chinese = sections(packet, .chinese)
                let facts = layerBreakdown(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
                let place = "\(name) packet \(index + 1)"
                XCTAssertEqual(chinese.map(\.bytes), english.map(\.bytes), place)
                XCTAssertEqual(chinese.map(\.bytes), facts.map(\.bytes), place)
                XCTAssertEqual(chinese.map(\.osiLayer), english.map(\.osiLayer), place)
                XCTAssertEqual(chinese.map(\.isError), english.map(\.isError), place)
                for (zh, en) in zip(chinese, english) {
                    XCTAssertEqual(zh.fields.map(\.bytes), en.fields.map(\.bytes), "\(place): \(en.name)")
                    for field in zh.fields {
                        XCTAssertFalse(field.name.isEmpty || field.value.isEmpty, "\(place): \(zh.name)")
                    }
                    compared += zh.fields.count
                }
            }
        }
        XCTAssertGreaterThan(compared, 500, "the fixtures hold many fields")
    }

    /// Every fixture the decoder reads without a problem of its own is all Chinese. (The ones
    /// with a problem: ChineseDecodeProblemTests.)
    func testEveryCleanFixtureRendersWithoutEnglishWords() throws {
        var rendered = 0
        for (name, packets) in try Self.fixtures() {
            for (index, packet) in packets.enumerated() {
                let linkType = LinkType(rawValue: packet.dataLink)
                let decoded = decodePacket(packet.bytes, linkType: linkType, originalLength: packet.originalLength)
                if let error = decoded.error, !error.isTruncated, error.layer != .tcpOptions { continue }
                let lines = LayerView.render(bytes: packet.bytes, linkType: linkType, originalLength: packet.originalLength,
                                             title: "第 \(index + 1) 个报文", colour: false, language: .chinese).map(\.plainText)
                XCTAssertEqual(SentenceAudit.englishWords(in: Self.words(lines), allowed: Self.allowed.union(Self.dataWords(packet))), [],
                               "\(name) packet \(index + 1):\n" + lines.joined(separator: "\n"))
                rendered += 1
            }
        }
        XCTAssertGreaterThan(rendered, 60)
    }

    func testSpecificFixturesInChinese() throws {
        let fixtures = Dictionary(try Self.fixtures().map { ($0.name, $0.packets) }, uniquingKeysWith: { first, _ in first })
        let sll = try XCTUnwrap(fixtures["handshake-sll.pcap"]?.first)
        let cooked = try XCTUnwrap(sections(sll, .chinese).first)
        XCTAssertEqual(cooked.name, "Linux 抓包伪首部（SLL）")
        XCTAssertEqual(field("硬件类型", in: cooked), "772（回环接口）")
        XCTAssertTrue(["0（发给本机）", "4（本机发出）"].contains(field("数据包类型", in: cooked) ?? ""))

        let vlan = try XCTUnwrap(fixtures["vlan-stacked.pcap"]?.first)
        let tags = sections(vlan, .chinese).filter { $0.name.contains("VLAN") }
        XCTAssertFalse(tags.isEmpty)
        for tag in tags {
            XCTAssertNotNil(field("优先级（PCP）", in: tag))
            XCTAssertTrue(["是", "否"].contains(field("可丢弃（DEI）", in: tag) ?? ""))
        }

        let loop = try XCTUnwrap(fixtures["null-little-endian.pcap"]?.first)
        let family = try XCTUnwrap(sections(loop, .chinese).first)
        XCTAssertEqual(family.name, "BSD 回环接口首部")
        XCTAssertEqual(field("地址族", in: family), "AF_INET（IPv4），按小端字节序写入")

        let refused = try XCTUnwrap(fixtures["refused.pcap"])
        let flags = refused.flatMap { sections($0, .chinese) }.filter { $0.name == "TCP" }.map { field("标志", in: $0) }
        XCTAssertEqual(flags.first, "SYN [S]")
        XCTAssertTrue(flags.contains("RST,ACK [R.]"), "\(flags)")
    }

    // MARK: Widths

    /// At 60 and 80 columns every line fits, and within a section the values start in one column.
    func testChineseViewFitsAndAlignsAtNarrowWidths() throws {
        var packets = try recordedRun().packets
        packets += try Self.fixtures().flatMap(\.packets)
        for width in [60, 80] {
            for packet in packets {
                for colour in [false, true] {
                    let lines = LayerView.render(bytes: packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                                 originalLength: packet.originalLength, title: "第 1 个报文", width: width,
                                                 colour: colour, language: .chinese).map(\.plainText)
                    for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, line) }
                    if !colour { assertAligned(lines, packet) }
                }
            }
        }
    }

    /// The value column of every field line of a section is the same.
    func assertAligned(_ lines: [String], _ packet: CapturedPacket, file: StaticString = #filePath, line: UInt = #line) {
        let shown = sections(packet, .chinese)
        var index = 1
        for section in shown {
            while index < lines.count, !(lines[index].hasPrefix("├─ ") || lines[index].hasPrefix("└─ ")) { index += 1 }
            index += 1
            var columns: Set<Int> = []
            for field in section.fields where DisplayWidth.of(field.name) <= 24 {
                while index < lines.count, !(lines[index].dropFirst(5).hasPrefix(field.name + " ")) { index += 1 }
                guard index < lines.count else {
                    return XCTFail("no line for \(section.name): \(field.name)\n" + lines.joined(separator: "\n"), file: file, line: line)
                }
                let row = lines[index]
                let value = row.dropFirst(5).dropFirst(field.name.count).drop { $0 == " " }
                columns.insert(DisplayWidth.of(String(row.prefix(row.count - value.count))))
                index += 1
                // Continuation lines of a wrapped value start in the same column.
                while index < lines.count, lines[index].dropFirst(5).hasPrefix(" ") {
                    let piece = lines[index].drop { $0 == " " || $0 == "│" }
                    columns.insert(DisplayWidth.of(String(lines[index].prefix(lines[index].count - piece.count))))
                    index += 1
                }
            }
            XCTAssertLessThanOrEqual(columns.count, 1, "\(section.name): values start in columns \(columns.sorted())\n"
                                     + lines.joined(separator: "\n"), file: file, line: line)
        }
    }

    // MARK: English stays as Wire's names were

    /// The English names come from sentences now; they must be exactly the names the decoder
    /// gives the same numbers, so the English view did not change.
    func testEnglishNamesAreTheDecodersNames() throws {
        let say = LayerBreakdown(language: .english)
        for value in 0...0xffff {
            XCTAssertEqual(say.etherTypeName(EtherType(UInt16(value))), EtherType(UInt16(value)).name, "EtherType \(value)")
            let ppp = PPPProtocol(rawValue: UInt16(value))
            XCTAssertEqual(say.pppProtocolText(ppp), String(format: "0x%04x", value) + " (" + (ppp.name ?? "unknown") + ")")
        }
        for value in 0...255 {
            XCTAssertEqual(say.protocolName(IPProtocol(UInt8(value))), IPProtocol(UInt8(value)).description)
            XCTAssertEqual(say.optionKindName(TCPOptionKind(UInt8(value))), TCPOptionKind(UInt8(value)).description)
        }
        for value in UInt16(0)...20 {
            XCTAssertEqual(say.packetTypeName(LinuxPacketType(value)), LinuxPacketType(value).description)
        }
        for layer in ProtocolLayer.allCases {
            XCTAssertEqual(say.protocolLayerName(layer), layer.description)
        }
        // ICMP and ICMPv6 types and codes, from real decodes of every type with codes 0-15.
        for isICMPv6 in [false, true] {
            for type in 0...255 {
                for code in 0...15 {
                    let message: [UInt8] = [UInt8(type), UInt8(code), 0, 0, 0, 0, 0, 0]
                    let bytes = isICMPv6 ? Build.ipv6(nextHeader: 58, payload: message) : Build.ipv4(protocol: 1, payload: message)
                    let decoded = decodePacket(bytes, linkType: isICMPv6 ? .ipv6 : .ipv4)
                    guard let icmp = decoded.icmp else { return XCTFail("no ICMP message decoded for type \(type)") }
                    XCTAssertEqual(say.icmpTypeName(icmp.type, isICMPv6: isICMPv6), icmp.typeName)
                    XCTAssertEqual(say.icmpCodeName(icmp.code, type: icmp.type, isICMPv6: isICMPv6), icmp.codeName)
                }
            }
        }
        // Malformed options and cut headers: the decoder's own sentence about them.
        for options: [UInt8] in [[1, 1, 8, 0], [2, 3, 0, 0], [1, 1, 1, 2], [8, 30, 0, 0], [3, 4, 7, 0], [5, 6, 0, 0, 0, 0, 1, 1]] {
            let decoded = decodePacket(Build.ethernetIPv4TCP(Build.tcp(options: options)), linkType: .ethernet)
            guard let problem = decoded.tcp?.options.malformed else { continue }
            XCTAssertEqual(say.optionProblemText(problem), problem.description)
            if let error = decoded.error { XCTAssertEqual(say.problemText(error, options: problem), error.problem) }
        }
        let full = Captured.synWithOptions
        for count in [10, 20, 40, 60] {
            for original in [count, full.count] {
                let error = try XCTUnwrap(decodePacket(Array(full.prefix(count)), linkType: .ethernet, originalLength: original).error)
                XCTAssertEqual(say.problemText(error, options: nil), error.problem)
            }
        }
    }
}
