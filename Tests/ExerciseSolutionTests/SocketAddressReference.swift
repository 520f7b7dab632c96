// The reference solution of exercise socket-address must pass the same checks as the learner's code.
// Run by scripts/prove-exercises; the class name never matches `--filter SocketAddressTests`.
import ExerciseSolutions
import GradingChecks
import XCTest

final class SocketAddressReference: XCTestCase {
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
