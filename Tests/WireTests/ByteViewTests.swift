@testable import Wire
import XCTest

/// `ByteView` is the only code in Wire that reads packet memory, and its checks are plain
/// compares, the same in debug and release builds (no `assert`): what these tests see is what
/// a release build of `osilab read` does with a hostile capture.
final class ByteViewTests: XCTestCase {
    // Five bytes; the views below cover the middle three, so the bytes on either side are
    // real memory a careless read would happily return.
    let bytes: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9a]

    func withMiddleView(_ body: (ByteView) throws -> Void) throws {
        try bytes.withUnsafeBytes { raw in
            let view = try XCTUnwrap(ByteView(raw, start: 1, count: 3, limit: 4))
            try body(view)
        }
    }

    func testReadsInsideTheViewSeeTheBytesInTheNamedOrder() throws {
        try withMiddleView { view in
            XCTAssertEqual(view.byte(at: 0), 0x34)
            XCTAssertEqual(view.byte(at: 2), 0x78)
            XCTAssertEqual(view.read(UInt16.self, bigEndianAt: 1), 0x5678)
            XCTAssertEqual(view.read(UInt16.self, littleEndianAt: 1), 0x7856)
            XCTAssertEqual(view.uint16(bigEndianAt: 0), 0x3456)
            XCTAssertEqual(view.bytes, [0x34, 0x56, 0x78])
        }
    }

    func testReadsPastEitherEndOfTheViewAreNilNotTheNeighbouringBytes() throws {
        try withMiddleView { view in
            XCTAssertNil(view.byte(at: 3), "byte 3 of a 3-byte view; the buffer's 0x9a must not leak through")
            XCTAssertNil(view.byte(at: -1), "the byte before the view (0x12) must not leak through")
            XCTAssertNil(view.read(UInt16.self, bigEndianAt: 2), "a 16-bit read starting on the last byte runs past the end")
            XCTAssertNil(view.read(UInt32.self, bigEndianAt: 0), "4 bytes from a 3-byte view")
            XCTAssertNil(view.read(UInt32.self, littleEndianAt: 0))
            XCTAssertNil(view.read(UInt64.self, bigEndianAt: 0))
            XCTAssertNil(view.read(UInt16.self, bigEndianAt: Int.max), "an offset near Int.max must not wrap around")
            XCTAssertNil(view.read(UInt16.self, bigEndianAt: Int.min))
            XCTAssertNil(view.byte(at: Int.max))
        }
    }

    func testFieldReadsOutsideTheViewGiveZeroAndAreCounted() throws {
        try withMiddleView { view in
            let before = ByteView.strayReads.load(ordering: .relaxed)
            XCTAssertEqual(view.uint8(at: 3), 0, "not 0x9a, the byte after the view")
            XCTAssertEqual(view.uint16(bigEndianAt: 2), 0, "not 0x789a")
            XCTAssertEqual(view.uint32(bigEndianAt: -1), 0, "not 0x12345678")
            XCTAssertEqual(view.ipv4Address(at: 1), IPv4Address(bigEndianValue: 0))
            XCTAssertEqual(ByteView.strayReads.load(ordering: .relaxed) - before, 4,
                           "each stray field read is counted, so the randomized tests can see one")
        }
    }

    func testViewsAndSubviewsStayInsideWhatWasChecked() throws {
        try bytes.withUnsafeBytes { raw in
            XCTAssertNil(ByteView(raw, start: 1, count: 4, limit: 4), "4 bytes at 1 run past a limit of 4")
            XCTAssertNil(ByteView(raw, start: 0, count: 6, limit: 6), "a limit beyond the buffer is refused")
            XCTAssertNil(ByteView(raw, start: -1, count: 1, limit: 5))
            let view = try XCTUnwrap(ByteView(raw, start: 1, count: 3, limit: 4))
            XCTAssertNil(view.subview(at: 2, count: 2), "the subview would end on the byte after the view")
            XCTAssertNil(view.subview(at: 4, count: 0))
            XCTAssertNil(view.subview(at: 1, count: Int.max))
            let tail = try XCTUnwrap(view.subview(at: 1, count: 2))
            XCTAssertEqual(tail.start, 2)
            XCTAssertEqual(tail.read(UInt16.self, bigEndianAt: 0), 0x5678)
            XCTAssertNil(tail.byte(at: 2), "a subview is as strict as its parent")
        }
    }

    /// The stored option bytes are read through the same view: past what was stored is nil,
    /// even though the inline storage always has 40 bytes of room.
    func testStoredTCPOptionBytesAreReadThroughAView() {
        let stored = TCPOptionBytes([2, 4, 0x05, 0xb4, 1, 1, 4, 2])
        XCTAssertEqual(Array(stored), [2, 4, 0x05, 0xb4, 1, 1, 4, 2])
        stored.withView { view in
            XCTAssertEqual(view.count, 8)
            XCTAssertEqual(view.read(UInt16.self, bigEndianAt: 2), 1460)
            XCTAssertNil(view.byte(at: 8), "byte 8 of 8 stored: the zeroed room after them is not option data")
        }
    }
}
