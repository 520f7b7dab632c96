import CCmark

// Markdown is parsed by cmark-gfm (CommonMark plus GitHub's pipe tables) and copied into
// Swift values right away, so nothing after this file touches C pointers and the renderer
// can be tested on literal trees.

/// Inline Markdown: text and its emphasis, code and links.
public indirect enum Inline: Sendable, Equatable {
    case text(String)
    case code(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    case link(url: String, [Inline])
    case image(url: String, alt: [Inline])
    case html(String)
    /// A line break in the source inside a paragraph: drawn as a space.
    case softBreak
    /// A hard line break (two trailing spaces or a backslash).
    case lineBreak

    /// The text without any formatting.
    public var plainText: String {
        switch self {
        case .text(let text), .code(let text), .html(let text): text
        case .emphasis(let children), .strong(let children), .strikethrough(let children), .link(_, let children):
            children.plainText
        case .image(_, let alt): alt.plainText
        case .softBreak: " "
        case .lineBreak: "\n"
        }
    }
}

extension Array where Element == Inline {
    /// The inlines' text without formatting.
    public var plainText: String { map(\.plainText).joined() }
}

/// How a table column's cells are aligned.
public enum ColumnAlignment: Sendable, Equatable {
    case none, left, center, right
}

/// Block-level Markdown.
public indirect enum MarkdownBlock: Sendable, Equatable {
    case heading(level: Int, [Inline])
    case paragraph([Inline])
    case quote([MarkdownBlock])
    /// `items` holds each item's blocks.
    case list(ordered: Bool, start: Int, tight: Bool, items: [[MarkdownBlock]])
    case code(language: String, text: String)
    case table(alignments: [ColumnAlignment], header: [[Inline]], rows: [[[Inline]]])
    case thematicBreak
    case html(String)
    /// A fenced block whose info string names a directive (`checkpoint`, `lab`, `erratum`),
    /// before it is parsed; `line` is the line of the opening fence.
    case directive(name: String, body: String, line: Int)
}

/// Parses Markdown with cmark-gfm.
public enum MarkdownParser {
    /// The directive names a fenced block can carry.
    public static let directiveNames: Set<String> = ["checkpoint", "lab", "erratum"]

    /// Parses `text` into blocks. `lineOffset` is added to cmark's line numbers so they name
    /// lines of the whole file (the body starts after the front matter).
    public static func parse(_ text: String, lineOffset: Int = 0) -> [MarkdownBlock] {
        registerExtensions
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") {
            cmark_parser_attach_syntax_extension(parser, table)
        }
        if let strikethrough = cmark_find_syntax_extension("strikethrough") {
            cmark_parser_attach_syntax_extension(parser, strikethrough)
        }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(document) }
        return TreeBuilder(lineOffset: lineOffset).build(document)
    }

    /// Parses a short piece of text (a question, a choice) as inline Markdown.
    public static func parseInline(_ text: String) -> [Inline] {
        for block in parse(text) {
            if case .paragraph(let inlines) = block { return inlines }
        }
        return text.isEmpty ? [] : [.text(text)]
    }

    // Registration is global in cmark-gfm and must happen once before any lookup.
    private static let registerExtensions: Void = cmark_gfm_core_extensions_ensure_registered()
}

/// Builds Swift values from a cmark tree, walking it with cmark's iterator: containers
/// arrive as an enter and an exit event, leaves as a single enter event.
private struct TreeBuilder {
    let lineOffset: Int

    /// A container being filled: its node, and the children built so far.
    struct Frame {
        var node: OpaquePointer
        var kind: String
        var blocks: [MarkdownBlock] = []
        var inlines: [Inline] = []
        var items: [[MarkdownBlock]] = []
        var rows: [[[Inline]]] = []
        var headerRow: [[Inline]]? = nil
        var cells: [[Inline]] = []
    }

    func build(_ document: OpaquePointer) -> [MarkdownBlock] {
        guard let iterator = cmark_iter_new(document) else { return [] }
        defer { cmark_iter_free(iterator) }
        var stack: [Frame] = []
        var result: [MarkdownBlock] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let kind = typeName(node)
            if event == CMARK_EVENT_ENTER {
                if isContainer(kind) {
                    stack.append(Frame(node: node, kind: kind))
                } else {
                    attachLeaf(node, kind: kind, to: &stack)
                }
            } else if event == CMARK_EVENT_EXIT {
                guard let frame = stack.popLast() else { continue }
                if frame.kind == "document" {
                    result = frame.blocks
                } else {
                    finish(frame, into: &stack)
                }
            }
        }
        return result
    }

    func typeName(_ node: OpaquePointer) -> String {
        guard let name = cmark_node_get_type_string(node) else { return "" }
        return String(cString: name)
    }

    func isContainer(_ kind: String) -> Bool {
        switch kind {
        case "document", "block_quote", "list", "item", "paragraph", "heading", "table", "table_header",
             "table_row", "table_cell", "emph", "strong", "link", "image", "strikethrough",
             "footnote_definition":
            true
        default:
            false
        }
    }

    func literal(_ node: OpaquePointer) -> String {
        guard let text = cmark_node_get_literal(node) else { return "" }
        return String(cString: text)
    }

    func attachLeaf(_ node: OpaquePointer, kind: String, to stack: inout [Frame]) {
        guard !stack.isEmpty else { return }
        let top = stack.count - 1
        switch kind {
        case "text": stack[top].inlines.append(.text(literal(node)))
        case "code": stack[top].inlines.append(.code(literal(node)))
        case "html_inline": stack[top].inlines.append(.html(literal(node)))
        case "softbreak": stack[top].inlines.append(.softBreak)
        case "linebreak": stack[top].inlines.append(.lineBreak)
        case "thematic_break": stack[top].blocks.append(.thematicBreak)
        case "html_block": stack[top].blocks.append(.html(literal(node)))
        case "code_block":
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            let word = info.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            let text = literal(node)
            if MarkdownParser.directiveNames.contains(word) {
                let line = Int(cmark_node_get_start_line(node)) + lineOffset
                stack[top].blocks.append(.directive(name: word, body: text, line: line))
            } else {
                stack[top].blocks.append(.code(language: word, text: text))
            }
        default:
            // Footnote references and other extensions' leaves: keep their text if any.
            let text = literal(node)
            if !text.isEmpty { stack[top].inlines.append(.text(text)) }
        }
    }

    func finish(_ frame: Frame, into stack: inout [Frame]) {
        guard !stack.isEmpty else { return }
        let top = stack.count - 1
        let node = frame.node
        switch frame.kind {
        case "paragraph":
            stack[top].blocks.append(.paragraph(frame.inlines))
        case "heading":
            stack[top].blocks.append(.heading(level: Int(cmark_node_get_heading_level(node)), frame.inlines))
        case "block_quote":
            stack[top].blocks.append(.quote(frame.blocks))
        case "item":
            stack[top].items.append(frame.blocks)
        case "list":
            let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            stack[top].blocks.append(.list(
                ordered: ordered, start: Int(cmark_node_get_list_start(node)),
                tight: cmark_node_get_list_tight(node) != 0, items: frame.items))
        case "table_cell":
            stack[top].cells.append(frame.inlines)
        case "table_header":
            stack[top].headerRow = frame.cells
        case "table_row":
            if cmark_gfm_extensions_get_table_row_is_header(node) != 0 {
                stack[top].headerRow = frame.cells
            } else {
                stack[top].rows.append(frame.cells)
            }
        case "table":
            let columns = Int(cmark_gfm_extensions_get_table_columns(node))
            var alignments: [ColumnAlignment] = []
            if let raw = cmark_gfm_extensions_get_table_alignments(node) {
                for index in 0..<columns {
                    let alignment: ColumnAlignment = switch UInt8(raw[index]) {
                    case UInt8(ascii: "l"): .left
                    case UInt8(ascii: "c"): .center
                    case UInt8(ascii: "r"): .right
                    default: .none
                    }
                    alignments.append(alignment)
                }
            }
            stack[top].blocks.append(.table(alignments: alignments, header: frame.headerRow ?? [], rows: frame.rows))
        case "emph":
            stack[top].inlines.append(.emphasis(frame.inlines))
        case "strong":
            stack[top].inlines.append(.strong(frame.inlines))
        case "strikethrough":
            stack[top].inlines.append(.strikethrough(frame.inlines))
        case "link":
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            stack[top].inlines.append(.link(url: url, frame.inlines))
        case "image":
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            stack[top].inlines.append(.image(url: url, alt: frame.inlines))
        default:
            stack[top].blocks += frame.blocks
            stack[top].inlines += frame.inlines
        }
    }
}
