// The OSI view of one packet, for teaching: every header as a section at its OSI layer, every
// field with its value and the bytes that hold it, like Packet Tracer's OSI tab but from real
// bytes. Not on the hot path: this allocates freely and reads fields again from the bytes.
//
// This file says what the bytes are, never how to say it: a section is a `SectionName`, a
// field a `FieldName`, a value a `FieldValue` (numbers, addresses, and the facts a note is
// about, such as "the checksum is wrong and should be 0x8e9a"). The words, in English and
// Chinese, are the presenter's (Report's `LayerBreakdown`), so the decoder stays free of
// display prose and a translation never touches the bytes.

/// One field of a header: what it is, its value, and the bytes holding it. Fields that are
/// bit fields share bytes with their neighbours (IPv4's version and IHL share byte 0).
public struct Field: Sendable, Hashable {
    public var name: FieldName
    public var value: FieldValue
    public var bytes: Range<Int>

    public init(name: FieldName, value: FieldValue, bytes: Range<Int>) {
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
    /// Which header the section shows.
    public var name: SectionName
    public var bytes: Range<Int>
    public var fields: [Field]
    /// True for the section that reports a decode problem (always the last one).
    public var isError: Bool { name == .decodeError }

    public init(osiLayer: Int, name: SectionName, bytes: Range<Int>, fields: [Field]) {
        self.osiLayer = osiLayer
        self.name = name
        self.bytes = bytes
        self.fields = fields
    }
}

/// Which header a section shows.
public enum SectionName: Sendable, Hashable {
    case ethernetII, ieee8023Ethernet, bsdLoopback, openBSDLoopback, linuxCooked, linuxCooked2, ppp
    case vlanTag
    /// An 802.1ad (or 0x9100) tag: its tag protocol identifier.
    case serviceVLANTag(tagProtocol: UInt16)
    case llc, llcWithSNAP, pppoeDiscovery, pppoeSession, mplsLabel
    case ipv4, ipv6
    /// The outer IP header of an IP-in-IP tunnel; the IP header after it is `ipv4`/`ipv6`.
    case tunnelIPv4, tunnelIPv6
    /// An IPv6 extension header of this kind.
    case ipv6Extension(IPProtocol)
    case arp, esp
    case tcp, udp
    case icmp(isICMPv6: Bool)
    case quotedDatagram
    case icmpData(isICMPv6: Bool)
    case applicationData
    case ethernetPadding
    case decodeError
    /// Bytes that follow a header this decoder does not read further.
    case undecoded(Undecoded)

    public enum Undecoded: Sendable, Hashable {
        case pppoeDiscoveryTags
        case etherType(EtherType)
        case ppp(PPPProtocol)
        case llc(dsap: UInt8)
        case loopbackFamily(UInt32)
        case transport(IPProtocol)
        /// A later IP fragment: its bytes continue the first fragment's data.
        case fragmentData
    }
}

/// What a field is.
public enum FieldName: Sendable, Hashable {
    // Link layer and what sits between it and IP.
    case destinationMAC, sourceMAC, length, etherType, addressFamily, address, control, `protocol`
    case priority, dropEligible, vlanID, dsap, ssap, snapOrganisationCode, snapProtocol
    case version, type, code, sessionID, pppProtocol, label, trafficClass, bottomOfStack, ttl, payload
    case packetType, hardwareType, addressLength, sourceAddress, reserved, interfaceIndex
    // Network layer.
    case headerLength, dscp, ecn, totalLength, identification, flags, fragmentOffset, headerChecksum
    case destinationAddress, options, fragment, flowLabel, payloadLength, nextHeader, hopLimit, moreFragments
    case securityParametersIndex, sequenceNumber, integrityCheckValue, optionsAndPadding
    case protocolType, hardwareAddressLength, protocolAddressLength, operation
    case senderMAC, senderIP, targetMAC, targetIP, addresses
    // Transport layer, ICMP.
    case sourcePort, destinationPort, checksum, encryptedData, acknowledgmentNumber, reservedBits
    case window, urgentPointer
    /// One TCP option, by its kind.
    case option(TCPOptionKind)
    case optionsProblem
    case restOfHeader, identifierAndSequence, mtu
    case originalSource, originalDestination, originalProtocol, originalPorts
    // Application data and problems.
    case captured, text, bytes, layer, problem, capture
}

/// A field's value: a number or address as it is, or the facts a note explains.
public enum FieldValue: Sendable, Hashable {
    // The same in every language.
    /// In decimal.
    case number(Int)
    /// `0x` and `digits` hex digits (0: as many as the value needs).
    case hex(UInt64, digits: Int)
    case byteCount(Int)
    case yesNo(Bool)
    case mac(MACAddress)
    case address(IPAddress)
    /// A hardware address of any length, as colon-separated hex; empty when there is none.
    case linkAddress([UInt8])
    /// The data itself: quoted text with escapes, or hex bytes (see `preview`).
    case preview(String)
    /// Two ports, source and destination.
    case ports(UInt16, UInt16)
    case tcpFlags(TCPFlags)

    // Values that carry a note.
    /// An 802.3 length field (1500 or less), not an EtherType.
    case ieee8023Length(UInt16)
    case etherType(UInt16)
    case loopbackFamily(UInt32, ByteOrder)
    /// PPP's HDLC address byte 0xff and control byte 0x03.
    case pppAllStations, pppUnnumberedInformation
    case pppProtocol(PPPProtocol, compressed: Bool)
    case sap(UInt8)
    case snapOrganisation(UInt32)
    case pppoeCode(UInt8, isDiscovery: Bool)
    case mplsLabel(UInt32)
    /// MPLS names no next protocol: the payload was recognised from its version nibble.
    case mplsInferredPayload(isIPv6: Bool)
    case linuxPacketType(LinuxPacketType)
    case linuxHardwareType(UInt16)
    case arpHardwareType(UInt16)
    case arpOperation(UInt16)
    case ipv4HeaderLength(Int)
    case ecn(UInt8)
    /// IPv6's traffic class with its two parts.
    case trafficClass(UInt8, dscp: UInt8, ecn: UInt8)
    /// A length field; `fromCapture` when it was 0 and the length came from the capture.
    case ipv4TotalLength(Int, fromCapture: Bool)
    case ipv6PayloadLength(Int, fromCapture: Bool)
    /// A number also shown in hex.
    case numberAndHex(UInt16)
    case ipv4Flags(reserved: Bool, dontFragment: Bool, moreFragments: Bool)
    /// In 8-byte units, and where that is in the original datagram.
    case ipv4FragmentOffset(units: Int, byte: Int)
    case ipv6FragmentOffset(units: Int, byte: Int)
    /// Whether this fragment is the first (it carries the transport header).
    case fragmentPosition(isFirst: Bool)
    case ipProtocol(IPProtocol)
    /// Only the protocol's name.
    case ipProtocolName(IPProtocol)
    /// `valid` nil when it could not be checked; `expected` is what it should be.
    case ipv4Checksum(UInt16, valid: Bool?, expected: UInt16)
    /// An IPv6 extension header's length byte and the length it means.
    case authenticationHeaderLength(raw: UInt8, bytes: Int)
    case extensionHeaderLength(raw: UInt8, bytes: Int)
    case undecodedAddresses(Int)
    case udpLength(Int, payload: Int)
    case udpChecksum(UInt16)
    case encryptedData(Int)
    case acknowledgment(SequenceNumber, isUsed: Bool)
    case tcpHeaderLength(Int)
    case reservedBits(UInt8)
    case tcpOption(TCPOption.Value)
    case tcpOptionProblem(TCPOptionProblem)
    case icmpType(UInt8, isICMPv6: Bool)
    case icmpCode(UInt8, type: UInt8, isICMPv6: Bool)
    case identifierAndSequence(UInt16, UInt16)
    /// Fewer bytes captured than the header declares.
    case partlyCaptured(captured: Int, declared: Int)
    case paddingLength(Int)
    /// Bytes after the end the PPPoE length sets: the frame's, whatever IP claims.
    case paddingAfterPPPoE(Int)
    case protocolLayer(ProtocolLayer)
    /// The problem, and for malformed TCP options, which option and how.
    case decodeProblem(DecodeError, options: TCPOptionProblem?)
    /// The capture kept fewer bytes than the packet had.
    case captureKept(captured: Int, original: Int)
}

/// Decodes `bytes` and lays the packet out by OSI layer, outermost header first. A decode
/// problem appears as the last section.
public func layerBreakdown(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil) -> [LayerSection] {
    layerBreakdown(of: decodePacket(bytes, linkType: linkType, originalLength: originalLength), bytes: bytes)
}

/// Lays out an already decoded packet; `bytes` must be the bytes it was decoded from.
public func layerBreakdown(of packet: DecodedPacket, bytes: [UInt8]) -> [LayerSection] {
    bytes.withUnsafeBytes { raw in
        var builder = BreakdownBuilder(raw: raw, packet: packet)
        builder.build()
        return builder.sections
    }
}

private struct BreakdownBuilder {
    let packetBytes: ByteView
    let packet: DecodedPacket
    var sections: [LayerSection] = []

    init(raw: UnsafeRawBufferPointer, packet: DecodedPacket) {
        packetBytes = ByteView(raw)
        self.packet = packet
    }

    // The few fields the decoded headers do not keep are read again through `ByteView`.
    // The ranges come from the decoder, but this code is for display and must not be the
    // thing that crashes on a strange packet, nor show a value that is not in it: a field
    // whose bytes are missing is left out.
    func u8(_ at: Int) -> UInt8? { packetBytes.byte(at: at) }
    func u16(_ at: Int) -> UInt16? { packetBytes.read(UInt16.self, bigEndianAt: at) }
    func u32(_ at: Int) -> UInt32? { packetBytes.read(UInt32.self, bigEndianAt: at) }
    func clamp(_ range: Range<Int>) -> Range<Int> {
        let lower = min(max(range.lowerBound, 0), packetBytes.count)
        return lower..<min(max(range.upperBound, lower), packetBytes.count)
    }

    mutating func add(_ layer: Int, _ name: SectionName, _ range: Range<Int>, _ fields: [Field]) {
        sections.append(LayerSection(osiLayer: layer, name: name, bytes: clamp(range),
                                     fields: fields.map { Field(name: $0.name, value: $0.value, bytes: clamp($0.bytes)) }))
    }

    mutating func build() {
        addLink()
        addNetwork()
        addTransport()
        addPayload()
        if !packet.trailer.isEmpty {
            // After PPPoE the padding starts where the PPPoE length ends the payload, which
            // need not be where the frame reaches 60 bytes.
            let afterPPPoE = packet.link.pppoe.map { $0.range.lowerBound + 6 + Int($0.length) == packet.trailer.lowerBound } ?? false
            add(2, .ethernetPadding, packet.trailer, [
                Field(name: .length, value: afterPPPoE ? .paddingAfterPPPoE(packet.trailer.count) : .paddingLength(packet.trailer.count),
                      bytes: packet.trailer),
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
                Field(name: .destinationMAC, value: .mac(header.destination), bytes: start..<(start + 6)),
                Field(name: .sourceMAC, value: .mac(header.source), bytes: (start + 6)..<(start + 12)),
            ]
            if header.isIEEE8023 {
                fields.append(Field(name: .length, value: .ieee8023Length(header.typeOrLength), bytes: (start + 12)..<(start + 14)))
            } else {
                fields.append(Field(name: .etherType, value: .etherType(header.typeOrLength), bytes: (start + 12)..<(start + 14)))
            }
            add(2, header.isIEEE8023 ? .ieee8023Ethernet : .ethernetII, header.range, fields)
        case .loopback(let header):
            add(2, packet.link.type == .loop ? .openBSDLoopback : .bsdLoopback, header.range, [
                Field(name: .addressFamily, value: .loopbackFamily(header.family, header.byteOrder), bytes: header.range),
            ])
        case .linuxCooked(let header):
            addLinuxCooked(header)
        case .ppp(let header):
            var fields: [Field] = []
            var at = header.range.lowerBound
            if header.hasAddressAndControl {
                fields.append(Field(name: .address, value: .pppAllStations, bytes: at..<(at + 1)))
                fields.append(Field(name: .control, value: .pppUnnumberedInformation, bytes: (at + 1)..<(at + 2)))
                at += 2
            }
            fields.append(Field(name: .protocol, value: .pppProtocol(header.protocol, compressed: header.protocolFieldLength == 1),
                                bytes: at..<(at + header.protocolFieldLength)))
            add(2, .ppp, header.range, fields)
        case .raw, .unsupported, .missing:
            break
        }

        for tag in packet.link.vlanTags {
            let start = tag.range.lowerBound
            add(2, tag.tagProtocol == .vlan ? .vlanTag : .serviceVLANTag(tagProtocol: tag.tagProtocol.rawValue), tag.range, [
                Field(name: .priority, value: .number(Int(tag.priority)), bytes: start..<(start + 1)),
                Field(name: .dropEligible, value: .yesNo(tag.dropEligible), bytes: start..<(start + 1)),
                Field(name: .vlanID, value: .number(Int(tag.id)), bytes: start..<(start + 2)),
                Field(name: .etherType, value: .etherType(tag.innerType), bytes: (start + 2)..<(start + 4)),
            ])
        }

        if let llc = packet.link.llc {
            let start = llc.range.lowerBound
            var fields = [
                Field(name: .dsap, value: .sap(llc.dsap), bytes: start..<(start + 1)),
                Field(name: .ssap, value: .sap(llc.ssap), bytes: (start + 1)..<(start + 2)),
            ]
            let controlLength = llc.control > 0xff || llc.range.count == 4 ? 2 : 1
            fields.append(Field(name: .control, value: .hex(UInt64(llc.control), digits: 2 * controlLength),
                                bytes: (start + 2)..<(start + 2 + controlLength)))
            if let oui = llc.snapOUI, let pid = llc.snapProtocol {
                fields.append(Field(name: .snapOrganisationCode, value: .snapOrganisation(oui), bytes: (start + 3)..<(start + 6)))
                fields.append(Field(name: .snapProtocol, value: oui == 0 ? .etherType(pid) : .hex(UInt64(pid), digits: 4),
                                    bytes: (start + 6)..<(start + 8)))
            }
            add(2, llc.snapOUI == nil ? .llc : .llcWithSNAP, llc.range, fields)
        }

        if let pppoe = packet.link.pppoe {
            let start = pppoe.range.lowerBound
            var fields = [
                Field(name: .version, value: .number(Int(pppoe.version)), bytes: start..<(start + 1)),
                Field(name: .type, value: .number(Int(pppoe.type)), bytes: start..<(start + 1)),
                Field(name: .code, value: .pppoeCode(pppoe.code, isDiscovery: pppoe.isDiscovery), bytes: (start + 1)..<(start + 2)),
                Field(name: .sessionID, value: .hex(UInt64(pppoe.sessionID), digits: 4), bytes: (start + 2)..<(start + 4)),
                Field(name: .length, value: .byteCount(Int(pppoe.length)), bytes: (start + 4)..<(start + 6)),
            ]
            if let pppProtocol = pppoe.pppProtocol {
                fields.append(Field(name: .pppProtocol, value: .pppProtocol(pppProtocol, compressed: false),
                                    bytes: (start + 6)..<pppoe.range.upperBound))
            }
            add(2, pppoe.isDiscovery ? .pppoeDiscovery : .pppoeSession, pppoe.range, fields)
        }

        for (index, label) in packet.link.mplsLabels.enumerated() {
            let range = label.range
            var fields = [
                Field(name: .label, value: .mplsLabel(label.label), bytes: range.lowerBound..<(range.lowerBound + 3)),
                Field(name: .trafficClass, value: .number(Int(label.trafficClass)), bytes: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                Field(name: .bottomOfStack, value: .yesNo(label.isBottomOfStack), bytes: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                Field(name: .ttl, value: .number(Int(label.ttl)), bytes: (range.lowerBound + 3)..<range.upperBound),
            ]
            if index == packet.link.mplsLabels.count - 1, packet.link.networkProtocolInferred {
                fields.append(Field(name: .payload, value: .mplsInferredPayload(isIPv6: packet.ipv6 != nil), bytes: range))
            }
            // MPLS sits between the link and network layers ("layer 2.5"); it is shown at 2.
            add(2, .mplsLabel, range, fields)
        }
    }

    mutating func addLinuxCooked(_ header: LinuxCookedHeader) {
        let start = header.range.lowerBound
        let used = Int(min(header.addressLength, 8))
        let address = (0..<used).map { index in UInt8(truncatingIfNeeded: header.address >> UInt64(8 * (used - 1 - index))) }
        if header.version == 1 {
            add(2, .linuxCooked, header.range, [
                Field(name: .packetType, value: .linuxPacketType(header.packetType), bytes: start..<(start + 2)),
                Field(name: .hardwareType, value: .linuxHardwareType(header.hardwareType), bytes: (start + 2)..<(start + 4)),
                Field(name: .addressLength, value: .number(Int(header.addressLength)), bytes: (start + 4)..<(start + 6)),
                Field(name: .sourceAddress, value: .linkAddress(address), bytes: (start + 6)..<(start + 14)),
                Field(name: .protocol, value: .etherType(header.protocolType.rawValue), bytes: (start + 14)..<(start + 16)),
            ])
        } else {
            add(2, .linuxCooked2, header.range, [
                Field(name: .protocol, value: .etherType(header.protocolType.rawValue), bytes: start..<(start + 2)),
                u16(start + 2).map { Field(name: .reserved, value: .hex(UInt64($0), digits: 4), bytes: (start + 2)..<(start + 4)) },
                Field(name: .interfaceIndex, value: .number(Int(header.interfaceIndex ?? 0)), bytes: (start + 4)..<(start + 8)),
                Field(name: .hardwareType, value: .linuxHardwareType(header.hardwareType), bytes: (start + 8)..<(start + 10)),
                Field(name: .packetType, value: .linuxPacketType(header.packetType), bytes: (start + 10)..<(start + 11)),
                Field(name: .addressLength, value: .number(Int(header.addressLength)), bytes: (start + 11)..<(start + 12)),
                Field(name: .sourceAddress, value: .linkAddress(address), bytes: (start + 12)..<(start + 20)),
            ].compactMap { $0 })
        }
    }

    // MARK: Network layer

    mutating func addNetwork() {
        // A tunnel's outer headers come first, as they come on the wire.
        for outer in packet.tunnels {
            switch outer {
            case .ipv4(let ip): addIPv4(ip, name: .tunnelIPv4)
            case .ipv6(let ip): addIPv6(ip, name: .tunnelIPv6)
            default: break
            }
        }
        switch packet.network {
        case .ipv4(let ip): addIPv4(ip)
        case .ipv6(let ip): addIPv6(ip)
        case .arp(let arp): addARP(arp)
        case .pppoeDiscovery: addUndecoded(2, .pppoeDiscoveryTags)
        case .other(let type): addUndecoded(3, .etherType(type))
        case .otherPPP(let pppProtocol): addUndecoded(2, .ppp(pppProtocol))
        case .otherLLC(let dsap): addUndecoded(2, .llc(dsap: dsap))
        case .otherFamily(let family): addUndecoded(3, .loopbackFamily(family))
        case nil: break
        }
    }

    mutating func addUndecoded(_ layer: Int, _ what: SectionName.Undecoded) {
        guard !packet.payload.isEmpty else { return }
        add(layer, .undecoded(what), packet.payload, [Field(name: .length, value: .byteCount(packet.payload.count), bytes: packet.payload)])
    }

    mutating func addIPv4(_ ip: IPv4Header, name: SectionName = .ipv4) {
        let s = ip.range.lowerBound
        var fields = [
            Field(name: .version, value: .number(Int(ip.version)), bytes: s..<(s + 1)),
            Field(name: .headerLength, value: .ipv4HeaderLength(ip.headerLength), bytes: s..<(s + 1)),
            Field(name: .dscp, value: .number(Int(ip.dscp)), bytes: (s + 1)..<(s + 2)),
            Field(name: .ecn, value: .ecn(ip.ecn), bytes: (s + 1)..<(s + 2)),
            Field(name: .totalLength, value: .ipv4TotalLength(Int(ip.totalLength), fromCapture: ip.lengthFromCapture), bytes: (s + 2)..<(s + 4)),
            Field(name: .identification, value: .numberAndHex(ip.identification), bytes: (s + 4)..<(s + 6)),
            Field(name: .flags, value: .ipv4Flags(reserved: ip.reservedFlag, dontFragment: ip.dontFragment, moreFragments: ip.moreFragments),
                  bytes: (s + 6)..<(s + 7)),
            Field(name: .fragmentOffset, value: .ipv4FragmentOffset(units: Int(ip.fragmentOffset), byte: ip.fragmentByteOffset),
                  bytes: (s + 6)..<(s + 8)),
            Field(name: .ttl, value: .number(Int(ip.ttl)), bytes: (s + 8)..<(s + 9)),
            Field(name: .protocol, value: .ipProtocol(ip.protocol), bytes: (s + 9)..<(s + 10)),
            Field(name: .headerChecksum, value: .ipv4Checksum(ip.checksum, valid: ip.checksumValid, expected: expectedIPv4Checksum(ip)),
                  bytes: (s + 10)..<(s + 12)),
            Field(name: .sourceAddress, value: .address(.v4(ip.source)), bytes: (s + 12)..<(s + 16)),
            Field(name: .destinationAddress, value: .address(.v4(ip.destination)), bytes: (s + 16)..<(s + 20)),
        ]
        if !ip.options.isEmpty {
            fields.append(Field(name: .options, value: .byteCount(ip.options.count), bytes: ip.options))
        }
        if ip.isFragment {
            fields.append(Field(name: .fragment, value: .fragmentPosition(isFirst: ip.fragmentOffset == 0), bytes: (s + 6)..<(s + 8)))
        }
        add(3, name, ip.range, fields)
    }

    /// The checksum the header should carry: the RFC 1071 sum with the checksum field as zero.
    /// The decoder read the header from these bytes, so they are there; were they not, the
    /// field's own value is the only one this code could honestly show.
    func expectedIPv4Checksum(_ ip: IPv4Header) -> UInt16 {
        guard let header = packetBytes.subview(at: ip.range.lowerBound, count: ip.range.count) else { return ip.checksum }
        var sum: UInt32 = 0
        var at = 0
        while let word = header.read(UInt16.self, bigEndianAt: at) {
            if at != IPv4Field.checksum { sum += UInt32(word) }
            at += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    mutating func addIPv6(_ ip: IPv6Header, name: SectionName = .ipv6) {
        let s = ip.range.lowerBound
        add(3, name, ip.range, [
            Field(name: .version, value: .number(Int(ip.version)), bytes: s..<(s + 1)),
            Field(name: .trafficClass, value: .trafficClass(ip.trafficClass, dscp: ip.dscp, ecn: ip.ecn), bytes: s..<(s + 2)),
            Field(name: .flowLabel, value: .hex(UInt64(ip.flowLabel), digits: 0), bytes: (s + 1)..<(s + 4)),
            Field(name: .payloadLength, value: .ipv6PayloadLength(Int(ip.payloadLength), fromCapture: ip.lengthFromCapture), bytes: (s + 4)..<(s + 6)),
            Field(name: .nextHeader, value: .ipProtocol(ip.nextHeader), bytes: (s + 6)..<(s + 7)),
            Field(name: .hopLimit, value: .number(Int(ip.hopLimit)), bytes: (s + 7)..<(s + 8)),
            Field(name: .sourceAddress, value: .address(.v6(ip.source)), bytes: (s + 8)..<(s + 24)),
            Field(name: .destinationAddress, value: .address(.v6(ip.destination)), bytes: (s + 24)..<(s + 40)),
        ])
        for ext in ip.extensionHeaders {
            let e = ext.range.lowerBound
            var fields = [Field(name: .nextHeader, value: .ipProtocol(ext.nextHeader), bytes: e..<(e + 1))]
            switch ext.kind {
            case .fragment:
                if let word = u16(e + 2) {
                    fields.append(Field(name: .fragmentOffset, value: .ipv6FragmentOffset(units: Int(word >> 3), byte: Int(word >> 3) * 8),
                                        bytes: (e + 2)..<(e + 4)))
                    fields.append(Field(name: .moreFragments, value: .yesNo(word & 1 == 1), bytes: (e + 3)..<(e + 4)))
                }
                if let identification = u32(e + 4) {
                    fields.append(Field(name: .identification, value: .hex(UInt64(identification), digits: 8), bytes: (e + 4)..<(e + 8)))
                }
            case .authenticationHeader:
                if let length = u8(e + 1) {
                    fields.append(Field(name: .length, value: .authenticationHeaderLength(raw: length, bytes: ext.range.count), bytes: (e + 1)..<(e + 2)))
                }
                if let spi = u32(e + 4) {
                    fields.append(Field(name: .securityParametersIndex, value: .hex(UInt64(spi), digits: 8), bytes: (e + 4)..<(e + 8)))
                }
                if let sequence = u32(e + 8) {
                    fields.append(Field(name: .sequenceNumber, value: .number(Int(sequence)), bytes: (e + 8)..<(e + 12)))
                }
                if ext.range.count > 12 {
                    fields.append(Field(name: .integrityCheckValue, value: .byteCount(ext.range.count - 12), bytes: (e + 12)..<ext.range.upperBound))
                }
            default:
                if let length = u8(e + 1) {
                    fields.append(Field(name: .length, value: .extensionHeaderLength(raw: length, bytes: ext.range.count), bytes: (e + 1)..<(e + 2)))
                }
                if ext.range.count > 2 {
                    fields.append(Field(name: .optionsAndPadding, value: .byteCount(ext.range.count - 2), bytes: (e + 2)..<ext.range.upperBound))
                }
            }
            add(3, .ipv6Extension(ext.kind), ext.range, fields)
        }
    }

    mutating func addARP(_ arp: ARPMessage) {
        let s = arp.range.lowerBound
        var fields = [
            Field(name: .hardwareType, value: .arpHardwareType(arp.hardwareType), bytes: s..<(s + 2)),
            Field(name: .protocolType, value: .etherType(arp.protocolType.rawValue), bytes: (s + 2)..<(s + 4)),
            Field(name: .hardwareAddressLength, value: .number(Int(arp.hardwareLength)), bytes: (s + 4)..<(s + 5)),
            Field(name: .protocolAddressLength, value: .number(Int(arp.protocolLength)), bytes: (s + 5)..<(s + 6)),
            Field(name: .operation, value: .arpOperation(arp.operation), bytes: (s + 6)..<(s + 8)),
        ]
        if let senderMAC = arp.senderMAC, let senderIP = arp.senderIP, let targetMAC = arp.targetMAC, let targetIP = arp.targetIP {
            fields += [
                Field(name: .senderMAC, value: .mac(senderMAC), bytes: (s + 8)..<(s + 14)),
                Field(name: .senderIP, value: .address(.v4(senderIP)), bytes: (s + 14)..<(s + 18)),
                Field(name: .targetMAC, value: .mac(targetMAC), bytes: (s + 18)..<(s + 24)),
                Field(name: .targetIP, value: .address(.v4(targetIP)), bytes: (s + 24)..<(s + 28)),
            ]
        } else {
            fields.append(Field(name: .addresses, value: .undecodedAddresses(arp.range.count - 8), bytes: (s + 8)..<arp.range.upperBound))
        }
        // ARP travels directly in link-layer frames, with no network-layer header of its own:
        // it maps layer-3 addresses to layer-2 ones, and is shown at layer 2.
        add(2, .arp, arp.range, fields)
    }

    // MARK: Transport layer

    mutating func addTransport() {
        switch packet.transport {
        case .tcp(let tcp): addTCP(tcp)
        case .udp(let udp):
            let s = udp.range.lowerBound
            add(4, .udp, udp.range, [
                Field(name: .sourcePort, value: .number(Int(udp.sourcePort)), bytes: s..<(s + 2)),
                Field(name: .destinationPort, value: .number(Int(udp.destinationPort)), bytes: (s + 2)..<(s + 4)),
                Field(name: .length, value: .udpLength(Int(udp.length), payload: udp.payloadLength), bytes: (s + 4)..<(s + 6)),
                Field(name: .checksum, value: .udpChecksum(udp.checksum), bytes: (s + 6)..<(s + 8)),
            ])
        case .icmp(let message), .icmpv6(let message):
            addICMP(message)
        case .other(let protocolNumber) where protocolNumber == .esp && !packet.payload.isEmpty:
            // ESP (RFC 4303): only the SPI and sequence number are in the clear.
            let e = packet.payload.lowerBound
            var fields: [Field] = []
            if let spi = u32(e), packet.payload.count >= 4 {
                fields.append(Field(name: .securityParametersIndex, value: .hex(UInt64(spi), digits: 8), bytes: e..<(e + 4)))
            }
            if let sequence = u32(e + 4), packet.payload.count >= 8 {
                fields.append(Field(name: .sequenceNumber, value: .number(Int(sequence)), bytes: (e + 4)..<(e + 8)))
            }
            if packet.payload.count > 8 {
                fields.append(Field(name: .encryptedData, value: .encryptedData(packet.payload.count - 8), bytes: (e + 8)..<packet.payload.upperBound))
            }
            add(3, .esp, packet.payload, fields)
        case .other(let protocolNumber):
            addUndecoded(4, .transport(protocolNumber))
        case nil:
            // A later fragment: its bytes continue the first fragment's data.
            if let ip = packet.ipv4, ip.fragmentOffset != 0 {
                addUndecoded(3, .fragmentData)
            } else if let fragment = packet.ipv6?.fragment, fragment.offset != 0 {
                addUndecoded(3, .fragmentData)
            }
        }
    }

    mutating func addTCP(_ tcp: TCPHeader) {
        let s = tcp.range.lowerBound
        var fields = [
            Field(name: .sourcePort, value: .number(Int(tcp.sourcePort)), bytes: s..<(s + 2)),
            Field(name: .destinationPort, value: .number(Int(tcp.destinationPort)), bytes: (s + 2)..<(s + 4)),
            Field(name: .sequenceNumber, value: .number(Int(tcp.sequence.rawValue)), bytes: (s + 4)..<(s + 8)),
            Field(name: .acknowledgmentNumber, value: .acknowledgment(tcp.acknowledgment, isUsed: tcp.flags.contains(.ack)), bytes: (s + 8)..<(s + 12)),
            Field(name: .headerLength, value: .tcpHeaderLength(tcp.headerLength), bytes: (s + 12)..<(s + 13)),
            Field(name: .reservedBits, value: .reservedBits(tcp.reserved), bytes: (s + 12)..<(s + 13)),
            Field(name: .flags, value: .tcpFlags(tcp.flags), bytes: (s + 12)..<(s + 14)),
            Field(name: .window, value: .number(Int(tcp.window)), bytes: (s + 14)..<(s + 16)),
            Field(name: .checksum, value: .hex(UInt64(tcp.checksum), digits: 4), bytes: (s + 16)..<(s + 18)),
            Field(name: .urgentPointer, value: .number(Int(tcp.urgentPointer)), bytes: (s + 18)..<(s + 20)),
        ]
        for option in tcp.options.elements {
            fields.append(Field(name: .option(option.kind), value: .tcpOption(option.value), bytes: option.range))
        }
        if let problem = tcp.options.malformed {
            fields.append(Field(name: .optionsProblem, value: .tcpOptionProblem(problem), bytes: problem.offset..<tcp.options.range.upperBound))
        }
        add(4, .tcp, tcp.range, fields)
    }

    mutating func addICMP(_ message: ICMPMessage) {
        let s = message.range.lowerBound
        var rest = Field(name: .restOfHeader, value: .hex(UInt64(message.restOfHeader), digits: 8), bytes: (s + 4)..<(s + 8))
        if let identifier = message.identifier, let sequence = message.sequenceNumber {
            rest = Field(name: .identifierAndSequence, value: .identifierAndSequence(identifier, sequence), bytes: (s + 4)..<(s + 8))
        } else if message.isICMPv6, message.type == 2 {
            rest = Field(name: .mtu, value: .number(Int(message.restOfHeader)), bytes: (s + 4)..<(s + 8))
        }
        // ICMP rides inside IP but belongs to the network layer: it reports on IP's delivery.
        add(3, .icmp(isICMPv6: message.isICMPv6), message.range, [
            Field(name: .type, value: .icmpType(message.type, isICMPv6: message.isICMPv6), bytes: s..<(s + 1)),
            Field(name: .code, value: .icmpCode(message.code, type: message.type, isICMPv6: message.isICMPv6), bytes: (s + 1)..<(s + 2)),
            Field(name: .checksum, value: .hex(UInt64(message.checksum), digits: 4), bytes: (s + 2)..<(s + 4)),
            rest,
        ])
        if let quote = message.quoted {
            var fields = [
                Field(name: .originalSource, value: .address(quote.source), bytes: quote.range),
                Field(name: .originalDestination, value: .address(quote.destination), bytes: quote.range),
                Field(name: .originalProtocol, value: .ipProtocolName(quote.protocol), bytes: quote.range),
            ]
            if let source = quote.sourcePort, let destination = quote.destinationPort {
                fields.append(Field(name: .originalPorts, value: .ports(source, destination), bytes: quote.range))
            }
            add(3, .quotedDatagram, quote.range, fields)
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
                add(3, .icmpData(isICMPv6: message.isICMPv6), payload, [
                    Field(name: .length, value: .byteCount(payload.count), bytes: payload),
                ])
            }
        default:
            break
        }
    }

    mutating func addApplicationData(_ payload: Range<Int>, declared: Int) {
        guard declared > 0 || !payload.isEmpty else { return }
        var fields = [Field(name: .length, value: .byteCount(declared), bytes: payload)]
        if payload.count < declared {
            fields.append(Field(name: .captured, value: .partlyCaptured(captured: payload.count, declared: declared), bytes: payload))
        }
        let shown = clamp(payload)
        let data = packetBytes.subview(at: shown.lowerBound, count: shown.count)?.bytes ?? []
        if !data.isEmpty {
            fields.append(Field(name: looksLikeText(data) ? .text : .bytes, value: .preview(preview(data)), bytes: payload))
        }
        add(7, .applicationData, payload, fields)
    }

    mutating func addError(_ error: DecodeError) {
        var range = error.offset..<packetBytes.count
        if error.layer == .tcpOptions, let tcp = packet.tcp { range = error.offset..<tcp.range.upperBound }
        var fields = [
            Field(name: .layer, value: .protocolLayer(error.layer), bytes: range),
            Field(name: .problem, value: .decodeProblem(error, options: error.layer == .tcpOptions ? packet.tcp?.options.malformed : nil),
                  bytes: range),
        ]
        if packet.isCutBySnapLength {
            fields.append(Field(name: .capture, value: .captureKept(captured: packet.capturedLength, original: packet.originalLength), bytes: range))
        }
        add(osiLayer(of: error.layer), .decodeError, range, fields)
    }

    func osiLayer(of layer: ProtocolLayer) -> Int {
        switch layer {
        case .link, .ethernet, .vlan, .llc, .loopback, .linuxCooked, .ppp, .pppoe, .mpls, .arp: 2
        case .ipv4, .ipv6, .ipv6Extension, .icmp, .icmpv6: 3
        case .tcp, .tcpOptions, .udp: 4
        case .payload: 7
        }
    }

    // MARK: The data itself

    func looksLikeText(_ data: [UInt8]) -> Bool {
        let printable = data.filter { (0x20...0x7e).contains($0) || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }.count
        return printable * 10 >= data.count * 9
    }

    /// Up to 64 bytes as quoted text with escapes, or as hex when the data is binary.
    func preview(_ data: [UInt8]) -> String {
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
