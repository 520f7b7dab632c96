// Grades Exercises/02_SocketAddress.swift: `osilab check socket-address`, or
// `swift test --filter SocketAddressTests`. The checks are in Sources/GradingChecks/SocketAddressChecks.swift.
import Exercises
import GradingChecks
import XCTest

final class SocketAddressTests: XCTestCase {
    func testSplitsHostAndPort() { SocketAddressChecks.hostAndPort(parse) }
    func testReadsBracketedIPv6Addresses() { SocketAddressChecks.bracketedIPv6(parse) }
    func testRejectsMissingHostOrPort() { SocketAddressChecks.missingParts(parse) }
    func testRejectsPortsThatAreNotPlainDigits() { SocketAddressChecks.portsThatAreNotNumbers(parse) }
    func testRejectsPortsAbove65535() { SocketAddressChecks.portRange(parse) }
    func testInsistsOnBracketsAroundIPv6() { SocketAddressChecks.ipv6Brackets(parse) }

    /// The learner's function, its answer in the form the checks compare.
    func parse(_ text: String) -> AddressParse {
        do {
            let address = try parseSocketAddress(text)
            return .parsed(host: address.host, port: address.port)
        } catch {
            return .rejected("\(error)")
        }
    }
}
