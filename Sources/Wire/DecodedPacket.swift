// The result of decoding one packet, and the two entry points. Decoding never fails as a
// whole: it goes as far as the bytes allow, and the first problem is kept beside whatever
// was decoded before (and, when the problem does not stop it, after) it.

/// One packet, decoded layer by layer.
public struct DecodedPacket: Sendable, Hashable {
    /// What the link layer said (MACs, VLAN IDs, loopback family, cooked-header direction,
    /// PPP protocol) and the encapsulations met (MPLS labels, PPPoE session).
    public var link: LinkHeader
    /// The network layer the transport rides on: the innermost IP header of a tunnel.
    public var network: NetworkLayer?
    /// The IP headers of an IP-in-IP tunnel around `network` (IPv6 or IPv4 carried in IPv6 or
    /// IPv4, protocol 41 or 4), outermost first; empty when the packet is not tunnelled.
    /// Addresses, ports and the connection are the inner packet's: the tunnel is the road,
    /// not the conversation.
    public var tunnels: [NetworkLayer]
    public var transport: TransportLayer?
    /// The application bytes in the buffer: the TCP or UDP data, the ICMP body, or the bytes
    /// of a protocol we do not decode. Empty if none. Shorter than the header says when the
    /// capture was cut by the snap length.
    public var payload: Range<Int>
    /// Bytes after the end of the network-layer packet: Ethernet padding of short frames.
    public var trailer: Range<Int>
    /// The first problem met, if any. Layers decoded before it stay available; a problem
    /// that does not stop decoding (malformed TCP options, an IPv4 total length past the end
    /// of the frame) leaves the later layers decoded too.
    public var error: DecodeError?
    /// How many bytes were decoded (the capture length).
    public var capturedLength: Int
    /// How long the packet was on the wire (the pcap `len`; the capture length if not given).
    public var originalLength: Int

    @inline(__always)
    public init(linkType: LinkType, capturedLength: Int, originalLength: Int) {
        link = LinkHeader(type: linkType)
        network = nil
        tunnels = []
        transport = nil
        payload = 0..<0
        trailer = 0..<0
        error = nil
        self.capturedLength = capturedLength
        self.originalLength = originalLength
    }

    /// True when the capture kept fewer bytes than the packet had.
    public var isCutBySnapLength: Bool { originalLength > capturedLength }

    public var ipv4: IPv4Header? {
        if case .ipv4(let header) = network { return header }
        return nil
    }

    public var ipv6: IPv6Header? {
        if case .ipv6(let header) = network { return header }
        return nil
    }

    public var tcp: TCPHeader? {
        if case .tcp(let header) = transport { return header }
        return nil
    }

    public var udp: UDPHeader? {
        if case .udp(let header) = transport { return header }
        return nil
    }

    /// The ICMP or ICMPv6 message.
    public var icmp: ICMPMessage? {
        switch transport {
        case .icmp(let message), .icmpv6(let message): message
        default: nil
        }
    }

    public var source: IPAddress? {
        switch network {
        case .ipv4(let header): .v4(header.source)
        case .ipv6(let header): .v6(header.source)
        default: nil
        }
    }

    public var destination: IPAddress? {
        switch network {
        case .ipv4(let header): .v4(header.destination)
        case .ipv6(let header): .v6(header.destination)
        default: nil
        }
    }

    public var sourcePort: UInt16? {
        switch transport {
        case .tcp(let header): header.sourcePort
        case .udp(let header): header.sourcePort
        default: nil
        }
    }

    public var destinationPort: UInt16? {
        switch transport {
        case .tcp(let header): header.destinationPort
        case .udp(let header): header.destinationPort
        default: nil
        }
    }

    /// Source address and port, for TCP and UDP.
    public var sourceEndpoint: IPEndpoint? {
        guard let address = source, let port = sourcePort else { return nil }
        return IPEndpoint(address, port)
    }

    /// Destination address and port, for TCP and UDP.
    public var destinationEndpoint: IPEndpoint? {
        guard let address = destination, let port = destinationPort else { return nil }
        return IPEndpoint(address, port)
    }
}

/// Decodes one packet from the bytes a capture delivered.
///
/// - Parameters:
///   - bytes: the captured bytes, starting with the link-layer header. Only read during the
///     call; the result holds offsets into them, not the bytes.
///   - linkType: what `pcap_datalink()` returned for the capture.
///   - originalLength: the packet's length on the wire (pcap's `len`; the capture kept
///     `bytes.count`, pcap's `caplen`). It decides what a length field that runs past the
///     bytes means: when the packet was longer than the capture, the capture was cut
///     (truncated); when the capture holds the whole packet, the header lies (invalid).
///     Nil means unknown, and such a field is reported as truncated, as tcpdump does.
/// - Returns: everything that could be decoded, and the first problem, if any.
///
/// Decoding an Ethernet/IPv4/TCP packet does not allocate.
public func decodePacket(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil) -> DecodedPacket {
    let original = max(originalLength ?? bytes.count, bytes.count)
    var packet = DecodedPacket(linkType: linkType, capturedLength: bytes.count, originalLength: original)
    withUnsafeMutablePointer(to: &packet) { result in
        var decoder = PacketDecoder(buffer: bytes, result: result, originalLength: originalLength)
        decoder.decodeLink()
    }
    return packet
}

/// Decodes one packet from a byte array; see the `UnsafeRawBufferPointer` form.
public func decodePacket(_ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil) -> DecodedPacket {
    bytes.withUnsafeBytes { decodePacket($0, linkType: linkType, originalLength: originalLength) }
}
