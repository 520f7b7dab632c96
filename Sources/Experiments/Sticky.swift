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
        summary: "Several small sends arrive as one recv, one large send as several recvs (a UTF-8 character "
            + "cut in two); with a length prefix every message comes back intact.",
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
        let stage = try LoopbackStage(capture: settings.capture)
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
            stage.recorder.note("part 1: five small send() calls; the server reads only when all have arrived")
            let small = Self.smallMessages.map { Array($0.utf8) }
            for message in small { try client.send(message) }
            let smallTotal = small.reduce(0) { $0 + $1.count }
            guard connection.waitForBytes(smallTotal, timeout: .seconds(2)) else {
                throw ExperimentError.hung("the five small messages did not all arrive")
            }
            observed.smallRead = try read(connection, total: smallTotal)

            // Part 2: one large send, read 1024 bytes at a time.
            observed.partStarts.append(Instant.now())
            stage.recorder.note("part 2: one send() of \(Self.largeMessage.utf8.count) bytes; the server reads with recv(\(Self.readSize))")
            let large = Array(Self.largeMessage.utf8)
            try client.sendAll(large)
            guard connection.waitForBytes(large.count, timeout: .seconds(2)) else {
                throw ExperimentError.hung("the large message did not arrive")
            }
            observed.largeRead = try read(connection, total: large.count)

            // Part 3: the same messages, framed.
            observed.partStarts.append(Instant.now())
            stage.recorder.note("part 3: the same messages, each with a 4-byte length prefix")
            let framed = (small + [large]).map { Self.frame($0) }
            for frame in framed { try client.sendAll(frame) }
            let framedTotal = framed.reduce(0) { $0 + $1.count }
            guard connection.waitForBytes(framedTotal, timeout: .seconds(2)) else {
                throw ExperimentError.hung("the framed messages did not arrive")
            }
            var decoder = FrameDecoder()
            observed.framedRead = try read(connection, total: framedTotal) { decoder.feed($0) }
            observed.framedMessages = decoder.messages
            client.close()
            _ = try connection.recv(maxBytes: Self.readSize)
            connection.close()
        }
        var outcome = stage.outcome(Self.info.name, recorded, scope: .oneConnection)
        explain(&outcome, observed)
        return outcome
    }

    /// Reads with recv(1024) until `total` bytes have come; returns each recv's bytes.
    private func read(_ connection: Socket, total: Int, each: ([UInt8]) -> Void = { _ in }) throws -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var received = 0
        // Bounded: every recv returns at least one byte or throws (timeout or peer closed).
        while received < total && pieces.count < total {
            let piece = try connection.recv(maxBytes: Self.readSize)
            if piece.isEmpty { throw ExperimentError.hung("the client closed before all bytes arrived") }
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

    func explain(_ outcome: inout ExperimentOutcome, _ observed: Observed) {
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
            var sentence = "Part 1: \(small.count) send() calls, \(observed.smallRead.count) recv(): it returned "
                + "\"\(text(observed.smallRead.first ?? []))\", all five messages run together"
            if outcome.captured {
                sentence += part1Segments.count == small.count
                    ? ". On the wire each send() was its own segment (\(part1Segments.count) segments; Nagle's algorithm "
                        + "holds small writes back only while one is unacknowledged, and on loopback each ACK came back "
                        + "within microseconds): the boundaries were lost in the receiver's buffer, which keeps bytes, not messages"
                    : ". On the wire they travelled as \(part1Segments.count) segment(s): Nagle's algorithm held small "
                        + "writes back while an earlier one was unacknowledged and sent them together "
                        + "(TCP_NODELAY turns that off, but the receiver could still read them in one recv)"
            }
            explanation.claim(true, sentence + ".")
        } else {
            explanation.claim(false, "Part 1: expected one recv() to return several of the \(small.count) messages; "
                + "there were \(observed.smallRead.count) recv() calls" + (mergedIntact ? "." : " and the bytes differ."))
        }

        // Part 2.
        facts["large-recvs"] = String(observed.largeRead.count)
        let largeIntact = observed.largeRead.flatMap { $0 } == large
        let part2Segments = segments(inPart: 1)
        if observed.largeRead.count > 1 && largeIntact {
            var sentence = "Part 2: one send() of \(large.count) bytes, \(observed.largeRead.count) recv(\(Self.readSize)) "
                + "calls (" + observed.largeRead.map { String($0.count) }.joined(separator: " + ") + " bytes)"
            if outcome.captured {
                sentence += part2Segments.count == 1
                    ? ": the bytes crossed loopback in one segment, so it was recv's size limit, not the network, that cut them"
                    : ": the bytes crossed loopback in \(part2Segments.count) segments, cut again by recv's size limit"
            }
            explanation.claim(true, sentence + ". A reader must loop until it has the whole message, as the notes' client does.")
        } else {
            explanation.claim(false, "Part 2: expected several recv() calls for one \(large.count)-byte send; "
                + "there were \(observed.largeRead.count)" + (largeIntact ? "." : " and the bytes differ."))
        }
        let split = utf8Split(observed.largeRead)
        facts["utf8-split"] = split == nil ? "no" : "yes"
        if let split {
            explanation.claim(true, "The first recv() ended inside \"\(split.character)\" (UTF-8 bytes \(split.hex)): "
                + "it held \(split.bytesInFirst) of its \(split.length) bytes, so that piece alone is not valid UTF-8. "
                + "Python's data.decode() raises UnicodeDecodeError there, the error the notes' comment describes; "
                + "decode only after joining the pieces (here all \(large.count) bytes decode cleanly).")
        } else {
            explanation.claim(false, "Expected a recv() to end inside a multi-byte UTF-8 character; none did in this run.")
        }

        // Part 3.
        let expected = small + [large]
        let intact = observed.framedMessages == expected
        facts["framed-intact"] = intact ? "yes" : "no"
        if intact {
            explanation.claim(true, "Part 3: with a 4-byte length before each message, the server recovered all "
                + "\(expected.count) messages intact from \(observed.framedRead.count) recv() calls that fell anywhere: "
                + "the length says where each message ends, whatever the reads return.")
        } else {
            explanation.claim(false, "Part 3: expected every length-prefixed message back intact; the server recovered "
                + "\(observed.framedMessages.count) of \(expected.count) correctly framed messages.")
        }
        explanation.context("UDP keeps boundaries (one recvfrom, one datagram): compare osilab experiment udp.")

        var lines: [String] = ["part 1: " + small.map { "send(\"\(text($0))\")" }.joined(separator: " ")]
        for (index, piece) in observed.smallRead.enumerated() {
            lines.append("  recv #\(index + 1): \(piece.count) bytes \"\(text(piece))\"")
        }
        lines.append("part 2: send(\(large.count) bytes: \"\(Self.largeMessage.prefix(16))...\")")
        for (index, piece) in observed.largeRead.enumerated() {
            let valid = String(validating: piece, as: UTF8.self) != nil
            lines.append("  recv #\(index + 1): \(piece.count) bytes, "
                + (valid ? "valid UTF-8" : "NOT valid UTF-8 alone (starts " + hex(piece.prefix(3)) + ", ends " + hex(piece.suffix(3)) + ")"))
        }
        lines.append("part 3: \(expected.count) framed messages, read by \(observed.framedRead.count) recv() calls of "
            + observed.framedRead.map { String($0.count) }.joined(separator: ", ") + " bytes")
        for (index, message) in observed.framedMessages.enumerated() {
            let shown = message.count > 40 ? "\(message.count) bytes, \"\(text(Array(message.prefix(16))))...\"" : "\"\(text(message))\""
            lines.append("  message \(index + 1): " + shown + (index < expected.count && expected[index] == message ? " ✓" : " ✗"))
        }
        outcome.sections = [ReportSection(title: "What the server's recv() calls returned", lines: lines)]
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
