import TextUI

// A small tokenizer for the two languages the lessons show: the notes' Python and osilab's
// Swift. It colours keywords, strings, comments and numbers, and leaves everything else
// alone; it never changes a character, so the code copied from the screen is the code.

/// The kind of a piece of source code.
public enum CodeTokenKind: Sendable, Equatable {
    case plain, keyword, string, comment, number
}

/// Splits code into coloured tokens.
public enum Highlighter {
    public static let swiftKeywords: Set<String> = [
        "actor", "any", "as", "associatedtype", "async", "await", "break", "case", "catch", "class", "continue",
        "default", "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate",
        "final", "for", "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "mutating",
        "nil", "nonisolated", "open", "operator", "override", "private", "protocol", "public", "repeat", "rethrows",
        "return", "self", "Self", "some", "static", "struct", "subscript", "super", "switch", "throw", "throws",
        "true", "try", "typealias", "var", "weak", "where", "while",
    ]

    public static let pythonKeywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "self", "try", "while", "with", "yield",
    ]

    /// The language a fence's info string names, if it is one we colour.
    enum Language {
        case swift, python

        init?(_ name: String) {
            switch name {
            case "swift": self = .swift
            case "python", "py": self = .python
            default: return nil
            }
        }
    }

    /// `code` cut into lines of tokens. Languages other than Swift and Python come back as
    /// plain text. Tokens never span lines (a multi-line string is split at each line end).
    public static func tokenize(_ code: String, language: String) -> [[(CodeTokenKind, String)]] {
        let characters = Array(code)
        guard let language = Language(language) else {
            return code.split(separator: "\n", omittingEmptySubsequences: false).map { [(.plain, String($0))] }
        }
        var tokens: [(CodeTokenKind, String)] = []
        var index = 0
        func take(_ kind: CodeTokenKind, from start: Int) {
            tokens.append((kind, String(characters[start..<index])))
        }
        func starts(with text: String, at position: Int) -> Bool {
            var offset = position
            for character in text {
                guard offset < characters.count, characters[offset] == character else { return false }
                offset += 1
            }
            return true
        }
        while index < characters.count {
            let start = index
            let character = characters[index]
            // Comments.
            if (language == .swift && starts(with: "//", at: index)) || (language == .python && character == "#") {
                while index < characters.count, characters[index] != "\n" { index += 1 }
                take(.comment, from: start)
                continue
            }
            if language == .swift && starts(with: "/*", at: index) {
                index += 2
                while index < characters.count, !starts(with: "*/", at: index) { index += 1 }
                index = min(characters.count, index + 2)
                take(.comment, from: start)
                continue
            }
            // Strings, with Python's prefixes (b"", r"", f"") and triple quotes in both.
            var quoteStart = index
            if language == .python, character.isLetter, isPythonStringPrefix(characters, at: index) {
                while quoteStart < characters.count, characters[quoteStart].isLetter { quoteStart += 1 }
            }
            if quoteStart < characters.count, characters[quoteStart] == "\"" || (language == .python && characters[quoteStart] == "'") {
                let quote = characters[quoteStart]
                let triple = String(repeating: quote, count: 3)
                let raw = language == .python && characters[index..<quoteStart].contains { $0 == "r" || $0 == "R" }
                if starts(with: triple, at: quoteStart) {
                    index = quoteStart + 3
                    while index < characters.count, !starts(with: triple, at: index) {
                        index += (characters[index] == "\\" && !raw) ? 2 : 1
                    }
                    index = min(characters.count, index + 3)
                } else {
                    index = quoteStart + 1
                    while index < characters.count, characters[index] != quote, characters[index] != "\n" {
                        index += (characters[index] == "\\" && !raw) ? 2 : 1
                    }
                    index = min(characters.count, index + 1)
                }
                take(.string, from: start)
                continue
            }
            // Numbers: 4545, 0x1F, 3.14, 1_000.
            if character.isASCII, character.isNumber {
                index += 1
                while index < characters.count,
                      characters[index].isASCII && (characters[index].isHexDigit || characters[index] == "_"
                          || characters[index] == "x" || characters[index] == "o" || characters[index] == "b"
                          || (characters[index] == "." && index + 1 < characters.count && characters[index + 1].isNumber))
                {
                    index += 1
                }
                take(.number, from: start)
                continue
            }
            // Words: keywords or plain names.
            if character.isLetter || character == "_" {
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
                    index += 1
                }
                let word = String(characters[start..<index])
                let keywords = language == .swift ? swiftKeywords : pythonKeywords
                take(keywords.contains(word) ? .keyword : .plain, from: start)
                continue
            }
            index += 1
            take(.plain, from: start)
        }
        return splitLines(tokens)
    }

    static func isPythonStringPrefix(_ characters: [Character], at index: Int) -> Bool {
        var end = index
        while end < characters.count, end - index < 3, characters[end].isLetter { end += 1 }
        guard end < characters.count, characters[end] == "\"" || characters[end] == "'" else { return false }
        let prefix = String(characters[index..<end]).lowercased()
        return ["b", "r", "u", "f", "br", "rb", "fr", "rf"].contains(prefix)
    }

    /// Cuts the token stream at line ends, merging neighbours of the same kind.
    static func splitLines(_ tokens: [(CodeTokenKind, String)]) -> [[(CodeTokenKind, String)]] {
        var lines: [[(CodeTokenKind, String)]] = [[]]
        for (kind, text) in tokens {
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (number, part) in parts.enumerated() {
                if number > 0 { lines.append([]) }
                guard !part.isEmpty else { continue }
                let last = lines.count - 1
                if let previous = lines[last].last, previous.0 == kind {
                    lines[last][lines[last].count - 1].1 += part
                } else {
                    lines[last].append((kind, String(part)))
                }
            }
        }
        return lines
    }
}
