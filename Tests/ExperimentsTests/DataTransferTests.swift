import Capture
import Experiments
import Foundation
import Report
import Sockets
import Trace
import XCTest

/// The data-transfer and retransmit experiments, checked against tcpdump's reading of the
/// packets they captured (written to a pcap file, read back with `tcpdump -nn -tt -S`) and
/// against numbers computed by hand: an ACK number is the first sequence number plus the
/// bytes received.
final class DataTransferTests: ExperimentTestCase {
    func testAckNumbersAreSeqPlusBytesTheWindowClosesAndNagleWaitsForTheDelayedAck() throws {
        let outcome = try run(DataTransfer())
        assertClaimsHold(outcome)
        let lines = try tcpdumpReading(outcome)
        let server = try XCTUnwrap(outcome.server?.port)
        let clients = lines.filter { $0.flags == "S" && $0.destination == server }.map(\.source)
        XCTAssertEqual(clients.count, 4, "four connections, four SYNs, as tcpdump reads them")
        guard clients.count == 4 else { return }

        // 1: ack = J + 1 + the bytes, by hand.
        let syn = try XCTUnwrap(lines.first { $0.flags == "S" && $0.source == clients[0] })
        let data = lines.filter { $0.source == clients[0] && $0.length > 0 }
        XCTAssertEqual(data.map(\.length), DataTransfer.messageSizes, "one segment per message (TCP_NODELAY)")
        let total = DataTransfer.messageSizes.reduce(0, +)
        let expected = syn.sequence &+ 1 &+ UInt32(total)
        let beforeFIN = lines.prefix { !($0.flags.contains("F") && ($0.source == clients[0] || $0.destination == clients[0])) }
        let serverAcks = beforeFIN.filter { $0.source == server && $0.destination == clients[0] }.compactMap(\.ack)
        XCTAssertEqual(serverAcks.last, expected, "the server's last ACK before the teardown is J + 1 + \(total)")
        for segment in data {
            XCTAssertTrue(serverAcks.contains(segment.sequence &+ UInt32(segment.length)),
                          "the segment at seq \(segment.sequence) (\(segment.length) bytes) was acknowledged with seq + len")
        }
        XCTAssertEqual(outcome.facts["ack-after-data"], String(total + 1))
        XCTAssertEqual(outcome.facts["ack-after-reply"], String(DataTransfer.replySize + 1))
        XCTAssertEqual(outcome.facts["ack-is-next-byte"], "yes")
        XCTAssertEqual(outcome.facts["client-window-scale"], syn.windowScale.map(String.init),
                       "the scale the SYN offered, as tcpdump prints it (wscale N)")

        // 2: the window reaches 0, the client probes, the window opens again.
        let second = lines.filter { $0.source == clients[1] || $0.destination == clients[1] }
        let zero = try XCTUnwrap(second.firstIndex { $0.source == server && $0.window == 0 }, "tcpdump saw win 0")
        let reopened = second[zero...].firstIndex { $0.source == server && ($0.window ?? 0) > 0 } ?? second.endIndex
        let probes = second[zero..<reopened].filter { $0.source == clients[1] && $0.length == 0 && $0.flags == "." }
        XCTAssertGreaterThanOrEqual(probes.count, 1, "the client sent zero-window probes while the window was 0")
        XCTAssertEqual(outcome.facts["zero-window-probes"], String(min(probes.count, 3)))
        XCTAssertEqual(outcome.facts["window-zero-seen"], "yes")
        XCTAssertLessThan(reopened, second.endIndex, "the window opened again after the server read")
        let sent = second.filter { $0.source == clients[1] }.map(\.length).reduce(0, +)
        XCTAssertEqual(sent, DataTransfer.fillBytes, "every byte the client's send() took went over the wire")

        // 3 and 4: the measured request is the last \(pieces * pieceSize) bytes each client sent.
        func lastRequest(_ client: UInt16) -> [Line] {
            var bytes = 0
            var request: [Line] = []
            for line in lines.filter({ $0.source == client && $0.length > 0 }).reversed() where bytes < DataTransfer.pieces * DataTransfer.pieceSize {
                bytes += line.length
                request.insert(line, at: 0)
            }
            return request
        }
        let nagle = lastRequest(clients[2])
        let nodelay = lastRequest(clients[3])
        XCTAssertEqual(nodelay.map(\.length), Array(repeating: DataTransfer.pieceSize, count: DataTransfer.pieces),
                       "with TCP_NODELAY every write is a segment")
        XCTAssertEqual(nagle.count, 2, "with Nagle the first write goes at once and the other four together")
        XCTAssertEqual(nagle.map(\.length), [DataTransfer.pieceSize, (DataTransfer.pieces - 1) * DataTransfer.pieceSize])
        if nagle.count == 2 {
            let gap = nagle[1].time - nagle[0].time
            XCTAssertGreaterThan(gap, 0.02, "the held bytes waited for the server's delayed ACK (at least 40 ms on Linux)")
        }
        XCTAssertEqual(outcome.facts["segments-with-nagle"], String(nagle.count))
        XCTAssertEqual(outcome.facts["segments-with-nodelay"], String(nodelay.count))
        XCTAssertEqual(outcome.facts["nagle-waited-for-ack"], "yes")
    }

    func testWithoutCaptureTheBytesAndQueuesAreStillChecked() throws {
        let outcome = try run(DataTransfer(), capture: false)
        XCTAssertTrue(outcome.explanation.allClaimsHold, "\(outcome.explanation.contradictions.map(\.text))")
        XCTAssertNil(outcome.facts["ack-after-data"], "no fact is made up without a capture")
        let reads = calls(outcome, .recv, role: "server 2").compactMap(\.returnedCount).reduce(0, +)
        XCTAssertEqual(reads, DataTransfer.fillBytes, "the server read every byte once it started reading")
    }

    func testARetransmissionResendsTheSameSequenceNumberWithGrowingWaits() throws {
        let outcome = try run(Retransmit())
        assertClaimsHold(outcome)
        let lines = try tcpdumpReading(outcome)
        let syn = try XCTUnwrap(lines.first { $0.flags == "S" })
        let first = "first message".utf8.count
        let second = "second message".utf8.count
        // By hand: the second message starts after the SYN's number and the first message's bytes.
        let start = syn.sequence &+ 1 &+ UInt32(first)
        let copies = lines.filter { $0.source == syn.source && $0.length == second }
        XCTAssertEqual(copies.count, Retransmit.drops + 1, "the original, dropped \(Retransmit.drops) times, and the copy that got through")
        XCTAssertTrue(copies.allSatisfy { $0.sequence == start }, "every copy starts at J + 1 + \(first): \(copies.map(\.sequence))")
        let waits = zip(copies.dropFirst(), copies).map { $0.time - $1.time }
        XCTAssertGreaterThanOrEqual(waits.first ?? 0, 0.19, "no resend before about 200 ms, though lo's round trip is microseconds")
        if waits.count >= 2 {
            let ratio = waits[waits.count - 1] / waits[waits.count - 2]
            XCTAssertTrue(ratio > 1.6 && ratio < 2.5, "the last wait doubled the one before: \(waits)")
        }
        let serverAck = lines.last { $0.destination == syn.source && $0.flags == "." && $0.ack == start &+ UInt32(second) }
        XCTAssertNotNil(serverAck, "the server acknowledged the second message once a copy got through")
        XCTAssertEqual(outcome.facts["copies-dropped"], String(Retransmit.drops), "the nft counter")
        XCTAssertEqual(outcome.facts["retransmissions"], String(Retransmit.drops))
        XCTAssertEqual(outcome.facts["retransmitted-seq-same"], "yes")
        XCTAssertEqual(outcome.facts["first-resend-after"], "100ms-to-1s")
        XCTAssertEqual(outcome.facts["last-wait-doubled"], "yes")
        let probes = Int(outcome.facts["loss-probes"] ?? "") ?? -1, timeouts = Int(outcome.facts["timeouts"] ?? "") ?? -1
        XCTAssertEqual(probes + timeouts, Retransmit.drops, "the namespace's TcpExt counters count every resend")
        let recv = try XCTUnwrap(calls(outcome, .recv, role: "server").last)
        let waited = try XCTUnwrap(recv.blockedNanoseconds)
        XCTAssertGreaterThan(Double(waited) / 1e9, waits.reduce(0, +) - 0.01, "recv() waited for the copy that got through")
    }

    // MARK: tcpdump as the witness

    struct Line {
        var time: Double
        var source: UInt16
        var destination: UInt16
        var flags: String
        var sequence: UInt32
        var length: Int
        var ack: UInt32?
        var window: Int?
        var windowScale: Int?
    }

    /// The experiment's packets written to a pcap file and read back by tcpdump, absolute numbers.
    func tcpdumpReading(_ outcome: ExperimentOutcome, file: StaticString = #filePath, line: UInt = #line) throws -> [Line] {
        let path = NSTemporaryDirectory() + "osilab-transfer-\(getpid())-\(outcome.name).pcap"
        defer { unlink(path) }
        let packets = outcome.run.packets
        let link = try XCTUnwrap(packets.first?.dataLink, "the experiment captured packets", file: file, line: line)
        let writer = try CaptureWriter(path: path, dataLink: link)
        for packet in packets { writer.write(packet) }
        writer.flush()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tcpdump")
        process.arguments = ["-r", path, "-nn", "-tt", "-S"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "tcpdump reads the experiment's capture", file: file, line: line)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Self.parse(String($0)) }
        XCTAssertEqual(lines.count, packets.count, "tcpdump read every packet as TCP over IPv4", file: file, line: line)
        return lines
    }

    /// `1.5 IP 127.0.0.1.A > 127.0.0.1.B: Flags [P.], seq X:Y, ack Z, win W, options [...], length L`
    static func parse(_ text: String) -> Line? {
        let words = text.split(separator: " ").map(String.init)
        guard words.count > 5, words[1] == "IP", let time = Double(words[0]),
              let source = words[2].split(separator: ".").last.flatMap({ UInt16($0) }),
              let destination = words[4].dropLast().split(separator: ".").last.flatMap({ UInt16($0) }) else { return nil }
        func value(after key: String) -> String? {
            // Options run together with commas: `ecr 0,nop,wscale 10],`.
            guard let index = words.firstIndex(where: { $0 == key || $0.hasSuffix("," + key) }), index + 1 < words.count else { return nil }
            return words[index + 1].trimmingCharacters(in: CharacterSet(charactersIn: ",]"))
        }
        let flags = value(after: "Flags").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) } ?? ""
        let sequence = value(after: "seq").flatMap { UInt32($0.split(separator: ":").first ?? "") } ?? 0
        let scale = value(after: "wscale").flatMap { Int($0) }
        return Line(time: time, source: source, destination: destination, flags: flags, sequence: sequence,
                    length: value(after: "length").flatMap { Int($0) } ?? 0, ack: value(after: "ack").flatMap { UInt32($0) },
                    window: value(after: "win").flatMap { Int($0) }, windowScale: scale)
    }
}
