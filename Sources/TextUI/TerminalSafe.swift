// Text that came from somewhere else (a server, a command's output, a file name on disk)
// must not reach the terminal able to act on it. A terminal obeys more than ESC: the C1
// controls U+0080-U+009F are commands too (U+009B is a whole CSI, U+009D an OSC, which is
// how a peer retitles a window or writes the clipboard with OSC 52), and the bidi
// overrides and isolates reorder what the learner reads (U+202E makes `txt.exe` look like
// `exe.txt`). Every place osilab shows such text goes through this one test.

/// Which scalars must never reach a terminal as they are, and how they are written instead.
public enum TerminalSafe {
    /// C0 controls, DEL and the C1 controls: what a terminal may interpret as a command.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (value >= 0x7F && value < 0xA0)
    }

    /// The bidi marks, embeddings, overrides and isolates (Unicode's Bidi_Control set):
    /// they change the order in which the rest of a line is drawn.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Whether `scalar` is written as an escape rather than as itself.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar)
    }

    /// `\u{9b}`: how an escaped scalar is written (Swift's own spelling, which a learner can
    /// paste back into a string literal).
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16))}"
    }

    /// `text` as a command's output is shown: line feeds and tabs kept, so multi-line output
    /// still reads as lines and columns, and every other control or bidi scalar escaped
    /// (a carriage return too: it lets a line overwrite what was shown before it).
    ///
    /// Backslashes are left alone: this is the program's own text, and doubling each one
    /// would change every Windows path and regular expression it prints. So an output that
    /// itself contains the characters `\u{1b}` looks the same as an escaped ESC; it is still
    /// harmless, which is what this function promises.
    public static func output(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || !needsEscape(scalar) {
                shown.append(scalar)
            } else {
                shown.append(contentsOf: escape(scalar).unicodeScalars)
            }
        }
        return String(shown)
    }

    /// `text` on one line: every control and bidi scalar escaped (`\n` as `\n`, `\t` as `\t`,
    /// the rest as `\u{...}`), and backslashes doubled so that an escape is never ambiguous.
    /// For names and reasons shown inside a sentence.
    public static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) || $0 == "\\" }) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars { shown += inLine(scalar) }
        return shown
    }

    /// One scalar as ``line(_:)`` writes it.
    public static func inLine(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        case "\\": "\\\\"
        default: needsEscape(scalar) ? escape(scalar) : String(scalar)
        }
    }
}
