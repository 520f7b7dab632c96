import Capture
import Foundation
import Report
import Sockets
import Timeline
import Trace
import Wire

/// TCP is a byte stream: send() boundaries are not kept ("sticky packets", 粘包).
///
/// Part 1: five small sends, read by one recv. Part 2: one large send, read by several
/// recv(1024) calls, with a UTF-8 character cut in two between them (the notes' comment
/// about Chinese text breaking mid-read). Part 3: the same messages with a 4-byte length
/// prefix each, all recovered intact however the reads fall.
public struct Sticky: Experiment {
    public static let info = ExperimentInfo(
        name: "sticky",
        summary: .stickySummary,
        needs: [.capture],
        discussion: """
            One connection, three parts. 1: the client calls send() five times with short messages; the \
            server, once they have all arrived, calls recv(1024) once. 2: the client sends 3000 bytes of \
            mixed Chinese and ASCII text in one send(); the server reads it with recv(1024) calls, as the \
            notes' client does, and tries to decode each piece as UTF-8. 3: the same messages again, \
            each preceded by its length in 4 bytes (big-endian); the server reads with recv(1024) and \
            cuts the stream into messages by the lengths. The capture shows how the bytes travelled \
            (Nagle's algorithm may merge small sends into fewer segments; TCP_NODELAY turns it off), \
            and the trace shows what each recv() returned.
            """,
        facts: [
            FactDescription("small-sends", ["5"], "send() calls in part 1"),
            FactDescription("small-recvs", ["1", "2", "3", "4", "5"], "recv() calls that read part 1"),
            FactDescription("small-segments", ["1", "2", "3", "4", "5"], "data segments that carried part 1"),
            FactDescription("large-recvs", ["1", "2", "3", "4"], "recv(1024) calls that read the 3000-byte send"),
            FactDescription("utf8-split", ["yes", "no"], "whether a recv() ended inside a multi-byte character"),
            FactDescription("framed-intact", ["yes", "no"], "whether every length-prefixed message came back whole"),
        ])

    /// Part 1's messages.
    public static let smallMessages = ["one;", "two;", "three;", "four;", "five;"]
    /// Part 2's text: 150 copies of a 20-byte phrase, so recv(1024) ends inside "络".
    public static let largeMessage = String(repeating: "网络编程 socket ", count: 150)
    public static let readSize = 1024

    public init() {}

    struct Observed {
        var smallRead: [[UInt8]] = []
        var largeRead: [[UInt8]] = []
        var framedRead: [[UInt8]] = []
        var framedMessages: [[UInt8]] = []
        var partStarts: [Instant] = []
    }

    public func run(_ settings: ExperimentSettings) throws -> ExperimentOutcome {
        let stage = try LoopbackStage(settings)
        let say = stage.say
        defer { stage.listener.close() }
        var observed = Observed()
        let recorded = try stage.recorder.record {
            try stage.listener.listen(backlog: 8)
            let client = try Socket(family: .inet, type: .stream, tracer: stage.tracer, role: "client")
            defer { client.close() }
            try client.setTimeout(.seconds(3))
            try client.connect(to: stage.address)
            try stage.listener.setTimeout(.seconds(3))
            let (connection, _) = try stage.listener.accept()
            defer { connection.close() }
            try connection.setTimeout(.seconds(3))

            // Part 1: small sends, one read once everything has arrived.
            observed.partStarts.append(Instant.now())
            stage.recorder.note(say(.stickyNote1))
            let small = Self.smallMessages.map { Array($0.utf8) }
            for message in small { try client.send(message) }
            let smallTotal = small.reduce(0) { $0 + $1.count }
            guard connection.waitForBytes(smallTotal, timeout: .seconds(2)) else {
                throw ExperimentError.hung(say(.stickyHungSmall))
            }
            observed.smallRead = try read(connection, total: smallTotal, say: say)

            // Part 2: one large send, read 1024 bytes at a time.
            observed.partStarts.append(Instant.now())
            stage.recorder.note(say(.stickyNote2, String(Self.largeMessage.utf8.count), String(Self.readSize)))
            let large = Array(Self.largeMessage.utf8)
            try client.sendAll(large)
            guard connection.waitForBytes(large.count, timeout: .seconds(2)) else {
                throw ExperimentError.hung(say(.stickyHungLarge))
            }
            observed.largeRead = try read(connection, total: large.count, say: say)

            // Part 3: the same messages, framed.
            observed.partStarts.append(Instant.now())
            stage.recorder.note(say(.stickyNote3))
            let framed = (small + [large]).map { Self.frame($0) }
            for frame in framed { try client.sendAll(frame) }
            let framedTotal = framed.reduce(0) { $0 + $1.count }
            guard connection.waitForBytes(framedTotal, timeout: .seconds(2)) else {
                throw ExperimentError.hung(say(.stickyHungFramed))
            }
            var decoder = FrameDecoder()
            observed.framedRead = try read(connection, total: framedTotal, say: say) { decoder.feed($0) }
            observed.framedMessages = decoder.messages
            client.close()
            _ = try connection.recv(maxBytes: Self.readSize)
            connection.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .oneConnection)
        explain(&outcome, observed, say: say)
        return outcome
    }

    /// Reads with recv(1024) until `total` bytes have come; returns each recv's bytes.
    private func read(_ connection: Socket, total: Int, say: ExperimentStrings,
                      each: ([UInt8]) -> Void = { _ in }) throws -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var received = 0
        // Bounded: every recv returns at least one byte or throws (timeout or peer closed).
        while received < total && pieces.count < total {
            let piece = try connection.recv(maxBytes: Self.readSize)
            if piece.isEmpty { throw ExperimentError.hung(say(.stickyHungClosed)) }
            pieces.append(piece)
            each(piece)
            received += piece.count
        }
        return pieces
    }

    /// `message` preceded by its length as 4 bytes, most significant first.
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + message
    }

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed, say: ExperimentStrings) {
        var explanation = Explanation()
        var facts: [String: String] = [:]
        let small = Self.smallMessages.map { Array($0.utf8) }
        let smallJoined = small.flatMap { $0 }
        let large = Array(Self.largeMessage.utf8)
        let starts = observed.partStarts
        let clientData = outcome.segments.filter { $0.direction == .clientToServer && $0.segment.payloadLength > 0 }
        func segments(inPart index: Int) -> [AnnotatedSegment] {
            guard index < starts.count else { return [] }
            let end = index + 1 < starts.count ? starts[index + 1] : Instant(nanosecondsSinceEpoch: .max)
            return clientData.filter { $0.segment.timestamp >= starts[index] && $0.segment.timestamp < end }
        }

        // Part 1.
        facts["small-sends"] = String(small.count)
        facts["small-recvs"] = String(observed.smallRead.count)
        let part1Segments = segments(inPart: 0)
        if outcome.captured { facts["small-segments"] = String(part1Segments.count) }
        let mergedIntact = observed.smallRead.flatMap { $0 } == smallJoined
        if observed.smallRead.count < small.count && mergedIntact {
            let parts = [String(small.count), String(observed.smallRead.count), text(observed.smallRead.first ?? []),
                         String(part1Segments.count)]
            let sentence: ExperimentText = !outcome.captured ? .stickyPart1
                : (part1Segments.count == small.count ? .stickyPart1Separate : .stickyPart1Nagle)
            explanation.claim(true, say.format(sentence, parts))
        } else {
            explanation.claim(false, say(mergedIntact ? .stickyPart1Wrong : .stickyPart1WrongBytes, String(small.count),
                                         String(observed.smallRead.count)))
        }

        // Part 2.
        facts["large-recvs"] = String(observed.largeRead.count)
        let largeIntact = observed.largeRead.flatMap { $0 } == large
        let part2Segments = segments(inPart: 1)
        if observed.largeRead.count > 1 && largeIntact {
            let parts = [String(large.count), String(observed.largeRead.count), String(Self.readSize),
                         observed.largeRead.map { String($0.count) }.joined(separator: " + "), String(part2Segments.count)]
            let sentence: ExperimentText = !outcome.captured ? .stickyPart2
                : (part2Segments.count == 1 ? .stickyPart2OneSegment : .stickyPart2Segments)
            explanation.claim(true, say.format(sentence, parts))
        } else {
            explanation.claim(false, say(largeIntact ? .stickyPart2Wrong : .stickyPart2WrongBytes, String(large.count),
                                         String(observed.largeRead.count)))
        }
        let split = utf8Split(observed.largeRead)
        facts["utf8-split"] = split == nil ? "no" : "yes"
        if let split {
            explanation.claim(true, say(.stickySplit, split.character, split.hex, String(split.bytesInFirst), String(split.length),
                                        String(large.count)))
        } else {
            explanation.claim(false, say(.stickyNoSplit))
        }

        // Part 3.
        let expected = small + [large]
        let intact = observed.framedMessages == expected
        facts["framed-intact"] = intact ? "yes" : "no"
        if intact {
            explanation.claim(true, say(.stickyPart3, String(expected.count), String(observed.framedRead.count)))
        } else {
            explanation.claim(false, say(.stickyPart3Wrong, String(observed.framedMessages.count), String(expected.count)))
        }
        explanation.context(say(.stickyUDPContext))

        var lines: [String] = [say(.stickyLinePart1, small.map { "send(\"\(text($0))\")" }.joined(separator: " "))]
        for (index, piece) in observed.smallRead.enumerated() {
            lines.append("  " + say(.stickyLineRecv, String(index + 1), String(piece.count), text(piece)))
        }
        lines.append(say(.stickyLinePart2, String(large.count), String(Self.largeMessage.prefix(16))))
        for (index, piece) in observed.largeRead.enumerated() {
            let valid = String(validating: piece, as: UTF8.self) != nil
            lines.append("  " + (valid ? say(.stickyLineRecvValid, String(index + 1), String(piece.count))
                : say(.stickyLineRecvInvalid, String(index + 1), String(piece.count), hex(piece.prefix(3)), hex(piece.suffix(3)))))
        }
        lines.append(say(.stickyLinePart3, String(expected.count), String(observed.framedRead.count),
                         say.list(observed.framedRead.map { String($0.count) })))
        for (index, message) in observed.framedMessages.enumerated() {
            let mark = index < expected.count && expected[index] == message ? " ✓" : " ✗"
            lines.append("  " + (message.count > 40
                ? say(.stickyLineMessageLong, String(index + 1), String(message.count), text(Array(message.prefix(16))), mark)
                : say(.stickyLineMessage, String(index + 1), text(message), mark)))
        }
        outcome.sections = [ReportSection(title: say(.stickySection), lines: lines)]
        outcome.explanation = explanation
        outcome.facts = facts
    }

    struct Split {
        var character: String
        var hex: String
        var bytesInFirst: Int
        var length: Int
    }

    /// Where the first piece ends inside a multi-byte character, if it does.
    func utf8Split(_ pieces: [[UInt8]]) -> Split? {
        guard pieces.count >= 2, let first = pieces.first else { return nil }
        // Continuation bytes look like 10xxxxxx; count back to the lead byte.
        var lead = first.count - 1
        while lead >= 0 && first[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0 else { return nil }
        let leadByte = first[lead]
        let length = leadByte >= 0xF0 ? 4 : leadByte >= 0xE0 ? 3 : leadByte >= 0xC0 ? 2 : 1
        let inFirst = first.count - lead
        guard length > 1, inFirst < length else { return nil }
        let joined = pieces.flatMap { $0 }
        let start = lead
        guard start + length <= joined.count else { return nil }
        let bytes = Array(joined[start..<(start + length)])
        return Split(character: String(decoding: bytes, as: UTF8.self), hex: hex(bytes[...]), bytesInFirst: inFirst, length: length)
    }

    private func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// Cuts a byte stream into messages that each start with a 4-byte big-endian length.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    public private(set) var messages: [[UInt8]] = []
    /// Lengths above this are refused rather than waited for (a corrupt or hostile stream).
    public let maximumLength: Int

    public init(maximumLength: Int = 1 << 20) {
        self.maximumLength = maximumLength
    }

    /// Adds received bytes; complete messages move to ``messages``.
    /// - Returns: false if a length prefix exceeds ``maximumLength`` (the stream is unusable).
    @discardableResult
    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        buffer += bytes
        while buffer.count >= 4 {
            let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
            guard length <= maximumLength else { return false }
            guard buffer.count >= 4 + length else { break }
            messages.append(Array(buffer[4..<(4 + length)]))
            buffer.removeFirst(4 + length)
        }
        return true
    }

    /// Bytes of an unfinished message still waiting for the rest.
    public var pendingBytes: Int { buffer.count }
}
