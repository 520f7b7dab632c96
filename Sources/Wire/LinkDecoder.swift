// The link layer and everything between it and IP: Ethernet with VLAN tags, 802.2 LLC/SNAP,
// BSD and OpenBSD loopback, Linux cooked v1/v2, PPP, PPPoE, MPLS.

/// The decoding state for one packet: the bytes, how many were captured, and the result
/// being filled in. Each `decode...` method reads one header through a `ByteView` and hands
/// over to the next layer.
struct PacketDecoder {
    let buffer: UnsafeRawBufferPointer
    let captured: Int
    /// The capture kept fewer bytes than the packet had on the wire.
    let cutBySnapLength: Bool
    /// The caller said how long the packet was, and the capture kept all of it: a length field
    /// that runs past the bytes then lies (invalid) rather than meeting the end of the capture
    /// (truncated). Without an original length we cannot tell, and say truncated, as tcpdump does.
    let frameKnownWhole: Bool
    /// The IP packet is the first fragment of a larger datagram, so the transport header's
    /// lengths describe the whole datagram, not this fragment.
    var inFirstFragment = false
    /// Where the header around the IP packet says its payload ends (a PPPoE length, an outer
    /// IP header's length in a tunnel), and which field says so; nil when nothing but the
    /// frame bounds IP. An IP length that claims more is a mismatch, not more data: the bytes
    /// after this end are the frame's (padding), and reading them as IP would show padding as
    /// TCP data.
    var enclosingEnd: Int? = nil
    var enclosingField: LengthField = .enclosingHeader
    /// The result, filled in place: `decodePacket` owns it for the duration of the call.
    /// Going through a pointer rather than holding the (large) value keeps decoding from
    /// copying the whole packet result at each step.
    private let result: UnsafeMutablePointer<DecodedPacket>

    init(buffer: UnsafeRawBufferPointer, result: UnsafeMutablePointer<DecodedPacket>, originalLength: Int?) {
        self.buffer = buffer
        self.result = result
        captured = buffer.count
        cutBySnapLength = (originalLength ?? 0) > buffer.count
        frameKnownWhole = originalLength.map { $0 <= buffer.count } ?? false
    }

    var packet: DecodedPacket {
        unsafeAddress { UnsafePointer(result) }
        nonmutating unsafeMutableAddress { result }
    }

    // MARK: Problems and checked views

    /// Records a problem unless an earlier one is already recorded.
    mutating func note(_ layer: ProtocolLayer, _ kind: DecodeError.Kind, at offset: Int) {
        if packet.error == nil {
            packet.error = DecodeError(layer: layer, kind: kind, offset: offset, cutBySnapLength: cutBySnapLength)
        }
    }

    /// A view of `count` bytes at `start`, inside the capture and, when `end` is given, before
    /// the end an enclosing header declares (an IP total length, an 802.3 length). When it
    /// cannot be made, records why: invalid when the declared length is what ran out (the
    /// packet is all there and says it is shorter than the header), truncated when the bytes did.
    mutating func view(
        _ layer: ProtocolLayer, at start: Int, count: Int, within end: Int? = nil,
        enclosing: LengthField = .enclosingHeader
    ) -> ByteView? {
        let limit = min(end ?? captured, captured)
        if let view = ByteView(buffer, start: start, count: count, limit: limit) { return view }
        let available = max(0, limit - start)
        if let end, end <= captured {
            note(layer, .invalid(.lengthFieldTooShort(field: enclosing, available: available, needed: count)), at: start)
        } else {
            note(layer, .truncated(needed: count, available: available), at: start)
        }
        return nil
    }

    /// Marks where the link layer (and any encapsulation) ends and the network layer begins.
    mutating func enterNetwork(at offset: Int) {
        // Inside a tunnel the link layer ended at the outermost IP header.
        guard packet.tunnels.isEmpty else { return }
        packet.link.range = 0..<offset
    }

    /// Reports bytes that are not decoded further as the payload.
    mutating func leaveUndecoded(from offset: Int, to end: Int) {
        let stop = min(max(end, offset), captured)
        let start = min(offset, stop)
        packet.payload = start..<stop
    }

    // MARK: Link types

    mutating func decodeLink() {
        switch packet.link.type.rawValue {
        case LinkType.ethernet.rawValue:
            decodeEthernet()
        case LinkType.null.rawValue:
            decodeLoopback(alwaysBigEndian: false)
        case LinkType.loop.rawValue:
            decodeLoopback(alwaysBigEndian: true)
        case LinkType.raw.rawValue, LinkType.rawOpenBSD.rawValue, LinkType.linktypeRaw.rawValue:
            packet.link.frame = .raw
            decodeRawIP(at: 0)
        case LinkType.ipv4.rawValue:
            packet.link.frame = .raw
            decodeIPv4(at: 0)
        case LinkType.ipv6.rawValue:
            packet.link.frame = .raw
            decodeIPv6(at: 0)
        case LinkType.linuxSLL.rawValue:
            decodeLinuxCooked()
        case LinkType.linuxSLL2.rawValue:
            decodeLinuxCookedV2()
        case LinkType.ppp.rawValue, LinkType.pppSerial.rawValue:
            decodePPPFrame()
        case LinkType.pppEther.rawValue:
            decodePPPoEWithoutEthernet()
        default:
            packet.link.frame = .unsupported
            note(.link, .unsupported(.linkType(packet.link.type)), at: 0)
            leaveUndecoded(from: 0, to: captured)
        }
    }

    /// Raw IP carries no type field: the version nibble is the only way to tell, and for
    /// these link types it is authoritative (the link type promises IP).
    mutating func decodeRawIP(at offset: Int) {
        guard let view = view(.link, at: offset, count: 1) else { return }
        switch view.uint8(at: 0) >> 4 {
        case 4: decodeIPv4(at: offset)
        case 6: decodeIPv6(at: offset)
        case let version:
            enterNetwork(at: offset)
            note(.link, .invalid(.rawIPVersion(found: version)), at: offset)
            leaveUndecoded(from: offset, to: captured)
        }
    }

    // MARK: Ethernet, VLAN, LLC

    enum EthernetField {
        static let destination = 0, source = 6, typeOrLength = 12, length = 14
    }

    mutating func decodeEthernet() {
        guard let view = view(.ethernet, at: 0, count: EthernetField.length) else { return }
        let header = EthernetHeader(
            destination: view.macAddress(at: EthernetField.destination),
            source: view.macAddress(at: EthernetField.source),
            typeOrLength: view.uint16(bigEndianAt: EthernetField.typeOrLength),
            range: view.range)
        packet.link.frame = .ethernet(header)
        dispatch(etherType: header.typeOrLength, at: view.end, lengthAllowed: true)
    }

    enum VLANField {
        static let tagControl = 0, innerType = 2, length = 4
    }

    /// Hands over on a 16-bit type field: VLAN tags first, then the protocol. A value of 1500
    /// or less is an 802.3 length where `lengthAllowed` (after an Ethernet header).
    mutating func dispatch(etherType: UInt16, at start: Int, lengthAllowed: Bool) {
        var type = etherType
        var offset = start
        while EtherType(type).isVLANTag {
            guard let view = view(.vlan, at: offset, count: VLANField.length) else {
                enterNetwork(at: offset)
                return
            }
            let control = view.uint16(bigEndianAt: VLANField.tagControl)
            let inner = view.uint16(bigEndianAt: VLANField.innerType)
            packet.link.vlanTags.append(VLANTag(
                tagProtocol: EtherType(type),
                priority: UInt8(truncatingIfNeeded: control >> 13),
                dropEligible: control & 0x1000 != 0,
                id: control & 0x0fff,
                innerType: inner,
                range: view.range))
            type = inner
            offset = view.end
        }
        if lengthAllowed, type <= 1500 {
            decodeLLC(at: offset, length: type)
            return
        }
        switch EtherType(type) {
        case .ipv4: decodeIPv4(at: offset)
        case .ipv6: decodeIPv6(at: offset)
        case .arp, .reverseARP: decodeARP(at: offset)
        case .mplsUnicast, .mplsMulticast: decodeMPLS(at: offset)
        case .pppoeSession: decodePPPoE(at: offset, discovery: false)
        case .pppoeDiscovery: decodePPPoE(at: offset, discovery: true)
        default:
            enterNetwork(at: offset)
            packet.network = .other(EtherType(type))
            leaveUndecoded(from: offset, to: captured)
        }
    }

    enum LLCField {
        static let dsap = 0, ssap = 1, control = 2, minimumLength = 3
        static let snapOUI = 3, snapProtocol = 6, snapLength = 8
    }

    /// 802.2 LLC, and SNAP (RFC 1042) when DSAP = SSAP = 0xAA: SNAP with organisation code 0
    /// names an EtherType outright, so following it is reading, not guessing.
    mutating func decodeLLC(at offset: Int, length: UInt16?) {
        let declaredEnd = length.map { offset + Int($0) }
        let end = declaredEnd ?? captured
        if end < captured { packet.trailer = end..<captured }
        guard let view = view(.llc, at: offset, count: LLCField.minimumLength, within: declaredEnd,
                              enclosing: .ieee8023Length) else {
            enterNetwork(at: offset)
            return
        }
        let dsap = view.uint8(at: LLCField.dsap), ssap = view.uint8(at: LLCField.ssap)
        let first = view.uint8(at: LLCField.control)
        // The two low bits 11 mark a one-byte U-format control field; I and S frames use two.
        var header = LLCHeader(length: length, dsap: dsap, ssap: ssap, control: UInt16(first),
                               snapOUI: nil, snapProtocol: nil, range: view.range)
        if first & 0b11 != 0b11 {
            guard let wide = self.view(.llc, at: offset, count: 4, within: declaredEnd, enclosing: .ieee8023Length) else {
                enterNetwork(at: offset)
                return
            }
            header.control = wide.uint16(littleEndianAt: LLCField.control)
            header.range = wide.range
        } else if dsap == 0xaa, ssap == 0xaa {
            guard let snap = self.view(.llc, at: offset, count: LLCField.snapLength, within: declaredEnd,
                                       enclosing: .ieee8023Length) else {
                enterNetwork(at: offset)
                return
            }
            let oui = UInt32(snap.uint8(at: LLCField.snapOUI)) << 16 | UInt32(snap.uint16(bigEndianAt: LLCField.snapOUI + 1))
            let pid = snap.uint16(bigEndianAt: LLCField.snapProtocol)
            header.snapOUI = oui
            header.snapProtocol = pid
            header.range = snap.range
            packet.link.llc = header
            if oui == 0 {
                dispatch(etherType: pid, at: snap.end, lengthAllowed: false)
                return
            }
        }
        packet.link.llc = header
        enterNetwork(at: header.range.upperBound)
        packet.network = .otherLLC(dsap: dsap)
        leaveUndecoded(from: header.range.upperBound, to: end)
    }

    // MARK: Loopback

    mutating func decodeLoopback(alwaysBigEndian: Bool) {
        guard let view = view(.loopback, at: 0, count: 4) else { return }
        var family: UInt32
        var order: ByteOrder
        if alwaysBigEndian {
            family = view.uint32(bigEndianAt: 0)
            order = .bigEndian
        } else {
            // DLT_NULL stores the family in the capturing host's byte order. Families are
            // small numbers, so a value with bits in the high half was written the other way.
            family = view.uint32(littleEndianAt: 0)
            order = .littleEndian
            if family & 0xffff_0000 != 0 {
                family = family.byteSwapped
                order = .bigEndian
            }
        }
        packet.link.frame = .loopback(LoopbackHeader(family: family, byteOrder: order, range: view.range))
        switch family {
        case 2:
            decodeIPv4(at: view.end)
        case 10, 24, 28, 30:
            // AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on Darwin.
            decodeIPv6(at: view.end)
        default:
            enterNetwork(at: view.end)
            packet.network = .otherFamily(family)
            leaveUndecoded(from: view.end, to: captured)
        }
    }

    // MARK: Linux cooked capture

    enum SLLField {
        static let packetType = 0, hardwareType = 2, addressLength = 4, address = 6, protocolType = 14
        static let length = 16
    }

    enum SLL2Field {
        static let protocolType = 0, reserved = 2, interfaceIndex = 4, hardwareType = 8
        static let packetType = 10, addressLength = 11, address = 12
        static let length = 20
    }

    mutating func decodeLinuxCooked() {
        guard let view = view(.linuxCooked, at: 0, count: SLLField.length) else { return }
        let addressLength = view.uint16(bigEndianAt: SLLField.addressLength)
        let header = LinuxCookedHeader(
            version: 1,
            packetType: LinuxPacketType(view.uint16(bigEndianAt: SLLField.packetType)),
            hardwareType: view.uint16(bigEndianAt: SLLField.hardwareType),
            addressLength: addressLength,
            address: Self.cookedAddress(view.uint64(bigEndianAt: SLLField.address), length: addressLength),
            protocolType: EtherType(view.uint16(bigEndianAt: SLLField.protocolType)),
            interfaceIndex: nil,
            range: view.range)
        packet.link.frame = .linuxCooked(header)
        dispatchCooked(header, at: view.end)
    }

    mutating func decodeLinuxCookedV2() {
        guard let view = view(.linuxCooked, at: 0, count: SLL2Field.length) else { return }
        let addressLength = UInt16(view.uint8(at: SLL2Field.addressLength))
        let header = LinuxCookedHeader(
            version: 2,
            packetType: LinuxPacketType(UInt16(view.uint8(at: SLL2Field.packetType))),
            hardwareType: view.uint16(bigEndianAt: SLL2Field.hardwareType),
            addressLength: addressLength,
            address: Self.cookedAddress(view.uint64(bigEndianAt: SLL2Field.address), length: addressLength),
            protocolType: EtherType(view.uint16(bigEndianAt: SLL2Field.protocolType)),
            interfaceIndex: view.uint32(bigEndianAt: SLL2Field.interfaceIndex),
            range: view.range)
        packet.link.frame = .linuxCooked(header)
        dispatchCooked(header, at: view.end)
    }

    /// Keeps the used bytes of the 8-byte address field, right-aligned.
    static func cookedAddress(_ field: UInt64, length: UInt16) -> UInt64 {
        let used = min(Int(length), 8)
        return used == 0 ? 0 : field >> UInt64(8 * (8 - used))
    }

    mutating func dispatchCooked(_ header: LinuxCookedHeader, at offset: Int) {
        switch header.protocolType.rawValue {
        case 0x0004:
            // ETH_P_802_2: an LLC frame with no 802.3 length in front of it.
            decodeLLC(at: offset, length: nil)
        case 0x0001, 0x0003, 0x0005...0x05ff:
            // Linux's pseudo-protocols (ETH_P_802_3 Novell frames, ETH_P_ALL, CAN, ...).
            enterNetwork(at: offset)
            packet.network = .other(header.protocolType)
            leaveUndecoded(from: offset, to: captured)
        default:
            dispatch(etherType: header.protocolType.rawValue, at: offset, lengthAllowed: false)
        }
    }

    // MARK: PPP and PPPoE

    /// DLT_PPP and DLT_PPP_SERIAL: optional 0xff 0x03, then a 1- or 2-byte protocol.
    mutating func decodePPPFrame() {
        guard let first = view(.ppp, at: 0, count: 1) else { return }
        let leading = first.uint8(at: 0)
        if packet.link.type == .pppSerial, leading == 0x0f || leading == 0x8f {
            packet.link.frame = .unsupported
            note(.ppp, .unsupported(.ciscoHDLC(address: leading)), at: 0)
            leaveUndecoded(from: 0, to: captured)
            return
        }
        var offset = 0
        var hasAddressAndControl = false
        if leading == 0xff {
            guard let pair = view(.ppp, at: 0, count: 2) else { return }
            guard pair.uint8(at: 1) == 0x03 else {
                note(.ppp, .invalid(.pppControlByte(found: pair.uint8(at: 1))), at: 0)
                leaveUndecoded(from: 0, to: captured)
                return
            }
            hasAddressAndControl = true
            offset = 2
        }
        guard let (pppProtocol, fieldLength) = readPPPProtocol(at: offset) else { return }
        let end = offset + fieldLength
        packet.link.frame = .ppp(PPPHeader(hasAddressAndControl: hasAddressAndControl, protocol: pppProtocol,
                                           protocolFieldLength: fieldLength, range: 0..<end))
        dispatchPPP(pppProtocol, at: end)
    }

    /// Reads a PPP protocol field: RFC 1661 makes every protocol number's low byte odd and its
    /// high byte even, so an odd first byte is a compressed one-byte field.
    mutating func readPPPProtocol(at offset: Int) -> (PPPProtocol, Int)? {
        guard let first = view(.ppp, at: offset, count: 1) else { return nil }
        if first.uint8(at: 0) & 1 == 1 { return (PPPProtocol(UInt16(first.uint8(at: 0))), 1) }
        guard let field = view(.ppp, at: offset, count: 2) else { return nil }
        return (PPPProtocol(field.uint16(bigEndianAt: 0)), 2)
    }

    mutating func dispatchPPP(_ pppProtocol: PPPProtocol, at offset: Int) {
        switch pppProtocol {
        case .ipv4: decodeIPv4(at: offset)
        case .ipv6: decodeIPv6(at: offset)
        case .mplsUnicast, .mplsMulticast: decodeMPLS(at: offset)
        default:
            enterNetwork(at: offset)
            packet.network = .otherPPP(pppProtocol)
            leaveUndecoded(from: offset, to: captured)
        }
    }

    enum PPPoEField {
        static let versionAndType = 0, code = 1, sessionID = 2, length = 4, headerLength = 6
    }

    /// DLT_PPP_ETHER: a PPPoE header with no Ethernet header; code 0 marks session data.
    mutating func decodePPPoEWithoutEthernet() {
        guard let view = view(.pppoe, at: 0, count: PPPoEField.headerLength) else { return }
        decodePPPoE(at: 0, discovery: view.uint8(at: PPPoEField.code) != 0)
    }

    mutating func decodePPPoE(at offset: Int, discovery: Bool) {
        guard let view = view(.pppoe, at: offset, count: PPPoEField.headerLength) else {
            enterNetwork(at: offset)
            return
        }
        let versionAndType = view.uint8(at: PPPoEField.versionAndType)
        let length = view.uint16(bigEndianAt: PPPoEField.length)
        var header = PPPoEHeader(
            version: versionAndType >> 4, type: versionAndType & 0x0f,
            code: view.uint8(at: PPPoEField.code),
            sessionID: view.uint16(bigEndianAt: PPPoEField.sessionID),
            length: length, isDiscovery: discovery, pppProtocol: nil, range: view.range)
        let end = view.end + Int(length)
        if packet.link.type == .ethernet, end < captured { packet.trailer = end..<captured }
        if discovery {
            packet.link.pppoe = header
            enterNetwork(at: view.end)
            packet.network = .pppoeDiscovery
            leaveUndecoded(from: view.end, to: end)
            return
        }
        packet.link.pppoe = header
        guard let (pppProtocol, fieldLength) = readPPPProtocol(at: view.end) else {
            enterNetwork(at: view.end)
            return
        }
        header.pppProtocol = pppProtocol
        header.range = offset..<(view.end + fieldLength)
        packet.link.pppoe = header
        // RFC 2516: the length counts the PPP protocol field and what it carries, and is all
        // that separates the PPP packet from the Ethernet padding after it.
        enclosingEnd = max(end, header.range.upperBound)
        enclosingField = .pppoeLength
        dispatchPPP(pppProtocol, at: header.range.upperBound)
    }

    // MARK: MPLS

    /// Follows the label stack to the bottom-of-stack entry. MPLS has no next-protocol field,
    /// so, like tcpdump, the payload is taken as IPv4 or IPv6 only when the version nibble
    /// says so and the header then validates; the link header records that it was inferred.
    mutating func decodeMPLS(at start: Int) {
        var offset = start
        while true {
            guard let view = view(.mpls, at: offset, count: 4) else {
                enterNetwork(at: offset)
                return
            }
            let entry = view.uint32(bigEndianAt: 0)
            let label = MPLSLabel(
                label: entry >> 12,
                trafficClass: UInt8(truncatingIfNeeded: (entry >> 9) & 0b111),
                isBottomOfStack: (entry >> 8) & 1 == 1,
                ttl: UInt8(truncatingIfNeeded: entry),
                range: view.range)
            packet.link.mplsLabels.append(label)
            offset = view.end
            if label.isBottomOfStack { break }
        }
        guard let first = view(.mpls, at: offset, count: 1) else {
            enterNetwork(at: offset)
            return
        }
        let version = first.uint8(at: 0) >> 4
        if version == 4, looksLikeIPv4(at: offset) {
            packet.link.networkProtocolInferred = true
            decodeIPv4(at: offset)
        } else if version == 6, looksLikeIPv6(at: offset) {
            packet.link.networkProtocolInferred = true
            decodeIPv6(at: offset)
        } else {
            enterNetwork(at: offset)
            note(.mpls, .unsupported(.mplsPayloadUnknown), at: offset)
            leaveUndecoded(from: offset, to: captured)
        }
    }

    func looksLikeIPv4(at offset: Int) -> Bool {
        guard let fixed = ByteView(buffer, start: offset, count: IPv4Field.minimumLength, limit: captured) else { return false }
        let headerLength = Int(fixed.uint8(at: IPv4Field.versionAndIHL) & 0x0f) * 4
        let totalLength = Int(fixed.uint16(bigEndianAt: IPv4Field.totalLength))
        guard headerLength >= IPv4Field.minimumLength, totalLength >= headerLength,
              !frameKnownWhole || offset + totalLength <= captured,
              let header = ByteView(buffer, start: offset, count: headerLength, limit: captured) else { return false }
        return header.internetChecksumSum() == 0xffff
    }

    func looksLikeIPv6(at offset: Int) -> Bool {
        guard let fixed = ByteView(buffer, start: offset, count: IPv6Field.length, limit: captured) else { return false }
        let payloadLength = Int(fixed.uint16(bigEndianAt: IPv6Field.payloadLength))
        return !frameKnownWhole || offset + IPv6Field.length + payloadLength <= captured
    }
}
