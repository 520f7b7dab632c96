import Capture
import Foundation
import Sockets
import Timeline
import Trace
import Wire
import XCTest

/// osilab's decoding against tcpdump's, segment by segment: tcpdump is the independent
/// truth (#16). For every capture in Fixtures/ (whoever added it: the list is read from the
/// folder) and for captures recorded live on loopback, tcpdump -nn -S -tt -v prints each
/// packet; every TCP segment it decodes must be a segment osilab decodes, with the same
/// addresses, ports, flags, seq, ack, window, payload length and time, and osilab must find
/// no TCP segment where tcpdump finds none.
final class TcpdumpAgreementTests: XCTestCase {
    static let fixtures: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// Documented policy differences, by fixture name and packet number (from 1), each with
    /// the reason osilab is right to differ. Keep it tiny. Where tcpdump stops printing a
    /// segment early (`[bad opt]`, `[|tcp]`), the fields it did not print are simply not
    /// compared, which is a rule of the parser, not an exception.
    static let allowed: [String: [Int: String]] = [
        // The IPv4 total length (58) claims 6 bytes more than the PPPoE length leaves (52).
        // tcpdump says "truncated-ip - 6 bytes missing!" and still prints the Ethernet padding
        // after the PPPoE payload as `length 6` of TCP data; osilab ends the packet where PPPoE
        // says it ends, so the segment carries 0 bytes and the padding stays padding.
        // EncapsulationTests checks the numbers tcpdump gives for that packet.
        "pppoe-short.pcap": [5: "the PPPoE length bounds the IP packet; tcpdump reads the padding as data"],
    ]

    /// Where osilab's relative numbers differ from tcpdump's on purpose. tcpdump counts each
    /// direction from the first segment that carries an ACK (its own seq, and the other
    /// side's number as that ack - 1); osilab counts from the SYN as the notes do (J and K
    /// are 0) and, without a SYN, as Wireshark does (the first segment seen is 1).
    static let relativeAllowed: [String: (packets: Set<Int>, why: String)] = [
        // The SYN-ACK acknowledges J+1+100, so tcpdump's client numbers start 100 later than
        // J: the server's data acknowledges 1 for tcpdump, J+1+100 = 101 for osilab, and the
        // client's FIN is seq 1 against 101. Only the client's numbers differ.
        "tfo-syn-data.pcap": ([4, 6, 7], "tcpdump counts the client from the SYN-ACK's ack, osilab from J"),
        // No SYN: the client's first segment (it carries an ACK) is tcpdump's base for the
        // client, so its FIN shows seq 10; Wireshark's and osilab's base is one before it
        // (the FIN shows 11). The server's numbers come from that ack - 1 in both: they agree.
        "midstream.pcap": ([2, 3, 4, 5, 7], "Wireshark's base (first seq - 1), not tcpdump's (first seq)"),
    ]

    /// One TCP segment as tcpdump printed it.
    struct Printed: Equatable, CustomStringConvertible {
        var seconds: Int64
        var nanoseconds: Int64
        var source: String, sourcePort: UInt16
        var destination: String, destinationPort: UInt16
        var flags: TCPFlags
        /// Printed only when the segment has data, SYN, FIN or RST (tcpdump's rule).
        var sequence: UInt32?
        /// `seq A:B` gives B = A + length.
        var sequenceEnd: UInt32?
        /// Printed only when the ACK flag is set.
        var acknowledgment: UInt32?
        var window: UInt16?
        var length: Int?
        /// tcpdump stopped printing the segment at a bad or cut option (`[bad opt]`, `[|tcp]`),
        /// so what follows the options (the length) is missing from its line.
        var stoppedInOptions = false

        var description: String {
            "\(seconds).\(nanoseconds) \(source).\(sourcePort) > \(destination).\(destinationPort) [\(flags)]"
                + " seq \(sequence.map(String.init) ?? "-") ack \(acknowledgment.map(String.init) ?? "-")"
                + " win \(window.map(String.init) ?? "-") length \(length.map(String.init) ?? "-")"
        }
    }

    // MARK: Running and reading tcpdump

    /// tcpdump's text for `path`: one record per packet (a record's continuation lines start
    /// with white space). Nanosecond precision, so times compare exactly for both kinds of file.
    func tcpdumpRecords(_ path: String, absolute: Bool = true) throws -> [String] {
        let text = try tcpdumpOutput((absolute ? ["-S"] : []) + ["-nn", "-tt", "-v", "--time-stamp-precision=nano", "-r", path],
                                     reading: (path as NSString).lastPathComponent,
                                     // A damaged file makes tcpdump exit 1 after printing what
                                     // came before the damage, which is still compared.
                                     damageExpected: true)
        var records: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let first = line.first, first.isNumber {
                records.append(String(line))
            } else if !records.isEmpty {
                records[records.count - 1] += "\n" + line
            }
        }
        return records
    }

    /// The TCP segment in one tcpdump record, or nil when tcpdump decoded none there (not TCP,
    /// a TCP header too short to read, or TCP quoted inside an ICMP error).
    static func parse(_ record: Substring) -> Printed? {
        let stamp = #/^(\d+)\.(\d+) /#
        let tcp = #/([0-9A-Fa-f:.]+)\.(\d+) > ([0-9A-Fa-f:.]+)\.(\d+): Flags \[([^\]]*)\]/#
        guard let time = record.firstMatch(of: stamp), let match = record.firstMatch(of: tcp),
              let seconds = Int64(time.1), let nanoseconds = Int64(time.2),
              let sourcePort = UInt16(match.2), let destinationPort = UInt16(match.4),
              let flags = flags(match.5) else { return nil }
        // An ICMP error quotes the start of the packet it is about: that is not a segment.
        if record[..<match.range.lowerBound].contains("ICMP") { return nil }
        let rest = record[match.range.upperBound...]
        var printed = Printed(seconds: seconds, nanoseconds: nanoseconds, source: String(match.1), sourcePort: sourcePort,
                              destination: String(match.3), destinationPort: destinationPort, flags: flags)
        if let seq = rest.firstMatch(of: #/, seq (\d+)(?::(\d+))?/#) {
            printed.sequence = UInt32(seq.1)
            printed.sequenceEnd = seq.2.flatMap { UInt32($0) }
        }
        if let ack = rest.firstMatch(of: #/, ack (\d+)/#) { printed.acknowledgment = UInt32(ack.1) }
        if let window = rest.firstMatch(of: #/, win (\d+)/#) { printed.window = UInt16(window.1) }
        if let length = rest.firstMatch(of: #/, length (\d+)/#) { printed.length = Int(length.1) }
        printed.stoppedInOptions = printed.length == nil && (rest.contains("[bad opt]") || rest.contains("[|tcp]"))
        return printed
    }

    /// tcpdump's flag letters (print-tcp.c's tcp_flag_values); `none` for no flag at all.
    static func flags(_ letters: Substring) -> TCPFlags? {
        if letters == "none" { return [] }
        var flags: TCPFlags = []
        for letter in letters {
            switch letter {
            case "F": flags.insert(.fin)
            case "S": flags.insert(.syn)
            case "R": flags.insert(.rst)
            case "P": flags.insert(.psh)
            case ".": flags.insert(.ack)
            case "U": flags.insert(.urg)
            case "E": flags.insert(.ece)
            case "W": flags.insert(.cwr)
            case "e": flags.insert(.ae)
            default: return nil
            }
        }
        return flags
    }

    // MARK: Comparing

    /// Every way osilab's decoding of `path` differs from tcpdump's, as sentences; empty when
    /// they agree. `allowed` names packets whose difference is policy.
    func disagreements(_ path: String, allowed: [Int: String] = [:]) throws -> (problems: [String], segments: Int) {
        let records = try tcpdumpRecords(path)
        var decoded: [(number: Int, segment: Segment?)] = []
        var invalidTimes: [Int: InvalidTimestamp] = [:]
        let file = try CaptureFile(path: path)
        let linkType = LinkType(rawValue: file.dataLink)
        do {
            try file.forEachPacket { header, bytes in
                let number = decoded.count + 1
                let packet = decodePacket(bytes, linkType: linkType, originalLength: header.originalLength)
                decoded.append((number, Segment(packet, number: number, timestamp: header.timestamp)))
                if let invalid = header.invalidTimestamp { invalidTimes[number] = invalid }
                return true
            }
        } catch {
            // A damaged file: both tools stop at the damage; what came before is compared.
        }
        var problems: [String] = []
        if records.count != decoded.count {
            problems.append("tcpdump printed \(records.count) packets, osilab read \(decoded.count)")
        }
        var segments = 0
        for (record, (number, segment)) in zip(records, decoded) where allowed[number] == nil {
            let printed = Self.parse(Substring(record))
            switch (printed, segment) {
            case (nil, nil):
                continue
            case (let printed?, nil):
                problems.append("#\(number): tcpdump decodes a TCP segment (\(printed)), osilab none")
            case (nil, let segment?):
                problems.append("#\(number): osilab decodes a TCP segment (\(segment.source) > \(segment.destination)),"
                                + " tcpdump none: \(record)")
            case (let printed?, let segment?):
                segments += 1
                problems += Self.compare(printed, segment, invalidTime: invalidTimes[number]).map { "#\(number): \($0)" }
            }
        }
        return (problems, segments)
    }

    /// Every way osilab's relative numbers (what `osilab read` prints by default) differ from
    /// tcpdump's relative numbers (tcpdump without -S), on the segments where tcpdump prints
    /// relative ones: those with ACK set, after the first such segment of their connection.
    func relativeDisagreements(_ path: String, allowed: Set<Int> = []) throws -> (problems: [String], compared: Int) {
        let records = try tcpdumpRecords(path, absolute: false)
        let file = try CaptureFile(path: path)
        let linkType = LinkType(rawValue: file.dataLink)
        var tracker = ConnectionTracker()
        var annotated: [AnnotatedSegment?] = []
        do {
            try file.forEachPacket { header, bytes in
                let packet = decodePacket(bytes, linkType: linkType, originalLength: header.originalLength)
                annotated.append(Segment(packet, number: annotated.count + 1, timestamp: header.timestamp).map { tracker.annotate($0) })
                return true
            }
        } catch {
            // A damaged file: what came before the damage is compared.
        }
        var problems: [String] = []
        var compared = 0
        var numbered = Set<ConnectionKey>()
        for (index, (record, segment)) in zip(records, annotated).enumerated() {
            guard let segment, let printed = Self.parse(Substring(record)), segment.segment.flags.contains(.ack) else { continue }
            let key = ConnectionKey(segment.segment.source, segment.segment.destination)
            guard numbered.contains(key) else {
                numbered.insert(key)
                continue
            }
            let number = index + 1
            guard !allowed.contains(number) else { continue }
            compared += 1
            let ownSequence = segment.relativeSequence ?? segment.segment.sequence.rawValue
            let ownAcknowledgment = segment.relativeAcknowledgment ?? segment.segment.acknowledgment.rawValue
            if let sequence = printed.sequence, sequence != ownSequence {
                problems.append("#\(number): relative seq: tcpdump \(sequence), osilab \(ownSequence)")
            }
            if let acknowledgment = printed.acknowledgment, acknowledgment != ownAcknowledgment {
                problems.append("#\(number): relative ack: tcpdump \(acknowledgment), osilab \(ownAcknowledgment)")
            }
        }
        return (problems, compared)
    }

    static func compare(_ printed: Printed, _ segment: Segment, invalidTime: InvalidTimestamp? = nil) -> [String] {
        var problems: [String] = []
        func check<T: Equatable>(_ what: String, _ tcpdump: T, _ osilab: T) {
            if tcpdump != osilab { problems.append("\(what): tcpdump \(tcpdump), osilab \(osilab)") }
        }
        if let invalidTime {
            // A record whose fraction of a second cannot be: osilab places the packet at the
            // start of the recorded second and flags the raw field; tcpdump prints the field's
            // digits after the point (scaled by libpcap, which does not check it). Both must
            // agree on the second, and both must show a fraction of a whole second or more.
            check("time (seconds of an invalid record)", printed.seconds, invalidTime.seconds)
            check("invalid fraction shown as impossible", printed.nanoseconds >= 1_000_000_000, true)
            check("osilab flags the raw field as impossible",
                  Int64(invalidTime.fraction) >= (invalidTime.isNanoseconds ? 1_000_000_000 : 1_000_000), true)
        } else {
            check("time", "\(printed.seconds).\(printed.nanoseconds)",
                  "\(segment.timestamp.seconds).\(segment.timestamp.nanosecondsOfSecond)")
        }
        check("source", "\(printed.source).\(printed.sourcePort)", "\(segment.source.address).\(segment.source.port)")
        check("destination", "\(printed.destination).\(printed.destinationPort)",
              "\(segment.destination.address).\(segment.destination.port)")
        check("flags", printed.flags.rawValue, segment.flags.rawValue)
        if let sequence = printed.sequence { check("seq", sequence, segment.sequence.rawValue) }
        if let end = printed.sequenceEnd, let start = printed.sequence {
            check("seq end - seq", Int(end &- start), segment.payloadLength)
        }
        // tcpdump prints seq whenever the segment has data, SYN, FIN or RST: osilab must see the same.
        let needsSequence = segment.payloadLength > 0 || !segment.flags.intersection([.syn, .fin, .rst]).isEmpty
        check("seq printed", needsSequence, printed.sequence != nil)
        check("ack printed", segment.flags.contains(.ack), printed.acknowledgment != nil)
        if let acknowledgment = printed.acknowledgment { check("ack", acknowledgment, segment.acknowledgment.rawValue) }
        if let window = printed.window { check("win", window, segment.window) }
        if !printed.stoppedInOptions { check("length", printed.length, Optional(segment.payloadLength)) }
        return problems
    }

    func requireTcpdump() throws {
        guard FileManager.default.isExecutableFile(atPath: tcpdumpPath) else {
            XCTFail("tcpdump is the independent truth of these tests: install it (apt-get install tcpdump)")
            throw CocoaError(.fileNoSuchFile)
        }
    }

    // MARK: The tests

    func testTheParserReadsTcpdumpsLines() {
        // Lines tcpdump 4.99 printed for handshake-ipv6.pcap and handshake-ipv4.pcap.
        let v6 = Self.parse("1795643764.979493000 IP6 (flowlabel 0x0b405, hlim 64, next-header TCP (6) payload length: 47)"
            + " ::1.41760 > ::1.47002: Flags [P.], cksum 0x0037 (incorrect -> 0x936f), seq 269221885:269221900,"
            + " ack 770428555, win 64, options [nop,nop,TS val 2824865489 ecr 1246475626], length 15")
        XCTAssertEqual(v6, Printed(seconds: 1_795_643_764, nanoseconds: 979_493_000, source: "::1", sourcePort: 41760,
                                   destination: "::1", destinationPort: 47002, flags: [.psh, .ack], sequence: 269_221_885,
                                   sequenceEnd: 269_221_900, acknowledgment: 770_428_555, window: 64, length: 15))
        let v4 = Self.parse("1795643762.926709000 IP (tos 0x0, ttl 64, id 997, offset 0, flags [DF], proto TCP (6), length 60)\n"
            + "    127.0.0.1.58392 > 127.0.0.1.47001: Flags [SEW], cksum 0xfe30 (incorrect -> 0x153a), seq 2320520239,"
            + " win 65495, options [mss 65495,sackOK,TS val 3977040773 ecr 0,nop,wscale 10], length 0")
        XCTAssertEqual(v4?.flags, [.syn, .ece, .cwr])
        XCTAssertEqual(v4?.length, 0, "the IP header's `length 60` is not the segment's")
        XCTAssertNil(v4?.acknowledgment)
        let badOption = Self.parse("1795643762.926709000 IP (tos 0x0, ttl 64, id 997, offset 0, flags [DF], proto TCP (6), length 60)\n"
            + "    127.0.0.1.58392 > 127.0.0.1.47001: Flags [S], cksum 0xfe30 (incorrect -> 0x153d), seq 2320520239, win 65495, options [[bad opt]")
        XCTAssertEqual(badOption?.stoppedInOptions, true, "tcpdump prints no length after a bad option")
        XCTAssertEqual(badOption?.window, 65495)
        XCTAssertNil(Self.parse("1795643762.926709000 IP truncated-ip - 30 bytes missing! (tos 0x0, ttl 64)\n"
            + "    127.0.0.1.58392 > 127.0.0.1.47001:  [|tcp]"), "no flags printed: tcpdump decoded no segment")
    }

    func testEveryFixtureAgreesWithTcpdumpOnEverySegment() throws {
        try requireTcpdump()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
            .sorted()
        XCTAssertGreaterThanOrEqual(names.count, 24, "the fixtures are missing")
        var total = 0
        for name in names {
            let (problems, segments) = try disagreements(Self.fixtures.appendingPathComponent(name).path,
                                                         allowed: Self.allowed[name] ?? [:])
            total += segments
            XCTAssertEqual(problems, [], "\(name): osilab and tcpdump disagree:\n" + problems.joined(separator: "\n"))
        }
        XCTAssertGreaterThanOrEqual(total, 200, "the fixtures hold a few hundred segments; did tcpdump print nothing?")
    }

    func testRelativeNumbersAgreeWithTcpdumpsOwn() throws {
        try requireTcpdump()
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
            .sorted()
        var total = 0
        for name in names {
            let allowed = Self.relativeAllowed[name]?.packets ?? []
            let (problems, compared) = try relativeDisagreements(Self.fixtures.appendingPathComponent(name).path, allowed: allowed)
            total += compared
            XCTAssertEqual(problems, [], "\(name): relative numbers differ from tcpdump's:\n" + problems.joined(separator: "\n"))
        }
        XCTAssertGreaterThanOrEqual(total, 100, "relative numbers were compared on the fixtures' segments")
        // The allowed packets really differ: an entry that no longer does must go.
        for (name, entry) in Self.relativeAllowed {
            let (problems, _) = try relativeDisagreements(Self.fixtures.appendingPathComponent(name).path)
            let differing = Set(problems.compactMap { $0.split(separator: ":").first.flatMap { Int($0.dropFirst()) } })
            XCTAssertEqual(differing, entry.packets, "\(name): the allow-list (\(entry.why)) names packets that agree, or misses some")
        }
    }

    func testTheNewFixturesHoldTheirCases() throws {
        // The hand-built cases must reach tcpdump as built, or the agreement above proves little.
        try requireTcpdump()
        func printed(_ name: String) throws -> [Printed] {
            try tcpdumpRecords(Self.fixtures.appendingPathComponent(name).path).compactMap { Self.parse(Substring($0)) }
        }
        let tfo = try printed("tfo-syn-data.pcap")
        XCTAssertEqual(tfo.first?.flags, [.syn])
        XCTAssertEqual(tfo.first?.length, 100, "a SYN with 100 bytes of data")
        XCTAssertEqual(tfo[1].acknowledgment, tfo[0].sequence.map { $0 + 101 }, "acknowledged J+1+100")
        let reversed = try printed("synack-before-syn.pcap")
        XCTAssertEqual(reversed.prefix(2).map(\.flags), [[.syn, .ack], [.syn]], "the SYN-ACK comes first")
        XCTAssertGreaterThan(reversed[0].nanoseconds, reversed[1].nanoseconds, "and its timestamp is later")
        let midstream = try printed("midstream.pcap")
        XCTAssertFalse(midstream.contains { $0.flags.contains(.syn) }, "no SYN at all")
        let ecn = try printed("ecn-setup.pcap")
        XCTAssertEqual(ecn.first?.flags, [.syn, .ece, .cwr])
        XCTAssertEqual(ecn.last?.flags, [.ece])
        let resets = try printed("rst-ack.pcap")
        XCTAssertEqual(resets.filter { $0.flags == [.rst, .ack] }.count, 2)
    }

    /// Records a real exchange on loopback with the project's libpcap capture, writes it as
    /// osilab writes captures, and holds osilab's reading of that file against tcpdump's.
    func liveExchange(_ family: AddressFamily) throws {
        try requireTcpdump()
        XCTAssertEqual(geteuid(), 0, "live capture needs root: run ./scripts/test (it uses sudo)")
        let listener = try Socket(family: family, type: .stream, role: "server")
        defer { listener.close() }
        try listener.bind(to: family == .inet6 ? .ipv6(.loopback, port: 0) : .ipv4(.loopback, port: 0))
        try listener.listen()
        let address = try listener.localAddress()
        let port = try XCTUnwrap(address.port)
        let live = try LiveCapture(options: CaptureOptions(filter: "tcp port \(port)"))
        let background = live.startInBackground()
        do {
            let client = try Socket(family: family, type: .stream)
            try client.connect(to: address)
            let (connection, _) = try listener.accept()
            try client.sendAll(Array("hello, tcpdump".utf8))
            _ = try connection.recv(maxBytes: 64)
            try connection.sendAll(Array("HELLO".utf8))
            _ = try client.recv(maxBytes: 64)
            client.close()
            _ = try connection.recv(maxBytes: 64)
            connection.close()
        }
        // Handshake 3, two data segments and their ACKs 4, two FINs and the last ACK 3.
        _ = background.waitUntil(timeout: .seconds(3)) { $0.count >= 10 }
        let (packets, _) = try background.stop()
        XCTAssertGreaterThanOrEqual(packets.count, 8, "the exchange was captured")

        let path = NSTemporaryDirectory() + "osilab-agreement-\(getpid())-\(family == .inet6 ? 6 : 4).pcap"
        defer { unlink(path) }
        let writer = try CaptureWriter(path: path, dataLink: packets.first?.dataLink ?? 1)
        for packet in packets { writer.write(packet) }
        writer.close()
        let (problems, segments) = try disagreements(path)
        XCTAssertEqual(segments, packets.count, "every captured packet is a TCP segment both tools decode")
        XCTAssertEqual(problems, [], "live capture: osilab and tcpdump disagree:\n" + problems.joined(separator: "\n"))
        let (relative, compared) = try relativeDisagreements(path)
        XCTAssertGreaterThan(compared, 4, "relative numbers were compared on the data and teardown")
        XCTAssertEqual(relative, [], "live capture: relative numbers differ from tcpdump's:\n" + relative.joined(separator: "\n"))
    }

    func testALiveIPv4ExchangeAgreesWithTcpdump() throws {
        try liveExchange(.inet)
    }

    func testALiveIPv6ExchangeAgreesWithTcpdump() throws {
        try liveExchange(.inet6)
    }
}
