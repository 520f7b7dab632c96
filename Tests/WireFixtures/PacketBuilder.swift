// Hand-built headers for the tests. Each builder writes the bytes a header has on the wire,
// in network byte order, so a test reads like the header diagram in the RFC. Lengths and the
// IPv4 checksum are computed unless a test overrides them to build an impossible header.

public enum Build {
    public static let clientMAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]
    public static let serverMAC: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02]
    public static let client4: [UInt8] = [192, 0, 2, 1]
    public static let server4: [UInt8] = [198, 51, 100, 7]
    /// 2001:db8::1 and 2001:db8::2 (documentation prefix).
    public static let client6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    public static let server6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]

    public static func be16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)] }
    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    public static func ethernet(type: Int, destination: [UInt8] = serverMAC, source: [UInt8] = clientMAC) -> [UInt8] {
        destination + source + be16(type)
    }

    /// The 4 bytes after a TPID: priority, DEI, VLAN ID, then the inner type.
    public static func vlanTag(id: Int, priority: Int = 0, dropEligible: Bool = false, innerType: Int) -> [UInt8] {
        be16(priority << 13 | (dropEligible ? 0x1000 : 0) | id) + be16(innerType)
    }

    /// RFC 1071 checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// An IPv4 header (with a correct checksum unless `checksum` is given) followed by `payload`.
    public static func ipv4(
        protocol protocolNumber: UInt8, payload: [UInt8], source: [UInt8] = client4, destination: [UInt8] = server4,
        ihl: Int? = nil, options: [UInt8] = [], totalLength: Int? = nil, identification: Int = 0x1234,
        dontFragment: Bool = true, moreFragments: Bool = false, fragmentOffset: Int = 0, ttl: UInt8 = 64,
        tos: UInt8 = 0, version: UInt8 = 4, checksum: UInt16? = nil
    ) -> [UInt8] {
        let headerWords = ihl ?? (5 + options.count / 4)
        let length = totalLength ?? (20 + options.count + payload.count)
        var header: [UInt8] = [version << 4 | UInt8(headerWords & 0x0f), tos]
        header += be16(length) + be16(identification)
        header += be16((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | fragmentOffset)
        header += [ttl, protocolNumber, 0, 0] + source + destination + options
        let sum = checksum ?? self.checksum(header)
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xff)
        return header + payload
    }

    /// An IPv6 fixed header followed by `payload` (extension headers included in it).
    public static func ipv6(
        nextHeader: UInt8, payload: [UInt8], source: [UInt8] = client6, destination: [UInt8] = server6,
        payloadLength: Int? = nil, trafficClass: UInt8 = 0, flowLabel: UInt32 = 0x12345, hopLimit: UInt8 = 64
    ) -> [UInt8] {
        let first = UInt32(6) << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xfffff)
        return be32(first) + be16(payloadLength ?? payload.count) + [nextHeader, hopLimit] + source + destination + payload
    }

    /// A TCP header with `options` (padded with zero bytes, i.e. EOL, to a multiple of 4),
    /// followed by `payload`. `flags` takes the AE bit as 0x100.
    public static func tcp(
        sourcePort: Int = 50000, destinationPort: Int = 4545, sequence: UInt32 = 1000, acknowledgment: UInt32 = 0,
        flags: UInt16 = 0x02, window: Int = 65535, options: [UInt8] = [], dataOffset: Int? = nil,
        urgentPointer: Int = 0, checksum: Int = 0xabcd, payload: [UInt8] = []
    ) -> [UInt8] {
        var padded = options
        while padded.count % 4 != 0 { padded.append(0) }
        let words = dataOffset ?? (5 + padded.count / 4)
        var header = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgment)
        header += [UInt8(words << 4) | UInt8((flags >> 8) & 1), UInt8(flags & 0xff)]
        header += be16(window) + be16(checksum) + be16(urgentPointer)
        return header + padded + payload
    }

    public static func udp(sourcePort: Int = 50000, destinationPort: Int = 4545, payload: [UInt8], length: Int? = nil, checksum: Int = 0) -> [UInt8] {
        be16(sourcePort) + be16(destinationPort) + be16(length ?? (8 + payload.count)) + be16(checksum) + payload
    }

    /// Ethernet + IPv4 + TCP, the common case.
    public static func ethernetIPv4TCP(_ tcp: [UInt8] = Build.tcp()) -> [UInt8] {
        ethernet(type: 0x0800) + ipv4(protocol: 6, payload: tcp)
    }

    /// An IPv6 extension header in the common layout, `length` in 8-byte units after the first 8.
    public static func ipv6Extension(nextHeader: UInt8, length: Int = 0, fill: UInt8 = 0x01) -> [UInt8] {
        [nextHeader, UInt8(length)] + [UInt8](repeating: fill, count: 6 + 8 * length)
    }

    public static func fragmentHeader(nextHeader: UInt8, offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        [nextHeader, 0] + be16(offset << 3 | (more ? 1 : 0)) + be32(identification)
    }

    /// A 24-byte authentication header (12 fixed bytes and a 12-byte ICV). Its length field
    /// counts 4-byte words minus 2: 24 / 4 - 2 = 4.
    public static func authenticationHeader(nextHeader: UInt8, spi: UInt32 = 0x1000, sequence: UInt32 = 1) -> [UInt8] {
        [nextHeader, 4, 0, 0] + be32(spi) + be32(sequence) + [UInt8](repeating: 0xaa, count: 12)
    }
}
