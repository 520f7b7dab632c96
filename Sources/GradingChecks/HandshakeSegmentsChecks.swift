// Checks for exercise 3, handshake-segments (lesson 4).
import Capture
import Foundation
import Timeline
import Trace
import Wire

/// Grades `findHandshake(in:)`.
public enum HandshakeSegmentsChecks {
    public typealias Find = ([Segment]) -> (syn: Int, synAck: Int, ack: Int)?

    static let client = IPEndpoint(.v4(.loopback), 50000)
    static let server = IPEndpoint(.v4(.loopback), 4545)

    /// A segment for a made-up capture; `up` is client to server.
    static func segment(
        _ number: Int, up: Bool, seq: UInt32, ack: UInt32, _ flags: TCPFlags, length: Int = 0,
        client: IPEndpoint = client, server: IPEndpoint = server
    ) -> Segment {
        Segment(number: number, timestamp: Instant(nanosecondsSinceEpoch: Int64(number) * 1_000_000),
                source: up ? client : server, destination: up ? server : client,
                sequence: SequenceNumber(seq), acknowledgment: SequenceNumber(ack), flags: flags, payloadLength: length)
    }

    static func show(_ answer: (syn: Int, synAck: Int, ack: Int)?) -> String {
        answer.map { "(syn: \($0.syn), synAck: \($0.synAck), ack: \($0.ack))" } ?? "nil"
    }

    static func expect(_ find: Find, _ segments: [Segment], _ expected: (syn: Int, synAck: Int, ack: Int)?,
                       _ situation: String, _ why: CheckText, _ site: CallSite) {
        let answer = find(segments)
        let same = switch (answer, expected) {
        case (nil, nil): true
        case let (a?, e?): a == e
        default: false
        }
        if !same {
            fail(say(.handshakeWrong, situation, show(answer), show(expected), say(why)), site)
        }
    }

    /// The segments of a capture that ships with the lessons (`Lessons/captures`), recorded
    /// by osilab's handshake demo on loopback.
    static func recorded(_ name: String) throws -> [Segment] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("Lessons/captures/\(name)").path
        let packets = try CaptureFile(path: path).readAll()
        return packets.enumerated().compactMap { index, packet in
            let decoded = decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink),
                                       originalLength: packet.originalLength)
            return Segment(decoded, number: index + 1, timestamp: packet.timestamp)
        }
    }

    public static func realCaptures(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for name in ["handshake.pcap", "handshake-ipv6.pcap"] {
            do {
                let segments = try recorded(name)
                guard segments.count >= 3 else {
                    fail(say(.captureTooShort, name, "\(segments.count)"), site)
                    continue
                }
                expect(find, segments, (0, 1, 2), say(.situationRealCapture, name), .whyRealCapture, site)
            } catch {
                fail(say(.captureUnreadable, name, describe(error)), site)
            }
        }
    }

    public static func otherTraffic(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let other = IPEndpoint(.v4(.loopback), 40000)
        let segments = [
            segment(1, up: true, seq: 700, ack: 900, [.ack, .psh], length: 5, client: other),
            segment(2, up: true, seq: 1000, ack: 0, .syn),
            segment(3, up: false, seq: 900, ack: 705, .ack, client: other),
            segment(4, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(5, up: true, seq: 705, ack: 900, [.fin, .ack], client: other),
            segment(6, up: true, seq: 1001, ack: 3001, .ack),
        ]
        expect(find, segments, (1, 3, 5), say(.situationOtherTraffic), .whyOtherTraffic,
               CallSite(file: file, line: line))
    }

    public static func matchesByNumbers(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let second = IPEndpoint(.v4(.loopback), 50001)
        let segments = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: true, seq: 5000, ack: 0, .syn, client: second),
            segment(3, up: false, seq: 7000, ack: 5001, [.syn, .ack], client: second),
            segment(4, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(5, up: true, seq: 5001, ack: 7001, .ack, client: second),
            segment(6, up: true, seq: 1001, ack: 3001, .ack),
        ]
        expect(find, segments, (0, 3, 5), say(.situationTwoClients), .whyTwoClients,
               CallSite(file: file, line: line))
    }

    public static func repeatedSYN(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let segments = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: true, seq: 1000, ack: 0, .syn),
            segment(3, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(4, up: true, seq: 1001, ack: 3001, .ack),
        ]
        expect(find, segments, (0, 2, 3), say(.situationRepeatedSYN), .whyRepeatedSYN,
               CallSite(file: file, line: line))
    }

    public static func incompleteHandshakes(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let noFinalAck = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(3, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
        ]
        expect(find, noFinalAck, nil, say(.situationNoFinalAck), .whyNoFinalAck, site)
        let refused = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: false, seq: 0, ack: 1001, [.rst, .ack]),
        ]
        expect(find, refused, nil, say(.situationRefused), .whyRefused, site)
        let wrongNumber = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: false, seq: 3000, ack: 1000, [.syn, .ack]),
            segment(3, up: true, seq: 1001, ack: 3001, .ack),
        ]
        expect(find, wrongNumber, nil, say(.situationAckIsJ), .whyAckIsJ, site)
        let wrongAck = [
            segment(1, up: true, seq: 1000, ack: 0, .syn),
            segment(2, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(3, up: true, seq: 1001, ack: 3000, .ack),
        ]
        expect(find, wrongAck, nil, say(.situationAckIsK), .whyAckIsK, site)
    }

    public static func refusedThenConnected(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let closedPort = IPEndpoint(.v4(.loopback), 9)
        let segments = [
            segment(1, up: true, seq: 500, ack: 0, .syn, server: closedPort),
            segment(2, up: false, seq: 0, ack: 501, [.rst, .ack], server: closedPort),
            segment(3, up: true, seq: 1000, ack: 0, .syn),
            segment(4, up: false, seq: 3000, ack: 1001, [.syn, .ack]),
            segment(5, up: true, seq: 1001, ack: 3001, .ack),
        ]
        expect(find, segments, (2, 3, 4), say(.situationRefusedThenConnected), .whyRefusedThenConnected,
               CallSite(file: file, line: line))
    }

    public static func wrapsAround(_ find: Find, file: StaticString = #filePath, line: UInt = #line) {
        let segments = [
            segment(1, up: true, seq: 4_294_967_295, ack: 0, .syn),
            segment(2, up: false, seq: 4_294_967_295, ack: 0, [.syn, .ack]),
            segment(3, up: true, seq: 0, ack: 0, .ack),
        ]
        expect(find, segments, (0, 1, 2), say(.situationWrapsAround), .whyWrapsAround,
               CallSite(file: file, line: line))
    }
}
