// Protocol numbers are open sets: a capture can hold any value, so each is a struct over
// the raw number with named statics, never a closed enum. Unknown values decode and print
// as `unknown(...)` instead of being dropped or guessed.

/// A link-layer header type, as libpcap's `pcap_datalink()` reports it (a DLT_ value).
///
/// pcap files store LINKTYPE_ values, which libpcap maps back to DLT_ values when it opens
/// the file; the one LINKTYPE_ value that differs and still reaches us in practice,
/// LINKTYPE_RAW (101), is accepted as well.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in the capturing host's byte order. DLT_NULL.
    public static let null = LinkType(rawValue: 0)
    /// Ethernet II and IEEE 802.3 frames. DLT_EN10MB.
    public static let ethernet = LinkType(rawValue: 1)
    /// PPP, optionally with HDLC address/control bytes. DLT_PPP.
    public static let ppp = LinkType(rawValue: 9)
    /// Raw IP, no link header. DLT_RAW on most systems.
    public static let raw = LinkType(rawValue: 12)
    /// Raw IP as OpenBSD numbers it. DLT_RAW on OpenBSD.
    public static let rawOpenBSD = LinkType(rawValue: 14)
    /// PPP in HDLC-like framing (RFC 1662). DLT_PPP_SERIAL.
    public static let pppSerial = LinkType(rawValue: 50)
    /// PPPoE without the Ethernet header. DLT_PPP_ETHER.
    public static let pppEther = LinkType(rawValue: 51)
    /// Raw IP as pcap files record it. LINKTYPE_RAW.
    public static let linktypeRaw = LinkType(rawValue: 101)
    /// OpenBSD loopback: a 4-byte address family in network byte order. DLT_LOOP.
    public static let loop = LinkType(rawValue: 108)
    /// Linux "cooked" capture, 16-byte header (the `any` device). DLT_LINUX_SLL.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Raw IPv4, no link header. DLT_IPV4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6, no link header. DLT_IPV6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux "cooked" capture v2, 20-byte header with the interface index. DLT_LINUX_SLL2.
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// libpcap's short name and description, e.g. `EN10MB (Ethernet)`, or `unknown(N)`.
    public var name: String {
        switch rawValue {
        case 0: "NULL (BSD loopback)"
        case 1: "EN10MB (Ethernet)"
        case 9: "PPP (Point-to-point Protocol)"
        case 12, 14: "RAW (Raw IP)"
        case 50: "PPP_SERIAL (PPP over serial)"
        case 51: "PPP_ETHER (PPPoE)"
        case 101: "RAW (Raw IP, LINKTYPE_RAW)"
        case 105: "IEEE802_11 (802.11)"
        case 108: "LOOP (OpenBSD loopback)"
        case 113: "LINUX_SLL (Linux cooked v1)"
        case 127: "IEEE802_11_RADIO (802.11 plus radiotap header)"
        case 228: "IPV4 (Raw IPv4)"
        case 229: "IPV6 (Raw IPv6)"
        case 253: "NETLINK (Linux netlink)"
        case 276: "LINUX_SLL2 (Linux cooked v2)"
        default: "unknown(\(rawValue))"
        }
    }

    /// Whether `decodePacket` understands this link type.
    public var isSupported: Bool {
        switch rawValue {
        case 0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276: true
        default: false
        }
    }

    public var description: String { name }
}

/// The 16-bit type field of Ethernet II, VLAN tags, Linux cooked headers and SNAP.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(0x0800)
    public static let arp = EtherType(0x0806)
    public static let reverseARP = EtherType(0x8035)
    /// IEEE 802.1Q customer VLAN tag.
    public static let vlan = EtherType(0x8100)
    public static let ipv6 = EtherType(0x86dd)
    public static let mplsUnicast = EtherType(0x8847)
    public static let mplsMulticast = EtherType(0x8848)
    public static let pppoeDiscovery = EtherType(0x8863)
    public static let pppoeSession = EtherType(0x8864)
    /// IEEE 802.1ad service VLAN tag (the outer tag of "QinQ").
    public static let serviceVLAN = EtherType(0x88a8)
    /// The pre-standard QinQ outer tag some switches still send.
    public static let qinqLegacy = EtherType(0x9100)

    /// True for the three tag protocol identifiers that introduce a 4-byte VLAN tag.
    public var isVLANTag: Bool { self == .vlan || self == .serviceVLAN || self == .qinqLegacy }

    /// The protocol's name, or `unknown(0x88cc)`.
    public var name: String? {
        switch rawValue {
        case 0x0800: "IPv4"
        case 0x0806: "ARP"
        case 0x8035: "RARP"
        case 0x8100: "802.1Q VLAN"
        case 0x86dd: "IPv6"
        case 0x8847: "MPLS unicast"
        case 0x8848: "MPLS multicast"
        case 0x8863: "PPPoE discovery"
        case 0x8864: "PPPoE session"
        case 0x88a8: "802.1ad QinQ"
        case 0x9100: "QinQ (0x9100)"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(hex4(rawValue)))" }
}

/// The IPv4 protocol / IPv6 next-header number.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let hopByHopOptions = IPProtocol(0)
    public static let icmp = IPProtocol(1)
    public static let igmp = IPProtocol(2)
    /// IPv4 carried inside IP (IP-in-IP).
    public static let ipInIP = IPProtocol(4)
    public static let tcp = IPProtocol(6)
    public static let udp = IPProtocol(17)
    /// IPv6 carried inside IP (6in4, 6to4).
    public static let ipv6 = IPProtocol(41)
    public static let routing = IPProtocol(43)
    public static let fragment = IPProtocol(44)
    public static let gre = IPProtocol(47)
    public static let esp = IPProtocol(50)
    public static let authenticationHeader = IPProtocol(51)
    public static let icmpv6 = IPProtocol(58)
    public static let noNextHeader = IPProtocol(59)
    public static let destinationOptions = IPProtocol(60)
    public static let sctp = IPProtocol(132)
    public static let mobility = IPProtocol(135)

    public var name: String? {
        switch rawValue {
        case 0: "IPv6 hop-by-hop options"
        case 1: "ICMP"
        case 2: "IGMP"
        case 4: "IP-in-IP"
        case 6: "TCP"
        case 17: "UDP"
        case 41: "IPv6-in-IP"
        case 43: "IPv6 routing header"
        case 44: "IPv6 fragment header"
        case 47: "GRE"
        case 50: "ESP"
        case 51: "AH"
        case 58: "ICMPv6"
        case 59: "no next header"
        case 60: "IPv6 destination options"
        case 132: "SCTP"
        case 135: "IPv6 mobility header"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}

/// The kind byte of a TCP option.
public struct TCPOptionKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let endOfOptions = TCPOptionKind(0)
    public static let noOperation = TCPOptionKind(1)
    public static let maximumSegmentSize = TCPOptionKind(2)
    public static let windowScale = TCPOptionKind(3)
    public static let sackPermitted = TCPOptionKind(4)
    public static let sack = TCPOptionKind(5)
    public static let timestamps = TCPOptionKind(8)
    public static let md5Signature = TCPOptionKind(19)
    public static let userTimeout = TCPOptionKind(28)
    public static let authentication = TCPOptionKind(29)
    public static let multipath = TCPOptionKind(30)
    public static let fastOpen = TCPOptionKind(34)

    public var name: String? {
        switch rawValue {
        case 0: "EOL"
        case 1: "NOP"
        case 2: "MSS"
        case 3: "window scale"
        case 4: "SACK permitted"
        case 5: "SACK"
        case 8: "timestamps"
        case 19: "MD5 signature"
        case 28: "user timeout"
        case 29: "TCP-AO"
        case 30: "MPTCP"
        case 34: "TCP Fast Open cookie"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}

/// The protocol field of a PPP frame (RFC 1661), which says what the frame carries.
public struct PPPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = PPPProtocol(0x0021)
    public static let ipv6 = PPPProtocol(0x0057)
    public static let mplsUnicast = PPPProtocol(0x0281)
    public static let mplsMulticast = PPPProtocol(0x0283)
    public static let ipcp = PPPProtocol(0x8021)
    public static let ipv6cp = PPPProtocol(0x8057)
    public static let lcp = PPPProtocol(0xc021)
    public static let pap = PPPProtocol(0xc023)
    public static let chap = PPPProtocol(0xc223)

    public var name: String? {
        switch rawValue {
        case 0x0021: "IPv4"
        case 0x0057: "IPv6"
        case 0x0281: "MPLS unicast"
        case 0x0283: "MPLS multicast"
        case 0x8021: "IPCP"
        case 0x8057: "IPv6CP"
        case 0xc021: "LCP"
        case 0xc023: "PAP"
        case 0xc223: "CHAP"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(hex4(rawValue)))" }
}

/// The packet type of a Linux cooked header: who the packet was for, as the kernel saw it.
public struct LinuxPacketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// Addressed to this host (incoming). PACKET_HOST.
    public static let host = LinuxPacketType(0)
    /// Link-layer broadcast from someone else. PACKET_BROADCAST.
    public static let broadcast = LinuxPacketType(1)
    /// Link-layer multicast from someone else. PACKET_MULTICAST.
    public static let multicast = LinuxPacketType(2)
    /// Addressed to another host, seen in promiscuous mode. PACKET_OTHERHOST.
    public static let otherHost = LinuxPacketType(3)
    /// Sent by this host. PACKET_OUTGOING.
    public static let outgoing = LinuxPacketType(4)

    public var name: String? {
        switch rawValue {
        case 0: "to us"
        case 1: "broadcast"
        case 2: "multicast"
        case 3: "to another host"
        case 4: "sent by us"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}

/// A 48-bit IEEE 802 hardware (MAC) address.
public struct MACAddress: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The six bytes in the low 48 bits, first byte most significant.
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xffff_ffff_ffff }

    /// Takes exactly six bytes; returns nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 6 else { return nil }
        self.init(rawValue: bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    public static let broadcast = MACAddress(rawValue: 0xffff_ffff_ffff)
    public static let zero = MACAddress(rawValue: 0)

    public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * UInt64($0))) } }
    public var isBroadcast: Bool { self == .broadcast }
    /// The group bit: the lowest bit of the first byte.
    public var isMulticast: Bool { (rawValue >> 40) & 1 == 1 }

    /// `aa:bb:cc:dd:ee:ff`.
    public var description: String { bytes.map(hex2).joined(separator: ":") }
}

// Zero-padded lower-case hex without Foundation's String(format:).
func hex2(_ value: UInt8) -> String {
    let digits = String(value, radix: 16)
    return value < 0x10 ? "0" + digits : digits
}

func hex4(_ value: UInt16) -> String {
    "0x" + hex2(UInt8(truncatingIfNeeded: value >> 8)) + hex2(UInt8(truncatingIfNeeded: value))
}

func hex8(_ value: UInt32) -> String {
    "0x" + [24, 16, 8, 0].map { hex2(UInt8(truncatingIfNeeded: value >> UInt32($0))) }.joined()
}
