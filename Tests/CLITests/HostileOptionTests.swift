import Foundation
import XCTest

/// Numbers after options that once crashed osilab or made it allocate their size (issue
/// 17.7): each must stop it with a usage error (exit status 64) that names the option and
/// the range, before anything starts, and never with a signal.
final class HostileOptionTests: XCTestCase {
    struct Case {
        var arguments: [String]
        /// What standard error must contain.
        var message: String
    }

    static let seconds = "give a number of seconds from"
    static let whole = "give a whole number from"

    static let cases: [Case] = [
        Case(arguments: ["serve", "echo", "--idle-timeout", "nan"], message: "--idle-timeout nan: \(seconds) 0.001 to 86400"),
        Case(arguments: ["serve", "echo", "--idle-timeout", "inf"], message: "--idle-timeout inf: \(seconds) 0.001 to 86400"),
        Case(arguments: ["serve", "echo", "--idle-timeout=-inf"], message: "--idle-timeout -inf: \(seconds)"),
        Case(arguments: ["serve", "echo", "--idle-timeout", "1e30"], message: "--idle-timeout 1e+30: \(seconds)"),
        Case(arguments: ["serve", "echo", "--idle-timeout", "0"], message: "--idle-timeout 0.0: \(seconds)"),
        Case(arguments: ["serve", "echo", "--idle-timeout", "1e-300"], message: "--idle-timeout 1e-300: \(seconds)"),
        Case(arguments: ["serve", "echo", "--io-timeout", "1e30"], message: "--io-timeout 1e+30: \(seconds) 0.001 to 3600"),
        Case(arguments: ["serve", "echo", "--io-timeout", "nan"], message: "--io-timeout nan: \(seconds)"),
        Case(arguments: ["serve", "echo", "--io-timeout=-5"], message: "--io-timeout -5.0: \(seconds)"),
        Case(arguments: ["serve", "remote", "--command-timeout", "inf"], message: "--command-timeout inf: \(seconds) 0.001 to 3600"),
        Case(arguments: ["serve", "remote", "--command-timeout", "nan"], message: "--command-timeout nan: \(seconds)"),
        Case(arguments: ["serve", "echo", "--max-connections", "9223372036854775807"],
             message: "--max-connections 9223372036854775807: \(whole) 1 to 10000"),
        Case(arguments: ["serve", "echo", "--max-connections", "0"], message: "--max-connections 0: \(whole) 1 to 10000"),
        Case(arguments: ["serve", "echo", "--max-connections=-9223372036854775808"], message: "--max-connections -9223372036854775808: \(whole)"),
        Case(arguments: ["serve", "files", "--max-request", "9223372036854775807"],
             message: "--max-request 9223372036854775807: \(whole) 16 to 1048576"),
        Case(arguments: ["serve", "files", "--max-request", "1000000000000"], message: "--max-request 1000000000000: \(whole) 16 to 1048576"),
        Case(arguments: ["serve", "files", "--max-request", "15"], message: "--max-request 15: \(whole) 16 to 1048576"),
        Case(arguments: ["serve", "remote", "--max-output", "9223372036854775807"], message: "--max-output 9223372036854775807: \(whole) 1 to 67108864"),
        Case(arguments: ["serve", "remote", "--max-output", "0"], message: "--max-output 0: \(whole)"),
        Case(arguments: ["serve", "echo", "--max-per-peer", "0"], message: "--max-per-peer 0: \(whole) 1 to 512"),
        Case(arguments: ["serve", "echo", "--max-connections", "10", "--max-per-peer", "11"], message: "--max-per-peer 11: \(whole) 1 to 10"),
        Case(arguments: ["serve", "echo", "--max-per-peer", "9223372036854775807"], message: "--max-per-peer 9223372036854775807: \(whole)"),
        Case(arguments: ["serve", "echo", "--port", "9223372036854775807"], message: "--port 9223372036854775807 is not a port"),
        Case(arguments: ["client", "echo", "--timeout", "nan"], message: "--timeout nan: \(seconds) 0.001 to 86400"),
        Case(arguments: ["client", "echo", "--timeout", "inf"], message: "--timeout inf: \(seconds)"),
        Case(arguments: ["client", "echo", "--timeout", "1e30"], message: "--timeout 1e+30: \(seconds)"),
        Case(arguments: ["client", "echo", "--timeout", "0"], message: "--timeout 0.0: \(seconds)"),
        Case(arguments: ["client", "echo", "--port=-1"], message: "--port -1 is not a port"),
        Case(arguments: ["watch", "--count", "0"], message: "--count must be at least 1"),
        Case(arguments: ["watch", "--count=-9223372036854775808"], message: "--count must be at least 1"),
        Case(arguments: ["watch", "--snap-length", "99999999999"], message: "The value '99999999999' is invalid for '--snap-length"),
        Case(arguments: ["watch", "--snap-length", "0"], message: "--snap-length must be between 14 and 262144"),
        Case(arguments: ["handshake", "--recorded", "--width", "9223372036854775807"], message: "--width 9223372036854775807:"),
        Case(arguments: ["experiment", "refused", "--width=-1"], message: "--width -1:"),
    ]

    func testHostileNumbersAreRefusedWithAUsageErrorNotACrash() throws {
        for testCase in HostileOptionTests.cases {
            let command = "osilab " + testCase.arguments.joined(separator: " ")
            let run = try OsilabProcess.run(testCase.arguments, timeout: 20)
            // 64 is EX_USAGE; a trap would end it with SIGILL or SIGTRAP (status 4 or 5, as a signal).
            XCTAssertEqual(run.status, 64, "\(command): \(run.error)")
            XCTAssertTrue(run.error.contains(testCase.message), "\(command): standard error was \(run.error)")
            XCTAssertFalse(run.error.contains("Fatal error"), "\(command): \(run.error)")
        }
    }

    func testTheRangeIsSaidInChineseToo() throws {
        let run = try OsilabProcess.run(["serve", "echo", "--idle-timeout", "nan", "--lang", "zh"])
        XCTAssertEqual(run.status, 64, run.error)
        XCTAssertTrue(run.error.contains("--idle-timeout nan：请给出 0.001 到 86400 之间的秒数"), run.error)
        let client = try OsilabProcess.run(["client", "echo", "--timeout", "inf", "--lang", "zh"])
        XCTAssertEqual(client.status, 64, client.error)
        XCTAssertTrue(client.error.contains("--timeout inf：请给出 0.001 到 86400 之间的秒数"), client.error)
        let count = try OsilabProcess.run(["serve", "echo", "--max-connections", "0", "--lang", "zh"])
        XCTAssertTrue(count.error.contains("--max-connections 0：请给出 1 到 10000 之间的整数"), count.error)
    }
}
