import TextUI
import Timeline
import Wire

/// A packet broken down by OSI layer, like Packet Tracer's "OSI Model" tab but from real
/// bytes: each layer's header with every field and its value, then the raw bytes in hex
/// with each layer's bytes marked (by colour on a terminal, by brackets in plain text).
public enum LayerView {
    /// The colour of each OSI layer, used both for the section titles and the hex bytes.
    static func colour(forLayer layer: Int) -> TerminalColor {
        switch layer {
        case 2: .blue
        case 3: .green
        case 4: .yellow
        case 7: .magenta
        default: .red
        }
    }

    /// Brackets that mark a layer's bytes in plain text: `[...]` data link, `{...}` network,
    /// `<...>` transport, `(...)` application, `!...!` a decode error.
    static func brackets(forLayer layer: Int, isError: Bool) -> (String, String) {
        if isError { return ("!", "!") }
        switch layer {
        case 2: return ("[", "]")
        case 3: return ("{", "}")
        case 4: return ("<", ">")
        default: return ("(", ")")
        }
    }

    /// The breakdown of one packet as styled lines, every line at most `width` columns.
    /// - Parameters:
    ///   - title: a heading such as `Packet 3`.
    ///   - colour: true to mark layers by colour (terminal), false for brackets (plain).
    ///   - language: the language of the layer, header and field names and the notes.
    public static func render(
        bytes: [UInt8], linkType: LinkType, originalLength: Int, title: String, width: Int = 100, colour: Bool,
        language: Language = .english
    ) -> [StyledLine] {
        let sections = layerBreakdown(bytes, linkType: linkType, originalLength: originalLength)
        let words = LayerBreakdown(language: language)
        let named = words.name(sections)
        let say = words.say
        var lines: [StyledLine] = []
        let heading: String = switch (bytes.count == 1, originalLength > bytes.count) {
        case (true, false): say(.viewHeadingOneByte, title)
        case (false, false): say(.viewHeadingBytes, title, "\(bytes.count)")
        case (true, true): say(.viewHeadingOneByteOf, title, "\(originalLength)")
        case (false, true): say(.viewHeadingBytesOf, title, "\(bytes.count)", "\(originalLength)")
        }
        for piece in TextWrapper.wrap(heading, width: max(20, width)) {
            lines.append(StyledLine(piece, TextStyle(bold: true)))
        }
        for (index, section) in named.enumerated() {
            let last = index == named.count - 1
            let gutter = last ? "     " : "│    "
            let style = TextStyle(bold: true, foreground: section.isError ? .red : Self.colour(forLayer: section.osiLayer))
            let (open, close) = brackets(forLayer: section.osiLayer, isError: section.isError)
            let layerText = section.isError ? say(.viewProblem) : say(.viewLayer, "\(section.osiLayer)", section.osiLayerName)
            let range = section.bytes.isEmpty
                ? say(.viewNoBytes) : say(.viewBytes, "\(section.bytes.lowerBound)", "\(section.bytes.upperBound - 1)")
            lines += titleLines(say(.viewSectionTitle, layerText, section.name), style: style, range: colour ? range : "\(open)\(range)\(close)",
                                branch: last ? "└─ " : "├─ ", gutter: gutter, width: width)
            let nameWidth = min(24, section.fields.map { DisplayWidth.of($0.name) }.max() ?? 0)
            for field in section.fields {
                let padding = String(repeating: " ", count: max(1, nameWidth - DisplayWidth.of(field.name) + 2))
                let prefix = gutter + field.name + padding
                let wrapped = TextWrapper.wrap(field.value, width: max(20, width - DisplayWidth.of(prefix)))
                for (lineIndex, piece) in wrapped.enumerated() {
                    var line = StyledLine(lineIndex == 0 ? prefix : gutter + String(repeating: " ", count: DisplayWidth.of(prefix) - DisplayWidth.of(gutter)))
                    line.append(piece, section.isError ? TextStyle(foreground: .red) : .plain)
                    lines.append(line)
                }
            }
        }
        let legend = say(colour ? .viewLegendColour : .viewLegendPlain)
        for piece in TextWrapper.wrap(legend, width: max(20, width)) {
            lines.append(StyledLine(piece, TextStyle(dim: true)))
        }
        // Sixteen bytes a line, as tcpdump -X shows them, unless the marks of many small
        // headers would make a line wider than the screen.
        var rows = hexDump(bytes, marking: sections).map { hexRow($0, sections: sections, colour: colour) }
        if rows.contains(where: { DisplayWidth.of($0.plainText) > width }) {
            rows = hexDump(bytes, marking: sections, bytesPerLine: 8).map { hexRow($0, sections: sections, colour: colour) }
        }
        return lines + rows
    }

    /// A section's title and its byte range on one line when they fit, else the title
    /// wrapped under the branch and the range on the last line or a line of its own.
    static func titleLines(_ title: String, style: TextStyle, range: String, branch: String, gutter: String, width: Int) -> [StyledLine] {
        let rangeStyle = TextStyle(dim: true)
        var first = StyledLine(branch)
        if DisplayWidth.of(branch + title + "  " + range) <= width {
            first.append(title, style)
            first.append("  " + range, rangeStyle)
            return [first]
        }
        let pieces = TextWrapper.wrap(title, width: max(10, width - DisplayWidth.of(branch)))
        let stem = String(gutter.prefix(1)) + "  "
        var lines: [StyledLine] = []
        for (index, piece) in pieces.enumerated() {
            var line = index == 0 ? first : StyledLine(stem)
            line.append(piece, style)
            lines.append(line)
        }
        if let lastLine = lines.last, DisplayWidth.of(lastLine.plainText + "  " + range) <= width {
            lines[lines.count - 1].append("  " + range, rangeStyle)
        } else {
            lines.append(StyledLine(stem + range, rangeStyle))
        }
        return lines
    }

    /// One hex line: offset, the bytes marked by layer, and the printable characters.
    static func hexRow(_ line: HexLine, sections: [LayerSection], colour: Bool) -> StyledLine {
        var row = StyledLine(hexOffset(line.offset) + "  ", TextStyle(dim: true))
        var previous: Int?? = .none
        for (column, byte) in line.bytes.enumerated() {
            let owner = column < line.sections.count ? line.sections[column] : nil
            let section = owner.flatMap { $0 < sections.count ? sections[$0] : nil }
            let hex = hexByte(byte)
            if colour {
                let style = section.map { TextStyle(foreground: $0.isError ? .red : Self.colour(forLayer: $0.osiLayer)) } ?? .plain
                row.append((column == 0 ? "" : " ") + hex, style)
            } else {
                var text = column == 0 ? "" : " "
                if previous != .some(owner) {
                    if case .some(let earlier) = previous, let index = earlier, index < sections.count {
                        text = brackets(forLayer: sections[index].osiLayer, isError: sections[index].isError).1 + text
                    }
                    if let section { text += brackets(forLayer: section.osiLayer, isError: section.isError).0 }
                }
                row.append(text + hex)
            }
            previous = .some(owner)
        }
        if !colour, case .some(let last) = previous, let index = last, index < sections.count {
            row.append(brackets(forLayer: sections[index].osiLayer, isError: sections[index].isError).1)
        }
        return row
    }

    static func hexOffset(_ offset: Int) -> String {
        let text = String(offset, radix: 16)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
