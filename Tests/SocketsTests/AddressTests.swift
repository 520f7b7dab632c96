import Sockets
import Wire
import XCTest

final class AddressTests: XCTestCase {
    func testParsesAndPrintsTheLabsAddressForms() throws {
        XCTAssertEqual(try SocketAddress(parsing: "127.0.0.1:4545"), .ipv4(.loopback, port: 4545))
        XCTAssertEqual(try SocketAddress(parsing: "[::1]:4545"), .ipv6(.loopback, port: 4545))
        XCTAssertEqual(try SocketAddress(parsing: "unix:/tmp/lab.sock"), .unix(path: "/tmp/lab.sock"))
        XCTAssertEqual(SocketAddress.ipv4(.loopback, port: 4545).description, "127.0.0.1:4545")
        XCTAssertEqual(SocketAddress.ipv6(.loopback, port: 4545).description, "[::1]:4545")
        XCTAssertEqual(try SocketAddress(parsing: "0.0.0.0:0").port, 0)
        XCTAssertEqual(try SocketAddress(parsing: "[::ffff:127.0.0.1]:65535").port, 65535)
        XCTAssertEqual(try HostAndPort(parsing: "localhost:9999"), HostAndPort(host: "localhost", port: 9999))
    }

    func testRejectsMalformedAddressesWithTheReason() {
        let cases: [(String, AddressError.Problem)] = [
            ("127.0.0.1", .missingPort),
            ("127.0.0.1:", .missingPort),
            ("127.0.0.1:65536", .portOutOfRange),
            ("127.0.0.1:99999999999999999999", .portOutOfRange),
            ("127.0.0.1:-1", .portNotANumber),
            ("127.0.0.1:4x", .portNotANumber),
            (":80", .emptyHost),
            ("::1:80", .ipv6NeedsBrackets),
            ("[::1:80", .unclosedBracket),
            ("[::g]:80", .malformedIPv6),
            ("[::1]80", .missingPort),
            ("bad host:80", .malformedHost),
            ("localhost:80", .notNumericHost),
            ("256.1.1.1:80", .notNumericHost),
        ]
        for (text, problem) in cases {
            XCTAssertThrowsError(try SocketAddress(parsing: text), "'\(text)' must be rejected") { error in
                XCTAssertEqual((error as? AddressError)?.problem, problem, "'\(text)'")
            }
        }
        XCTAssertThrowsError(try SocketAddress(host: "127.0.0.1", port: 70000)) { error in
            XCTAssertEqual((error as? AddressError)?.problem, .portOutOfRange)
            XCTAssertTrue("\(error)".contains("between 0 and 65535"))
        }
    }

    func testIPv6TextFollowsRFC5952() {
        let cases = [
            ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("::", "::"),
            ("::1", "::1"),
            ("fe80::", "fe80::"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(IPv6Address(input)?.description, expected, input)
        }
        for bad in ["1:2:3:4:5:6:7:8:9", "1::2::3", ":::", "12345::", "g::", "1:2:3:4:5:6:7", ""] {
            XCTAssertNil(IPv6Address(bad), "'\(bad)' is not an IPv6 address")
        }
    }

    func testIPv4TextIsStrict() {
        XCTAssertEqual(IPv4Address("10.0.0.255"), IPv4Address(10, 0, 0, 255))
        for bad in ["1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..3.4", "a.b.c.d", "1.2.3.4 ", "١.2.3.4"] {
            XCTAssertNil(IPv4Address(bad), "'\(bad)' is not an IPv4 address")
        }
    }
}
