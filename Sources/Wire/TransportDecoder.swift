// TCP, UDP, ICMP and ICMPv6, including the datagram an ICMP error quotes.

enum TCPField {
    static let sourcePort = 0, destinationPort = 2, sequence = 4, acknowledgment = 8
    static let dataOffset = 12, flags = 13, window = 14, checksum = 16, urgentPointer = 18
    static let minimumLength = 20
}

enum UDPField {
    static let sourcePort = 0, destinationPort = 2, length = 4, checksum = 6
    static let headerLength = 8
}

enum ICMPField {
    static let type = 0, code = 1, checksum = 2, restOfHeader = 4
    static let length = 8
}

extension PacketDecoder {
    /// Decodes the header after IP. `end` is where the IP packet ends; `endIsDeclared` says
    /// whether a length field set it (so a header that does not fit before it is invalid)
    /// or the capture did.
    mutating func decodeTransport(
        _ protocolNumber: IPProtocol, at offset: Int, end: Int, endIsDeclared: Bool,
        enclosing: LengthField, isIPv6: Bool
    ) {
        let declaredEnd: Int? = endIsDeclared ? end : nil
        switch protocolNumber {
        case .tcp:
            decodeTCP(at: offset, end: end, declaredEnd: declaredEnd, enclosing: enclosing)
        case .udp:
            decodeUDP(at: offset, end: end, declaredEnd: declaredEnd, enclosing: enclosing)
        case .icmp where !isIPv6:
            decodeICMP(at: offset, end: end, declaredEnd: declaredEnd, enclosing: enclosing, isICMPv6: false)
        case .icmpv6 where isIPv6:
            decodeICMP(at: offset, end: end, declaredEnd: declaredEnd, enclosing: enclosing, isICMPv6: true)
        default:
            packet.transport = .other(protocolNumber)
            leaveUndecoded(from: offset, to: end)
        }
    }

    mutating func decodeTCP(at offset: Int, end: Int, declaredEnd: Int?, enclosing: LengthField) {
        guard let fixed = view(.tcp, at: offset, count: TCPField.minimumLength, within: declaredEnd,
                               enclosing: enclosing) else { return }
        let offsetByte = fixed.uint8(at: TCPField.dataOffset)
        let dataOffset = Int(offsetByte >> 4)
        guard dataOffset >= 5 else {
            note(.tcp, .invalid(.dataOffsetTooSmall(dataOffset: dataOffset)), at: offset)
            return
        }
        let headerLength = dataOffset * 4
        let optionCount = headerLength - TCPField.minimumLength
        let view: ByteView
        if let whole = ByteView(buffer, start: offset, count: headerLength, limit: min(declaredEnd ?? captured, captured)) {
            view = whole
        } else if optionsCutByCapture(headerEnd: offset + headerLength, declaredEnd: declaredEnd),
                  let kept = ByteView(buffer, start: offset, count: captured - offset, limit: captured) {
            // The fixed 20 bytes are whole, and the capture (not the header) ended inside the
            // options: ports, numbers and flags are all there, so the segment is kept, as
            // tcpdump keeps it and prints `[|tcp]`. Throwing it away would lose a SYN and with
            // it the handshake's step 1 and every relative number of the connection.
            view = kept
        } else {
            // Says why: invalid when a declared length leaves no room for the header.
            _ = self.view(.tcp, at: offset, count: headerLength, within: declaredEnd, enclosing: enclosing)
            return
        }

        var options = TCPOptions()
        options.start = view.start + TCPField.minimumLength
        options.declaredCount = optionCount
        if let area = view.subview(at: TCPField.minimumLength, count: view.count - TCPField.minimumLength),
           optionCount > 0 {
            options.bytes = TCPOptionBytes(area)
            let problem = TCPOptions.scan(area, declaredCount: optionCount, base: area.start) { kind, at, length in
                switch TCPOptions.value(kind, at: at, length: length, in: area, copyingData: false) {
                case .maximumSegmentSize(let mss): options.mss = mss
                case .windowScale(let shift): options.windowScale = shift
                case .sackPermitted: options.sackPermitted = true
                case .sack(let blocks): options.sackBlocks = blocks
                case .timestamps(let timestamps): options.timestamps = timestamps
                case .other: options.hasUnknownKinds = true
                case .endOfOptions, .noOperation, nil: break
                }
            }
            if let problem {
                options.malformed = problem
                note(.tcpOptions, .invalid(.tcpOption(problem)), at: problem.offset)
            }
            if area.count < optionCount {
                note(.tcpOptions, .truncated(needed: optionCount, available: area.count), at: area.start)
            }
        }

        let header = TCPHeader(
            sourcePort: view.uint16(bigEndianAt: TCPField.sourcePort),
            destinationPort: view.uint16(bigEndianAt: TCPField.destinationPort),
            sequence: SequenceNumber(view.uint32(bigEndianAt: TCPField.sequence)),
            acknowledgment: SequenceNumber(view.uint32(bigEndianAt: TCPField.acknowledgment)),
            headerLength: headerLength,
            reserved: (offsetByte >> 1) & 0b111,
            flags: TCPFlags(rawValue: UInt16(offsetByte & 1) << 8 | UInt16(view.uint8(at: TCPField.flags))),
            window: view.uint16(bigEndianAt: TCPField.window),
            checksum: view.uint16(bigEndianAt: TCPField.checksum),
            urgentPointer: view.uint16(bigEndianAt: TCPField.urgentPointer),
            options: options,
            payloadLength: max(0, end - (offset + headerLength)),
            range: view.range)
        packet.transport = .tcp(header)
        leaveUndecoded(from: offset + headerLength, to: end)
    }

    /// Whether a TCP header ending at `headerEnd` is missing bytes only because the capture
    /// stopped: the packet was longer than what was kept (or its length is unknown, where
    /// tcpdump too says truncated), and no declared length ends before the header does.
    func optionsCutByCapture(headerEnd: Int, declaredEnd: Int?) -> Bool {
        guard headerEnd > captured, !frameKnownWhole else { return false }
        guard let declaredEnd else { return true }
        return declaredEnd > captured && headerEnd <= declaredEnd
    }

    mutating func decodeUDP(at offset: Int, end: Int, declaredEnd: Int?, enclosing: LengthField) {
        guard let view = view(.udp, at: offset, count: UDPField.headerLength, within: declaredEnd,
                              enclosing: enclosing) else { return }
        let length = view.uint16(bigEndianAt: UDPField.length)
        var header = UDPHeader(
            sourcePort: view.uint16(bigEndianAt: UDPField.sourcePort),
            destinationPort: view.uint16(bigEndianAt: UDPField.destinationPort),
            length: length,
            checksum: view.uint16(bigEndianAt: UDPField.checksum),
            payloadLength: max(0, Int(length) - UDPField.headerLength),
            range: view.range)
        var datagramEnd = offset + Int(length)
        if length < UDPField.headerLength {
            if length == 0, declaredEnd == nil, packet.ipv6 != nil {
                // RFC 2675: a UDP jumbogram says 0 and lets IPv6 carry the length.
                datagramEnd = end
                header.payloadLength = max(0, end - view.end)
            } else {
                packet.transport = .udp(header)
                note(.udp, .invalid(.udpLengthBelowHeader(length: length)), at: offset)
                leaveUndecoded(from: view.end, to: view.end)
                return
            }
        } else if datagramEnd > end, inFirstFragment {
            // The rest of the datagram is in the later fragments.
            datagramEnd = end
        } else if datagramEnd > end {
            note(.udp, .invalid(.udpLengthPastEnclosing(length: length, available: end - offset, field: enclosing)), at: offset)
            datagramEnd = end
            header.payloadLength = max(0, end - view.end)
        }
        packet.transport = .udp(header)
        leaveUndecoded(from: view.end, to: datagramEnd)
    }

    mutating func decodeICMP(at offset: Int, end: Int, declaredEnd: Int?, enclosing: LengthField, isICMPv6: Bool) {
        let layer: ProtocolLayer = isICMPv6 ? .icmpv6 : .icmp
        guard let view = view(layer, at: offset, count: ICMPField.length, within: declaredEnd,
                              enclosing: enclosing) else { return }
        var message = ICMPMessage(
            isICMPv6: isICMPv6,
            type: view.uint8(at: ICMPField.type),
            code: view.uint8(at: ICMPField.code),
            checksum: view.uint16(bigEndianAt: ICMPField.checksum),
            restOfHeader: view.uint32(bigEndianAt: ICMPField.restOfHeader),
            quoted: nil,
            range: view.range)
        if message.isError {
            message.quoted = quotedDatagram(at: view.end, end: min(end, captured), isIPv6: isICMPv6)
        }
        packet.transport = isICMPv6 ? .icmpv6(message) : .icmp(message)
        leaveUndecoded(from: view.end, to: end)
    }

    /// The original datagram at the start of an ICMP error's body. Best effort: a quote cut
    /// short is normal (ICMPv4 routers may quote only 28 bytes), so it is not an error; the
    /// parts that are missing are nil.
    func quotedDatagram(at offset: Int, end: Int, isIPv6: Bool) -> QuotedDatagram? {
        let source: IPAddress, destination: IPAddress, protocolNumber: IPProtocol, transportOffset: Int
        if isIPv6 {
            guard let ip = ByteView(buffer, start: offset, count: IPv6Field.length, limit: end),
                  ip.uint8(at: 0) >> 4 == 6 else { return nil }
            source = .v6(ip.ipv6Address(at: IPv6Field.source))
            destination = .v6(ip.ipv6Address(at: IPv6Field.destination))
            protocolNumber = IPProtocol(ip.uint8(at: IPv6Field.nextHeader))
            transportOffset = ip.end
        } else {
            guard let ip = ByteView(buffer, start: offset, count: IPv4Field.minimumLength, limit: end) else { return nil }
            let versionAndIHL = ip.uint8(at: IPv4Field.versionAndIHL)
            guard versionAndIHL >> 4 == 4, versionAndIHL & 0x0f >= 5 else { return nil }
            source = .v4(ip.ipv4Address(at: IPv4Field.source))
            destination = .v4(ip.ipv4Address(at: IPv4Field.destination))
            protocolNumber = IPProtocol(ip.uint8(at: IPv4Field.protocolNumber))
            transportOffset = offset + Int(versionAndIHL & 0x0f) * 4
        }
        var quote = QuotedDatagram(source: source, destination: destination, protocol: protocolNumber,
                                   sourcePort: nil, destinationPort: nil, range: offset..<max(offset, end))
        if protocolNumber == .tcp || protocolNumber == .udp,
           let ports = ByteView(buffer, start: transportOffset, count: 4, limit: end) {
            quote.sourcePort = ports.uint16(bigEndianAt: 0)
            quote.destinationPort = ports.uint16(bigEndianAt: 2)
        }
        return quote
    }
}
