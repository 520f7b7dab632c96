// How many terminal columns text takes.
//
// Terminals draw East Asian Wide and Fullwidth characters (CJK ideographs, kana, Hangul,
// fullwidth forms, most emoji) in two columns, combining marks and zero-width characters in
// none, and everything else in one. The wide ranges below come from Unicode's
// EastAsianWidth.txt (classes W and F) and emoji-data.txt (Emoji_Presentation), limited to
// the blocks a lesson can plausibly contain. Ambiguous-width characters (box drawing, `…`,
// `→`) count as one column, as every common terminal draws them outside CJK legacy locales.

/// Display width of characters and strings on a terminal.
public enum DisplayWidth {
    /// Columns taken by `string`: the sum over its grapheme clusters.
    public static func of(_ string: String) -> Int {
        var total = 0
        for character in string { total += of(character) }
        return total
    }

    /// Columns taken by `string`'s substring.
    public static func of(_ string: Substring) -> Int {
        var total = 0
        for character in string { total += of(character) }
        return total
    }

    /// Columns taken by one grapheme cluster (a Swift `Character`).
    ///
    /// A cluster is as wide as its widest part: `e` plus a combining acute is one column,
    /// `👍🏽` (thumb plus skin tone) and a family joined with ZWJ are two, a flag made of two
    /// regional indicators is two, and a text-style symbol followed by U+FE0F (emoji
    /// presentation selector) becomes two. Control characters are zero: callers clean them
    /// out first (see ``TextSanitizer``).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count == 1 { return of(first) }
        var width = 0
        var regionalIndicators = 0
        for scalar in scalars {
            if scalar.value == 0xFE0F { return 2 }
            if (0x1F1E6...0x1F1FF).contains(scalar.value) { regionalIndicators += 1 }
            width = max(width, of(scalar))
        }
        if regionalIndicators >= 2 { return 2 }
        return width
    }

    /// Columns taken by one scalar on its own: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Fast path for printable ASCII, which is nearly all of the text.
        if value >= 0x20 && value < 0x7F { return 1 }
        if isControl(value) { return 0 }
        if isZeroWidth(scalar) { return 0 }
        return isWide(value) ? 2 : 1
    }

    /// C0 and C1 control characters and DEL.
    static func isControl(_ value: UInt32) -> Bool {
        value < 0x20 || (value >= 0x7F && value < 0xA0)
    }

    /// Combining marks, format characters (ZWJ, ZWNJ, bidi marks, BOM), variation selectors,
    /// and the Hangul medial vowels and final consonants that join a preceding initial.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return true }
        if (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value) { return true }
        if value == 0x200B { return true }  // ZERO WIDTH SPACE is category Cf on some versions, Zs on none
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            // U+00AD SOFT HYPHEN is Cf but terminals draw it: keep it at one column.
            return value != 0x00AD
        default:
            return false
        }
    }

    /// East Asian Wide (W) and Fullwidth (F) scalars, including emoji with default emoji presentation.
    static func isWide(_ value: UInt32) -> Bool {
        if value < 0x1100 { return false }
        // Binary search over the sorted, non-overlapping ranges.
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = wideRanges[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    // Sorted by lower bound. Sources: EastAsianWidth.txt (W, F) and the Emoji_Presentation
    // property of emoji-data.txt, Unicode 15.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x231A...0x231B,  // watch, hourglass
        0x2329...0x232A,  // angle brackets
        0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE,
        0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
        0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3,
        0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD,
        0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
        0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF,
        0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E,  // CJK radicals, Kangxi radicals, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed and compatibility CJK
        0x3400...0x4DBF,  // CJK Unified Ideographs Extension A
        0x4DC0...0x4DFF,  // Yijing hexagram symbols
        0x4E00...0x9FFF,  // CJK Unified Ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo Extended-A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth ASCII variants and punctuation
        0xFFE0...0xFFE6,  // fullwidth signs (cent, pound, yen)
        0x16FE0...0x16FE4,
        0x17000...0x18CFF,  // Tangut, Khitan
        0x1AFF0...0x1B2FF,  // Kana extended and supplement, Nushu
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
        0x1F260...0x1F265,
        0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
        0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4,
        0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D,
        0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596,
        0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F,  // includes the emoticons block
        0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7,
        0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
        0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0,
        0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF,
        0x1FA70...0x1FAFF,  // symbols and pictographs extended-A
        0x20000...0x2FFFD,  // CJK Extensions B to F, compatibility supplement
        0x30000...0x3FFFD,  // CJK Extensions G and H
    ]
}

extension Character {
    /// Whether a line may break right before or after this character without a space:
    /// true for wide characters (CJK ideographs, kana, Hangul, fullwidth forms, emoji),
    /// which are written without spaces between words.
    var allowsBreakWithoutSpace: Bool {
        guard let first = unicodeScalars.first else { return false }
        return DisplayWidth.isWide(first.value)
    }
}
