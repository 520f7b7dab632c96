import Foundation
import XCTest

/// tcpdump, the independent decoder these tests trust: where Debian puts it.
let tcpdumpPath = "/usr/bin/tcpdump"

/// Runs tcpdump with `arguments` and returns what it printed on standard output; fails the
/// calling test (naming `what`) when tcpdump is missing or, unless `damageExpected`, exits
/// with an error. Standard error ("reading from file ...") is not part of the reading.
func tcpdumpOutput(_ arguments: [String], reading what: String, damageExpected: Bool = false,
                   file: StaticString = #filePath, line: UInt = #line) throws -> String {
    guard FileManager.default.isExecutableFile(atPath: tcpdumpPath) else {
        XCTFail("tcpdump is needed as the independent decoder (apt-get install tcpdump)", file: file, line: line)
        return ""
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tcpdumpPath)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if !damageExpected {
        XCTAssertEqual(process.terminationStatus, 0, "tcpdump reads \(what)", file: file, line: line)
    }
    return String(decoding: data, as: UTF8.self)
}

/// ``tcpdumpOutput(_:reading:file:line:)`` for the capture file at `path`, one element per line.
func tcpdumpLines(reading path: String, options: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    try tcpdumpOutput(options + ["-r", path], reading: (path as NSString).lastPathComponent, file: file, line: line)
        .split(separator: "\n").map(String.init)
}
