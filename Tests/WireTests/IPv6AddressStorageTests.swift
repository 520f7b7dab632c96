import Wire
import XCTest

/// IPv6Address keeps its sixteen bytes in two integers (so decoding allocates nothing); the
/// array-shaped API on top of them must behave as before.
final class IPv6AddressStorageTests: XCTestCase {
    func testGroupsBytesAndTextAgree() throws {
        let address = try XCTUnwrap(IPv6Address("2001:db8::8a2e:370:7334"))
        XCTAssertEqual(address.groups, [0x2001, 0x0db8, 0, 0, 0, 0x8a2e, 0x0370, 0x7334])
        XCTAssertEqual(address.high, 0x2001_0db8_0000_0000)
        XCTAssertEqual(address.low, 0x0000_8a2e_0370_7334)
        XCTAssertEqual(address.bytes, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34])
        XCTAssertEqual(IPv6Address(bytes: address.bytes), address)
        XCTAssertEqual(IPv6Address(groups: address.groups), address)
        XCTAssertEqual(address.description, "2001:db8::8a2e:370:7334")
        XCTAssertNil(IPv6Address(groups: [1, 2, 3]))
        XCTAssertNil(IPv6Address(bytes: [1, 2, 3]))
    }

    func testLoopbackMappedAndOrdering() throws {
        XCTAssertEqual(IPv6Address.loopback.description, "::1")
        XCTAssertTrue(IPv6Address.loopback.isLoopback)
        XCTAssertEqual(IPv6Address.any.description, "::")
        let mapped = try XCTUnwrap(IPv6Address("::ffff:127.0.0.1"))
        XCTAssertEqual(mapped.mappedIPv4, .loopback)
        XCTAssertEqual(mapped.description, "::ffff:127.0.0.1")
        XCTAssertNil(IPv6Address.loopback.mappedIPv4)
        XCTAssertLessThan(IPv6Address.any, IPv6Address.loopback)
        XCTAssertLessThan(try XCTUnwrap(IPv6Address("::2")), try XCTUnwrap(IPv6Address("1::")))
    }

    func testSettingGroups() {
        var address = IPv6Address.any
        address.groups = [0xfe80, 0, 0, 0, 0, 0, 0, 1]
        XCTAssertEqual(address.description, "fe80::1")
        address.groups = [1, 2]
        XCTAssertEqual(address.description, "fe80::1", "a wrong-sized group list leaves the address as it was")
    }
}
