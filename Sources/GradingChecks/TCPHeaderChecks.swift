// Checks for exercise 4, tcp-header (lessons 1 and 4).
import Capture
import Foundation
import TextUI
import Wire

/// The learner's parsed header in the form the checks compare.
public struct ParsedTCPHeader: Equatable, Sendable, CustomStringConvertible {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var headerLength: Int
    /// Only the classic eight flags (byte 13) are compared.
    public var flags: UInt8
    public var window: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32,
                headerLength: Int, flags: TCPFlags, window: UInt16) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.headerLength = headerLength
        self.flags = UInt8(truncatingIfNeeded: flags.rawValue)
        self.window = window
    }

    public var description: String { shown(in: .english) }

    /// The header as a failure message shows it, in `language`.
    public func shown(in language: Language) -> String {
        let say = StringTable<CheckText>(language)
        return say(.headerShown, "\(sourcePort)", "\(destinationPort)", "\(sequence)", "\(acknowledgment)", "\(headerLength)",
                   TCPHeaderChecks.flagNames(flags, say), "\(window)")
    }
}

/// Grades `parseTCPHeader(_:)`.
public enum TCPHeaderChecks {
    public typealias Parse = ([UInt8]) -> ParsedTCPHeader?

    /// The flags by name (`SYN,ACK`), or the sentence for none.
    static func flagNames(_ flags: UInt8, _ say: StringTable<CheckText>) -> String {
        flags == 0 ? say(.flagsNone) : "\(TCPFlags(rawValue: UInt16(flags)))"
    }

    /// A header in the language the checks speak.
    static func show(_ header: ParsedTCPHeader) -> String { header.shown(in: CheckLanguage.current) }

    enum Field {
        case sourcePort, destinationPort, sequence, acknowledgment, headerLength, flags, window

        var name: CheckText {
            switch self {
            case .sourcePort: .fieldSourcePort
            case .destinationPort: .fieldDestinationPort
            case .sequence: .fieldSequence
            case .acknowledgment: .fieldAcknowledgment
            case .headerLength: .fieldHeaderLength
            case .flags: .fieldFlags
            case .window: .fieldWindow
            }
        }
    }

    /// Every TCP header in the captures that ship with the lessons, with what Wire's
    /// decoder read from it: (bytes from the TCP header on, the header, a label).
    static func recordedHeaders() throws -> [([UInt8], TCPHeader, String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var result: [([UInt8], TCPHeader, String)] = []
        for name in ["handshake.pcap", "handshake-ipv6.pcap"] {
            let path = root.appendingPathComponent("Lessons/captures/\(name)").path
            for (index, packet) in try CaptureFile(path: path).readAll().enumerated() {
                let decoded = decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink))
                guard let tcp = decoded.tcp else { continue }
                result.append((Array(packet.bytes[tcp.range.lowerBound...]), tcp, say(.packetOf, "\(index + 1)", name)))
            }
        }
        return result
    }

    /// What a correct parse of `bytes` gives, read independently of the learner's code.
    static func expected(_ bytes: [UInt8]) -> ParsedTCPHeader? {
        guard bytes.count >= 20 else { return nil }
        let length = Int(bytes[12] >> 4) * 4
        guard length >= 20, length <= bytes.count else { return nil }
        func be(_ at: Int, _ count: Int) -> UInt32 { bytes[at..<(at + count)].reduce(0) { $0 << 8 | UInt32($1) } }
        return ParsedTCPHeader(
            sourcePort: UInt16(be(0, 2)), destinationPort: UInt16(be(2, 2)), sequence: be(4, 4), acknowledgment: be(8, 4),
            headerLength: length, flags: TCPFlags(rawValue: UInt16(bytes[13])), window: UInt16(be(14, 2)))
    }

    /// A sentence about the first field that differs, with a byte-order hint when it fits.
    static func difference(_ got: ParsedTCPHeader, _ want: ParsedTCPHeader) -> String {
        let fields: [(Field, UInt64, UInt64, Bool)] = [
            (.sourcePort, UInt64(got.sourcePort), UInt64(want.sourcePort), got.sourcePort == want.sourcePort.byteSwapped),
            (.destinationPort, UInt64(got.destinationPort), UInt64(want.destinationPort), got.destinationPort == want.destinationPort.byteSwapped),
            (.sequence, UInt64(got.sequence), UInt64(want.sequence), got.sequence == want.sequence.byteSwapped),
            (.acknowledgment, UInt64(got.acknowledgment), UInt64(want.acknowledgment), got.acknowledgment == want.acknowledgment.byteSwapped),
            (.headerLength, UInt64(got.headerLength), UInt64(want.headerLength), false),
            (.flags, UInt64(got.flags), UInt64(want.flags), false),
            (.window, UInt64(got.window), UInt64(want.window), got.window == want.window.byteSwapped),
        ]
        let say = say
        for (field, mine, theirs, byteSwapped) in fields where mine != theirs {
            let (name, should, read) = (say(field.name), "\(theirs)", "\(mine)")
            if byteSwapped { return say(.fieldByteSwapped, name, should, read) }
            switch field {
            case .headerLength: return say(.fieldHeaderLengthWrong, name, should, read)
            case .flags:
                return say(.fieldFlagsWrong, name, should, read, flagNames(UInt8(truncatingIfNeeded: theirs), say),
                           flagNames(UInt8(truncatingIfNeeded: mine), say))
            default: return say(.fieldWrong, name, should, read)
            }
        }
        return say(.fieldsDiffer)
    }

    public static func recordedPackets(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let headers: [([UInt8], TCPHeader, String)]
        do {
            headers = try recordedHeaders()
        } catch {
            fail(say(.capturesUnreadable, describe(error)), site)
            return
        }
        if headers.isEmpty { fail(say(.capturesEmpty), site) }
        for (bytes, header, label) in headers {
            let want = ParsedTCPHeader(
                sourcePort: header.sourcePort, destinationPort: header.destinationPort, sequence: header.sequence.rawValue,
                acknowledgment: header.acknowledgment.rawValue, headerLength: header.headerLength,
                flags: header.flags, window: header.window)
            guard let got = parse(bytes) else {
                fail(say(.recordedNil, label, header.flags.tcpdumpStyle, "\(bytes.count)", show(want)), site)
                return
            }
            if got != want {
                fail(say(.recordedWrong, label, header.flags.tcpdumpStyle, difference(got, want), show(want)), site)
                return
            }
        }
    }

    public static func optionsAndData(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        // A 24-byte header (MSS option) followed by 3 bytes of data.
        let bytes: [UInt8] = [0x11, 0xc1, 0x00, 0x50, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x60, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x61, 0x62, 0x63]
        guard let want = expected(bytes) else { return }
        guard let got = parse(bytes) else {
            fail(say(.optionsNil), site)
            return
        }
        if got != want { fail(say(.optionsWrong, difference(got, want)), site) }
    }

    public static func tooShort(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let full: [UInt8] = [0x83, 0x20, 0xa4, 0x37, 0xe3, 0x1a, 0x0b, 0xa1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xd7, 0, 0, 0, 0]
        for count in 0..<20 {
            if let got = parse(Array(full.prefix(count))) {
                fail(say(.tooShortParsed, "\(count)", show(got)), site)
                return
            }
        }
    }

    public static func impossibleOffsets(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        var bytes: [UInt8] = [0x83, 0x20, 0xa4, 0x37, 0xe3, 0x1a, 0x0b, 0xa1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xd7, 0, 0, 0, 0]
        for offset: UInt8 in 0..<5 {
            bytes[12] = offset << 4
            if let got = parse(bytes) {
                fail(say(.offsetTooSmall, "\(offset)", "\(offset * 4)", show(got)), site)
                return
            }
        }
        for offset: UInt8 in 6...15 {
            bytes[12] = offset << 4
            if let got = parse(bytes) {
                fail(say(.offsetTooBig, "\(Int(offset) * 4)", show(got)), site)
                return
            }
        }
    }

    /// Thousands of random byte strings, the same every run. A parser that crashes ends the
    /// whole grading run, which `osilab check` reports with the line that crashed.
    public static func randomBytes(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        var generator = SplitMix(seed: 0x05_1A_B0_00)
        for _ in 0..<3000 {
            let count = Int(generator.next() % 72)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Make plausible offsets common, so both outcomes are tried often.
            if count > 12, generator.next() % 2 == 0 { bytes[12] = UInt8(5 + generator.next() % 11) << 4 }
            let want = expected(bytes)
            let got = parse(bytes)
            if got != want {
                let shown = bytes.prefix(24).map { String(format: "%02x", $0) }.joined(separator: " ") + (count > 24 ? " ..." : "")
                switch (got, want) {
                case (nil, let want?):
                    fail(say(.randomNil, "\(count)", shown, show(want)), site)
                case (let got?, nil):
                    fail(say(.randomParsed, "\(count)", shown, show(got)), site)
                case (let got?, let want?):
                    fail(say(.randomDiffer, "\(count)", shown, difference(got, want)), site)
                case (nil, nil):
                    break
                }
                return
            }
        }
    }
}

/// A small deterministic random number generator (SplitMix64), so a failing input can be
/// found again: every run tries the same bytes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
