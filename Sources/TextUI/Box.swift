// Frames and rules drawn with box-drawing characters, for the lesson runner's question and
// lab boxes and for anything else that wants a border (the capture ladder, reports).

/// Draws borders around lines.
public enum Box {
    /// The columns a box's border and padding take: `│ ` on the left and ` │` on the right.
    public static let horizontalChrome = 4

    /// `content` inside a frame exactly `width` columns wide, with `title` set into the top
    /// border (`┌─ Title ──┐`). Content lines wider than `width - 4` are cut; wrap them to
    /// ``innerWidth(for:)`` first.
    ///
    /// - Parameters:
    ///   - border: the style of the frame characters.
    ///   - title: drawn in `titleStyle` on the top border; cut if the box is too narrow.
    ///   - fill: the style of the padding inside the box (a background colour, for example).
    public static func frame(
        _ content: [StyledLine], width: Int, title: String? = nil,
        border: TextStyle = .plain, titleStyle: TextStyle = .plain, fill: TextStyle = .plain
    ) -> [StyledLine] {
        let width = max(width, horizontalChrome + 1)
        let inner = innerWidth(for: width)
        var top = StyledLine("┌", border)
        if let title, !title.isEmpty, width >= 8 {
            // `┌─ ` + title + ` ─┐`: a title that does not fit is cut with `…`.
            let text = StyledLine(title, titleStyle).truncated(to: width - 6, marker: Span("…", titleStyle))
            let label = StyledLine(" ") + text + StyledLine(" ")
            top.append("─", border)
            top.append(label)
            top.append(String(repeating: "─", count: max(0, width - 3 - label.width)), border)
        } else {
            top.append(String(repeating: "─", count: width - 2), border)
        }
        top.append("┐", border)
        var lines = [top]
        for line in content {
            var row = StyledLine("│", border)
            row.append(" ", fill)
            row.append(line.applying(fill).truncated(to: inner).padded(to: inner, fill))
            row.append(" ", fill)
            row.append("│", border)
            lines.append(row)
        }
        lines.append(StyledLine("└" + String(repeating: "─", count: width - 2) + "┘", border))
        return lines
    }

    /// The columns available for content in a box `width` columns wide.
    public static func innerWidth(for width: Int) -> Int {
        max(1, width - horizontalChrome)
    }

    /// A horizontal rule `width` columns wide, with an optional label near its left end
    /// (`── Label ─────`).
    public static func rule(width: Int, label: String? = nil, style: TextStyle = .plain, labelStyle: TextStyle = .plain) -> StyledLine {
        guard width > 0 else { return .blank }
        guard let label, !label.isEmpty, width > 6 else {
            return StyledLine(String(repeating: "─", count: width), style)
        }
        var line = StyledLine("── ", style)
        let text = StyledLine(label, labelStyle).truncated(to: width - 4, marker: Span("…", labelStyle))
        line.append(text)
        line.append(" ", style)
        line.append(String(repeating: "─", count: max(0, width - line.width)), style)
        return line
    }
}
