import Foundation
@testable import Report
@testable import Timeline
import Trace
import Wire
import TestSupport
import XCTest

/// The byte writers behind `osilab read`'s lines must print exactly what `description`
/// and string interpolation print: the fixture outputs depend on it.
final class TextBytesTests: XCTestCase {
    func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func testDecimalsMatchStringConversion() {
        for value: UInt64 in [0, 7, 9, 10, 99, 100, 65_535, 4_294_967_295, 1_000_000_000, UInt64.max] {
            XCTAssertEqual(text { $0.appendDecimal(value) }, String(value))
        }
        XCTAssertEqual(text { $0.appendDecimal(Int64(-42)) }, "-42")
        XCTAssertEqual(text { $0.appendDecimal(Int.min) }, String(Int.min))
    }

    func testWidthPadsWithZerosOnTheLeftOnly() {
        XCTAssertEqual(text { $0.appendDecimal(UInt64(5), width: 2) }, "05")
        XCTAssertEqual(text { $0.appendDecimal(UInt64(123), width: 2) }, "123", "a width never cuts digits")
        XCTAssertEqual(text { $0.appendDecimal(UInt64(1_234), width: 9) }, "000001234")
        XCTAssertEqual(text { $0.appendDecimal(UInt64(0), width: 9) }, "000000000")
    }

    func testEndpointsMatchTheirDescription() {
        let endpoints = [
            IPEndpoint(.v4(IPv4Address(127, 0, 0, 1)), 4545),
            IPEndpoint(.v4(IPv4Address(255, 255, 255, 255)), 65535),
            IPEndpoint(.v4(IPv4Address(0, 0, 0, 0)), 0),
            IPEndpoint(.v6(.loopback), 4545),
            IPEndpoint(.v6(IPv6Address(high: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0001)), 80),
        ]
        for endpoint in endpoints {
            XCTAssertEqual(text { $0.appendEndpoint(endpoint) }, endpoint.description)
        }
    }

    func testTimeOfDayIsLocalAndNanosecondPrecise() {
        let lines = PacketLines(utcOffsetSeconds: 3600)
        let instant = Instant(seconds: 1_700_000_000, nanoseconds: 1_234)  // 22:13:20 UTC
        XCTAssertEqual(lines.timeOfDay(instant), "23:13:20.000001234")
        XCTAssertEqual(PacketLines(utcOffsetSeconds: -23 * 3600).timeOfDay(instant), "23:13:20.000001234",
                       "a negative offset wraps to the previous day")
    }

    func testFlagNamesInTheLabsOrder() {
        XCTAssertEqual(PacketText.flagName([.syn, .ack]), "SYN-ACK")
        XCTAssertEqual(PacketText.flagName([.fin, .psh, .ack]), "FIN-PSH-ACK")
        XCTAssertEqual(PacketText.flagName([]), "(no flags)")
    }
}
