// The one place in Wire that reads packet memory. A `ByteView` is made after a single length
// check (the smoltcp habit: check once per header, then read named offsets), and every read
// checks its offset against the view again, in release builds too. The second check is a
// compare or two per field (Benchmarks/REPORT.md, "One checked reader", has the cost); what
// it buys is that a wrong offset in a decoder, met on a hostile capture, can never read bytes
// outside the packet, whatever the build.
//
// Two kinds of read:
// - `byte(at:)` and `read(_:bigEndianAt:)` return nil outside the view. Use them wherever
//   the offset depends on the bytes (option walks, lengths a header declares).
// - `uint8(at:)`, `uint16(bigEndianAt:)`... are for the fixed fields of the header the view
//   was made for, at named offsets. Outside the view they give 0 and count a stray read
//   (`strayReads`), so the randomized tests catch such an offset in any build, without a
//   trap on the learner's capture.

import Synchronization

/// A window of `count` bytes of a packet buffer that is known to be present.
struct ByteView {
    private let buffer: UnsafeRawBufferPointer
    /// Where the window begins, as an offset into the whole packet buffer.
    let start: Int
    let count: Int

    /// Field reads that fell outside their view since the process started. Each one is a
    /// decoder bug (a field offset beyond the header it belongs to); tests assert none happen.
    static let strayReads = Atomic<Int>(0)

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

    /// A view of the whole buffer.
    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        start = 0
        count = buffer.count
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

    /// The `count` bytes at `offset` of this view as a view of their own, or nil when they
    /// are not all inside it.
    @inline(__always)
    func subview(at offset: Int, count: Int) -> ByteView? {
        guard offset >= 0, count >= 0, offset <= self.count, count <= self.count - offset else { return nil }
        return ByteView(buffer, start: start &+ offset, count: count, limit: end)
    }

    /// The view's bytes, copied out.
    var bytes: [UInt8] {
        guard count > 0, let base = buffer.baseAddress else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + start, count: count))
    }

    // MARK: Reads that say when the bytes are not there

    /// The byte at `offset`, or nil outside the view.
    @inline(__always)
    func byte(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < count else { return nil }
        return buffer.load(fromByteOffset: start &+ offset, as: UInt8.self)
    }

    /// The integer stored most significant byte first (network byte order) at `offset`, or
    /// nil when its bytes are not all inside the view.
    @inline(__always)
    func read<T: FixedWidthInteger>(_ type: T.Type, bigEndianAt offset: Int) -> T? {
        guard offset >= 0, offset <= count - MemoryLayout<T>.size else { return nil }
        return T(bigEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: T.self))
    }

    /// The integer stored least significant byte first at `offset`, or nil when its bytes
    /// are not all inside the view.
    @inline(__always)
    func read<T: FixedWidthInteger>(_ type: T.Type, littleEndianAt offset: Int) -> T? {
        guard offset >= 0, offset <= count - MemoryLayout<T>.size else { return nil }
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: start &+ offset, as: T.self))
    }

    // MARK: Fixed fields of the header the view was made for

    @inline(never)
    private static func stray() -> Int {
        strayReads.wrappingAdd(1, ordering: .relaxed)
        return 0
    }

    @inline(__always)
    func uint8(at offset: Int) -> UInt8 {
        byte(at: offset) ?? UInt8(Self.stray())
    }

    @inline(__always)
    func uint16(bigEndianAt offset: Int) -> UInt16 {
        read(UInt16.self, bigEndianAt: offset) ?? UInt16(Self.stray())
    }

    @inline(__always)
    func uint16(littleEndianAt offset: Int) -> UInt16 {
        read(UInt16.self, littleEndianAt: offset) ?? UInt16(Self.stray())
    }

    @inline(__always)
    func uint32(bigEndianAt offset: Int) -> UInt32 {
        read(UInt32.self, bigEndianAt: offset) ?? UInt32(Self.stray())
    }

    @inline(__always)
    func uint32(littleEndianAt offset: Int) -> UInt32 {
        read(UInt32.self, littleEndianAt: offset) ?? UInt32(Self.stray())
    }

    @inline(__always)
    func uint64(bigEndianAt offset: Int) -> UInt64 {
        read(UInt64.self, bigEndianAt: offset) ?? UInt64(Self.stray())
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
        while let word = read(UInt16.self, bigEndianAt: offset) {
            sum &+= UInt32(word)
            offset += 2
        }
        if let last = byte(at: offset) { sum &+= UInt32(last) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) &+ (sum >> 16) }
        return UInt16(truncatingIfNeeded: sum)
    }
}
