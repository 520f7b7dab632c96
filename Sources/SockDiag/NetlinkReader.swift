// Netlink messages come from the kernel, but osilab also reads recorded ones (tests, the fuzz
// target), so every read is checked: a field past the end gives nil, never a trap.

/// Checked reads of a netlink reply's bytes. Netlink headers and `inet_diag_msg`'s numbers
/// are in the host's byte order; ports and addresses are in network order.
struct NetlinkReader {
    let bytes: [UInt8]

    func u8(_ offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[offset]
    }

    /// `width` bytes at `offset` in the host's order, or nil when they are not all there.
    private func host(_ offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width <= bytes.count, offset <= bytes.count - width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            #if _endian(little)
            value |= UInt64(bytes[offset + index]) << (8 * UInt64(index))
            #else
            value = value << 8 | UInt64(bytes[offset + index])
            #endif
        }
        return value
    }

    func u16(_ offset: Int) -> UInt16? { host(offset, width: 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { host(offset, width: 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { host(offset, width: 8) }
    func i32(_ offset: Int) -> Int32? { u32(offset).map { Int32(bitPattern: $0) } }

    /// A 16-bit number in network order (a port).
    func u16BigEndian(_ offset: Int) -> UInt16? {
        guard let high = u8(offset), let low = u8(offset + 1) else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }

    func slice(_ offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        return bytes[offset..<(offset + count)]
    }
}

/// Appends numbers in the host's order, for the request.
struct NetlinkWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func host<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }
}
