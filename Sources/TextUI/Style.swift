// Styled text as plain data: what to show and how it should look, with no idea of where it
// goes. Rendering to ANSI escape codes or to plain text happens at the very end, so the
// same lines can be drawn on a terminal, piped to a file, or compared in a test.

/// One of the eight standard terminal colours. Only these are used: they follow the
/// learner's terminal theme, where 256-colour or RGB values might be unreadable.
public enum TerminalColor: UInt8, Sendable, Hashable, CaseIterable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How a run of text looks. Every attribute is optional; the default is the terminal's own look.
public struct TextStyle: Sendable, Hashable {
    public var bold = false
    public var italic = false
    public var dim = false
    public var underline = false
    public var inverse = false
    public var foreground: TerminalColor?
    public var background: TerminalColor?

    public init(
        bold: Bool = false, italic: Bool = false, dim: Bool = false, underline: Bool = false,
        inverse: Bool = false, foreground: TerminalColor? = nil, background: TerminalColor? = nil
    ) {
        self.bold = bold
        self.italic = italic
        self.dim = dim
        self.underline = underline
        self.inverse = inverse
        self.foreground = foreground
        self.background = background
    }

    /// The terminal's default look.
    public static let plain = TextStyle()

    public var isPlain: Bool { self == .plain }

    /// This style with `other`'s attributes added on top (colours of `other` win when set).
    public func merging(_ other: TextStyle) -> TextStyle {
        TextStyle(
            bold: bold || other.bold, italic: italic || other.italic, dim: dim || other.dim,
            underline: underline || other.underline, inverse: inverse || other.inverse,
            foreground: other.foreground ?? foreground, background: other.background ?? background)
    }

    /// SGR parameters for this style (`1;33` for bold yellow), empty for the plain style.
    var sgrParameters: [String] {
        var codes: [String] = []
        if bold { codes.append("1") }
        if dim { codes.append("2") }
        if italic { codes.append("3") }
        if underline { codes.append("4") }
        if inverse { codes.append("7") }
        if let foreground { codes.append(String(30 + Int(foreground.rawValue))) }
        if let background { codes.append(String(40 + Int(background.rawValue))) }
        return codes
    }
}

/// A run of text in one style. The text must not contain line breaks or control characters
/// (see ``TextSanitizer``); layout functions count its width with ``DisplayWidth``.
public struct Span: Sendable, Hashable {
    public var text: String
    public var style: TextStyle

    public init(_ text: String, _ style: TextStyle = .plain) {
        self.text = text
        self.style = style
    }

    public var width: Int { DisplayWidth.of(text) }
}

/// One line on the screen: spans drawn left to right.
public struct StyledLine: Sendable, Hashable, ExpressibleByStringLiteral {
    public var spans: [Span]

    public init(_ spans: [Span] = []) {
        self.spans = spans
    }

    public init(_ text: String, _ style: TextStyle = .plain) {
        self.spans = text.isEmpty ? [] : [Span(text, style)]
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// An empty line.
    public static let blank = StyledLine()

    /// The characters without any style.
    public var plainText: String { spans.map(\.text).joined() }

    /// Columns the line takes on a terminal.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }

    public mutating func append(_ text: String, _ style: TextStyle = .plain) {
        guard !text.isEmpty else { return }
        if let last = spans.last, last.style == style {
            spans[spans.count - 1].text += text
        } else {
            spans.append(Span(text, style))
        }
    }

    public mutating func append(_ line: StyledLine) {
        for span in line.spans { append(span.text, span.style) }
    }

    public static func + (left: StyledLine, right: StyledLine) -> StyledLine {
        var result = left
        result.append(right)
        return result
    }

    /// The line with `style` added under every span's own style.
    public func applying(_ style: TextStyle) -> StyledLine {
        StyledLine(spans.map { Span($0.text, style.merging($0.style)) })
    }

    /// The line padded with spaces (in `style`) to exactly `width` columns; longer lines are cut.
    public func padded(to width: Int, _ style: TextStyle = .plain) -> StyledLine {
        let current = self.width
        if current > width { return truncated(to: width) }
        var result = self
        result.append(String(repeating: " ", count: width - current), style)
        return result
    }

    /// The line cut to at most `width` columns without splitting a character. When something
    /// was cut and `marker` is given, the marker takes the last columns so the cut is visible.
    public func truncated(to width: Int, marker: Span? = nil) -> StyledLine {
        guard self.width > width else { return self }
        let markerWidth = marker.map { $0.width } ?? 0
        let room = max(0, width - markerWidth)
        var result = StyledLine()
        var used = 0
        outer: for span in spans {
            var piece = ""
            for character in span.text {
                let columns = DisplayWidth.of(character)
                if used + columns > room { result.append(piece, span.style); break outer }
                piece.append(character)
                used += columns
            }
            result.append(piece, span.style)
        }
        if let marker, markerWidth <= width {
            // A wide character that did not fit leaves a gap: fill it so the marker sits at the edge.
            result.append(String(repeating: " ", count: room - used))
            result.append(marker.text, marker.style)
        }
        return result
    }
}

/// How styled lines become characters for the output.
public enum StyleMode: Sendable, Hashable {
    /// ANSI SGR escape codes for every style.
    case ansi
    /// No escape codes at all: for pipes, files and `NO_COLOR`.
    case plain

    /// The mode for an output: ANSI on a terminal, plain when the output is not a terminal or
    /// the learner set `NO_COLOR` to any non-empty value (https://no-color.org).
    ///
    /// - Parameters:
    ///   - noColor: the value of the `NO_COLOR` environment variable, or nil when unset.
    ///   - isTerminal: whether the output is a terminal.
    public static func resolve(noColor: String?, isTerminal: Bool) -> StyleMode {
        if let noColor, !noColor.isEmpty { return .plain }
        return isTerminal ? .ansi : .plain
    }
}

extension StyledLine {
    /// The line as characters for an output in `mode`. In ANSI mode each styled span is
    /// wrapped in its SGR codes and followed by a reset, so no style leaks into the next line.
    public func rendered(_ mode: StyleMode) -> String {
        switch mode {
        case .plain:
            return plainText
        case .ansi:
            var out = ""
            for span in spans {
                let codes = span.style.sgrParameters
                if codes.isEmpty {
                    out += span.text
                } else {
                    out += "\u{1B}[" + codes.joined(separator: ";") + "m" + span.text + "\u{1B}[0m"
                }
            }
            return out
        }
    }
}

extension Array where Element == StyledLine {
    /// The lines joined with newlines, for an output in `mode`.
    public func rendered(_ mode: StyleMode) -> String {
        map { $0.rendered(mode) }.joined(separator: "\n")
    }

    /// The lines' text without styles, joined with newlines (for tests and plain output).
    public var plainText: String { map(\.plainText).joined(separator: "\n") }
}
