// Word wrapping for the terminal.
//
// Lines break at spaces, and also between two characters when either is wide (CJK text has
// no spaces between words), except before closing punctuation (`，。）」`) or after opening
// punctuation (`（「`), the Chinese and Japanese line-breaking rule known as kinsoku. A word
// longer than the line is cut between grapheme clusters. Nothing ever splits a cluster, so a
// wide character, an emoji or a letter with its accents always stays whole.

/// Wraps styled text to a width.
public enum TextWrapper {
    /// Wraps `spans` into lines of at most `width` columns.
    ///
    /// - Parameters:
    ///   - spans: the text; a `"\n"` inside a span is a hard line break.
    ///   - width: the most columns a line may take, prefixes included. Widths below 2
    ///     cannot hold a wide character; such a character is then put on a line of its own.
    ///   - firstPrefix: drawn before the first line (a list bullet, a quote bar).
    ///   - restPrefix: drawn before every later line, usually spaces as wide as `firstPrefix`
    ///     so the text hangs under its first word.
    /// - Returns: at least one line (an empty text gives one line holding just the prefix).
    public static func wrap(
        _ spans: [Span], width: Int, firstPrefix: StyledLine = .blank, restPrefix: StyledLine = .blank
    ) -> [StyledLine] {
        // A prefix that leaves no room for text is dropped rather than overflowing the width.
        let first = firstPrefix.width < width ? firstPrefix : StyledLine.blank
        let rest = restPrefix.width < width ? restPrefix : StyledLine.blank
        var lines: [StyledLine] = []
        for segment in hardLines(spans) {
            let prefix = lines.isEmpty ? first : rest
            lines += wrapSegment(segment, width: width, firstPrefix: prefix, restPrefix: rest)
        }
        return lines.isEmpty ? [first] : lines
    }

    /// Wraps unstyled text; see ``wrap(_:width:firstPrefix:restPrefix:)``.
    public static func wrap(_ text: String, width: Int, firstPrefix: String = "", restPrefix: String = "") -> [String] {
        wrap([Span(text)], width: width, firstPrefix: StyledLine(firstPrefix), restPrefix: StyledLine(restPrefix))
            .map(\.plainText)
    }

    // MARK: - Internals

    struct Cell {
        var character: Character
        var style: TextStyle
        var width: Int
    }

    /// The text cut at hard line breaks, as cells.
    static func hardLines(_ spans: [Span]) -> [[Cell]] {
        var result: [[Cell]] = [[]]
        for span in spans {
            for character in span.text {
                if character == "\n" || character == "\r\n" {
                    result.append([])
                } else {
                    result[result.count - 1].append(Cell(character: character, style: span.style, width: DisplayWidth.of(character)))
                }
            }
        }
        return result
    }

    enum Token {
        case space([Cell])
        case word([Cell])
    }

    static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{3000}"
    }

    /// Cuts a line into spaces and unbreakable words; a break is allowed between two words
    /// that touch (CJK characters). Hyphens are not break points: technical text is full of
    /// names such as `SYN-ACK` and `drop-final-ack` that must stay whole.
    static func tokens(_ cells: [Cell]) -> [Token] {
        var tokens: [Token] = []
        var current: [Cell] = []
        var inSpace = false
        func flush() {
            guard !current.isEmpty else { return }
            tokens.append(inSpace ? .space(current) : .word(current))
            current = []
        }
        for cell in cells {
            let space = isSpace(cell.character)
            if space != inSpace {
                flush()
                inSpace = space
            } else if !space, let previous = current.last,
                canBreak(between: previous.character, and: cell.character) {
                flush()
            }
            current.append(cell)
        }
        flush()
        return tokens
    }

    /// Characters a line must not start with: closing and small punctuation.
    static let noBreakBefore: Set<Character> = Set(
        "，。、：；！？）」』】〉》〕］｝〗〙〛・ー…‥ヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.;:!?)]}%’”")
    /// Characters a line must not end with: opening punctuation.
    static let noBreakAfter: Set<Character> = Set("（「『【〈《〔［｛〖〘〚([{‘“")

    /// Whether a line may break between `left` and `right`, two characters with no space between.
    static func canBreak(between left: Character, and right: Character) -> Bool {
        if noBreakBefore.contains(right) || noBreakAfter.contains(left) { return false }
        return left.allowsBreakWithoutSpace || right.allowsBreakWithoutSpace
    }

    static func wrapSegment(_ cells: [Cell], width: Int, firstPrefix: StyledLine, restPrefix: StyledLine) -> [StyledLine] {
        var lines: [StyledLine] = []
        var line: [Cell] = []
        var lineWidth = 0
        var pendingSpace: [Cell] = []
        var prefix = firstPrefix
        var room: Int { max(1, width - prefix.width) }

        func emit() {
            lines.append(prefix + render(line))
            line = []
            lineWidth = 0
            pendingSpace = []
            prefix = restPrefix
        }

        for token in tokens(cells) {
            switch token {
            case .space(let spaces):
                if !line.isEmpty { pendingSpace = spaces }
            case .word(let word):
                let wordWidth = word.reduce(0) { $0 + $1.width }
                let spaceWidth = pendingSpace.reduce(0) { $0 + $1.width }
                if lineWidth + spaceWidth + wordWidth <= room {
                    line += pendingSpace + word
                    lineWidth += spaceWidth + wordWidth
                    pendingSpace = []
                    continue
                }
                if !line.isEmpty { emit() }
                pendingSpace = []
                if wordWidth <= room {
                    line = word
                    lineWidth = wordWidth
                    continue
                }
                // Longer than a whole line: cut between clusters, but not before closing
                // punctuation or after opening punctuation (`ECONNREFUSED；` at 12 columns
                // ends `ECONNREFUSE` / `D；`): the characters around such a cut move down.
                for cell in word {
                    if lineWidth + cell.width > room && !line.isEmpty {
                        let carried = carryOver(line, before: cell, room: room)
                        let moved = Array(line.suffix(carried))
                        line.removeLast(carried)
                        emit()
                        line = moved
                        lineWidth = moved.reduce(0) { $0 + $1.width }
                    }
                    line.append(cell)
                    lineWidth += cell.width
                }
            }
        }
        if !line.isEmpty || lines.isEmpty { emit() }
        return lines
    }

    /// How many cells at the end of `line` must move to the next line so that the cut
    /// before `next` is allowed: not before closing punctuation, not after opening
    /// punctuation. At least one cell stays, and the moved cells and `next` fit in `room`;
    /// when they cannot, the cut stays where it is (a narrow screen gets a cut over nothing).
    static func carryOver(_ line: [Cell], before next: Cell, room: Int) -> Int {
        var count = 0
        var first = next
        var width = next.width
        while count < line.count - 1 {
            let last = line[line.count - 1 - count]
            guard noBreakBefore.contains(first.character) || noBreakAfter.contains(last.character),
                  width + last.width <= room else { break }
            count += 1
            width += last.width
            first = last
        }
        // A cut that is still forbidden after moving all that fits is not worth moving for.
        if count > 0, let stillBefore = line.dropLast(count).last,
           noBreakBefore.contains(first.character) || noBreakAfter.contains(stillBefore.character) {
            return 0
        }
        return count
    }

    static func render(_ cells: [Cell]) -> StyledLine {
        var line = StyledLine()
        for cell in cells { line.append(String(cell.character), cell.style) }
        return line
    }
}
