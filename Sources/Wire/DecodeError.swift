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
        case invalid(String)
        /// Well-formed, but not something this decoder handles (an unknown link type, an
        /// encrypted ESP payload).
        case unsupported(String)
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

    /// What went wrong in one sentence, without the layer's name.
    public var problem: String {
        switch kind {
        case .truncated(let needed, let available):
            let cause = cutBySnapLength ? " (the capture's snap length cut the packet short)" : ""
            return "truncated: needed \(needed) bytes, had \(available)" + cause
        case .invalid(let reason):
            return "invalid: " + reason
        case .unsupported(let what):
            return "not decoded: " + what
        }
    }

    /// E.g. `TCP header at byte 34 truncated: needed 20 bytes, had 6`.
    public var description: String { "\(layer) at byte \(offset) \(problem)" }
}
