import Report
import TextUI
import Timeline
import Trace
import Wire
import WireFixtures
import XCTest

/// Why a packet could not be decoded, in Chinese: every reason the decoders give, from a
/// hand-built packet, as Wire's facts (with their numbers), as the English the decoders
/// printed before they kept facts (written here from the old format strings), and in Chinese.
final class ChineseDecodeProblemTests: XCTestCase {
    /// One packet and what must be said about it.
    struct Case {
        var name: String
        var bytes: [UInt8]
        var linkType: LinkType
        var originalLength: Int?
        var error: DecodeError
        var english: String
        var chinese: String
    }

    static func mplsEntry(label: UInt32, bottom: Bool, ttl: UInt8 = 64) -> [UInt8] {
        Build.be32(label << 12 | (bottom ? 0x100 : 0) | UInt32(ttl))
    }

    /// A raw IPv4 UDP datagram, 30 bytes.
    static let ipv4UDP = Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2]))

    /// Every reason, each from the packet that produces it. The numbers are worked out by
    /// hand from the bytes: an Ethernet header is 14 bytes, IPv4 and TCP headers 20, IPv6 40.
    static var cases: [Case] {
        var list: [Case] = []
        func add(_ name: String, _ bytes: [UInt8], _ linkType: LinkType, whole: Bool = false, original: Int? = nil,
                 _ layer: ProtocolLayer, _ kind: DecodeError.Kind, at offset: Int, cut: Bool = false,
                 _ english: String, _ chinese: String) {
            list.append(Case(name: name, bytes: bytes, linkType: linkType, originalLength: whole ? bytes.count : original,
                             error: DecodeError(layer: layer, kind: kind, offset: offset, cutBySnapLength: cut),
                             english: english, chinese: chinese))
        }
        let ethernet4 = Build.ethernet(type: 0x0800)
        let ethernet6 = Build.ethernet(type: 0x86dd)

        // IPv4
        add("IPv4 version 6", ethernet4 + Build.ipv4(protocol: 6, payload: Build.tcp(), version: 6), .ethernet,
            .ipv4, .invalid(.wrongVersion(found: 6, expected: 4)), at: 14,
            "IPv4 at byte 14 invalid: version field is 6, not 4",
            "IPv4（从第 14 字节起）无效：版本字段是 6，不是 4")
        add("IHL 3", ethernet4 + Build.ipv4(protocol: 6, payload: Build.tcp(), ihl: 3), .ethernet,
            .ipv4, .invalid(.headerLengthTooSmall(ihl: 3)), at: 14,
            "IPv4 at byte 14 invalid: header length (IHL) is 3, i.e. 12 bytes; the minimum is 5 (20 bytes)",
            "IPv4（从第 14 字节起）无效：首部长度（IHL）是 3，也就是 12 字节；最小是 5（20 字节）")
        add("total length 12", ethernet4 + Build.ipv4(protocol: 6, payload: Build.tcp(), totalLength: 12), .ethernet,
            .ipv4, .invalid(.totalLengthBelowHeader(total: 12, header: 20)), at: 14,
            "IPv4 at byte 14 invalid: total length 12 is smaller than the 20-byte header",
            "IPv4（从第 14 字节起）无效：总长度 12 比 20 字节的首部还小")
        // 20 + 20 + 3 bytes from the IPv4 header on, and the capture kept the whole frame.
        add("total length 1500", ethernet4 + Build.ipv4(protocol: 6, payload: Build.tcp(payload: [1, 2, 3]), totalLength: 1500),
            .ethernet, whole: true, .ipv4, .invalid(.totalLengthPastPacket(total: 1500, available: 43)), at: 14,
            "IPv4 at byte 14 invalid: total length 1500 runs past the end of the packet, which has 43 bytes from the IPv4 header on",
            "IPv4（从第 14 字节起）无效：总长度 1500 超出了报文的末尾：从 IPv4 首部算起，报文只有 43 字节")

        // A PPPoE session frame (Ethernet 14 + PPPoE 6 + PPP 2: IPv4 starts at 22) whose length
        // covers 40 bytes of an IPv4 packet that claims 46; 6 bytes of padding follow.
        let pppoe: [UInt8] = Build.ethernet(type: 0x8864) + [0x11, 0x00, 0x12, 0x34] + Build.be16(42) + [0x00, 0x21]
        add("total length 46 in a PPPoE length of 40",
            pppoe + Build.ipv4(protocol: 6, payload: Build.tcp(flags: 0x10), totalLength: 46) + [UInt8](repeating: 0, count: 6),
            .ethernet, .ipv4, .invalid(.totalLengthPastEnclosing(total: 46, available: 40, field: .pppoeLength)), at: 22,
            "IPv4 at byte 22 invalid: total length 46 is more than the 40 bytes the PPPoE length leaves for the IPv4 packet; 6 bytes are missing",
            "IPv4（从第 22 字节起）无效：总长度 46 超过了 PPPoE 长度给 IPv4 报文留下的 40 字节，缺了 6 字节")
        // IPv6 in the same frame: 40 fixed bytes, 20 of TCP covered, a payload length of 26.
        let pppoe6: [UInt8] = Build.ethernet(type: 0x8864) + [0x11, 0x00, 0x12, 0x34] + Build.be16(62) + [0x00, 0x57]
        add("payload length 26 in a PPPoE length of 60",
            pppoe6 + Build.ipv6(nextHeader: 6, payload: Build.tcp(flags: 0x10), payloadLength: 26) + [UInt8](repeating: 0, count: 6),
            .ethernet, .ipv6, .invalid(.payloadLengthPastEnclosing(payloadLength: 26, available: 20, field: .pppoeLength)), at: 22,
            "IPv6 at byte 22 invalid: payload length 26 is more than the 20 bytes the PPPoE length leaves after the IPv6 header; 6 bytes are missing",
            "IPv6（从第 22 字节起）无效：载荷长度 26 超过了 PPPoE 长度在 IPv6 首部后面留下的 20 字节，缺了 6 字节")

        // IPv6
        var version5 = ethernet6 + Build.ipv6(nextHeader: 17, payload: Build.udp(payload: [1, 2]))
        version5[14] = 0x50 | (version5[14] & 0x0f)
        add("IPv6 version 5", version5, .ethernet, .ipv6, .invalid(.wrongVersion(found: 5, expected: 6)), at: 14,
            "IPv6 at byte 14 invalid: version field is 5, not 6",
            "IPv6（从第 14 字节起）无效：版本字段是 5，不是 6")
        // The UDP header and its 2 bytes are all there is after the fixed header: 10 bytes.
        add("payload length 100", ethernet6 + Build.ipv6(nextHeader: 17, payload: Build.udp(payload: [1, 2]), payloadLength: 100),
            .ethernet, whole: true, .ipv6, .invalid(.payloadLengthPastPacket(payloadLength: 100, available: 10)), at: 14,
            "IPv6 at byte 14 invalid: payload length 100 runs past the end of the packet, which has 10 bytes after the IPv6 header",
            "IPv6（从第 14 字节起）无效：载荷长度 100 超出了报文的末尾：IPv6 首部后面只有 10 字节")
        // Seventeen destination-options headers of 8 bytes: the walk stops after the 16th,
        // at 14 + 40 + 16 * 8 = 182.
        let chain = (0..<17).flatMap { _ in Build.ipv6Extension(nextHeader: 60) } + Build.udp(payload: [])
        add("17 extension headers", ethernet6 + Build.ipv6(nextHeader: 60, payload: chain), .ethernet,
            .ipv6Extension, .invalid(.tooManyExtensionHeaders(limit: 16)), at: 182,
            "IPv6 extension header at byte 182 invalid: more than 16 extension headers in a row",
            "IPv6 扩展首部（从第 182 字节起）无效：连续的扩展首部超过了 16 个")
        // A hop-by-hop header of (1 + 1) * 8 = 16 bytes where the payload length says 8.
        add("extension past payload length",
            ethernet6 + Build.ipv6(nextHeader: 0, payload: Build.ipv6Extension(nextHeader: 17, length: 1), payloadLength: 8), .ethernet,
            .ipv6Extension, .invalid(.lengthFieldTooShort(field: .ipv6PayloadLength, available: 8, needed: 16)), at: 54,
            "IPv6 extension header at byte 54 invalid: the IPv6 payload length leaves 8 bytes for it, but it needs 16",
            "IPv6 扩展首部（从第 54 字节起）无效：IPv6 载荷长度只给它留了 8 字节，它却需要 16 字节")

        // The link layer and what is between it and IP
        // An 802.3 length of 2: the LLC header needs 3 (DSAP, SSAP, control).
        add("802.3 length 2", Build.ethernet(type: 2) + [0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 43), .ethernet,
            .llc, .invalid(.lengthFieldTooShort(field: .ieee8023Length, available: 2, needed: 3)), at: 14,
            "802.2 LLC at byte 14 invalid: the 802.3 length field leaves 2 bytes for it, but it needs 3",
            "802.2 LLC（从第 14 字节起）无效：802.3 长度字段只给它留了 2 字节，它却需要 3 字节")
        var raw5 = ipv4UDP
        raw5[0] = 0x55
        add("raw IP version 5", raw5, .raw, .link, .invalid(.rawIPVersion(found: 5)), at: 0,
            "link layer at byte 0 invalid: a raw IP link carries IPv4 or IPv6, but the version field is 5",
            "链路层（从第 0 字节起）无效：原始 IP 链路上只能是 IPv4 或 IPv6，但版本字段是 5")
        add("PPP control 0x07", [0xff, 0x07, 0x00, 0x21] + ipv4UDP, .ppp, .ppp, .invalid(.pppControlByte(found: 0x07)), at: 0,
            "PPP at byte 0 invalid: address byte 0xff must be followed by control byte 0x03, found 0x07",
            "PPP（从第 0 字节起）无效：地址字节 0xff 后面必须是控制字节 0x03，这里却是 0x07")

        // TCP and its options (which start at 14 + 20 + 20 = 54)
        add("data offset 2", Build.ethernetIPv4TCP(Build.tcp(dataOffset: 2)), .ethernet,
            .tcp, .invalid(.dataOffsetTooSmall(dataOffset: 2)), at: 34,
            "TCP at byte 34 invalid: data offset is 2, i.e. 8 bytes; the minimum is 5 (20 bytes)",
            "TCP（从第 34 字节起）无效：数据偏移是 2，也就是 8 字节；最小是 5（20 字节）")
        add("data offset 15", Build.ethernetIPv4TCP(Build.tcp(dataOffset: 15)), .ethernet,
            .tcp, .invalid(.lengthFieldTooShort(field: .ipv4TotalLength, available: 20, needed: 60)), at: 34,
            "TCP at byte 34 invalid: the IPv4 total length leaves 20 bytes for it, but it needs 60",
            "TCP（从第 34 字节起）无效：IPv4 总长度只给它留了 20 字节，它却需要 60 字节")
        // NOP NOP NOP, then MSS in the last byte of the area: 54 + 3 = 57.
        add("MSS without length", Build.ethernetIPv4TCP(Build.tcp(options: [1, 1, 1, 2])), .ethernet,
            .tcpOptions, .invalid(.tcpOption(TCPOptionProblem(kind: .maximumSegmentSize, length: nil, offset: 57, reason: .missingLength))),
            at: 57,
            "TCP options at byte 57 invalid: option MSS at the end of the header has no length byte",
            "TCP 选项（从第 57 字节起）无效：选项“MSS”在首部的最后，没有长度字节")
        add("MSS length 1", Build.ethernetIPv4TCP(Build.tcp(options: [2, 1, 0, 0])), .ethernet,
            .tcpOptions, .invalid(.tcpOption(TCPOptionProblem(kind: .maximumSegmentSize, length: 1, offset: 54, reason: .lengthBelowTwo))),
            at: 54,
            "TCP options at byte 54 invalid: option MSS has length 1; the smallest possible is 2",
            "TCP 选项（从第 54 字节起）无效：选项“MSS”的长度是 1；长度最小也得是 2")
        add("MSS length 8 in 4 bytes", Build.ethernetIPv4TCP(Build.tcp(options: [2, 8, 0, 0])), .ethernet,
            .tcpOptions, .invalid(.tcpOption(TCPOptionProblem(kind: .maximumSegmentSize, length: 8, offset: 54, reason: .runsPastHeader,
                                                              remaining: 4))),
            at: 54,
            "TCP options at byte 54 invalid: option MSS has length 8 but only 4 bytes of options remain",
            "TCP 选项（从第 54 字节起）无效：选项“MSS”的长度是 8，但选项区只剩 4 字节")
        add("MSS length 3", Build.ethernetIPv4TCP(Build.tcp(options: [2, 3, 0, 0])), .ethernet,
            .tcpOptions, .invalid(.tcpOption(TCPOptionProblem(kind: .maximumSegmentSize, length: 3, offset: 54, reason: .wrongLength))),
            at: 54,
            "TCP options at byte 54 invalid: option MSS has length 3; it must be 4",
            "TCP 选项（从第 54 字节起）无效：选项“MSS”的长度是 3；它必须是 4")
        add("SACK length 6", Build.ethernetIPv4TCP(Build.tcp(options: [5, 6, 0, 0, 0, 0, 1, 1])), .ethernet,
            .tcpOptions, .invalid(.tcpOption(TCPOptionProblem(kind: .sack, length: 6, offset: 54, reason: .wrongLength))),
            at: 54,
            "TCP options at byte 54 invalid: option SACK has length 6; it must be 2 + 8 per block, at most 4 blocks",
            "TCP 选项（从第 54 字节起）无效：选项“SACK”的长度是 6；它必须是 2 + 每块 8 字节，最多 4 块")

        // UDP (raw IPv4: the UDP header starts at 20; raw IPv6: at 40)
        add("UDP length 5", Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2], length: 5)), .raw,
            .udp, .invalid(.udpLengthBelowHeader(length: 5)), at: 20,
            "UDP at byte 20 invalid: length 5 is smaller than the 8-byte UDP header",
            "UDP（从第 20 字节起）无效：长度 5 比 8 字节的 UDP 首部还小")
        add("UDP length 400 in IPv4", Build.ipv4(protocol: 17, payload: Build.udp(payload: [1, 2], length: 400)), .raw,
            .udp, .invalid(.udpLengthPastEnclosing(length: 400, available: 10, field: .ipv4TotalLength)), at: 20,
            "UDP at byte 20 invalid: length 400 is more than the 10 bytes the IPv4 total length leaves for it",
            "UDP（从第 20 字节起）无效：长度 400 超过了 IPv4 总长度给它留下的 10 字节")
        add("UDP length 400 in IPv6", Build.ipv6(nextHeader: 17, payload: Build.udp(payload: [1, 2], length: 400)), .ipv6,
            .udp, .invalid(.udpLengthPastEnclosing(length: 400, available: 10, field: .ipv6PayloadLength)), at: 40,
            "UDP at byte 40 invalid: length 400 is more than the 10 bytes the IPv6 payload length leaves for it",
            "UDP（从第 40 字节起）无效：长度 400 超过了 IPv6 载荷长度给它留下的 10 字节")

        // Not decoded
        add("link type 147", [1, 2, 3, 4], LinkType(rawValue: 147), .link, .unsupported(.linkType(LinkType(rawValue: 147))), at: 0,
            "link layer at byte 0 not decoded: link type unknown(147) is not one this decoder reads",
            "链路层（从第 0 字节起）未解码：这个解码器不认识编号为 147 的链路类型")
        add("link type 105", [1, 2, 3, 4], LinkType(rawValue: 105), .link, .unsupported(.linkType(LinkType(rawValue: 105))), at: 0,
            "link layer at byte 0 not decoded: link type IEEE802_11 (802.11) is not one this decoder reads",
            "链路层（从第 0 字节起）未解码：这个解码器读不了链路类型 IEEE802_11（802.11 无线局域网）")
        add("link type 127", [1, 2, 3, 4], LinkType(rawValue: 127), .link, .unsupported(.linkType(LinkType(rawValue: 127))), at: 0,
            "link layer at byte 0 not decoded: link type IEEE802_11_RADIO (802.11 plus radiotap header) is not one this decoder reads",
            "链路层（从第 0 字节起）未解码：这个解码器读不了链路类型 IEEE802_11_RADIO（802.11 帧加无线电参数首部）")
        add("link type 253", [1, 2, 3, 4], LinkType(rawValue: 253), .link, .unsupported(.linkType(LinkType(rawValue: 253))), at: 0,
            "link layer at byte 0 not decoded: link type NETLINK (Linux netlink) is not one this decoder reads",
            "链路层（从第 0 字节起）未解码：这个解码器读不了链路类型 NETLINK（Linux 内核与进程之间的消息）")
        add("Cisco HDLC", [0x0f, 0x00, 0x08, 0x00] + ipv4UDP, .pppSerial, .ppp, .unsupported(.ciscoHDLC(address: 0x0f)), at: 0,
            "PPP at byte 0 not decoded: Cisco HDLC framing (address 0x0f) on a PPP serial link",
            "PPP（从第 0 字节起）未解码：PPP 串行链路上的思科 HDLC 帧（地址 0x0f）")
        // After the one 4-byte label, at 14 + 4 = 18: bytes that are no IP header.
        add("MPLS of no IP", Build.ethernet(type: 0x8847) + mplsEntry(label: 100, bottom: true) + [0x00, 0x11, 0x22, 0x33], .ethernet,
            .mpls, .unsupported(.mplsPayloadUnknown), at: 18,
            "MPLS label at byte 18 not decoded: MPLS does not say what it carries, and the bytes after the label stack are not a valid IPv4 or IPv6 header",
            "MPLS 标签（从第 18 字节起）未解码：MPLS 不标明自己承载的是什么，而标签栈后面的字节又不是有效的 IPv4 或 IPv6 首部")

        // Five IPv4-in-IPv4 headers of 20 bytes around a UDP datagram: four are tunnels, the
        // fifth carries protocol 4 too, and its payload (at 5 x 20 = 100) is not read.
        var nested = ipv4UDP
        for _ in 0..<5 { nested = Build.ipv4(protocol: 4, payload: nested) }
        add("tunnels five deep", nested, .raw, .ipv4, .unsupported(.tunnelTooDeep(limit: 4)), at: 100,
            "IPv4 at byte 100 not decoded: IP tunnelled in IP more than 4 times over; the packet inside is left as it is",
            "IPv4（从第 100 字节起）未解码：IP 里套 IP 的隧道超过了 4 层，最里面的报文原样留着，不再解码")

        // Truncated: the SYN cut after 40 of its 74 bytes leaves 6 of the TCP header's 20.
        let syn = Captured.synWithOptions
        add("SYN cut at 40", Array(syn.prefix(40)), .ethernet, .tcp, .truncated(needed: 20, available: 6), at: 34,
            "TCP at byte 34 truncated: needed 20 bytes, had 6",
            "TCP（从第 34 字节起）被截断了：需要 20 字节，只有 6 字节")
        add("SYN cut at 40 by the snap length", Array(syn.prefix(40)), .ethernet, original: syn.count,
            .tcp, .truncated(needed: 20, available: 6), at: 34, cut: true,
            "TCP at byte 34 truncated: needed 20 bytes, had 6 (the capture's snap length cut the packet short)",
            "TCP（从第 34 字节起）被截断了：需要 20 字节，只有 6 字节（抓包的快照长度把报文截短了）")
        // 10 bytes of data from byte 54; the capture kept 60 bytes, so 6 of them.
        let data = Build.ethernetIPv4TCP(Build.tcp(payload: Array(0..<10)))
        add("data cut", Array(data.prefix(60)), .ethernet, original: data.count,
            .payload, .truncated(needed: 10, available: 6), at: 54, cut: true,
            "payload at byte 54 truncated: needed 10 bytes, had 6 (the capture's snap length cut the packet short)",
            "载荷（从第 54 字节起）被截断了：需要 10 字节，只有 6 字节（抓包的快照长度把报文截短了）")
        return list
    }

    func decode(_ item: Case) -> DecodedPacket {
        decodePacket(item.bytes, linkType: item.linkType, originalLength: item.originalLength)
    }

    // MARK: Every reason

    func testEveryReasonIsAFactWithItsNumbers() {
        for item in Self.cases {
            XCTAssertEqual(decode(item).error, item.error, item.name)
        }
    }

    func testTheEnglishIsWhatTheDecodersPrintedBefore() {
        let english = DecodeStrings(.english)
        for item in Self.cases {
            guard let error = decode(item).error else { XCTFail("\(item.name): no problem found"); continue }
            XCTAssertEqual(error.description, item.english, item.name)
            XCTAssertEqual(english.describe(error), item.english, "\(item.name): the English table says what Wire says")
            XCTAssertEqual(english.problem(error), error.problem, item.name)
        }
    }

    func testEveryReasonIsSaidInChinese() {
        let chinese = DecodeStrings(.chinese)
        for item in Self.cases {
            guard let error = decode(item).error else { XCTFail("\(item.name): no problem found"); continue }
            let text = chinese.describe(error)
            XCTAssertEqual(text, item.chinese, item.name)
            XCTAssertEqual(SentenceAudit.englishWords(in: text), [], "\(item.name): \(text)")
        }
    }

    /// Every kind of reason has a case above, so a new one cannot go unsaid.
    func testTheCasesCoverEveryReason() {
        XCTAssertEqual(Set(Self.cases.compactMap { item -> String? in
            if case .invalid(let reason) = item.error.kind { return Self.caseName(reason) }
            return nil
        }), ["wrongVersion", "headerLengthTooSmall", "totalLengthBelowHeader", "totalLengthPastPacket", "payloadLengthPastPacket",
             "totalLengthPastEnclosing", "payloadLengthPastEnclosing", "tooManyExtensionHeaders", "lengthFieldTooShort", "rawIPVersion", "pppControlByte", "dataOffsetTooSmall", "tcpOption",
             "udpLengthBelowHeader", "udpLengthPastEnclosing"])
        XCTAssertEqual(Set(Self.cases.compactMap { item -> String? in
            if case .unsupported(let what) = item.error.kind { return Self.caseName(what) }
            return nil
        }), ["linkType", "ciscoHDLC", "mplsPayloadUnknown", "tunnelTooDeep"])
        XCTAssertTrue(Self.cases.contains { $0.error.cutBySnapLength } && Self.cases.contains { $0.error.isTruncated && !$0.error.cutBySnapLength })
    }

    static func caseName(_ reason: DecodeProblem) -> String {
        switch reason {
        case .wrongVersion: "wrongVersion"
        case .headerLengthTooSmall: "headerLengthTooSmall"
        case .totalLengthBelowHeader: "totalLengthBelowHeader"
        case .totalLengthPastPacket: "totalLengthPastPacket"
        case .payloadLengthPastPacket: "payloadLengthPastPacket"
        case .totalLengthPastEnclosing: "totalLengthPastEnclosing"
        case .payloadLengthPastEnclosing: "payloadLengthPastEnclosing"
        case .tooManyExtensionHeaders: "tooManyExtensionHeaders"
        case .lengthFieldTooShort: "lengthFieldTooShort"
        case .rawIPVersion: "rawIPVersion"
        case .pppControlByte: "pppControlByte"
        case .dataOffsetTooSmall: "dataOffsetTooSmall"
        case .tcpOption: "tcpOption"
        case .udpLengthBelowHeader: "udpLengthBelowHeader"
        case .udpLengthPastEnclosing: "udpLengthPastEnclosing"
        }
    }

    static func caseName(_ what: UnsupportedFormat) -> String {
        switch what {
        case .linkType: "linkType"
        case .ciscoHDLC: "ciscoHDLC"
        case .mplsPayloadUnknown: "mplsPayloadUnknown"
        case .tunnelTooDeep: "tunnelTooDeep"
        }
    }

    /// The names of the headers and length fields, in both languages: English is Wire's
    /// `description`, Chinese has no English words but the protocols' names.
    func testEveryHeaderAndLengthFieldIsNamed() {
        let english = DecodeStrings(.english), chinese = DecodeStrings(.chinese)
        for layer in ProtocolLayer.allCases {
            XCTAssertEqual(english.layerName(layer), layer.description)
            XCTAssertEqual(SentenceAudit.englishWords(in: chinese.layerName(layer), allowed: ["PPPoE"]), [], "\(layer)")
        }
        XCTAssertEqual(chinese.layerName(.link), "链路层")
        XCTAssertEqual(chinese.layerName(.payload), "载荷")
        XCTAssertEqual(chinese.layerName(.tcpOptions), "TCP 选项")
        for field in LengthField.allCases {
            XCTAssertEqual(english.fieldName(field), field.description)
            XCTAssertEqual(SentenceAudit.englishWords(in: chinese.fieldName(field)), [], "\(field)")
        }
        // No decoder reaches the default field today; its sentence is still said.
        let error = DecodeError(layer: .udp, kind: .invalid(.lengthFieldTooShort(field: .enclosingHeader, available: 3, needed: 8)), offset: 20)
        XCTAssertEqual(english.describe(error), "UDP at byte 20 invalid: the enclosing header leaves 3 bytes for it, but it needs 8")
        XCTAssertEqual(error.description, "UDP at byte 20 invalid: the enclosing header leaves 3 bytes for it, but it needs 8")
        XCTAssertEqual(chinese.describe(error), "UDP（从第 20 字节起）无效：外层首部只给它留了 3 字节，它却需要 8 字节")
    }

    // MARK: Where the learner reads them

    func line(_ item: Case, _ language: Language) -> String {
        var lines = PacketLines(language: language)
        return item.bytes.withUnsafeBytes {
            lines.line(timestamp: Instant(nanosecondsSinceEpoch: 0), bytes: $0, originalLength: item.originalLength ?? item.bytes.count,
                       linkType: item.linkType)
        }
    }

    /// `osilab read` and `watch`: a TCP line carries the problem in brackets, any other packet
    /// says it cannot be decoded, and the English lines are what they were.
    func testPacketLinesSayTheProblemInChinese() throws {
        let cases = Dictionary(Self.cases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let options = try XCTUnwrap(cases["MSS length 1"])
        XCTAssertEqual(line(options, .english),
                       "00:00:00.000000000 c1 192.0.2.1:50000 > 198.51.100.7:4545 SYN seq=0  (step 1: seq = J) [\(options.english)]")
        let chinese = line(options, .chinese)
        XCTAssertEqual(chinese, "00:00:00.000000000 c1 192.0.2.1:50000 > 198.51.100.7:4545 SYN seq=0  （第 1 步：seq = J） [\(options.chinese)]")
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [], chinese)

        var undecodable = 0
        for item in Self.cases {
            // A TCP segment or a UDP datagram is shown as one; the rest say they cannot be decoded.
            // A line always has the packet's original length: the cases without one differ there.
            let decoded = decodePacket(item.bytes, linkType: item.linkType, originalLength: item.originalLength ?? item.bytes.count)
            guard decoded.error == item.error, case .other = Timeline.describeOther(decoded), decoded.tcp == nil else { continue }
            undecodable += 1
            XCTAssertEqual(line(item, .english), "00:00:00.000000000 undecodable: \(item.english)", item.name)
            let chinese = line(item, .chinese)
            XCTAssertEqual(chinese, "00:00:00.000000000 无法解码：\(item.chinese)", item.name)
            XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [], chinese)
        }
        XCTAssertGreaterThan(undecodable, 15)
    }

    /// The ladder's rows for packets it cannot place: the reason in Chinese, fitting the width.
    func testTheLadderSaysTheProblemInChinese() throws {
        let cases = Dictionary(Self.cases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let picked = try ["IHL 3", "PPP control 0x07", "link type 147"].map { try XCTUnwrap(cases[$0]) }
        let packets = picked.enumerated().map { index, item in
            (timestamp: Instant(nanosecondsSinceEpoch: Int64(index) * 1_000_000), bytes: item.bytes,
             originalLength: item.originalLength ?? item.bytes.count, linkType: item.linkType)
        }
        let timeline = Timeline.build(packets: packets, trace: [])
        func others(_ language: Language) -> [String] {
            Ladder.make(from: timeline, language: language).entries.compactMap { entry in
                if case .other(let text) = entry.row { return text }
                return nil
            }
        }
        XCTAssertEqual(others(.english), picked.enumerated().map { "#\($0 + 1) undecodable: \($1.english)" })
        XCTAssertEqual(others(.chinese), picked.enumerated().map { "#\($0 + 1) 无法解码：\($1.chinese)" })

        let ladder = Ladder.make(from: timeline, language: .chinese)
        for width in [60, 80] {
            let lines = LadderRenderer(width: width, unicode: true).render(ladder).map(\.plainText)
            let text = lines.joined(separator: "\n")
            XCTAssertTrue(text.contains("无法解码"), text)
            for line in lines { XCTAssertLessThanOrEqual(DisplayWidth.of(line), width, "width \(width): \(line)") }
            XCTAssertEqual(SentenceAudit.englishWords(in: text), [], text)
        }
    }

    /// `--layers`: the decode-error section names the header and the problem in Chinese.
    func testTheLayerViewSaysTheProblemInChinese() throws {
        for item in Self.cases {
            let sections = LayerBreakdown.sections(item.bytes, linkType: item.linkType, originalLength: item.originalLength,
                                                   language: .chinese)
            let error = try XCTUnwrap(sections.last, item.name)
            XCTAssertTrue(error.isError, item.name)
            let fields = Dictionary(error.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let problem = try XCTUnwrap(fields["问题"], item.name)
            XCTAssertEqual(fields["出错的首部"], DecodeStrings(.chinese).layerName(item.error.layer), item.name)
            // The whole sentence is "header (from byte n) problem": the field holds the problem.
            XCTAssertTrue(item.chinese.hasSuffix("）" + problem), "\(item.name): \(problem)")
            XCTAssertEqual(SentenceAudit.englishWords(in: problem), [], "\(item.name): \(problem)")

            let english = LayerBreakdown.sections(item.bytes, linkType: item.linkType, originalLength: item.originalLength)
            let englishProblem = english.last?.fields.first { $0.name == "Problem" }?.value
            XCTAssertEqual(englishProblem, try XCTUnwrap(decode(item).error).problem, item.name)
        }
        let ihl = try XCTUnwrap(Self.cases.first { $0.name == "IHL 3" })
        let lines = LayerView.render(bytes: ihl.bytes, linkType: ihl.linkType, originalLength: ihl.bytes.count, title: "第 1 个报文", colour: false, language: .chinese)
            .map(\.plainText)
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("无效：首部长度（IHL）是 3，也就是 12 字节；最小是 5（20 字节）"), text)
    }

    /// The fixtures' broken packets (malformed.pcap, unknown-linktype.pcap, ...) in the layer
    /// view: all Chinese, the problem included, as the clean ones are (ChineseLayerTests).
    func testEveryFixtureWithAProblemRendersWithoutEnglishWords() throws {
        var rendered = 0
        for (name, packets) in try ChineseLayerTests.fixtures() {
            for (index, packet) in packets.enumerated() {
                let linkType = LinkType(rawValue: packet.dataLink)
                let decoded = decodePacket(packet.bytes, linkType: linkType, originalLength: packet.originalLength)
                guard let error = decoded.error else { continue }
                let lines = LayerView.render(bytes: packet.bytes, linkType: linkType, originalLength: packet.originalLength,
                                             title: "第 \(index + 1) 个报文", colour: false, language: .chinese).map(\.plainText)
                let text = lines.joined(separator: "\n")
                XCTAssertTrue(text.contains(DecodeStrings(.chinese).problem(error)), "\(name) packet \(index + 1):\n" + text)
                XCTAssertEqual(SentenceAudit.englishWords(in: ChineseLayerTests.words(lines),
                                                          allowed: ChineseLayerTests.allowed.union(ChineseLayerTests.dataWords(packet))),
                               [], "\(name) packet \(index + 1):\n" + text)
                rendered += 1
            }
        }
        XCTAssertGreaterThanOrEqual(rendered, 8, "malformed.pcap alone holds 6 packets with a problem")
    }
}
