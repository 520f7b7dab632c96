// Text from a file must not reach the terminal with control characters in it: an escape
// sequence in a lesson could move the cursor or change colours, and a tab or carriage
// return would break every width calculation.

/// Makes text safe to measure and draw.
public enum TextSanitizer {
    /// `text` with tabs expanded to the next multiple of `tabWidth` columns, and every other
    /// control character (escape, carriage return, bell, C1 controls, DEL) and every bidi
    /// control (``TerminalSafe/isBidiControl(_:)``) removed. Line feeds are kept; the column
    /// count restarts after each.
    public static func clean(_ text: String, tabWidth: Int = 4) -> String {
        // Fast path: most text has nothing to clean.
        if !text.unicodeScalars.contains(where: { TerminalSafe.needsEscape($0) && $0 != "\n" }) {
            return text
        }
        var out = ""
        var column = 0
        for character in text {
            if character == "\n" || character == "\r\n" {
                out.append("\n")
                column = 0
            } else if character == "\t" {
                let stop = max(1, tabWidth)
                let spaces = stop - column % stop
                out += String(repeating: " ", count: spaces)
                column += spaces
            } else if character.unicodeScalars.allSatisfy({ TerminalSafe.needsEscape($0) }) {
                continue
            } else {
                // A cluster can carry a control scalar after its base (rare): keep the rest.
                let kept = String(String.UnicodeScalarView(character.unicodeScalars.filter { !TerminalSafe.needsEscape($0) }))
                out += kept
                column += DisplayWidth.of(kept)
            }
        }
        return out
    }
}
