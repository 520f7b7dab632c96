// Checks for exercise 10, uppercase (lesson 9).

/// Grades `uppercaseReply(_:)`.
public enum UppercaseChecks {
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    public typealias Upper = ([UInt8]) -> [UInt8]

    static func expect(_ upper: Upper, _ input: [UInt8], _ expected: [UInt8], _ why: String, _ site: CallSite) {
        let answer = upper(input)
        if answer != expected {
            var text = "uppercaseReply(\(showBytes(input))) returned \(showBytes(answer)), expected \(showBytes(expected))"
            if answer.count != input.count {
                text += ": the reply is \(answer.count) bytes long but the request was \(input.count); they must match"
            } else if let index = answer.indices.first(where: { answer[$0] != expected[$0] }) {
                text += ": byte \(index) should be \(hex(expected[index])) but is \(hex(answer[index]))"
                    + (answer[index] == input[index] ? ", unchanged" : " (it was \(hex(input[index])))")
            }
            fail(text + ". " + why, site)
        }
    }

    public static func asciiLetters(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(upper, Array("hello".utf8), Array("HELLO".utf8), "Each of a-z becomes A-Z.", site)
        expect(upper, Array("abcdefghijklmnopqrstuvwxyz".utf8), Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8), "Every letter from a to z.", site)
        expect(upper, Array("Hello, World 42!\n".utf8), Array("HELLO, WORLD 42!\n".utf8),
               "Capitals, digits, punctuation and the newline stay as they are.", site)
        expect(upper, Array("`{@[".utf8), Array("`{@[".utf8),
               "The bytes next to the letters (` and { around a-z, @ and [ around A-Z) are not letters.", site)
        expect(upper, [], [], "Nothing in, nothing out.", site)
    }

    public static func leavesOtherBytesAlone(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(upper, Array("ni hao 你好".utf8), Array("NI HAO 你好".utf8),
               "The bytes of Chinese characters are all above 0x7f: leave them alone.", site)
        expect(upper, Array("straße".utf8), Array("STRAßE".utf8),
               "Python's bytes.upper() changes ASCII letters only; \"ß\" keeps its two bytes (String.uppercased() would make it \"SS\").", site)
        expect(upper, Array("café".utf8), Array("CAFé".utf8), "\"é\" is two bytes above 0x7f; only a-z change.", site)
    }

    public static func worksOnAnyBytes(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        // The first two bytes of "中" (3 bytes in UTF-8), as a recv() can end mid-character.
        expect(upper, [0x61, 0xe4, 0xb8], [0x41, 0xe4, 0xb8],
               "A recv() can end in the middle of a character: these bytes are not valid UTF-8, and must come back as they were. Work on bytes, do not decode.", site)
        let everyByte = (0...255).map { UInt8($0) }
        let expected = everyByte.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }
        expect(upper, everyByte, expected, "All 256 byte values: only 0x61-0x7a change, each by -0x20.", site)
    }
}
