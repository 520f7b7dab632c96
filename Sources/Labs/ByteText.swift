import TextUI

/// How bytes from the network are shown in a log line or a message to the learner.
///
/// Everything a peer sends that reaches a terminal goes through here or through
/// ``TerminalSafe`` (which this uses): no C0 or C1 control, DEL or bidi control is shown as
/// itself.
public enum ByteText {
    /// Valid UTF-8 is shown quoted, with control characters escaped and long text cut;
    /// anything else is shown as a byte count with the first bytes in hex, because
    /// decoding it would be a guess (the notes' servers crash here with UnicodeDecodeError).
    /// The words around it (`<12 bytes, not UTF-8: ...>`) are in `language`.
    public static func quoted(_ bytes: some Collection<UInt8>, limit: Int = 60, language: Language = .english) -> String {
        let say = LabSay(language)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let head = bytes.prefix(12).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined(separator: " ")
            return say(.quotedNotUTF8, String(bytes.count), head + (bytes.count > 12 ? " …" : ""))
        }
        let (shown, complete) = escapedPrefix(text, limit: limit)
        return complete ? "\"\(shown)\"" : say(.quotedCut, "\"\(shown)\"", String(bytes.count))
    }

    /// `text` with control and bidi characters escaped (`\n`, `\u{1b}`, `\u{9b}`, `\u{202e}`),
    /// cut after `limit` characters, for quoting untrusted text inside a message.
    public static func escaped(_ text: String, limit: Int = 60) -> String {
        let (shown, complete) = escapedPrefix(text, limit: limit)
        return complete ? shown : shown + "…"
    }

    /// Bytes a peer sent that are shown as they are meant to be read (a command's output, an
    /// echo): decoded as UTF-8 (a broken sequence shows as U+FFFD), line feeds and tabs kept,
    /// every other control and bidi character escaped (``TerminalSafe/output(_:)``).
    public static func output(_ bytes: some Collection<UInt8>) -> String {
        TerminalSafe.output(String(decoding: bytes, as: UTF8.self))
    }

    private static func escapedPrefix(_ text: String, limit: Int) -> (String, Bool) {
        var shown = ""
        var characters = 0
        for scalar in text.unicodeScalars {
            if characters == limit { return (shown, false) }
            shown += scalar == "\"" ? "\\\"" : TerminalSafe.inLine(scalar)
            characters += 1
        }
        return (shown, true)
    }
}
