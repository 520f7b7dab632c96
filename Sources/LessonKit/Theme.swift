import TextUI

/// The styles the lesson view uses. With ``StyleMode/plain`` (pipes, `NO_COLOR`) styles are
/// dropped entirely, so every distinction drawn here must also be visible without them:
/// headings are underlined with rules, choices are lettered, feedback starts with ✓ or ✗.
public struct Theme: Sendable {
    public var heading1 = TextStyle(bold: true, foreground: .cyan)
    public var heading2 = TextStyle(bold: true, foreground: .cyan)
    public var heading3 = TextStyle(bold: true)
    public var rule = TextStyle(dim: true)
    public var emphasis = TextStyle(italic: true)
    public var strong = TextStyle(bold: true)
    public var inlineCode = TextStyle(foreground: .yellow)
    public var link = TextStyle(underline: true, foreground: .blue)
    public var url = TextStyle(dim: true)
    public var quoteBar = TextStyle(dim: true)
    public var quoteText = TextStyle(italic: true)
    public var bullet = TextStyle(foreground: .cyan)
    public var code = TextStyle.plain
    public var keyword = TextStyle(bold: true, foreground: .magenta)
    public var string = TextStyle(foreground: .green)
    public var comment = TextStyle(italic: true, dim: true)
    public var number = TextStyle(foreground: .yellow)
    public var cutMarker = TextStyle(inverse: true)
    public var tableHeader = TextStyle(bold: true)
    public var checkpointBorder = TextStyle(foreground: .blue)
    public var labBorder = TextStyle(foreground: .green)
    public var erratumBorder = TextStyle(foreground: .yellow)
    public var boxTitle = TextStyle(bold: true)
    public var label = TextStyle(bold: true)
    public var command = TextStyle(bold: true, foreground: .green)
    public var right = TextStyle(bold: true, foreground: .green)
    public var wrong = TextStyle(bold: true, foreground: .red)
    public var notice = TextStyle(foreground: .yellow)
    public var hint = TextStyle(dim: true)
    public var chosen = TextStyle(bold: true)
    public var focusMarker = TextStyle(bold: true, foreground: .cyan)
    public var statusBar = TextStyle(inverse: true)
    public var statusKeys = TextStyle(dim: true)
    public var selection = TextStyle(inverse: true)

    public init() {}

    public static let standard = Theme()

    func style(for kind: CodeTokenKind) -> TextStyle {
        switch kind {
        case .plain: code
        case .keyword: keyword
        case .string: string
        case .comment: comment
        case .number: number
        }
    }
}
