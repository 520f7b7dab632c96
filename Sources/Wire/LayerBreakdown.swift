// The OSI view of one packet, for teaching: every header as a section at its OSI layer, every
// field with its value and the bytes that hold it, like Packet Tracer's OSI tab but from real
// bytes. Not on the hot path: this allocates freely and reads fields again from the bytes.

/// One field of a header: its name, its value as text, and the bytes holding it. Fields that
/// are bit fields share bytes with their neighbours (IPv4's version and IHL share byte 0).
public struct Field: Sendable, Hashable {
    public var name: String
    public var value: String
    public var bytes: Range<Int>

    public init(name: String, value: String, bytes: Range<Int>) {
        self.name = name
        self.value = value
        self.bytes = bytes
    }
}

/// One header (or the application data, or a decode problem) at its OSI layer.
public struct LayerSection: Sendable, Hashable {
    /// 2 data link, 3 network, 4 transport, 7 application. Layer 1 (bits on the wire) is
    /// never in a capture: the preamble and frame check sequence are gone by then.
    public var osiLayer: Int
    /// "Ethernet II", "802.1Q VLAN tag", "IPv4", "TCP", "Application data", "Decode error".
    public var name: String
    public var bytes: Range<Int>
    public var fields: [Field]
    /// True for the section that reports a decode problem (always the last one).
    public var isError: Bool

    public init(osiLayer: Int, name: String, bytes: Range<Int>, fields: [Field], isError: Bool = false) {
        self.osiLayer = osiLayer
        self.name = name
        self.bytes = bytes
        self.fields = fields
        self.isError = isError
    }

    /// "Data link", "Network", "Transport", "Application"...
    public var osiLayerName: String { Self.osiLayerName(osiLayer) }

    public static func osiLayerName(_ layer: Int) -> String {
        switch layer {
        case 1: "Physical"
        case 2: "Data link"
        case 3: "Network"
        case 4: "Transport"
        case 5: "Session"
        case 6: "Presentation"
        case 7: "Application"
        default: "Layer \(layer)"
        }
    }
}

/// Decodes `bytes` and lays the packet out by OSI layer, outermost header first. A decode
/// problem appears as the last section.
public func layerBreakdown(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil) -> [LayerSection] {
    layerBreakdown(of: decodePacket(bytes, linkType: linkType, originalLength: originalLength), bytes: bytes)
}

/// Lays out an already decoded packet; `bytes` must be the bytes it was decoded from.
public func layerBreakdown(of packet: DecodedPacket, bytes: [UInt8]) -> [LayerSection] {
    var builder = BreakdownBuilder(bytes: bytes, packet: packet)
    builder.build()
    return builder.sections
}

private struct BreakdownBuilder {
    let bytes: [UInt8]
    let packet: DecodedPacket
    var sections: [LayerSection] = []

    // Reads that never trap: the ranges come from the decoder, but this code is for display
    // and must not be the thing that crashes on a strange packet.
    func u8(_ at: Int) -> UInt8 { at >= 0 && at < bytes.count ? bytes[at] : 0 }
    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) << 8 | UInt16(u8(at + 1)) }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
    func clamp(_ range: Range<Int>) -> Range<Int> {
        let lower = min(max(range.lowerBound, 0), bytes.count)
        return lower..<min(max(range.upperBound, lower), bytes.count)
    }

    mutating func add(_ layer: Int, _ name: String, _ range: Range<Int>, _ fields: [Field]) {
        sections.append(LayerSection(osiLayer: layer, name: name, bytes: clamp(range),
                                     fields: fields.map { Field(name: $0.name, value: $0.value, bytes: clamp($0.bytes)) }))
    }

    mutating func build() {
        addLink()
        addNetwork()
        addTransport()
        addPayload()
        if !packet.trailer.isEmpty {
            add(2, "Ethernet padding", packet.trailer, [
                Field(name: "Length", value: bytesText(packet.trailer.count) + " after the end of the IP packet; Ethernet pads frames to 60 bytes", bytes: packet.trailer),
            ])
        }
        if let error = packet.error { addError(error) }
    }

    // MARK: Link layer and encapsulations

    mutating func addLink() {
        switch packet.link.frame {
        case .ethernet(let header):
            let start = header.range.lowerBound
            var fields = [
                Field(name: "Destination MAC", value: header.destination.description, bytes: start..<(start + 6)),
                Field(name: "Source MAC", value: header.source.description, bytes: (start + 6)..<(start + 12)),
            ]
            if header.isIEEE8023 {
                fields.append(Field(name: "Length", value: "\(header.typeOrLength) (1500 or less: an IEEE 802.3 frame, not an EtherType)", bytes: (start + 12)..<(start + 14)))
            } else {
                fields.append(Field(name: "EtherType", value: etherTypeText(header.typeOrLength), bytes: (start + 12)..<(start + 14)))
            }
            add(2, header.isIEEE8023 ? "IEEE 802.3 Ethernet" : "Ethernet II", header.range, fields)
        case .loopback(let header):
            let name = packet.link.type == .loop ? "OpenBSD loopback" : "BSD loopback"
            add(2, name, header.range, [
                Field(name: "Address family", value: "\(header.familyName), written \(header.byteOrder.rawValue)", bytes: header.range),
            ])
        case .linuxCooked(let header):
            addLinuxCooked(header)
        case .ppp(let header):
            var fields: [Field] = []
            var at = header.range.lowerBound
            if header.hasAddressAndControl {
                fields.append(Field(name: "Address", value: "0xff (all stations)", bytes: at..<(at + 1)))
                fields.append(Field(name: "Control", value: "0x03 (unnumbered information)", bytes: (at + 1)..<(at + 2)))
                at += 2
            }
            fields.append(Field(name: "Protocol", value: pppProtocolText(header.protocol)
                                + (header.protocolFieldLength == 1 ? " (compressed to one byte)" : ""),
                                bytes: at..<(at + header.protocolFieldLength)))
            add(2, "PPP", header.range, fields)
        case .raw:
            break
        case .unsupported, .missing:
            break
        }

        for tag in packet.link.vlanTags {
            let start = tag.range.lowerBound
            let name = tag.tagProtocol == .vlan ? "802.1Q VLAN tag" : "802.1ad service VLAN tag (\(hex4(tag.tagProtocol.rawValue)))"
            add(2, name, tag.range, [
                Field(name: "Priority (PCP)", value: "\(tag.priority)", bytes: start..<(start + 1)),
                Field(name: "Drop eligible (DEI)", value: tag.dropEligible ? "yes" : "no", bytes: start..<(start + 1)),
                Field(name: "VLAN ID", value: "\(tag.id)", bytes: start..<(start + 2)),
                Field(name: "EtherType", value: etherTypeText(tag.innerType), bytes: (start + 2)..<(start + 4)),
            ])
        }

        if let llc = packet.link.llc {
            let start = llc.range.lowerBound
            var fields = [
                Field(name: "DSAP", value: "0x\(hex2(llc.dsap))" + sapName(llc.dsap), bytes: start..<(start + 1)),
                Field(name: "SSAP", value: "0x\(hex2(llc.ssap))" + sapName(llc.ssap), bytes: (start + 1)..<(start + 2)),
            ]
            let controlLength = llc.control > 0xff || llc.range.count == 4 ? 2 : 1
            fields.append(Field(name: "Control", value: controlLength == 1 ? "0x\(hex2(UInt8(truncatingIfNeeded: llc.control)))" : hex4(llc.control),
                                bytes: (start + 2)..<(start + 2 + controlLength)))
            if let oui = llc.snapOUI, let pid = llc.snapProtocol {
                let ouiText = "0x" + String(hex8(oui).dropFirst(4)) + (oui == 0 ? " (RFC 1042: the protocol is an EtherType)" : "")
                fields.append(Field(name: "SNAP organisation code", value: ouiText, bytes: (start + 3)..<(start + 6)))
                fields.append(Field(name: "SNAP protocol", value: oui == 0 ? etherTypeText(pid) : hex4(pid), bytes: (start + 6)..<(start + 8)))
            }
            add(2, llc.snapOUI == nil ? "802.2 LLC" : "802.2 LLC with SNAP", llc.range, fields)
        }

        if let pppoe = packet.link.pppoe {
            let start = pppoe.range.lowerBound
            var fields = [
                Field(name: "Version", value: "\(pppoe.version)", bytes: start..<(start + 1)),
                Field(name: "Type", value: "\(pppoe.type)", bytes: start..<(start + 1)),
                Field(name: "Code", value: "0x\(hex2(pppoe.code)) (\(pppoe.codeName))", bytes: (start + 1)..<(start + 2)),
                Field(name: "Session ID", value: hex4(pppoe.sessionID), bytes: (start + 2)..<(start + 4)),
                Field(name: "Length", value: bytesText(Int(pppoe.length)), bytes: (start + 4)..<(start + 6)),
            ]
            if let pppProtocol = pppoe.pppProtocol {
                fields.append(Field(name: "PPP protocol", value: pppProtocolText(pppProtocol), bytes: (start + 6)..<pppoe.range.upperBound))
            }
            add(2, pppoe.isDiscovery ? "PPPoE discovery" : "PPPoE session", pppoe.range, fields)
        }

        for (index, label) in packet.link.mplsLabels.enumerated() {
            let range = label.range
            var fields = [
                Field(name: "Label", value: "\(label.label)" + mplsLabelName(label.label), bytes: range.lowerBound..<(range.lowerBound + 3)),
                Field(name: "Traffic class", value: "\(label.trafficClass)", bytes: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                Field(name: "Bottom of stack", value: label.isBottomOfStack ? "yes" : "no", bytes: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                Field(name: "TTL", value: "\(label.ttl)", bytes: (range.lowerBound + 3)..<range.upperBound),
            ]
            if index == packet.link.mplsLabels.count - 1, packet.link.networkProtocolInferred {
                let what = packet.ipv6 != nil ? "IPv6" : "IPv4"
                fields.append(Field(name: "Payload", value: "\(what), inferred: MPLS has no next-protocol field, so the version nibble was read and the header validated", bytes: range))
            }
            // MPLS sits between the link and network layers ("layer 2.5"); it is shown at 2.
            add(2, "MPLS label", range, fields)
        }
    }

    mutating func addLinuxCooked(_ header: LinuxCookedHeader) {
        let start = header.range.lowerBound
        let addressText = (0..<Int(min(header.addressLength, 8))).map { index -> String in
            let shift = UInt64(8 * (Int(min(header.addressLength, 8)) - 1 - index))
            return hex2(UInt8(truncatingIfNeeded: header.address >> shift))
        }.joined(separator: ":")
        let direction = "\(header.packetType.rawValue) (\(header.packetType))"
        if header.version == 1 {
            add(2, "Linux cooked capture (SLL)", header.range, [
                Field(name: "Packet type", value: direction, bytes: start..<(start + 2)),
                Field(name: "Hardware type", value: hardwareTypeText(header.hardwareType), bytes: (start + 2)..<(start + 4)),
                Field(name: "Address length", value: "\(header.addressLength)", bytes: (start + 4)..<(start + 6)),
                Field(name: "Source address", value: addressText.isEmpty ? "(none)" : addressText, bytes: (start + 6)..<(start + 14)),
                Field(name: "Protocol", value: etherTypeText(header.protocolType.rawValue), bytes: (start + 14)..<(start + 16)),
            ])
        } else {
            add(2, "Linux cooked capture v2 (SLL2)", header.range, [
                Field(name: "Protocol", value: etherTypeText(header.protocolType.rawValue), bytes: start..<(start + 2)),
                Field(name: "Reserved", value: hex4(u16(start + 2)), bytes: (start + 2)..<(start + 4)),
                Field(name: "Interface index", value: "\(header.interfaceIndex ?? 0)", bytes: (start + 4)..<(start + 8)),
                Field(name: "Hardware type", value: hardwareTypeText(header.hardwareType), bytes: (start + 8)..<(start + 10)),
                Field(name: "Packet type", value: direction, bytes: (start + 10)..<(start + 11)),
                Field(name: "Address length", value: "\(header.addressLength)", bytes: (start + 11)..<(start + 12)),
                Field(name: "Source address", value: addressText.isEmpty ? "(none)" : addressText, bytes: (start + 12)..<(start + 20)),
            ])
        }
    }

    // MARK: Network layer

    mutating func addNetwork() {
        switch packet.network {
        case .ipv4(let ip):
            addIPv4(ip)
        case .ipv6(let ip):
            addIPv6(ip)
        case .arp(let arp):
            addARP(arp)
        case .pppoeDiscovery:
            addUndecoded(2, "PPPoE discovery tags (not decoded)")
        case .other(let type):
            addUndecoded(3, "EtherType \(hex4(type.rawValue)) payload (\(type.name ?? "not a protocol this decoder reads"))")
        case .otherPPP(let pppProtocol):
            addUndecoded(2, "PPP \(pppProtocolText(pppProtocol)) payload (not decoded)")
        case .otherLLC(let dsap):
            addUndecoded(2, "LLC payload for SAP 0x\(hex2(dsap))\(sapName(dsap)) (not decoded)")
        case .otherFamily(let family):
            addUndecoded(3, "Loopback family \(family) payload (not decoded)")
        case nil:
            break
        }
    }

    mutating func addUndecoded(_ layer: Int, _ name: String) {
        guard !packet.payload.isEmpty else { return }
        add(layer, name, packet.payload, [Field(name: "Length", value: bytesText(packet.payload.count), bytes: packet.payload)])
    }

    mutating func addIPv4(_ ip: IPv4Header) {
        let s = ip.range.lowerBound
        var flags: [String] = []
        if ip.reservedFlag { flags.append("reserved (evil) bit") }
        if ip.dontFragment { flags.append("DF (don't fragment)") }
        if ip.moreFragments { flags.append("MF (more fragments)") }
        let checksumNote = ip.checksumValid.map { $0 ? " (correct)" : " (wrong: it should be \(hex4(expectedIPv4Checksum(ip))))" } ?? ""
        let lengthNote = ip.lengthFromCapture ? " (0: the length was taken from the capture, a segmentation-offload packet)" : ""
        var fields = [
            Field(name: "Version", value: "\(ip.version)", bytes: s..<(s + 1)),
            Field(name: "Header length", value: "\(ip.headerLength) bytes (IHL \(ip.headerLength / 4))", bytes: s..<(s + 1)),
            Field(name: "DSCP", value: "\(ip.dscp)", bytes: (s + 1)..<(s + 2)),
            Field(name: "ECN", value: ecnText(ip.ecn), bytes: (s + 1)..<(s + 2)),
            Field(name: "Total length", value: bytesText(Int(ip.totalLength)) + lengthNote, bytes: (s + 2)..<(s + 4)),
            Field(name: "Identification", value: "\(ip.identification) (\(hex4(ip.identification)))", bytes: (s + 4)..<(s + 6)),
            Field(name: "Flags", value: flags.isEmpty ? "none" : flags.joined(separator: ", "), bytes: (s + 6)..<(s + 7)),
            Field(name: "Fragment offset", value: ip.fragmentOffset == 0 ? "0" : "\(ip.fragmentOffset) (byte \(ip.fragmentByteOffset) of the original datagram)", bytes: (s + 6)..<(s + 8)),
            Field(name: "TTL", value: "\(ip.ttl)", bytes: (s + 8)..<(s + 9)),
            Field(name: "Protocol", value: "\(ip.protocol.rawValue) (\(ip.protocol))", bytes: (s + 9)..<(s + 10)),
            Field(name: "Header checksum", value: hex4(ip.checksum) + checksumNote, bytes: (s + 10)..<(s + 12)),
            Field(name: "Source address", value: ip.source.description, bytes: (s + 12)..<(s + 16)),
            Field(name: "Destination address", value: ip.destination.description, bytes: (s + 16)..<(s + 20)),
        ]
        if !ip.options.isEmpty {
            fields.append(Field(name: "Options", value: bytesText(ip.options.count), bytes: ip.options))
        }
        if ip.isFragment {
            fields.append(Field(name: "Fragment", value: ip.fragmentOffset == 0 ? "first fragment: it carries the transport header" : "a later fragment: the transport header is in the first one", bytes: (s + 6)..<(s + 8)))
        }
        add(3, "IPv4", ip.range, fields)
    }

    /// The checksum the header should carry: the RFC 1071 sum with the checksum field as zero.
    func expectedIPv4Checksum(_ ip: IPv4Header) -> UInt16 {
        var sum: UInt32 = 0
        var at = ip.range.lowerBound
        while at + 1 < ip.range.upperBound {
            if at != ip.range.lowerBound + 10 { sum += UInt32(u16(at)) }
            at += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    mutating func addIPv6(_ ip: IPv6Header) {
        let s = ip.range.lowerBound
        add(3, "IPv6", ip.range, [
            Field(name: "Version", value: "\(ip.version)", bytes: s..<(s + 1)),
            Field(name: "Traffic class", value: "0x\(hex2(ip.trafficClass)) (DSCP \(ip.dscp), ECN \(ecnText(ip.ecn)))", bytes: s..<(s + 2)),
            Field(name: "Flow label", value: "0x" + String(ip.flowLabel, radix: 16), bytes: (s + 1)..<(s + 4)),
            Field(name: "Payload length", value: bytesText(Int(ip.payloadLength)) + (ip.lengthFromCapture ? " (0: the length was taken from the capture)" : ""), bytes: (s + 4)..<(s + 6)),
            Field(name: "Next header", value: "\(ip.nextHeader.rawValue) (\(ip.nextHeader))", bytes: (s + 6)..<(s + 7)),
            Field(name: "Hop limit", value: "\(ip.hopLimit)", bytes: (s + 7)..<(s + 8)),
            Field(name: "Source address", value: ip.source.description, bytes: (s + 8)..<(s + 24)),
            Field(name: "Destination address", value: ip.destination.description, bytes: (s + 24)..<(s + 40)),
        ])
        for ext in ip.extensionHeaders {
            let e = ext.range.lowerBound
            var fields = [Field(name: "Next header", value: "\(ext.nextHeader.rawValue) (\(ext.nextHeader))", bytes: e..<(e + 1))]
            switch ext.kind {
            case .fragment:
                let word = u16(e + 2)
                fields.append(Field(name: "Fragment offset", value: "\(word >> 3) (byte \(Int(word >> 3) * 8))", bytes: (e + 2)..<(e + 4)))
                fields.append(Field(name: "More fragments", value: word & 1 == 1 ? "yes" : "no", bytes: (e + 3)..<(e + 4)))
                fields.append(Field(name: "Identification", value: hex8(u32(e + 4)), bytes: (e + 4)..<(e + 8)))
            case .authenticationHeader:
                fields.append(Field(name: "Length", value: "\(u8(e + 1)) (\(ext.range.count) bytes: (length + 2) x 4)", bytes: (e + 1)..<(e + 2)))
                fields.append(Field(name: "Security parameters index", value: hex8(u32(e + 4)), bytes: (e + 4)..<(e + 8)))
                fields.append(Field(name: "Sequence number", value: "\(u32(e + 8))", bytes: (e + 8)..<(e + 12)))
                if ext.range.count > 12 {
                    fields.append(Field(name: "Integrity check value", value: bytesText(ext.range.count - 12), bytes: (e + 12)..<ext.range.upperBound))
                }
            default:
                fields.append(Field(name: "Length", value: "\(u8(e + 1)) (\(ext.range.count) bytes: (length + 1) x 8)", bytes: (e + 1)..<(e + 2)))
                if ext.range.count > 2 {
                    fields.append(Field(name: "Options and padding", value: bytesText(ext.range.count - 2), bytes: (e + 2)..<ext.range.upperBound))
                }
            }
            add(3, "IPv6 \(extensionName(ext.kind))", ext.range, fields)
        }
    }

    func extensionName(_ kind: IPProtocol) -> String {
        switch kind {
        case .hopByHopOptions: "hop-by-hop options"
        case .routing: "routing header"
        case .fragment: "fragment header"
        case .authenticationHeader: "authentication header (AH)"
        case .destinationOptions: "destination options"
        case .mobility: "mobility header"
        default: "extension header \(kind.rawValue)"
        }
    }

    mutating func addARP(_ arp: ARPMessage) {
        let s = arp.range.lowerBound
        var fields = [
            Field(name: "Hardware type", value: arp.hardwareType == 1 ? "1 (Ethernet)" : "\(arp.hardwareType)", bytes: s..<(s + 2)),
            Field(name: "Protocol type", value: etherTypeText(arp.protocolType.rawValue), bytes: (s + 2)..<(s + 4)),
            Field(name: "Hardware address length", value: "\(arp.hardwareLength)", bytes: (s + 4)..<(s + 5)),
            Field(name: "Protocol address length", value: "\(arp.protocolLength)", bytes: (s + 5)..<(s + 6)),
            Field(name: "Operation", value: "\(arp.operation) (\(arp.operationName))", bytes: (s + 6)..<(s + 8)),
        ]
        if let senderMAC = arp.senderMAC, let senderIP = arp.senderIP, let targetMAC = arp.targetMAC, let targetIP = arp.targetIP {
            fields += [
                Field(name: "Sender MAC", value: senderMAC.description, bytes: (s + 8)..<(s + 14)),
                Field(name: "Sender IP", value: senderIP.description, bytes: (s + 14)..<(s + 18)),
                Field(name: "Target MAC", value: targetMAC.description, bytes: (s + 18)..<(s + 24)),
                Field(name: "Target IP", value: targetIP.description, bytes: (s + 24)..<(s + 28)),
            ]
        } else {
            fields.append(Field(name: "Addresses", value: bytesText(arp.range.count - 8) + " (not Ethernet/IPv4, not decoded)", bytes: (s + 8)..<arp.range.upperBound))
        }
        // ARP travels directly in link-layer frames, with no network-layer header of its own:
        // it maps layer-3 addresses to layer-2 ones, and is shown at layer 2.
        add(2, "ARP", arp.range, fields)
    }

    // MARK: Transport layer

    mutating func addTransport() {
        switch packet.transport {
        case .tcp(let tcp): addTCP(tcp)
        case .udp(let udp):
            let s = udp.range.lowerBound
            add(4, "UDP", udp.range, [
                Field(name: "Source port", value: "\(udp.sourcePort)", bytes: s..<(s + 2)),
                Field(name: "Destination port", value: "\(udp.destinationPort)", bytes: (s + 2)..<(s + 4)),
                Field(name: "Length", value: bytesText(Int(udp.length)) + " (8-byte header + \(udp.payloadLength) of data)", bytes: (s + 4)..<(s + 6)),
                Field(name: "Checksum", value: hex4(udp.checksum) + (udp.checksum == 0 ? " (none)" : ""), bytes: (s + 6)..<(s + 8)),
            ])
        case .icmp(let message), .icmpv6(let message):
            addICMP(message)
        case .other(let protocolNumber) where protocolNumber == .esp && !packet.payload.isEmpty:
            // ESP (RFC 4303): only the SPI and sequence number are in the clear.
            let e = packet.payload.lowerBound
            var fields = [Field(name: "Security parameters index", value: hex8(u32(e)), bytes: e..<min(e + 4, packet.payload.upperBound))]
            if packet.payload.count >= 8 {
                fields.append(Field(name: "Sequence number", value: "\(u32(e + 4))", bytes: (e + 4)..<(e + 8)))
            }
            if packet.payload.count > 8 {
                fields.append(Field(name: "Encrypted data", value: bytesText(packet.payload.count - 8) + " (unreadable without the key)", bytes: (e + 8)..<packet.payload.upperBound))
            }
            add(3, "ESP (encapsulating security payload)", packet.payload, fields)
        case .other(let protocolNumber):
            addUndecoded(4, "\(protocolNumber) payload (protocol \(protocolNumber.rawValue), not decoded)")
        case nil:
            // A later fragment: its bytes continue the first fragment's data.
            if let ip = packet.ipv4, ip.fragmentOffset != 0 {
                addUndecoded(3, "Fragment data (the transport header is in the first fragment)")
            } else if let fragment = packet.ipv6?.fragment, fragment.offset != 0 {
                addUndecoded(3, "Fragment data (the transport header is in the first fragment)")
            }
        }
    }

    mutating func addTCP(_ tcp: TCPHeader) {
        let s = tcp.range.lowerBound
        var fields = [
            Field(name: "Source port", value: "\(tcp.sourcePort)", bytes: s..<(s + 2)),
            Field(name: "Destination port", value: "\(tcp.destinationPort)", bytes: (s + 2)..<(s + 4)),
            Field(name: "Sequence number", value: tcp.sequence.description, bytes: (s + 4)..<(s + 8)),
            Field(name: "Acknowledgment number", value: tcp.acknowledgment.description + (tcp.flags.contains(.ack) ? "" : " (not used: ACK is not set)"), bytes: (s + 8)..<(s + 12)),
            Field(name: "Header length", value: "\(tcp.headerLength) bytes (data offset \(tcp.headerLength / 4))", bytes: (s + 12)..<(s + 13)),
            Field(name: "Flags", value: "\(tcp.flags) \(tcp.flags.tcpdumpStyle)", bytes: (s + 12)..<(s + 14)),
            Field(name: "Window", value: "\(tcp.window)", bytes: (s + 14)..<(s + 16)),
            Field(name: "Checksum", value: hex4(tcp.checksum), bytes: (s + 16)..<(s + 18)),
            Field(name: "Urgent pointer", value: "\(tcp.urgentPointer)", bytes: (s + 18)..<(s + 20)),
        ]
        fields.insert(Field(name: "Reserved bits", value: tcp.reserved == 0 ? "0" : "\(tcp.reserved) (should be 0)",
                            bytes: (s + 12)..<(s + 13)), at: 5)
        for option in tcp.options.elements {
            fields.append(Field(name: "Option: \(option.kind)", value: optionText(option), bytes: option.range))
        }
        if let problem = tcp.options.malformed {
            fields.append(Field(name: "Options problem", value: problem.description,
                                bytes: problem.offset..<tcp.options.range.upperBound))
        }
        add(4, "TCP", tcp.range, fields)
    }

    func optionText(_ option: TCPOption) -> String {
        switch option.value {
        case .endOfOptions: "end of option list"
        case .noOperation: "padding"
        case .maximumSegmentSize(let mss): "\(mss) bytes"
        case .windowScale(let shift): "\(shift) (multiply the window by \(1 << min(Int(shift), 30)))"
        case .sackPermitted: "yes"
        case .sack(let blocks): blocks.map { "\($0.left)-\($0.right)" }.joined(separator: ", ")
        case .timestamps(let ts): "value \(ts.value), echo \(ts.echo)"
        case .other(let data): data.isEmpty ? "(no data)" : "0x" + data.map(hex2).joined()
        }
    }

    mutating func addICMP(_ message: ICMPMessage) {
        let s = message.range.lowerBound
        let name = message.isICMPv6 ? "ICMPv6" : "ICMP"
        var rest = Field(name: "Rest of header", value: hex8(message.restOfHeader), bytes: (s + 4)..<(s + 8))
        if let identifier = message.identifier, let sequence = message.sequenceNumber {
            rest = Field(name: "Identifier, sequence", value: "\(identifier), \(sequence)", bytes: (s + 4)..<(s + 8))
        } else if message.isICMPv6, message.type == 2 {
            rest = Field(name: "MTU", value: "\(message.restOfHeader)", bytes: (s + 4)..<(s + 8))
        }
        // ICMP rides inside IP but belongs to the network layer: it reports on IP's delivery.
        add(3, name, message.range, [
            Field(name: "Type", value: "\(message.type) (\(message.typeName))", bytes: s..<(s + 1)),
            Field(name: "Code", value: "\(message.code)" + (message.codeName.map { " (\($0))" } ?? ""), bytes: (s + 1)..<(s + 2)),
            Field(name: "Checksum", value: hex4(message.checksum), bytes: (s + 2)..<(s + 4)),
            rest,
        ])
        if let quote = message.quoted {
            var fields = [
                Field(name: "Original source", value: quote.source.description, bytes: quote.range),
                Field(name: "Original destination", value: quote.destination.description, bytes: quote.range),
                Field(name: "Original protocol", value: "\(quote.protocol)", bytes: quote.range),
            ]
            if let source = quote.sourcePort, let destination = quote.destinationPort {
                fields.append(Field(name: "Original ports", value: "\(source) -> \(destination)", bytes: quote.range))
            }
            add(3, "Quoted datagram (the start of the packet that caused the error)", quote.range, fields)
        }
    }

    // MARK: Application data, problems

    mutating func addPayload() {
        let payload = packet.payload
        switch packet.transport {
        case .tcp(let tcp):
            addApplicationData(payload, declared: tcp.payloadLength)
        case .udp(let udp):
            addApplicationData(payload, declared: udp.payloadLength)
        case .icmp(let message), .icmpv6(let message):
            if message.quoted == nil, !payload.isEmpty {
                add(3, "\(message.isICMPv6 ? "ICMPv6" : "ICMP") data", payload, [
                    Field(name: "Length", value: bytesText(payload.count), bytes: payload),
                ])
            }
        default:
            break
        }
    }

    mutating func addApplicationData(_ payload: Range<Int>, declared: Int) {
        guard declared > 0 || !payload.isEmpty else { return }
        var fields = [Field(name: "Length", value: bytesText(declared), bytes: payload)]
        if payload.count < declared {
            fields.append(Field(name: "Captured", value: "only \(bytesText(payload.count)) of \(declared): the capture's snap length cut the rest", bytes: payload))
        }
        let data = bytes[clamp(payload)]
        if !data.isEmpty {
            fields.append(Field(name: looksLikeText(data) ? "Text" : "Bytes", value: preview(data), bytes: payload))
        }
        add(7, "Application data", payload, fields)
    }

    mutating func addError(_ error: DecodeError) {
        var range = error.offset..<bytes.count
        if error.layer == .tcpOptions, let tcp = packet.tcp { range = error.offset..<tcp.range.upperBound }
        var fields = [
            Field(name: "Layer", value: error.layer.description, bytes: range),
            Field(name: "Problem", value: error.problem, bytes: range),
        ]
        if packet.isCutBySnapLength {
            fields.append(Field(name: "Capture", value: "kept \(bytesText(packet.capturedLength)) of the \(packet.originalLength) the packet had", bytes: range))
        }
        sections.append(LayerSection(osiLayer: osiLayer(of: error.layer), name: "Decode error", bytes: clamp(range),
                                     fields: fields.map { Field(name: $0.name, value: $0.value, bytes: clamp($0.bytes)) },
                                     isError: true))
    }

    func osiLayer(of layer: ProtocolLayer) -> Int {
        switch layer {
        case .link, .ethernet, .vlan, .llc, .loopback, .linuxCooked, .ppp, .pppoe, .mpls, .arp: 2
        case .ipv4, .ipv6, .ipv6Extension, .icmp, .icmpv6: 3
        case .tcp, .tcpOptions, .udp: 4
        case .payload: 7
        }
    }

    // MARK: Value text

    func bytesText(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

    func etherTypeText(_ value: UInt16) -> String {
        "\(hex4(value)) (\(EtherType(value).name ?? "unknown"))"
    }

    func pppProtocolText(_ value: PPPProtocol) -> String {
        "\(hex4(value.rawValue)) (\(value.name ?? "unknown"))"
    }

    func ecnText(_ ecn: UInt8) -> String {
        switch ecn {
        case 0: "0 (not ECN-capable)"
        case 1: "1 (ECT(1))"
        case 2: "2 (ECT(0))"
        default: "3 (congestion experienced)"
        }
    }

    func hardwareTypeText(_ type: UInt16) -> String {
        switch type {
        case 1: "1 (Ethernet)"
        case 772: "772 (loopback)"
        case 776: "776 (IPv6-in-IPv4 tunnel)"
        case 778: "778 (GRE tunnel)"
        case 65534: "65534 (none: a layer-3 device such as a tun interface)"
        default: "\(type)"
        }
    }

    func sapName(_ sap: UInt8) -> String {
        switch sap & 0xfe {
        case 0x42: " (spanning tree)"
        case 0xaa: " (SNAP)"
        case 0xe0: " (IPX)"
        case 0xf0: " (NetBIOS)"
        case 0x06: " (IP)"
        default: ""
        }
    }

    func mplsLabelName(_ label: UInt32) -> String {
        switch label {
        case 0: " (IPv4 explicit null)"
        case 1: " (router alert)"
        case 2: " (IPv6 explicit null)"
        case 3: " (implicit null)"
        default: ""
        }
    }

    func looksLikeText(_ data: ArraySlice<UInt8>) -> Bool {
        let printable = data.filter { (0x20...0x7e).contains($0) || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }.count
        return printable * 10 >= data.count * 9
    }

    /// Up to 64 bytes as quoted text with escapes, or as hex when the data is binary.
    func preview(_ data: ArraySlice<UInt8>) -> String {
        let shown = data.prefix(64)
        let more = data.count > shown.count ? " ..." : ""
        if looksLikeText(data) {
            var text = ""
            for byte in shown {
                switch byte {
                case 0x0a: text += "\\n"
                case 0x0d: text += "\\r"
                case 0x09: text += "\\t"
                case 0x22: text += "\\\""
                case 0x5c: text += "\\\\"
                case 0x20...0x7e: text.append(Character(Unicode.Scalar(byte)))
                default: text += "\\x" + hex2(byte)
                }
            }
            return "\"" + text + "\"" + more
        }
        return shown.map(hex2).joined(separator: " ") + more
    }
}
