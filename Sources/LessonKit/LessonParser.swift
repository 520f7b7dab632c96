// One lesson file to one `Lesson`: front matter, Markdown body, directives, screens.

/// Parses lesson files.
public enum LessonParser {
    /// The code block languages a lesson may use. Anything else in a fence's info string is
    /// reported, so a misspelt directive (`chekpoint`) cannot silently turn into code.
    public static let codeLanguages: Set<String> = [
        "", "swift", "python", "py", "sh", "bash", "shell", "console", "text", "txt", "c", "json", "diff",
    ]

    /// Parses the text of a lesson file.
    ///
    /// - Parameters:
    ///   - source: the file's text.
    ///   - file: the file as shown in messages.
    ///   - facts: what lab commands record, to check `observe`.
    /// - Throws: ``LessonProblems`` listing every problem found, each with its line.
    public static func parse(_ source: String, file: String, facts: FactCatalog = .standard) throws(LessonProblems) -> Lesson {
        var problems: [LessonProblem] = []
        let text = source.replacingCarriageReturns
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let front = FrontMatterParser.parse(lines, file: file, problems: &problems) else {
            throw LessonProblems(problems)
        }
        let body = lines.dropFirst(front.closingLine).joined(separator: "\n")
        let blocks = MarkdownParser.parse(body, lineOffset: front.closingLine)

        var screens: [LessonScreen] = []
        var current = LessonScreen(title: nil, blocks: [])
        for block in blocks {
            switch block {
            case .heading(2, let inlines):
                if !current.blocks.isEmpty || current.title != nil { screens.append(current) }
                current = LessonScreen(title: inlines.plainText, blocks: [.markdown(block)])
            case .directive(let name, let directiveBody, let line):
                if let parsed = DirectiveParser.parse(
                    name: name, body: directiveBody, line: line, file: file, facts: facts, problems: &problems)
                {
                    current.blocks.append(parsed)
                }
            default:
                checkNested(block, file: file, lines: lines, problems: &problems)
                current.blocks.append(.markdown(block))
            }
        }
        if !current.blocks.isEmpty || current.title != nil { screens.append(current) }
        if blocks.isEmpty {
            problems.append(LessonProblem(file: file, line: front.closingLine + 1, "the lesson has no text after its front matter"))
        }
        guard problems.isEmpty else { throw LessonProblems(problems) }
        return Lesson(
            id: front.id, title: front.title, order: front.order, objectives: front.objectives, topics: front.topics,
            file: file, source: text, screens: screens)
    }

    /// Directives must stand at the top level (not inside a list or quote), and code blocks
    /// must use a known language.
    static func checkNested(_ block: MarkdownBlock, file: String, lines: [String], problems: inout [LessonProblem]) {
        switch block {
        case .directive(let name, _, let line):
            problems.append(LessonProblem(
                file: file, line: line,
                "\(name): a directive must stand on its own, not inside a list or quote (remove the indentation)"))
        case .code(let language, _):
            if !codeLanguages.contains(language) {
                let languages = codeLanguages.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
                let directives = MarkdownParser.directiveNames.sorted().joined(separator: ", ")
                problems.append(LessonProblem(
                    file: file, line: fenceLine(language, in: lines),
                    "unknown code block kind `\(language)`: directives are \(directives); code languages are \(languages)"))
            }
        case .quote(let children):
            for child in children { checkNested(child, file: file, lines: lines, problems: &problems) }
        case .list(_, _, _, let items):
            for item in items { for child in item { checkNested(child, file: file, lines: lines, problems: &problems) } }
        default:
            break
        }
    }
}

extension LessonParser {
    /// The first line opening a fence with `language` as its info string, for messages.
    static func fenceLine(_ language: String, in lines: [String]) -> Int? {
        for (index, line) in lines.enumerated() {
            var text = Substring(line.trimmingWhitespace)
            guard text.hasPrefix("```") || text.hasPrefix("~~~") else { continue }
            text = text.drop { $0 == "`" || $0 == "~" }
            if text.split(separator: " ").first.map(String.init) == language { return index + 1 }
        }
        return nil
    }
}

extension String {
    /// The text with CRLF and lone CR line ends turned into LF.
    var replacingCarriageReturns: String {
        guard contains("\r") else { return self }
        var out = ""
        for character in self {
            if character == "\r\n" || character == "\r" { out.append("\n") } else { out.append(character) }
        }
        return out
    }
}
