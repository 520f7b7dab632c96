import TextUI
import Wire

// Why a packet could not be decoded, in the learner's language. Wire keeps the reasons as
// facts (`DecodeError`, `DecodeProblem`, `UnsupportedFormat`, `TCPOptionProblem`) and one
// English `description` for debugging and the tcpdump-like English output; these sentences
// say the same facts, and the English ones are word for word that description (a test
// compares them for every reason). Numbers, protocol names and field names such as IHL stay
// as they are.

/// The id of a sentence about a packet that could not be decoded.
public enum DecodeText: String, SentenceID {
    public static let namespace = "decode"
    // The whole problem: which header, where, what.
    case problemAt
    case truncated, truncatedBySnapLength, invalid, unsupported
    // The header the problem was found in (protocol names such as TCP stay as they are).
    case layerLink, layerEthernet, layerVLAN, layerLoopback, layerLinuxCooked, layerMPLS, layerIPv6Extension
    case layerTCPOptions, layerPayload
    // The length fields that set where a header must end.
    case fieldIPv4TotalLength, fieldIPv6PayloadLength, field8023Length, fieldPPPoELength, fieldEnclosingHeader
    // Invalid headers.
    case wrongVersion, headerLengthTooSmall, totalLengthBelowHeader, totalLengthPastPacket, payloadLengthPastPacket
    case totalLengthPastEnclosing, payloadLengthPastEnclosing
    case tooManyExtensionHeaders, lengthFieldTooShort, rawIPVersion, pppControlByte, dataOffsetTooSmall
    case udpLengthBelowHeader, udpLengthPastEnclosing
    // What the decoder does not read.
    case unsupportedLinkType, unsupportedUnknownLinkType, unsupportedCiscoHDLC, unsupportedMPLSPayload
    case unsupportedTunnelTooDeep
    case linkTypeIEEE80211, linkTypeIEEE80211Radio, linkTypeNetlink
}

/// The sentences about decode problems in one language.
public typealias DecodeStrings = StringTable<DecodeText>

extension StringTable where ID == DecodeText {
    /// The whole problem, e.g. `TCP at byte 34 truncated: needed 20 bytes, had 6`
    /// (TCP（从第 34 字节起）被截断了：需要 20 字节，只有 6 字节). In English it is exactly
    /// `DecodeError.description`.
    public func describe(_ error: DecodeError) -> String {
        self(.problemAt, layerName(error.layer), String(error.offset), problem(error))
    }

    /// What went wrong, without the header's name: in English `DecodeError.problem`.
    public func problem(_ error: DecodeError) -> String {
        switch error.kind {
        case .truncated(let needed, let available):
            self(error.cutBySnapLength ? .truncatedBySnapLength : .truncated, String(needed), String(available))
        case .invalid(let reason):
            self(.invalid, invalidReason(reason))
        case .unsupported(let what):
            self(.unsupported, unsupportedReason(what))
        }
    }

    /// The header a problem was found in, as a learner knows it.
    public func layerName(_ layer: ProtocolLayer) -> String {
        switch layer {
        case .link: self(.layerLink)
        case .ethernet: self(.layerEthernet)
        case .vlan: self(.layerVLAN)
        case .loopback: self(.layerLoopback)
        case .linuxCooked: self(.layerLinuxCooked)
        case .mpls: self(.layerMPLS)
        case .ipv6Extension: self(.layerIPv6Extension)
        case .tcpOptions: self(.layerTCPOptions)
        case .payload: self(.layerPayload)
        // Protocol names, the same in every language.
        case .llc, .ppp, .pppoe, .arp, .ipv4, .ipv6, .tcp, .udp, .icmp, .icmpv6: layer.description
        }
    }

    /// What an invalid header claims: in English `DecodeProblem.description`.
    public func invalidReason(_ reason: DecodeProblem) -> String {
        switch reason {
        case .wrongVersion(let found, let expected):
            self(.wrongVersion, String(found), String(expected))
        case .headerLengthTooSmall(let ihl):
            self(.headerLengthTooSmall, String(ihl), String(ihl * 4))
        case .totalLengthBelowHeader(let total, let header):
            self(.totalLengthBelowHeader, String(total), String(header))
        case .totalLengthPastPacket(let total, let available):
            self(.totalLengthPastPacket, String(total), String(available))
        case .payloadLengthPastPacket(let payloadLength, let available):
            self(.payloadLengthPastPacket, String(payloadLength), String(available))
        case .totalLengthPastEnclosing(let total, let available, let field):
            self(.totalLengthPastEnclosing, String(total), String(available), fieldName(field), String(Int(total) - available))
        case .payloadLengthPastEnclosing(let payloadLength, let available, let field):
            self(.payloadLengthPastEnclosing, String(payloadLength), String(available), fieldName(field),
                 String(Int(payloadLength) - available))
        case .tooManyExtensionHeaders(let limit):
            self(.tooManyExtensionHeaders, String(limit))
        case .lengthFieldTooShort(let field, let available, let needed):
            self(.lengthFieldTooShort, fieldName(field), String(available), String(needed))
        case .rawIPVersion(let found):
            self(.rawIPVersion, String(found))
        case .pppControlByte(let found):
            self(.pppControlByte, "0x" + hex2(found))
        case .dataOffsetTooSmall(let dataOffset):
            self(.dataOffsetTooSmall, String(dataOffset), String(dataOffset * 4))
        case .tcpOption(let problem):
            // The OSI view names option problems already, for its options field: one wording.
            LayerBreakdown(language: language).optionProblemText(problem)
        case .udpLengthBelowHeader(let length):
            self(.udpLengthBelowHeader, String(length))
        case .udpLengthPastEnclosing(let length, let available, let field):
            self(.udpLengthPastEnclosing, String(length), String(available), fieldName(field))
        }
    }

    /// What the decoder does not read: in English `UnsupportedFormat.description`.
    public func unsupportedReason(_ what: UnsupportedFormat) -> String {
        switch what {
        case .linkType(let type):
            if let name = linkTypeName(type) { self(.unsupportedLinkType, name) } else { self(.unsupportedUnknownLinkType, String(type.rawValue)) }
        case .ciscoHDLC(let address): self(.unsupportedCiscoHDLC, "0x" + hex2(address))
        case .mplsPayloadUnknown: self(.unsupportedMPLSPayload)
        case .tunnelTooDeep(let limit): self(.unsupportedTunnelTooDeep, String(limit))
        }
    }

    /// The length field that sets where a header must end.
    public func fieldName(_ field: LengthField) -> String {
        switch field {
        case .ipv4TotalLength: self(.fieldIPv4TotalLength)
        case .ipv6PayloadLength: self(.fieldIPv6PayloadLength)
        case .ieee8023Length: self(.field8023Length)
        case .pppoeLength: self(.fieldPPPoELength)
        case .enclosingHeader: self(.fieldEnclosingHeader)
        }
    }

    /// A link type the decoder does not read, by libpcap's name and what it is (in English
    /// exactly `LinkType.name`); nil for a number `LinkType` has no name for.
    public func linkTypeName(_ type: LinkType) -> String? {
        switch type.rawValue {
        case 105: self(.linkTypeIEEE80211)
        case 127: self(.linkTypeIEEE80211Radio)
        case 253: self(.linkTypeNetlink)
        // The types decodePacket reads never come here; their names are libpcap's own.
        case _ where type.isSupported: type.name
        default: nil
        }
    }

    private func hex2(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count == 1 ? "0" + text : text
    }
}
