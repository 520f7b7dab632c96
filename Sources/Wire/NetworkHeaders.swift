// Network-layer values: IPv4 (RFC 791), IPv6 (RFC 8200) with its extension headers, ARP
// (RFC 826). Ranges are offsets into the packet buffer.

/// An IPv4 header.
public struct IPv4Header: Sendable, Hashable {
    public var version: UInt8
    /// The header length in bytes (IHL x 4), 20...60.
    public var headerLength: Int
    /// The type-of-service byte: DSCP in the high six bits, ECN in the low two.
    public var typeOfService: UInt8
    /// The length of the whole IP packet, header included, as the header states it.
    public var totalLength: UInt16
    public var identification: UInt16
    /// The evil bit (RFC 3514): must be zero.
    public var reservedFlag: Bool
    public var dontFragment: Bool
    public var moreFragments: Bool
    /// Where this fragment's data belongs in the original datagram, in 8-byte units.
    public var fragmentOffset: UInt16
    public var ttl: UInt8
    public var `protocol`: IPProtocol
    public var checksum: UInt16
    /// Whether the header checksum is right; nil when it could not be checked.
    public var checksumValid: Bool?
    public var source: IPv4Address
    public var destination: IPv4Address
    /// The header bytes.
    public var range: Range<Int>
    /// The payload bytes present in the buffer: up to the total length, never into the
    /// Ethernet padding, and shorter than the total length says when the capture was cut.
    public var payload: Range<Int>
    /// True when the total length was 0 and the length was taken from the capture instead
    /// (a TCP segmentation offload packet captured before the NIC split it).
    public var lengthFromCapture: Bool

    /// The option bytes (empty when IHL is 5).
    public var options: Range<Int> { (range.lowerBound + 20)..<range.upperBound }
    public var dscp: UInt8 { typeOfService >> 2 }
    public var ecn: UInt8 { typeOfService & 0b11 }
    public var fragmentByteOffset: Int { Int(fragmentOffset) * 8 }
    /// Part of a fragmented datagram (more fragments follow, or this is not the first).
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }
    /// The payload length the header claims (total length minus header length).
    public var declaredPayloadLength: Int { max(0, Int(totalLength) - headerLength) }
}

/// One IPv6 extension header on the way from the fixed header to the upper-layer header.
public struct IPv6ExtensionHeader: Sendable, Hashable {
    /// Which extension header this is (hop-by-hop 0, routing 43, fragment 44, ESP 50,
    /// AH 51, destination options 60, mobility 135).
    public var kind: IPProtocol
    /// What its next-header field says follows it.
    public var nextHeader: IPProtocol
    public var range: Range<Int>
}

/// The contents of an IPv6 fragment header.
public struct IPv6Fragment: Sendable, Hashable {
    /// The fragment offset in 8-byte units.
    public var offset: UInt16
    public var moreFragments: Bool
    public var identification: UInt32

    public init(offset: UInt16, moreFragments: Bool, identification: UInt32) {
        self.offset = offset
        self.moreFragments = moreFragments
        self.identification = identification
    }

    public var byteOffset: Int { Int(offset) * 8 }
}

/// An IPv6 header and the extension headers walked after it.
public struct IPv6Header: Sendable, Hashable {
    public var version: UInt8
    public var trafficClass: UInt8
    /// The 20-bit flow label.
    public var flowLabel: UInt32
    /// The length after the fixed 40-byte header, extension headers included.
    public var payloadLength: UInt16
    /// The fixed header's next-header field.
    public var nextHeader: IPProtocol
    public var hopLimit: UInt8
    public var source: IPv6Address
    public var destination: IPv6Address
    /// The extension headers in order (empty, without allocating, when there are none).
    public var extensionHeaders: [IPv6ExtensionHeader]
    /// The fragment header's contents, when there is one.
    public var fragment: IPv6Fragment?
    /// The protocol after the last extension header walked: TCP, UDP, ICMPv6... or ESP
    /// (encrypted, not walked further), no-next-header, or a fragment header's next header
    /// in a non-first fragment.
    public var upperLayerProtocol: IPProtocol
    /// Where the upper-layer header starts.
    public var upperLayerOffset: Int
    /// The fixed 40 header bytes.
    public var range: Range<Int>
    /// The payload bytes present in the buffer (extension headers included), up to the
    /// payload length.
    public var payload: Range<Int>
    /// True when the payload length was 0 and the length was taken from the capture
    /// (a jumbogram, or segmentation offload).
    public var lengthFromCapture: Bool

    public var isFragment: Bool { fragment.map { $0.moreFragments || $0.offset != 0 } ?? false }
    /// ECN, the low two bits of the traffic class.
    public var ecn: UInt8 { trafficClass & 0b11 }
    /// DSCP, the high six bits of the traffic class.
    public var dscp: UInt8 { trafficClass >> 2 }
}

/// An ARP request or reply (RFC 826). Addresses are decoded for Ethernet/IPv4 ARP, the only
/// kind seen in practice; other hardware or protocol types keep their lengths and ranges.
public struct ARPMessage: Sendable, Hashable {
    /// 1 for Ethernet.
    public var hardwareType: UInt16
    /// 0x0800 for IPv4.
    public var protocolType: EtherType
    public var hardwareLength: UInt8
    public var protocolLength: UInt8
    /// 1 request, 2 reply (3 and 4 for RARP).
    public var operation: UInt16
    public var senderMAC: MACAddress?
    public var senderIP: IPv4Address?
    public var targetMAC: MACAddress?
    public var targetIP: IPv4Address?
    public var range: Range<Int>

    public var operationName: String {
        switch operation {
        case 1: "request"
        case 2: "reply"
        case 3: "reverse request"
        case 4: "reverse reply"
        default: "unknown(\(operation))"
        }
    }
}

/// What followed the link layer.
public enum NetworkLayer: Sendable, Hashable {
    case ipv4(IPv4Header)
    case ipv6(IPv6Header)
    case arp(ARPMessage)
    /// A PPPoE discovery packet (the header is `link.pppoe`); it carries no IP.
    case pppoeDiscovery
    /// An EtherType we do not decode further (reported, never guessed).
    case other(EtherType)
    /// A PPP protocol that is not IP (LCP, IPCP, authentication...).
    case otherPPP(PPPProtocol)
    /// An 802.2 LLC frame that does not carry an EtherType through SNAP (STP, for example).
    case otherLLC(dsap: UInt8)
    /// A loopback address family that is neither IPv4 nor IPv6.
    case otherFamily(UInt32)
}
