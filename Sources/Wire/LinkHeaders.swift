// What the link layer (and anything between it and IP) said about a packet. These are
// plain values; `decodePacket` fills them in. Every header records the bytes it came from
// (`range`, offsets into the packet buffer) so the layer view and the hex dump can point at
// them.

/// An Ethernet II or IEEE 802.3 header (the first 14 bytes of the frame).
public struct EthernetHeader: Sendable, Hashable {
    public var destination: MACAddress
    public var source: MACAddress
    /// The raw type/length field at bytes 12-13. 1500 or less means an 802.3 length.
    public var typeOrLength: UInt16
    public var range: Range<Int>

    /// True for an IEEE 802.3 frame, whose bytes 12-13 are a length, not an EtherType.
    public var isIEEE8023: Bool { typeOrLength <= 1500 }
    /// The EtherType, or nil for an 802.3 length frame.
    public var etherType: EtherType? { isIEEE8023 ? nil : EtherType(typeOrLength) }
}

/// One 802.1Q (or 802.1ad) VLAN tag: the 4 bytes after a 0x8100/0x88a8/0x9100 type field.
public struct VLANTag: Sendable, Hashable {
    /// The tag protocol identifier that introduced this tag (0x8100, 0x88a8 or 0x9100).
    public var tagProtocol: EtherType
    /// Priority code point, 0...7.
    public var priority: UInt8
    /// Drop eligible indicator (formerly CFI).
    public var dropEligible: Bool
    /// The VLAN identifier, 0...4095.
    public var id: UInt16
    /// The type field after the tag: the next tag's TPID or the payload's EtherType.
    public var innerType: UInt16
    /// The 4 tag bytes (TCI and inner type).
    public var range: Range<Int>
}

/// The byte order a BSD loopback header's address family was written in.
public enum ByteOrder: String, Sendable, Hashable {
    case littleEndian = "little-endian"
    case bigEndian = "big-endian"
}

/// A BSD loopback header (DLT_NULL or DLT_LOOP): the protocol family as a 4-byte integer.
public struct LoopbackHeader: Sendable, Hashable {
    /// The address family after correcting the byte order (2 = AF_INET; 10, 24, 28, 30 = AF_INET6).
    public var family: UInt32
    /// The byte order the capturing host wrote it in (DLT_LOOP is always big-endian).
    public var byteOrder: ByteOrder
    public var range: Range<Int>

    /// Which operating systems use this number for AF_INET6 or AF_INET, for display.
    public var familyName: String {
        switch family {
        case 2: "AF_INET (IPv4)"
        case 10: "AF_INET6 (IPv6, Linux)"
        case 24: "AF_INET6 (IPv6, NetBSD/OpenBSD)"
        case 28: "AF_INET6 (IPv6, FreeBSD)"
        case 30: "AF_INET6 (IPv6, Darwin)"
        default: "unknown(\(family))"
        }
    }
}

/// A Linux "cooked" capture header, version 1 (16 bytes) or 2 (20 bytes). libpcap builds
/// it when it captures on the `any` device or a device without a usable link header.
public struct LinuxCookedHeader: Sendable, Hashable {
    /// 1 for DLT_LINUX_SLL, 2 for DLT_LINUX_SLL2.
    public var version: UInt8
    /// Who the packet was for: to us, broadcast, multicast, to another host, or sent by us.
    public var packetType: LinuxPacketType
    /// The device's ARPHRD_ type (1 = Ethernet, 772 = loopback, 65534 = none).
    public var hardwareType: UInt16
    /// How many of the 8 address bytes are used (the field can claim more than 8).
    public var addressLength: UInt16
    /// The link-layer source address: its `addressLength` bytes (at most 8) right-aligned,
    /// first byte most significant.
    public var address: UInt64
    /// The protocol, an EtherType for most devices.
    public var protocolType: EtherType
    /// The interface index (version 2 only): which device the packet was seen on.
    public var interfaceIndex: UInt32?
    public var range: Range<Int>

    /// True when this host sent the packet.
    public var isOutgoing: Bool { packetType == .outgoing }
    /// The address as a MAC address, when it is six bytes long.
    public var sourceMAC: MACAddress? {
        addressLength == 6 ? MACAddress(rawValue: address) : nil
    }
}

/// A PPP header: optional HDLC address (0xff) and control (0x03) bytes, then the protocol
/// field, one byte long when the sender compressed it (RFC 1661 section 6.5).
public struct PPPHeader: Sendable, Hashable {
    public var hasAddressAndControl: Bool
    public var `protocol`: PPPProtocol
    /// 1 when protocol-field compression was used, else 2.
    public var protocolFieldLength: Int
    public var range: Range<Int>
}

/// One MPLS label stack entry (RFC 3032): 20-bit label, 3-bit traffic class, bottom-of-stack
/// bit, 8-bit TTL.
public struct MPLSLabel: Sendable, Hashable {
    public var label: UInt32
    public var trafficClass: UInt8
    public var isBottomOfStack: Bool
    public var ttl: UInt8
    public var range: Range<Int>
}

/// A PPPoE header (RFC 2516): discovery (0x8863) or session (0x8864) stage.
public struct PPPoEHeader: Sendable, Hashable {
    public var version: UInt8
    public var type: UInt8
    /// 0 in the session stage; PADI 0x09, PADO 0x07, PADR 0x19, PADS 0x65, PADT 0xa7 in discovery.
    public var code: UInt8
    public var sessionID: UInt16
    /// The payload length the header claims.
    public var length: UInt16
    public var isDiscovery: Bool
    /// The PPP protocol that follows a session header.
    public var pppProtocol: PPPProtocol?
    /// The 6 header bytes, plus the 2 PPP protocol bytes of a session frame.
    public var range: Range<Int>

    /// The discovery packet's name (`PADI`), or `session data`.
    public var codeName: String {
        switch code {
        case 0x00: isDiscovery ? "unknown(0x00)" : "session data"
        case 0x09: "PADI (initiation)"
        case 0x07: "PADO (offer)"
        case 0x19: "PADR (request)"
        case 0x65: "PADS (session confirmation)"
        case 0xa7: "PADT (terminate)"
        default: "unknown(0x\(hex2(code)))"
        }
    }
}

/// An IEEE 802.2 LLC header, carried by 802.3 frames (type/length field of 1500 or less),
/// with the SNAP extension when DSAP and SSAP are both 0xAA.
public struct LLCHeader: Sendable, Hashable {
    /// The length from the 802.3 header (nil when reached another way, e.g. a cooked header).
    public var length: UInt16?
    public var dsap: UInt8
    public var ssap: UInt8
    /// One byte for U-format frames, two for I- and S-format frames.
    public var control: UInt16
    /// SNAP organisation code (3 bytes), when present.
    public var snapOUI: UInt32?
    /// SNAP protocol ID: an EtherType when the OUI is 0.
    public var snapProtocol: UInt16?
    public var range: Range<Int>
}

/// What the link layer said, plus the encapsulations met on the way to the network layer.
public struct LinkHeader: Sendable, Hashable {
    /// The outermost header, by link type.
    public enum Frame: Sendable, Hashable {
        case ethernet(EthernetHeader)
        case loopback(LoopbackHeader)
        case linuxCooked(LinuxCookedHeader)
        case ppp(PPPHeader)
        /// Raw IP: no link header at all.
        case raw
        /// The link type is not one we decode (see `DecodedPacket.error`).
        case unsupported
        /// The link header itself was cut short (see `DecodedPacket.error`).
        case missing
    }

    public var type: LinkType
    public var frame: Frame
    /// VLAN tags, outermost first (empty, without allocating, when there are none).
    public var vlanTags: [VLANTag]
    /// MPLS label stack, outermost first.
    public var mplsLabels: [MPLSLabel]
    /// True when the network protocol after an MPLS stack was inferred from the IP version
    /// nibble (MPLS has no next-protocol field) because the header then validated.
    public var networkProtocolInferred: Bool
    /// The PPPoE header, for PPPoE frames.
    public var pppoe: PPPoEHeader? {
        get { rare?.pppoe }
        set { updateRare { $0.pppoe = newValue } }
    }
    /// The 802.2 LLC header of an 802.3 frame (or a cooked frame that carries LLC).
    public var llc: LLCHeader? {
        get { rare?.llc }
        set { updateRare { $0.llc = newValue } }
    }
    /// Every byte from the start of the packet to the network-layer header.
    public var range: Range<Int>

    public init(type: LinkType) {
        self.type = type
        frame = .missing
        vlanTags = []
        mplsLabels = []
        networkProtocolInferred = false
        rare = nil
        range = 0..<0
    }

    // Headers most packets never have live in a box, allocated only when one is met, so the
    // common Ethernet/IP packet result stays small and cheap to copy.
    private var rare: RareLinkHeaders?

    private mutating func updateRare(_ change: (inout RareLinkHeaders.Contents) -> Void) {
        var contents = rare?.contents ?? RareLinkHeaders.Contents()
        change(&contents)
        rare = contents.isEmpty ? nil : RareLinkHeaders(contents)
    }

    public var ethernet: EthernetHeader? {
        if case .ethernet(let header) = frame { return header }
        return nil
    }

    public var sourceMAC: MACAddress? {
        switch frame {
        case .ethernet(let header): header.source
        case .linuxCooked(let header): header.sourceMAC
        default: nil
        }
    }

    public var destinationMAC: MACAddress? { ethernet?.destination }

    /// The VLAN IDs, outermost first.
    public var vlanIDs: [UInt16] { vlanTags.map(\.id) }
}

/// The boxed part of `LinkHeader`. Immutable, so sharing it between copies is safe.
final class RareLinkHeaders: Sendable, Hashable {
    struct Contents: Sendable, Hashable {
        var pppoe: PPPoEHeader?
        var llc: LLCHeader?
        var isEmpty: Bool { pppoe == nil && llc == nil }
    }

    let contents: Contents
    init(_ contents: Contents) { self.contents = contents }

    var pppoe: PPPoEHeader? { contents.pppoe }
    var llc: LLCHeader? { contents.llc }

    static func == (lhs: RareLinkHeaders, rhs: RareLinkHeaders) -> Bool { lhs.contents == rhs.contents }
    func hash(into hasher: inout Hasher) { hasher.combine(contents) }
}
