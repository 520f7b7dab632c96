import TextUI

// Markdown blocks to styled terminal lines at a given width. Everything that can be wrapped
// is wrapped by display width (CJK-safe); code is never reflowed, only cut with a visible
// marker when it is wider than the screen.

/// Renders Markdown blocks to lines.
public struct MarkdownRenderer: Sendable {
    public var width: Int
    public var theme: Theme
    /// Nesting depth of lists, for the bullet shape.
    var listDepth = 0

    /// The marker drawn where a code line was cut.
    public static let cutMarker = "›"
    /// Code blocks are indented by this many spaces: plain indentation keeps copy and paste working.
    public static let codeIndent = 4

    public init(width: Int, theme: Theme = .standard) {
        self.width = max(8, width)
        self.theme = theme
    }

    /// The blocks, separated by blank lines.
    public func render(_ blocks: [MarkdownBlock]) -> [StyledLine] {
        var lines: [StyledLine] = []
        for block in blocks {
            let rendered = render(block)
            if rendered.isEmpty { continue }
            if !lines.isEmpty { lines.append(.blank) }
            lines += rendered
        }
        return lines
    }

    public func render(_ block: MarkdownBlock) -> [StyledLine] {
        switch block {
        case .heading(let level, let inlines):
            return heading(level: level, inlines)
        case .paragraph(let inlines):
            return wrap(inlines)
        case .quote(let children):
            return quote(children)
        case .list(let ordered, let start, let tight, let items):
            return list(ordered: ordered, start: start, tight: tight, items: items)
        case .code(let language, let text):
            return code(text, language: language)
        case .table(let alignments, let header, let rows):
            return table(alignments: alignments, header: header, rows: rows)
        case .thematicBreak:
            return [StyledLine(String(repeating: "─", count: width), theme.rule)]
        case .html(let text):
            return code(text, language: "")
        case .directive(let name, let body, _):
            // Directives are parsed into boxes before rendering; if one reaches here, show its source.
            return code("```\(name)\n\(body)```", language: "")
        }
    }

    // MARK: Inline text

    /// The inlines as spans, with `base` under every span's own style.
    public func spans(_ inlines: [Inline], base: TextStyle = .plain) -> [Span] {
        var result: [Span] = []
        for (index, inline) in inlines.enumerated() {
            switch inline {
            case .text(let text):
                result.append(Span(clean(text), base))
            case .code(let text):
                result.append(Span(clean(text), base.merging(theme.inlineCode)))
            case .html(let text):
                result.append(Span(clean(text), base.merging(theme.hint)))
            case .emphasis(let children):
                result += spans(children, base: base.merging(theme.emphasis))
            case .strong(let children):
                result += spans(children, base: base.merging(theme.strong))
            case .strikethrough(let children):
                result += spans(children, base: base.merging(theme.hint))
            case .link(let url, let children):
                result += spans(children, base: base.merging(theme.link))
                let text = children.plainText
                if !url.isEmpty && url != text && url != "mailto:" + text {
                    result.append(Span(" (" + clean(url) + ")", base.merging(theme.url)))
                }
            case .image(let url, let alt):
                result.append(Span("[image: ", base.merging(theme.hint)))
                result += spans(alt, base: base)
                result.append(Span("]", base.merging(theme.hint)))
                if !url.isEmpty { result.append(Span(" (" + clean(url) + ")", base.merging(theme.url))) }
            case .softBreak:
                // Chinese is written without spaces: a line break in the source between two
                // Chinese characters joins them, where between words it is a space.
                let before = result.last?.text.last
                let after = inlines.dropFirst(index + 1).first?.plainText.first
                if let before, let after, before.isWide, after.isWide { continue }
                result.append(Span(" ", base))
            case .lineBreak:
                result.append(Span("\n", base))
            }
        }
        return result
    }

    /// The inlines wrapped to the width, with optional prefixes (see ``TextWrapper``).
    public func wrap(_ inlines: [Inline], base: TextStyle = .plain, firstPrefix: StyledLine = .blank, restPrefix: StyledLine = .blank) -> [StyledLine] {
        TextWrapper.wrap(spans(inlines, base: base), width: width, firstPrefix: firstPrefix, restPrefix: restPrefix)
    }

    func clean(_ text: String) -> String {
        TextSanitizer.clean(text)
    }

    // MARK: Blocks

    func heading(level: Int, _ inlines: [Inline]) -> [StyledLine] {
        let style = level == 1 ? theme.heading1 : level == 2 ? theme.heading2 : theme.heading3
        let lines = wrap(inlines, base: style)
        guard level <= 2 else { return lines }
        let ruleWidth = min(width, lines.map(\.width).max() ?? 0)
        return lines + [StyledLine(String(repeating: level == 1 ? "═" : "─", count: ruleWidth), theme.rule)]
    }

    func quote(_ children: [MarkdownBlock]) -> [StyledLine] {
        var inner = self
        inner.width = max(4, width - 2)
        return inner.render(children).map { line in
            StyledLine("│ ", theme.quoteBar) + line.applying(theme.quoteText)
        }
    }

    func list(ordered: Bool, start: Int, tight: Bool, items: [[MarkdownBlock]]) -> [StyledLine] {
        let bullets = ["•", "◦", "▪"]
        let markers: [String] = items.indices.map { index in
            ordered ? "\(start + index)." : bullets[min(listDepth, bullets.count - 1)]
        }
        let markerWidth = (markers.map { DisplayWidth.of($0) }.max() ?? 1) + 1
        var inner = self
        inner.width = max(4, width - markerWidth)
        inner.listDepth = listDepth + 1
        var lines: [StyledLine] = []
        for (index, item) in items.enumerated() {
            if index > 0 && !tight { lines.append(.blank) }
            var itemLines: [StyledLine] = []
            for (blockIndex, block) in item.enumerated() {
                if blockIndex > 0 && !tight { itemLines.append(.blank) }
                itemLines += inner.render(block)
            }
            if itemLines.isEmpty { itemLines = [.blank] }
            let marker = markers[index]
            // Numbers are right-aligned so the text of items 9 and 10 lines up.
            let padding = String(repeating: " ", count: markerWidth - 1 - DisplayWidth.of(marker))
            let first = ordered ? StyledLine(padding + marker + " ", theme.bullet) : StyledLine(marker + padding + " ", theme.bullet)
            let rest = StyledLine(String(repeating: " ", count: markerWidth))
            for (lineIndex, line) in itemLines.enumerated() {
                if line.spans.isEmpty && lineIndex > 0 {
                    lines.append(.blank)
                } else {
                    lines.append((lineIndex == 0 ? first : rest) + line)
                }
            }
        }
        return lines
    }

    /// Code lines, coloured for Swift and Python, indented, and cut with ``cutMarker`` where
    /// they would not fit: code is never wrapped, since a reflowed line is a different program.
    public func code(_ text: String, language: String) -> [StyledLine] {
        var source = TextSanitizer.clean(text, tabWidth: 4)
        if source.hasSuffix("\n") { source.removeLast() }
        let indent = width >= 30 ? Self.codeIndent : 2
        return Highlighter.tokenize(source, language: language).map { tokens in
            var line = StyledLine(String(repeating: " ", count: indent))
            for (kind, text) in tokens { line.append(text, theme.style(for: kind)) }
            return line.truncated(to: width, marker: Span(Self.cutMarker, theme.cutMarker))
        }
    }

    // MARK: Tables

    static let columnSeparator = " │ "

    func table(alignments: [ColumnAlignment], header: [[Inline]], rows: [[[Inline]]]) -> [StyledLine] {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return [] }
        func cell(_ row: [[Inline]], _ column: Int) -> [Inline] { column < row.count ? row[column] : [] }
        let allRows = [header] + rows
        let natural: [Int] = (0..<columns).map { column in
            allRows.map { DisplayWidth.of(TextSanitizer.clean(cell($0, column).plainText)) }.max() ?? 0
        }
        let separators = Self.columnSeparator.count * (columns - 1)
        let available = width - separators
        // Below four columns per cell a grid is unreadable: show each row as a small list instead.
        guard available >= columns * 4 else {
            return stackedTable(header: header, rows: rows, columns: columns)
        }
        let widths = Self.columnWidths(natural: natural, available: available)
        var lines: [StyledLine] = []
        func addRow(_ row: [[Inline]], style: TextStyle) {
            let cells: [[StyledLine]] = (0..<columns).map { column in
                TextWrapper.wrap(spans(cell(row, column), base: style), width: widths[column])
            }
            let height = cells.map(\.count).max() ?? 1
            for lineIndex in 0..<height {
                var line = StyledLine()
                for column in 0..<columns {
                    if column > 0 { line.append(Self.columnSeparator, theme.rule) }
                    let content = lineIndex < cells[column].count ? cells[column][lineIndex] : .blank
                    let alignment = column < alignments.count ? alignments[column] : .none
                    line.append(Self.align(content, width: widths[column], alignment))
                }
                lines.append(Self.trimTrailingSpaces(line))
            }
        }
        if !header.isEmpty {
            addRow(header, style: theme.tableHeader)
            let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")
            lines.append(StyledLine(rule, theme.rule))
        }
        for row in rows { addRow(row, style: .plain) }
        return lines
    }

    /// Column widths that fit `available` columns: narrow columns keep their natural width,
    /// the rest share what is left evenly.
    static func columnWidths(natural: [Int], available: Int) -> [Int] {
        if natural.reduce(0, +) <= available { return natural.map { max(1, $0) } }
        var widths = natural.map { _ in 0 }
        var remaining = available
        var left = natural.count
        for column in natural.indices.sorted(by: { natural[$0] < natural[$1] }) {
            let share = remaining / left
            widths[column] = max(1, min(natural[column], share))
            remaining -= widths[column]
            left -= 1
        }
        return widths
    }

    static func align(_ line: StyledLine, width: Int, _ alignment: ColumnAlignment) -> StyledLine {
        let gap = max(0, width - line.width)
        switch alignment {
        case .right: return StyledLine(String(repeating: " ", count: gap)) + line
        case .center: return StyledLine(String(repeating: " ", count: gap / 2)) + line.padded(to: line.width + gap - gap / 2)
        case .left, .none: return line.padded(to: width)
        }
    }

    static func trimTrailingSpaces(_ line: StyledLine) -> StyledLine {
        var spans = line.spans
        while let last = spans.last {
            let trimmed = String(last.text.reversed().drop { $0 == " " }.reversed())
            if trimmed.isEmpty {
                spans.removeLast()
            } else {
                spans[spans.count - 1].text = trimmed
                break
            }
        }
        return StyledLine(spans)
    }

    /// A table too wide for the screen, one row at a time: `Header: value` lines.
    func stackedTable(header: [[Inline]], rows: [[[Inline]]], columns: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for row in rows {
            if !lines.isEmpty { lines.append(.blank) }
            for column in 0..<columns {
                let name = column < header.count ? header[column].plainText : ""
                let value: [Inline] = column < row.count ? row[column] : []
                var first = StyledLine()
                if !name.isEmpty { first.append(TextSanitizer.clean(name) + ": ", theme.tableHeader) }
                lines += TextWrapper.wrap(spans(value), width: width, firstPrefix: first, restPrefix: "  ")
            }
        }
        return lines
    }
}
