// Keys from a terminal in raw mode arrive as bytes: letters as UTF-8, arrows and paging keys
// as escape sequences (`ESC [ A`, `ESC [ 5 ~`, or `ESC O A` in application mode), Ctrl-C as
// byte 3. The decoder is pure so every sequence is testable without a terminal.

/// A key the learner pressed.
public enum Key: Hashable, Sendable {
    /// A printable character (a letter, digit, punctuation, a CJK character).
    case character(Character)
    case enter, tab, backTab, backspace, delete, escape
    case up, down, left, right
    case pageUp, pageDown, home, end
    /// Ctrl plus a letter, given in lower case: Ctrl-C is `.control("c")`.
    case control(Character)

    public static let controlC = Key.control("c")
}

/// Turns raw input bytes into keys.
public enum KeyDecoder {
    /// Decodes as many whole keys as `bytes` holds.
    ///
    /// - Returns: the keys, and the bytes at the end that may be the start of a longer
    ///   sequence (an escape sequence or UTF-8 character cut by the read). A lone `ESC` is
    ///   returned as the remainder: the caller waits briefly for more bytes, and if none
    ///   come it is the Escape key (see ``finish(_:)``).
    public static func decode(_ bytes: [UInt8]) -> (keys: [Key], remainder: [UInt8]) {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x1B:
                guard let (key, length) = escapeSequence(bytes, at: index) else {
                    return (keys, Array(bytes[index...]))
                }
                if let key { keys.append(key) }
                index += length
            case 0x0D, 0x0A:
                keys.append(.enter)
                // A CR LF pair from a terminal is one Enter.
                index += (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
            case 0x09:
                keys.append(.tab)
                index += 1
            case 0x7F, 0x08:
                keys.append(.backspace)
                index += 1
            case 0x01...0x1A:
                keys.append(.control(Character(Unicode.Scalar(byte - 1 + 0x61))))
                index += 1
            case 0x00, 0x1C...0x1F:
                index += 1
            default:
                let length = utf8Length(byte)
                if length == 0 {
                    index += 1  // a stray continuation byte: skip it
                    continue
                }
                guard index + length <= bytes.count else { return (keys, Array(bytes[index...])) }
                let slice = Array(bytes[index..<index + length])
                if let text = String(validating: slice, as: UTF8.self), let character = text.first {
                    keys.append(.character(character))
                }
                index += length
            }
        }
        return (keys, [])
    }

    /// The keys for a remainder no more bytes will complete: a lone `ESC` is the Escape key.
    public static func finish(_ remainder: [UInt8]) -> [Key] {
        guard let first = remainder.first else { return [] }
        if first == 0x1B {
            return [.escape] + decode(Array(remainder.dropFirst())).keys
        }
        return []
    }

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0x20...0x7E: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 0
        }
    }

    /// Decodes the escape sequence at `start`: nil if incomplete, else the key (nil for a
    /// sequence we do not use) and the bytes it took.
    static func escapeSequence(_ bytes: [UInt8], at start: Int) -> (Key?, Int)? {
        guard start + 1 < bytes.count else { return nil }
        let introducer = bytes[start + 1]
        if introducer == UInt8(ascii: "O") {
            guard start + 2 < bytes.count else { return nil }
            return (cursorKey(bytes[start + 2]), 3)
        }
        guard introducer == UInt8(ascii: "[") else {
            // ESC followed by something else (Alt+key, or Escape then a key): Escape alone.
            return (.escape, 1)
        }
        // CSI: parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, then a final byte 0x40-0x7E.
        var index = start + 2
        var parameters = ""
        while index < bytes.count, (0x20...0x3F).contains(bytes[index]) {
            parameters.append(Character(Unicode.Scalar(bytes[index])))
            index += 1
        }
        guard index < bytes.count else { return nil }
        let final = bytes[index]
        let length = index - start + 1
        guard (0x40...0x7E).contains(final) else { return (nil, length) }
        // Modifiers come after a semicolon (`1;5C` is Ctrl-Right): the key is what matters.
        let first = parameters.split(separator: ";").first.map(String.init) ?? ""
        let key: Key? = switch final {
        case UInt8(ascii: "Z"): .backTab
        case UInt8(ascii: "~"):
            switch first {
            case "1", "7": .home
            case "4", "8": .end
            case "5": .pageUp
            case "6": .pageDown
            case "3": .delete
            default: nil
            }
        default: cursorKey(final)
        }
        return (key, length)
    }

    /// The keys whose sequences end in the same letter after `ESC O` and after `ESC [`:
    /// the arrows, Home and End.
    static func cursorKey(_ final: UInt8) -> Key? {
        switch final {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        case UInt8(ascii: "H"): .home
        case UInt8(ascii: "F"): .end
        default: nil
        }
    }
}
