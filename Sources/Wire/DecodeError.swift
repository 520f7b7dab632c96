// Two kinds of failure are kept apart, as tcpdump keeps them: the capture ran out of bytes
// (truncated: nothing is wrong with the packet, we just do not have all of it) and the header
// says something that cannot be (invalid). Mixing them up sends a learner hunting for a bug
// in a packet that was merely cut short by the snap length.

/// The header a decode problem was found in.
public enum ProtocolLayer: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case link
    case ethernet
    case vlan
    case llc
    case loopback
    case linuxCooked
    case ppp
    case pppoe
    case mpls
    case arp
    case ipv4
    case ipv6
    case ipv6Extension
    case tcp
    case tcpOptions
    case udp
    case icmp
    case icmpv6
    /// The data after the last header: reported when the capture kept less of it than the
    /// headers say there is.
    case payload

    /// The name a learner knows the header by.
    public var description: String {
        switch self {
        case .link: "link layer"
        case .ethernet: "Ethernet"
        case .vlan: "802.1Q VLAN tag"
        case .llc: "802.2 LLC"
        case .loopback: "loopback header"
        case .linuxCooked: "Linux cooked header"
        case .ppp: "PPP"
        case .pppoe: "PPPoE"
        case .mpls: "MPLS label"
        case .arp: "ARP"
        case .ipv4: "IPv4"
        case .ipv6: "IPv6"
        case .ipv6Extension: "IPv6 extension header"
        case .tcp: "TCP"
        case .tcpOptions: "TCP options"
        case .udp: "UDP"
        case .icmp: "ICMP"
        case .icmpv6: "ICMPv6"
        case .payload: "payload"
        }
    }
}

/// Why a packet could not be decoded completely. The layers decoded before the problem
/// stay available in the `DecodedPacket`.
public struct DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The bytes ran out: the header needed `needed` bytes from its start, only
        /// `available` were there.
        case truncated(needed: Int, available: Int)
        /// The header claims something impossible (an IHL of 3, a TCP data offset of 2).
        case invalid(DecodeProblem)
        /// Well-formed, but not something this decoder handles (an unknown link type, an
        /// encrypted ESP payload).
        case unsupported(UnsupportedFormat)
    }

    /// The header the problem was found in.
    public var layer: ProtocolLayer
    public var kind: Kind
    /// Where that header starts, as an offset into the packet bytes.
    public var offset: Int
    /// True when the capture is known to have kept fewer bytes than the packet had (the snap
    /// length cut it), which is the usual reason for a truncated header.
    public var cutBySnapLength: Bool

    public init(layer: ProtocolLayer, kind: Kind, offset: Int, cutBySnapLength: Bool = false) {
        self.layer = layer
        self.kind = kind
        self.offset = offset
        self.cutBySnapLength = cutBySnapLength
    }

    public var isTruncated: Bool {
        if case .truncated = kind { return true }
        return false
    }

    public var isInvalid: Bool {
        if case .invalid = kind { return true }
        return false
    }

    /// What went wrong in one sentence, without the layer's name. English, for debugging and
    /// the English outputs; the learner's language is Report's job (`DecodeStrings`).
    public var problem: String {
        switch kind {
        case .truncated(let needed, let available):
            let cause = cutBySnapLength ? " (the capture's snap length cut the packet short)" : ""
            return "truncated: needed \(needed) bytes, had \(available)" + cause
        case .invalid(let reason):
            return "invalid: \(reason)"
        case .unsupported(let what):
            return "not decoded: \(what)"
        }
    }

    /// E.g. `TCP header at byte 34 truncated: needed 20 bytes, had 6`.
    public var description: String { "\(layer) at byte \(offset) \(problem)" }
}

/// The length field that sets where a header must end: a header that does not fit before
/// that end is invalid, since the packet is all there and says it is shorter.
public enum LengthField: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The IPv4 header's total length.
    case ipv4TotalLength
    /// The IPv6 header's payload length.
    case ipv6PayloadLength
    /// The 802.3 frame's length field.
    case ieee8023Length
    /// The PPPoE header's length (the PPP protocol field and the packet it carries).
    case pppoeLength
    /// Any other header that declares a length.
    case enclosingHeader

    public var description: String {
        switch self {
        case .ipv4TotalLength: "IPv4 total length"
        case .ipv6PayloadLength: "IPv6 payload length"
        case .ieee8023Length: "802.3 length field"
        case .pppoeLength: "PPPoE length"
        case .enclosingHeader: "enclosing header"
        }
    }
}

/// What an invalid header claims that cannot be, as facts: the numbers found and the limits
/// they break. Report says them in the learner's language; `description` is the English.
public enum DecodeProblem: Sendable, Hashable, CustomStringConvertible {
    /// The IP version nibble is not the version the link or the EtherType promised.
    case wrongVersion(found: UInt8, expected: UInt8)
    /// An IPv4 IHL below 5 (20 bytes), in 4-byte words.
    case headerLengthTooSmall(ihl: Int)
    /// An IPv4 total length smaller than the header it counts (in bytes).
    case totalLengthBelowHeader(total: UInt16, header: Int)
    /// An IPv4 total length past the end of a packet known to be whole; `available` bytes
    /// were there from the IPv4 header on.
    case totalLengthPastPacket(total: UInt16, available: Int)
    /// An IPv6 payload length past the end of a packet known to be whole; `available` bytes
    /// were there after the fixed IPv6 header.
    case payloadLengthPastPacket(payloadLength: UInt16, available: Int)
    /// An IPv4 total length that claims more than the `available` bytes the header around
    /// the IPv4 packet (`field`) leaves for it; the bytes past that field's end are not IP.
    case totalLengthPastEnclosing(total: UInt16, available: Int, field: LengthField)
    /// An IPv6 payload length that claims more than the `available` bytes the header around
    /// the IPv6 packet (`field`) leaves after the fixed 40 bytes.
    case payloadLengthPastEnclosing(payloadLength: UInt16, available: Int, field: LengthField)
    /// More IPv6 extension headers in a row than any real packet carries.
    case tooManyExtensionHeaders(limit: Int)
    /// The header needs `needed` bytes, but `field` leaves only `available` for it.
    case lengthFieldTooShort(field: LengthField, available: Int, needed: Int)
    /// A raw IP link whose first nibble is neither 4 nor 6.
    case rawIPVersion(found: UInt8)
    /// A PPP address byte 0xff followed by something other than the control byte 0x03.
    case pppControlByte(found: UInt8)
    /// A TCP data offset below 5 (20 bytes), in 4-byte words.
    case dataOffsetTooSmall(dataOffset: Int)
    /// A malformed TCP option (see `TCPOptionProblem`).
    case tcpOption(TCPOptionProblem)
    /// A UDP length smaller than the 8-byte UDP header.
    case udpLengthBelowHeader(length: UInt16)
    /// A UDP length past the `available` bytes that `field` leaves for the datagram.
    case udpLengthPastEnclosing(length: UInt16, available: Int, field: LengthField)

    public var description: String {
        switch self {
        case .wrongVersion(let found, let expected):
            "version field is \(found), not \(expected)"
        case .headerLengthTooSmall(let ihl):
            "header length (IHL) is \(ihl), i.e. \(ihl * 4) bytes; the minimum is 5 (20 bytes)"
        case .totalLengthBelowHeader(let total, let header):
            "total length \(total) is smaller than the \(header)-byte header"
        case .totalLengthPastPacket(let total, let available):
            "total length \(total) runs past the end of the packet, which has \(available) bytes from the IPv4 header on"
        case .payloadLengthPastPacket(let payloadLength, let available):
            "payload length \(payloadLength) runs past the end of the packet, which has \(available) bytes after the IPv6 header"
        case .totalLengthPastEnclosing(let total, let available, let field):
            "total length \(total) is more than the \(available) bytes the \(field) leaves for the IPv4 packet; \(Int(total) - available) bytes are missing"
        case .payloadLengthPastEnclosing(let payloadLength, let available, let field):
            "payload length \(payloadLength) is more than the \(available) bytes the \(field) leaves after the IPv6 header; \(Int(payloadLength) - available) bytes are missing"
        case .tooManyExtensionHeaders(let limit):
            "more than \(limit) extension headers in a row"
        case .lengthFieldTooShort(let field, let available, let needed):
            "the \(field) leaves \(available) bytes for it, but it needs \(needed)"
        case .rawIPVersion(let found):
            "a raw IP link carries IPv4 or IPv6, but the version field is \(found)"
        case .pppControlByte(let found):
            "address byte 0xff must be followed by control byte 0x03, found 0x\(hex2(found))"
        case .dataOffsetTooSmall(let dataOffset):
            "data offset is \(dataOffset), i.e. \(dataOffset * 4) bytes; the minimum is 5 (20 bytes)"
        case .tcpOption(let problem):
            problem.description
        case .udpLengthBelowHeader(let length):
            "length \(length) is smaller than the 8-byte UDP header"
        case .udpLengthPastEnclosing(let length, let available, let field):
            "length \(length) is more than the \(available) bytes the \(field) leaves for it"
        }
    }
}

/// What a well-formed packet holds that this decoder does not read, as facts.
public enum UnsupportedFormat: Sendable, Hashable, CustomStringConvertible {
    /// A link type `decodePacket` does not understand.
    case linkType(LinkType)
    /// Cisco HDLC framing (its address byte, 0x0f or 0x8f) on a PPP serial link.
    case ciscoHDLC(address: UInt8)
    /// An MPLS label stack followed by something that is neither IPv4 nor IPv6.
    case mplsPayloadUnknown
    /// IP-in-IP tunnels nested deeper than `limit`: the packet inside the last is not read.
    case tunnelTooDeep(limit: Int)

    public var description: String {
        switch self {
        case .linkType(let type):
            "link type \(type) is not one this decoder reads"
        case .ciscoHDLC(let address):
            "Cisco HDLC framing (address 0x\(hex2(address))) on a PPP serial link"
        case .mplsPayloadUnknown:
            "MPLS does not say what it carries, and the bytes after the label stack are not a valid IPv4 or IPv6 header"
        case .tunnelTooDeep(let limit):
            "IP tunnelled in IP more than \(limit) times over; the packet inside is left as it is"
        }
    }
}
