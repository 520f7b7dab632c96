import TextUI

/// The text of `--plain`: what a teacher pastes into a plain-text forum or a student into a
/// report. Every symbol osilab draws is spelled in ASCII (`us` for `µs`, `[ok]` for `✓`,
/// `->` for `→`, `|` and `-` for the box lines). What has no ASCII spelling stays as it is:
/// the Chinese of `--lang zh` (its characters and full-width punctuation, which every terminal
/// and font draws two columns wide, so the columns stay aligned wherever it is pasted) and the
/// bytes a program itself sent (the sticky experiment sends Chinese text on purpose).
///
/// Characters East Asian fonts draw in one or two columns depending on the font (box drawing,
/// `µ`, `→`, `…`, `“”`) are exactly the ones folded, so a Chinese ladder pasted into a
/// Chinese forum keeps its lifelines straight too.
public enum PlainText {
    /// `text` with every symbol osilab uses spelled in ASCII.
    public static func ascii(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if character.isASCII {
                result.append(character)
            } else if let spelled = spelling[character] {
                result += spelled
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Every line of `lines` spelled in ASCII.
    public static func ascii(_ lines: [String]) -> [String] {
        lines.map { ascii($0) }
    }

    /// Whether `text` is what `--plain` promises: ASCII, apart from wide (two-column)
    /// characters, which only Chinese text and the data a program sent bring.
    public static func isPlain(_ text: String) -> Bool {
        text.allSatisfy { $0.isASCII || DisplayWidth.of($0) == 2 }
    }

    /// The ASCII spelling of each symbol. Replacements inside a drawn layout (box lines,
    /// arrows, dashes) keep the symbol's width; the others (`✓`, `…`) are applied before the
    /// text is laid out.
    static let spelling: [Character: String] = [
        // Checks and marks
        "✓": "[ok]", "✗": "[!!]", "✕": "x", "•": "-", "◆": "*", "◇": "+", "·": "-",
        // Units and arithmetic
        "µ": "u", "μ": "u", "×": "x", "≤": "<=", "≥": ">=", "≠": "!=", "≈": "~",
        // Arrows
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "↳": "->", "▶": ">", "◀": "<", "▸": ">", "▲": "^", "▼": "v",
        // Punctuation
        "–": "-", "—": "--", "…": "...", "“": "\"", "”": "\"", "‘": "'", "’": "'", "\u{00A0}": " ",
        // Box drawing (the layer view's tree, boxes and rules)
        "─": "-", "━": "-", "│": "|", "┃": "|", "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+",
        "┌": "+", "┐": "+", "└": "+", "┘": "+", "╭": "+", "╮": "+", "╯": "+", "╰": "+",
        "═": "=", "║": "|", "╔": "+", "╗": "+", "╚": "+", "╝": "+",
    ]
}
