// Checks for exercise 10, uppercase (lesson 9).

/// Grades `uppercaseReply(_:)`.
public enum UppercaseChecks {
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }

    public typealias Upper = ([UInt8]) -> [UInt8]

    static func expect(_ upper: Upper, _ input: [UInt8], _ expected: [UInt8], _ why: CheckText, _ site: CallSite) {
        let answer = upper(input)
        guard answer != expected else { return }
        let (shownInput, shownAnswer, shownExpected, why) = (showBytes(input), showBytes(answer), showBytes(expected), say(why))
        if answer.count != input.count {
            fail(say(.upperWrongLength, shownInput, shownAnswer, shownExpected, "\(answer.count)", "\(input.count)", why), site)
        } else if let index = answer.indices.first(where: { answer[$0] != expected[$0] }) {
            let (want, got) = (hex(expected[index]), hex(answer[index]))
            if answer[index] == input[index] {
                fail(say(.upperByteUnchanged, shownInput, shownAnswer, shownExpected, "\(index)", want, got, why), site)
            } else {
                fail(say(.upperByteChanged, shownInput, shownAnswer, shownExpected, "\(index)", want, got, hex(input[index]), why), site)
            }
        } else {
            fail(say(.upperWrong, shownInput, shownAnswer, shownExpected, why), site)
        }
    }

    public static func asciiLetters(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(upper, Array("hello".utf8), Array("HELLO".utf8), .whyAToZ, site)
        expect(upper, Array("abcdefghijklmnopqrstuvwxyz".utf8), Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8), .whyEveryLetter, site)
        expect(upper, Array("Hello, World 42!\n".utf8), Array("HELLO, WORLD 42!\n".utf8),
               .whyOthersStay, site)
        expect(upper, Array("`{@[".utf8), Array("`{@[".utf8),
               .whyNeighbours, site)
        expect(upper, [], [], .whyNothingIn, site)
    }

    public static func leavesOtherBytesAlone(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(upper, Array("ni hao 你好".utf8), Array("NI HAO 你好".utf8),
               .whyChineseBytes, site)
        expect(upper, Array("straße".utf8), Array("STRAßE".utf8),
               .whySharpS, site)
        expect(upper, Array("café".utf8), Array("CAFé".utf8), .whyAccent, site)
    }

    public static func worksOnAnyBytes(_ upper: Upper, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        // The first two bytes of "中" (3 bytes in UTF-8), as a recv() can end mid-character.
        expect(upper, [0x61, 0xe4, 0xb8], [0x41, 0xe4, 0xb8],
               .whyHalfCharacter, site)
        let everyByte = (0...255).map { UInt8($0) }
        let expected = everyByte.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }
        expect(upper, everyByte, expected, .whyEveryByte, site)
    }
}
