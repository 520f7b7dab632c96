// The one place that reads memory. A `ByteView` is made only after a single length check
// (the smoltcp habit: check once per header, then read named offsets freely), so the
// decoders never index the buffer themselves and cannot read past the captured bytes.
//
// The reads below use the unchecked `load` family on purpose: the check happened when
// the view was made, and repeating it per field is what made an earlier design slow.
// Debug builds still assert each read against the view, which is how the randomized
// tests catch an offset that strays outside its header.

/// A window of `count` bytes of a packet buffer that is known to be present.
struct ByteView {
    let buffer: UnsafeRawBufferPointer
    /// Where the window begins, as an offset into the whole packet buffer.
    let start: Int
    let count: Int

    /// Makes a view of `count` bytes at `start`, or nil when they are not all inside
    /// `0..<limit` (and `limit` is never beyond the buffer).
    @inline(__always)
    init?(_ buffer: UnsafeRawBufferPointer, start: Int, count: Int, limit: Int) {
        guard start >= 0, count >= 0, limit <= buffer.count, start <= limit, count <= limit - start else {
            return nil
        }
        self.buffer = buffer
        self.start = start
        self.count = count
    }

    /// Absolute offset just past the window.
    var end: Int { start + count }

    /// The window as a range of the whole buffer.
    var range: Range<Int> { start..<(start + count) }

    /// An absolute range for `offset..<offset+length` inside the view.
    @inline(__always)
    func range(_ offset: Int, _ length: Int) -> Range<Int> {
        (start + offset)..<(start + offset + length)
    }

    @inline(__always)
    func uint8(at offset: Int) -> UInt8 {
        assert(offset >= 0 && offset < count, "read of byte \(offset) in a \(count)-byte view")
        return buffer.load(fromByteOffset: start &+ offset, as: UInt8.self)
    }

    @inline(__always)
    func uint16(bigEndianAt offset: Int) -> UInt16 {
        assert(offset >= 0 && offset + 2 <= count, "read of bytes \(offset)+2 in a \(count)-byte view")
        return UInt16(bigEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: UInt16.self))
    }

    @inline(__always)
    func uint16(littleEndianAt offset: Int) -> UInt16 {
        assert(offset >= 0 && offset + 2 <= count, "read of bytes \(offset)+2 in a \(count)-byte view")
        return UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: UInt16.self))
    }

    @inline(__always)
    func uint32(bigEndianAt offset: Int) -> UInt32 {
        assert(offset >= 0 && offset + 4 <= count, "read of bytes \(offset)+4 in a \(count)-byte view")
        return UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: UInt32.self))
    }

    @inline(__always)
    func uint32(littleEndianAt offset: Int) -> UInt32 {
        assert(offset >= 0 && offset + 4 <= count, "read of bytes \(offset)+4 in a \(count)-byte view")
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: UInt32.self))
    }

    @inline(__always)
    func uint64(bigEndianAt offset: Int) -> UInt64 {
        assert(offset >= 0 && offset + 8 <= count, "read of bytes \(offset)+8 in a \(count)-byte view")
        return UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: UInt64.self))
    }

    /// A 48-bit hardware address stored in network byte order.
    @inline(__always)
    func macAddress(at offset: Int) -> MACAddress {
        let high = UInt64(uint16(bigEndianAt: offset))
        let low = UInt64(uint32(bigEndianAt: offset + 2))
        return MACAddress(rawValue: high << 32 | low)
    }

    @inline(__always)
    func ipv4Address(at offset: Int) -> IPv4Address {
        IPv4Address(bigEndianValue: uint32(bigEndianAt: offset))
    }

    @inline(__always)
    func ipv6Address(at offset: Int) -> IPv6Address {
        IPv6Address(high: uint64(bigEndianAt: offset), low: uint64(bigEndianAt: offset + 8))
    }

    /// The one's-complement sum of the window's bytes taken as big-endian 16-bit words,
    /// folded to 16 bits (RFC 1071). A header whose checksum field is included sums to 0xffff.
    func internetChecksumSum() -> UInt16 {
        var sum: UInt32 = 0
        var offset = 0
        while offset + 2 <= count {
            sum &+= UInt32(uint16(bigEndianAt: offset))
            offset += 2
        }
        if offset < count { sum &+= UInt32(uint8(at: offset)) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) &+ (sum >> 16) }
        return UInt16(truncatingIfNeeded: sum)
    }
}
