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
        let cases: [(String, CheckText)] = [
            ("5", .whyPrefixOneByte),
            ("root\n", .whyPrefixFiveBytes),
            ("", .whyPrefixEmpty),
            ("中", .whyPrefixCountsBytes),
            (String(repeating: "中", count: 400), .whyPrefix1200),
            (String(repeating: "a", count: 70_000), .whyPrefix70000),
        ]
        for (message, why) in cases {
            let got = frame(message)
            let want = framed(message)
            guard got != want else { continue }
            if got.count >= 4, got.count == want.count, got[4...] == want[4...] {
                fail(say(.frameWrongPrefix, showText(message, limit: 12), hex(got.prefix(4)), hex(want.prefix(4)), say(why)), site)
            } else if got == Array(message.utf8) {
                fail(say(.frameNoPrefix, showText(message, limit: 12), hex(want.prefix(4))), site)
            } else {
                fail(say(.frameWrong, showText(message, limit: 12), "\(got.count)", hex(got.prefix(8)), "\(want.count)",
                         hex(want.prefix(8)), say(why)), site)
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
        var hint = ""
        if got.contains(where: { $0.contains("\u{FFFD}") }) {
            hint = say(.readerHintBrokenUTF8)
        } else if got.count > expected.count {
            hint = say(.readerHintTooMany)
        } else if got.count < expected.count {
            hint = say(.readerHintTooFew)
        }
        let returned = say(got.count == 1 ? .countMessage : .countMessages, "\(got.count)")
        fail(say(.readerWrong, situation, returned, list(got), "\(expected.count)", list(expected), hint), site)
        return false
    }

    public static func readsMessagesStuckTogether(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let messages = ["5", "root\n", String(repeating: "中文", count: 300)]
        _ = feedAndCompare(makeReader, [messages.flatMap(framed)], messages,
                           say(.situationStuckTogether),
                           CallSite(file: file, line: line))
    }

    public static func waitsForTheRestOfAMessage(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let bytes = framed("hello, world")
        let feed = makeReader()
        let early = feed(Array(bytes.prefix(9)))
        if !early.isEmpty {
            return fail(say(.readerEarly, early.map { showText($0) }.joined(separator: ", ")), site)
        }
        let rest = feed(Array(bytes.dropFirst(9)))
        if rest != ["hello, world"] {
            fail(say(.readerRest, rest.map { showText($0) }.joined(separator: ", ")), site)
        }
    }

    public static func readsByteByByte(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let messages = ["one", "", "三个字"]
        _ = feedAndCompare(makeReader, messages.flatMap(framed).map { [$0] }, messages,
                           say(.situationByteByByte), CallSite(file: file, line: line))
    }

    /// Every place the stream can be cut in two: inside a length, inside a character,
    /// between messages.
    public static func survivesEveryCut(_ makeReader: MakeReader, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let messages = ["hi", "中文", "", "ok"]
        let stream = messages.flatMap(framed)
        for cut in 0...stream.count {
            var where_ = say(.cutBetweenMessages)
            var offset = 0
            for message in messages {
                let length = 4 + message.utf8.count
                if cut > offset, cut < offset + 4 { where_ = say(.cutInsideLength, showText(message)) }
                if cut > offset + 4, cut < offset + length {
                    where_ = say(message.utf8.count > message.count ? .cutInsideCharacter : .cutInsideBytes, showText(message))
                }
                offset += length
            }
            let chunks = [Array(stream[..<cut]), Array(stream[cut...])]
            if !feedAndCompare(makeReader, chunks, messages, say(.situationCut, "\(cut)", where_), site) {
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
            if !feedAndCompare(makeReader, chunks, messages, say(.situationRandomChunks, "\(round + 1)"), site) {
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
        _ = feedAndCompare(makeReader, chunks, messages, say(.situationRoundTrip),
                           CallSite(file: file, line: line))
    }
}
