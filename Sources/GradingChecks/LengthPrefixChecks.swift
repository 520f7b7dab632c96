// Checks for exercise 17, length-prefix (lesson 10).

/// Grades `frame(_:)` and `MessageReader`.
public enum LengthPrefixChecks {
    public typealias Frame = (String) -> [UInt8]
    /// Makes a fresh reader and returns its `feed`.
    public typealias MakeReader = () -> ([UInt8]) -> [String]

    /// The grading's own framing, so the reader is graded independently of `frame`.
    static func framed(_ message: String) -> [UInt8] {
        let body = Array(message.utf8)
        let n = UInt32(body.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + body
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.map { String(digits[Int($0 >> 4)]) + String(digits[Int($0 & 15)]) }.joined(separator: " ")
    }

    public static func framesWithALengthPrefix(_ frame: Frame, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let cases: [(String, String)] = [
            ("5", "one byte, so the prefix is 00 00 00 01"),
            ("root\n", "five bytes"),
            ("", "an empty message is just the prefix 00 00 00 00"),
            ("中", "one character but three bytes in UTF-8: the prefix counts bytes"),
            (String(repeating: "中", count: 400), "1200 bytes: 00 00 04 b0, most significant byte first"),
            (String(repeating: "a", count: 70_000), "70000 bytes: 00 01 11 70; two bytes could not hold it"),
        ]
        for (message, why) in cases {
            let got = frame(message)
            let want = framed(message)
            guard got != want else { continue }
            if got.count >= 4, got.count == want.count, got[4...] == want[4...] {
                fail("frame(\(showText(message, limit: 12))) starts with \(hex(got.prefix(4))), expected \(hex(want.prefix(4))): \(why)", site)
            } else if got == Array(message.utf8) {
                fail("frame(\(showText(message, limit: 12))) returned only the message's bytes: put its length in front, as 4 bytes "
                     + "(\(hex(want.prefix(4))) here)", site)
            } else {
                fail("frame(\(showText(message, limit: 12))) returned \(got.count) bytes starting \(hex(got.prefix(8))), expected "
                     + "\(want.count) bytes starting \(hex(want.prefix(8))): \(why)", site)
            }
            return
        }
    }

    /// Feeds `chunks` to a fresh reader and compares the messages it returned with `expected`.
    static func feedAndCompare(_ makeReader: MakeReader, _ chunks: [[UInt8]], _ expected: [String], _ situation: String,
                               _ site: CallSite) -> Bool {
        let feed = makeReader()
        var got: [String] = []
        for chunk in chunks { got += feed(chunk) }
        if got == expected { return true }
        func list(_ messages: [String]) -> String {
            "[" + messages.prefix(4).map { showText($0, limit: 16) }.joined(separator: ", ") + (messages.count > 4 ? ", ..." : "") + "]"
        }
        var text = "\(situation): the reader returned \(got.count) message\(got.count == 1 ? "" : "s") "
            + "\(list(got)), expected \(expected.count) \(list(expected))"
        if got.contains(where: { $0.contains("\u{FFFD}") }) {
            text += ". A \"\u{FFFD}\" is broken UTF-8: a message was decoded before all its bytes had come"
        } else if got.count > expected.count {
            text += ". Return a message only when all its bytes are there, and only its bytes"
        } else if got.count < expected.count {
            text += ". Keep the bytes left over from each chunk for the next call, and take out every whole message"
        }
        fail(text, site)
        return false
    }

    public static func readsMessagesStuckTogether(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let messages = ["5", "root\n", String(repeating: "中文", count: 300)]
        _ = feedAndCompare(makeReader, [messages.flatMap(framed)], messages,
                           "three messages arrived in one chunk (the size, the output, 1800 bytes of Chinese)",
                           CallSite(file: file, line: line))
    }

    public static func waitsForTheRestOfAMessage(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let bytes = framed("hello, world")
        let feed = makeReader()
        let early = feed(Array(bytes.prefix(9)))
        if !early.isEmpty {
            return fail("after the 4-byte length (12) and only 5 of the 12 message bytes, the reader returned "
                        + "[\(early.map { showText($0) }.joined(separator: ", "))]: nothing is complete yet, so return []; keep the bytes for later", site)
        }
        let rest = feed(Array(bytes.dropFirst(9)))
        if rest != ["hello, world"] {
            fail("fed the first 9 bytes, then the other 7, of the message \"hello, world\"; the second call returned "
                 + "[\(rest.map { showText($0) }.joined(separator: ", "))], expected [\"hello, world\"]. Keep the bytes of an incomplete message", site)
        }
    }

    public static func readsByteByByte(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let messages = ["one", "", "三个字"]
        _ = feedAndCompare(makeReader, messages.flatMap(framed).map { [$0] }, messages,
                           "the stream arrived one byte per chunk", CallSite(file: file, line: line))
    }

    /// Every place the stream can be cut in two: inside a length, inside a character,
    /// between messages.
    public static func survivesEveryCut(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let messages = ["hi", "中文", "", "ok"]
        let stream = messages.flatMap(framed)
        for cut in 0...stream.count {
            var where_ = "between messages"
            var offset = 0
            for message in messages {
                let length = 4 + message.utf8.count
                if cut > offset, cut < offset + 4 { where_ = "inside the length of \(showText(message))" }
                if cut > offset + 4, cut < offset + length { where_ = "inside the bytes of \(showText(message))"
                    + (message.utf8.count > message.count ? ", maybe inside a character" : "") }
                offset += length
            }
            let chunks = [Array(stream[..<cut]), Array(stream[cut...])]
            if !feedAndCompare(makeReader, chunks, messages, "the stream was cut in two after byte \(cut) (\(where_))", site) {
                return
            }
        }
    }

    public static func survivesRandomChunks(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let messages = (0..<40).map { index in String(repeating: index % 3 == 0 ? "网络" : "net ", count: index) }
        let stream = messages.flatMap(framed)
        var generator = SplitMix(seed: 17)
        for round in 0..<20 {
            var chunks: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let size = 1 + Int(generator.next() % 9)
                chunks.append(Array(stream[offset..<min(stream.count, offset + size)]))
                offset += size
            }
            if !feedAndCompare(makeReader, chunks, messages, "40 messages, cut into chunks of 1 to 9 bytes (round \(round + 1))", site) {
                return
            }
        }
    }

    public static func roundTrip(_ frame: Frame, _ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let messages = ["5", "root\n", "你好, 世界", String(repeating: "x", count: 70_000)]
        let stream = messages.flatMap(frame)
        var chunks: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            chunks.append(Array(stream[offset..<min(stream.count, offset + 1000)]))
            offset += 1000
        }
        _ = feedAndCompare(makeReader, chunks, messages, "messages framed with your frame(_:), read back in chunks of 1000 bytes",
                           CallSite(file: file, line: line))
    }
}
