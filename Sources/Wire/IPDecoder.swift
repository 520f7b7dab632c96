// IPv4 (RFC 791), IPv6 (RFC 8200) with its extension-header chain, and ARP (RFC 826).

enum IPv4Field {
    static let versionAndIHL = 0, typeOfService = 1, totalLength = 2, identification = 4
    static let flagsAndFragmentOffset = 6, ttl = 8, protocolNumber = 9, checksum = 10
    static let source = 12, destination = 16
    static let minimumLength = 20
}

enum IPv6Field {
    static let versionClassFlow = 0, payloadLength = 4, nextHeader = 6, hopLimit = 7
    static let source = 8, destination = 24
    static let length = 40
}

enum IPv6ExtensionField {
    static let nextHeader = 0, length = 1
    /// The fragment header's offset/flags word and identification.
    static let fragmentOffsetAndFlags = 2, fragmentIdentification = 4, fragmentLength = 8
}

enum ARPField {
    static let hardwareType = 0, protocolType = 2, hardwareLength = 4, protocolLength = 5
    static let operation = 6, addresses = 8
}

extension PacketDecoder {
    /// More extension headers than any real packet carries; the walk stops there so a
    /// crafted chain cannot make it loop long.
    static let maximumExtensionHeaders = 16
    /// Tunnels inside tunnels are legal but rare past two; each level is a call deeper, so
    /// a crafted packet of nested headers stops here and says so.
    static let maximumTunnelDepth = 4

    /// Whether `next` is IP carried in IP: IPv4 (4) or IPv6 (41), whichever IP carries it.
    static func isTunnel(_ next: IPProtocol) -> Bool { next == .ipInIP || next == .ipv6 }

    /// Decodes the IP packet inside an IP-in-IP tunnel: `outer` becomes a tunnel header and
    /// the inner packet the network layer, bounded by the outer packet's end.
    mutating func decodeTunnel(
        _ outer: NetworkLayer, layer: ProtocolLayer, carrying inner: IPProtocol, at offset: Int, end: Int,
        endIsDeclared: Bool, enclosing: LengthField
    ) {
        guard packet.tunnels.count < Self.maximumTunnelDepth else {
            note(layer, .unsupported(.tunnelTooDeep(limit: Self.maximumTunnelDepth)), at: offset)
            packet.transport = .other(inner)
            leaveUndecoded(from: offset, to: end)
            return
        }
        packet.tunnels.append(outer)
        packet.network = nil
        enclosingEnd = endIsDeclared ? end : nil
        enclosingField = enclosing
        if inner == .ipInIP { decodeIPv4(at: offset) } else { decodeIPv6(at: offset) }
    }

    mutating func decodeIPv4(at offset: Int) {
        enterNetwork(at: offset)
        guard let fixed = view(.ipv4, at: offset, count: IPv4Field.minimumLength, within: enclosingEnd,
                               enclosing: enclosingField) else { return }
        let versionAndIHL = fixed.uint8(at: IPv4Field.versionAndIHL)
        let version = versionAndIHL >> 4
        let ihl = Int(versionAndIHL & 0x0f)
        guard version == 4 else {
            note(.ipv4, .invalid(.wrongVersion(found: version, expected: 4)), at: offset)
            leaveUndecoded(from: offset, to: captured)
            return
        }
        guard ihl >= 5 else {
            note(.ipv4, .invalid(.headerLengthTooSmall(ihl: ihl)), at: offset)
            leaveUndecoded(from: offset, to: captured)
            return
        }
        let headerLength = ihl * 4
        guard let view = view(.ipv4, at: offset, count: headerLength, within: enclosingEnd,
                              enclosing: enclosingField) else { return }

        let totalLength = view.uint16(bigEndianAt: IPv4Field.totalLength)
        let flagsAndOffset = view.uint16(bigEndianAt: IPv4Field.flagsAndFragmentOffset)
        var header = IPv4Header(
            version: version,
            headerLength: headerLength,
            typeOfService: view.uint8(at: IPv4Field.typeOfService),
            totalLength: totalLength,
            identification: view.uint16(bigEndianAt: IPv4Field.identification),
            reservedFlag: flagsAndOffset & 0x8000 != 0,
            dontFragment: flagsAndOffset & 0x4000 != 0,
            moreFragments: flagsAndOffset & 0x2000 != 0,
            fragmentOffset: flagsAndOffset & 0x1fff,
            ttl: view.uint8(at: IPv4Field.ttl),
            protocol: IPProtocol(view.uint8(at: IPv4Field.protocolNumber)),
            checksum: view.uint16(bigEndianAt: IPv4Field.checksum),
            checksumValid: view.internetChecksumSum() == 0xffff,
            source: view.ipv4Address(at: IPv4Field.source),
            destination: view.ipv4Address(at: IPv4Field.destination),
            range: view.range,
            payload: view.end..<view.end,
            lengthFromCapture: false)

        // Where the datagram ends. Ethernet pads frames to 60 bytes, so the buffer can run on
        // past it; the total length, not the buffer, decides.
        var end = offset + Int(totalLength)
        var endIsDeclared = true
        if totalLength == 0 {
            // Segmentation offload: the stack hands a large segment down with length 0 and
            // the NIC fills it in; a capture taken before that sees 0 (tcpdump: "assuming TSO").
            header.lengthFromCapture = true
            end = min(captured, enclosingEnd ?? captured)
            endIsDeclared = false
        } else if Int(totalLength) < headerLength {
            packet.network = .ipv4(header)
            note(.ipv4, .invalid(.totalLengthBelowHeader(total: totalLength, header: headerLength)), at: offset)
            return
        } else {
            if let limit = enclosingEnd, end > limit {
                // Two length fields disagree, and the outer one wins: what lies past it is
                // the frame's padding (or the outer packet's), never this packet's data.
                // A first fragment of a tunnel carries only the start of the inner packet.
                if !inFirstFragment {
                    note(.ipv4, .invalid(.totalLengthPastEnclosing(total: totalLength, available: limit - offset,
                                                                   field: enclosingField)), at: offset)
                }
                end = limit
            }
            if end > captured, frameKnownWhole {
                note(.ipv4, .invalid(.totalLengthPastPacket(total: totalLength, available: captured - offset)), at: offset)
                end = captured
                endIsDeclared = false
            }
        }
        // The outer packet of a tunnel has said where the frame's own bytes begin.
        if end < captured, packet.tunnels.isEmpty { packet.trailer = end..<captured }
        header.payload = view.end..<min(end, captured)
        packet.network = .ipv4(header)

        if header.fragmentOffset != 0 {
            // Only the first fragment carries the transport header.
            leaveUndecoded(from: view.end, to: end)
            notePayloadCut(end: end)
            return
        }
        inFirstFragment = inFirstFragment || header.moreFragments
        if Self.isTunnel(header.protocol) {
            decodeTunnel(.ipv4(header), layer: .ipv4, carrying: header.protocol, at: view.end, end: end,
                         endIsDeclared: endIsDeclared, enclosing: .ipv4TotalLength)
            return
        }
        decodeTransport(header.protocol, at: view.end, end: end, endIsDeclared: endIsDeclared,
                        enclosing: .ipv4TotalLength, isIPv6: false)
        notePayloadCut(end: end)
    }

    /// Every header fitted, but the data after them runs past the bytes we have.
    mutating func notePayloadCut(end: Int) {
        guard end > captured, packet.error == nil else { return }
        let start = min(packet.payload.lowerBound, captured)
        note(.payload, .truncated(needed: end - start, available: captured - start), at: start)
    }

    mutating func decodeIPv6(at offset: Int) {
        enterNetwork(at: offset)
        guard let view = view(.ipv6, at: offset, count: IPv6Field.length, within: enclosingEnd,
                              enclosing: enclosingField) else { return }
        let first = view.uint32(bigEndianAt: IPv6Field.versionClassFlow)
        let version = UInt8(truncatingIfNeeded: first >> 28)
        guard version == 6 else {
            note(.ipv6, .invalid(.wrongVersion(found: version, expected: 6)), at: offset)
            leaveUndecoded(from: offset, to: captured)
            return
        }
        let payloadLength = view.uint16(bigEndianAt: IPv6Field.payloadLength)
        let nextHeader = IPProtocol(view.uint8(at: IPv6Field.nextHeader))
        var header = IPv6Header(
            version: version,
            trafficClass: UInt8(truncatingIfNeeded: first >> 20),
            flowLabel: first & 0x000f_ffff,
            payloadLength: payloadLength,
            nextHeader: nextHeader,
            hopLimit: view.uint8(at: IPv6Field.hopLimit),
            source: view.ipv6Address(at: IPv6Field.source),
            destination: view.ipv6Address(at: IPv6Field.destination),
            extensionHeaders: [],
            fragment: nil,
            upperLayerProtocol: nextHeader,
            upperLayerOffset: view.end,
            range: view.range,
            payload: view.end..<view.end,
            lengthFromCapture: false)

        var end = view.end + Int(payloadLength)
        var endIsDeclared = true
        if payloadLength == 0, nextHeader != .noNextHeader, view.end < captured {
            // A jumbogram (RFC 2675) or a segmentation-offload packet: the real length is
            // elsewhere or nowhere, so the capture decides.
            header.lengthFromCapture = true
            end = min(captured, enclosingEnd ?? captured)
            endIsDeclared = false
        } else {
            if let limit = enclosingEnd, end > limit {
                // As for IPv4: the enclosing header's length ends the packet.
                if !inFirstFragment {
                    note(.ipv6, .invalid(.payloadLengthPastEnclosing(payloadLength: payloadLength, available: limit - view.end,
                                                                     field: enclosingField)), at: offset)
                }
                end = limit
            }
            if end > captured, frameKnownWhole {
                note(.ipv6, .invalid(.payloadLengthPastPacket(payloadLength: payloadLength, available: captured - view.end)), at: offset)
                end = captured
                endIsDeclared = false
            }
        }
        if end < captured, packet.tunnels.isEmpty { packet.trailer = end..<captured }
        header.payload = view.end..<min(end, captured)
        let declaredEnd: Int? = endIsDeclared ? end : nil

        // Walk the extension headers to the upper-layer header.
        var next = nextHeader
        var at = view.end
        var walked = 0
        walk: while true {
            switch next {
            case .hopByHopOptions, .routing, .destinationOptions, .mobility, IPProtocol(139), IPProtocol(140):
                // The common layout: next header, length in 8-byte units not counting the first 8.
                guard let lengthView = self.view(.ipv6Extension, at: at, count: 2, within: declaredEnd,
                                                 enclosing: .ipv6PayloadLength) else { break walk }
                let length = (Int(lengthView.uint8(at: IPv6ExtensionField.length)) + 1) * 8
                guard let ext = self.view(.ipv6Extension, at: at, count: length, within: declaredEnd,
                                          enclosing: .ipv6PayloadLength) else { break walk }
                let following = IPProtocol(ext.uint8(at: IPv6ExtensionField.nextHeader))
                header.extensionHeaders.append(IPv6ExtensionHeader(kind: next, nextHeader: following, range: ext.range))
                next = following
                at = ext.end
            case .fragment:
                guard let ext = self.view(.ipv6Extension, at: at, count: IPv6ExtensionField.fragmentLength,
                                          within: declaredEnd, enclosing: .ipv6PayloadLength) else { break walk }
                let following = IPProtocol(ext.uint8(at: IPv6ExtensionField.nextHeader))
                let word = ext.uint16(bigEndianAt: IPv6ExtensionField.fragmentOffsetAndFlags)
                let fragment = IPv6Fragment(offset: word >> 3, moreFragments: word & 1 == 1,
                                            identification: ext.uint32(bigEndianAt: IPv6ExtensionField.fragmentIdentification))
                header.extensionHeaders.append(IPv6ExtensionHeader(kind: next, nextHeader: following, range: ext.range))
                header.fragment = fragment
                next = following
                at = ext.end
                if fragment.offset != 0 {
                    // A later fragment: its bytes continue the first fragment's upper-layer data.
                    header.upperLayerProtocol = next
                    header.upperLayerOffset = at
                    packet.network = .ipv6(header)
                    leaveUndecoded(from: at, to: end)
                    notePayloadCut(end: end)
                    return
                }
            case .authenticationHeader:
                // AH counts its length in 4-byte units, minus 2 (RFC 4302).
                guard let lengthView = self.view(.ipv6Extension, at: at, count: 2, within: declaredEnd,
                                                 enclosing: .ipv6PayloadLength) else { break walk }
                let length = (Int(lengthView.uint8(at: IPv6ExtensionField.length)) + 2) * 4
                guard let ext = self.view(.ipv6Extension, at: at, count: length, within: declaredEnd,
                                          enclosing: .ipv6PayloadLength) else { break walk }
                let following = IPProtocol(ext.uint8(at: IPv6ExtensionField.nextHeader))
                header.extensionHeaders.append(IPv6ExtensionHeader(kind: next, nextHeader: following, range: ext.range))
                next = following
                at = ext.end
            default:
                // ESP (encrypted: nothing more to read), no next header, or the upper layer.
                header.upperLayerProtocol = next
                header.upperLayerOffset = at
                packet.network = .ipv6(header)
                inFirstFragment = inFirstFragment || (header.fragment?.moreFragments ?? false)
                if Self.isTunnel(next) {
                    // IPsec tunnel mode puts a whole IP packet after AH (RFC 4302, 3.1.2),
                    // as 6in6 and 4in6 tunnels do after the fixed header.
                    decodeTunnel(.ipv6(header), layer: .ipv6, carrying: next, at: at, end: end,
                                 endIsDeclared: endIsDeclared, enclosing: .ipv6PayloadLength)
                    return
                }
                decodeTransport(next, at: at, end: end, endIsDeclared: endIsDeclared,
                                enclosing: .ipv6PayloadLength, isIPv6: true)
                notePayloadCut(end: end)
                return
            }
            walked += 1
            if walked >= Self.maximumExtensionHeaders {
                note(.ipv6Extension, .invalid(.tooManyExtensionHeaders(limit: Self.maximumExtensionHeaders)), at: at)
                break walk
            }
        }
        // The walk stopped on a problem; what was walked stays.
        header.upperLayerProtocol = next
        header.upperLayerOffset = at
        packet.network = .ipv6(header)
    }

    mutating func decodeARP(at offset: Int) {
        enterNetwork(at: offset)
        guard let fixed = view(.arp, at: offset, count: ARPField.addresses) else { return }
        let hardwareLength = fixed.uint8(at: ARPField.hardwareLength)
        let protocolLength = fixed.uint8(at: ARPField.protocolLength)
        let length = ARPField.addresses + 2 * (Int(hardwareLength) + Int(protocolLength))
        guard let view = view(.arp, at: offset, count: length) else { return }
        var message = ARPMessage(
            hardwareType: view.uint16(bigEndianAt: ARPField.hardwareType),
            protocolType: EtherType(view.uint16(bigEndianAt: ARPField.protocolType)),
            hardwareLength: hardwareLength,
            protocolLength: protocolLength,
            operation: view.uint16(bigEndianAt: ARPField.operation),
            senderMAC: nil, senderIP: nil, targetMAC: nil, targetIP: nil,
            range: view.range)
        if hardwareLength == 6, protocolLength == 4, message.protocolType == .ipv4 {
            let base = ARPField.addresses
            message.senderMAC = view.macAddress(at: base)
            message.senderIP = view.ipv4Address(at: base + 6)
            message.targetMAC = view.macAddress(at: base + 10)
            message.targetIP = view.ipv4Address(at: base + 16)
        }
        packet.network = .arp(message)
        if view.end < captured { packet.trailer = view.end..<captured }
        packet.payload = view.end..<view.end
    }
}
