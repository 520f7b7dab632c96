// The interactive parts of a lesson are fenced code blocks named `checkpoint`, `lab` or
// `erratum`, holding `key: value` lines, `- tag: text` choices, and continuation lines
// indented by two spaces. Everything is checked here, with the file line of each mistake,
// so a typo in a lesson fails the test suite instead of confusing a learner.

/// The raw lines of a directive, before their meaning is checked.
struct DirectiveBody {
    struct Field {
        var key: String
        var value: String
        var line: Int
    }

    struct RawChoice {
        var tag: String
        var text: String
        var line: Int
    }

    var fields: [Field] = []
    var choices: [RawChoice] = []

    func value(_ key: String) -> String? {
        fields.first { $0.key == key }?.value
    }

    func line(of key: String) -> Int? {
        fields.first { $0.key == key }?.line
    }
}

enum DirectiveParser {
    static let checkpointKeys = ["id", "question", "answer", "accept", "explain", "hint"]
    static let labKeys = ["id", "run", "server", "needs", "predict", "observe", "explain", "output-at"]
    static let erratumKeys = ["id", "claim", "truth", "evidence", "run"]
    /// Letters double as keys in the runner, which also uses n, p, q, r and t: keep choices to a–h.
    static let maximumChoices = 8

    /// Parses and checks one directive. `line` is the line of its opening fence.
    static func parse(
        name: String, body: String, line: Int, file: String, facts: FactCatalog, problems: inout [LessonProblem]
    ) -> LessonBlock? {
        let before = problems.count
        func problem(_ at: Int?, _ message: String) {
            problems.append(LessonProblem(file: file, line: at ?? line, "\(name): \(message)"))
        }
        let raw = splitBody(body, firstLine: line + 1, report: problem)
        let known: [String] = switch name {
        case "checkpoint": checkpointKeys
        case "lab": labKeys
        default: erratumKeys
        }
        var seen: Set<String> = []
        for field in raw.fields {
            if !known.contains(field.key) {
                problem(field.line, "unknown key `\(field.key)` (known keys: \(known.joined(separator: ", ")))")
            } else if !seen.insert(field.key).inserted {
                problem(field.line, "`\(field.key)` is given twice")
            } else if field.value.isEmpty {
                problem(field.line, "`\(field.key)` has no value")
            }
        }
        var tags: Set<String> = []
        for choice in raw.choices where !tags.insert(choice.tag).inserted {
            problem(choice.line, "the choice `\(choice.tag)` is given twice")
        }
        for choice in raw.choices where choice.text.isEmpty {
            problem(choice.line, "the choice `\(choice.tag)` has no text")
        }
        func required(_ key: String) -> String {
            guard let value = raw.value(key) else {
                problem(nil, "missing `\(key):`")
                return ""
            }
            return value
        }
        let id = required("id")
        if !id.isEmpty && !isValidID(id) {
            problem(raw.line(of: "id"), "the id `\(id)` may only hold letters, digits and `-`")
        }

        let block: LessonBlock
        switch name {
        case "checkpoint":
            block = .checkpoint(checkpoint(id: id, raw, line: line, required: required, problem: problem))
        case "lab":
            block = .lab(lab(id: id, raw, line: line, facts: facts, required: required, problem: problem))
        default:
            block = .erratum(erratum(id: id, raw, line: line, required: required, problem: problem))
        }
        return problems.count == before ? block : nil
    }

    static func checkpoint(
        id: String, _ raw: DirectiveBody, line: Int, required: (String) -> String, problem: (Int?, String) -> Void
    ) -> Checkpoint {
        let question = required("question")
        let answer = required("answer").trimmingWhitespace
        let choices = raw.choices
        if choices.count == 1 {
            problem(choices[0].line, "a multiple-choice question needs at least two choices (or none, for a short answer)")
        }
        if choices.count > maximumChoices {
            problem(choices[maximumChoices].line, "at most \(maximumChoices) choices (a to h)")
        }
        for (index, choice) in choices.enumerated() {
            let expected = String(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(min(index, 25)))))
            if choice.tag != expected {
                problem(choice.line, "choices are lettered a, b, c, ... in order: expected `- \(expected):`, found `- \(choice.tag):`")
            }
        }
        var accept: [String] = []
        if let text = raw.value("accept") {
            if !choices.isEmpty {
                problem(raw.line(of: "accept"), "`accept` is for short answers; a multiple-choice answer is a letter")
            }
            accept = text.split(separator: "|").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        }
        if !choices.isEmpty, !answer.isEmpty, !choices.contains(where: { $0.tag == answer }) {
            let letters = choices.map(\.tag).joined(separator: ", ")
            problem(raw.line(of: "answer"), "the answer `\(answer)` is not one of the choices (\(letters))")
        }
        return Checkpoint(
            id: id, question: MarkdownParser.parseInline(question),
            choices: choices.map { Choice(tag: $0.tag, text: MarkdownParser.parseInline($0.text)) },
            answer: answer, accept: accept, explain: raw.value("explain").map(MarkdownParser.parseInline),
            hint: raw.value("hint").map(MarkdownParser.parseInline), line: line)
    }

    static func lab(
        id: String, _ raw: DirectiveBody, line: Int, facts: FactCatalog, required: (String) -> String,
        problem: (Int?, String) -> Void
    ) -> LabStep {
        let run = required("run")
        let arguments = commandArguments(run, line: raw.line(of: "run"), problem: problem)
        let server = raw.value("server")
        let serverArguments = server.map { commandArguments($0, line: raw.line(of: "server"), problem: problem) }
        if let serverArguments, serverArguments.first != "serve" {
            problem(raw.line(of: "server"), "`server` starts a lab server: it must be an `osilab serve ...` command")
        }
        var need: LabNeed?
        if let text = raw.value("needs") {
            need = LabNeed(rawValue: text)
            if need == nil {
                let names = LabNeed.allCases.map(\.rawValue).joined(separator: " or ")
                problem(raw.line(of: "needs"), "`needs` must be \(names), found `\(text)`")
            }
        }
        let predict = raw.value("predict")
        let observe = raw.value("observe")
        if predict != nil {
            if raw.choices.count < 2 {
                problem(raw.line(of: "predict"), "a prediction needs at least two `- tag: text` choices")
            }
            if raw.choices.count > maximumChoices {
                problem(raw.choices[maximumChoices].line, "at most \(maximumChoices) choices")
            }
            if observe == nil {
                problem(raw.line(of: "predict"), "a prediction needs `observe:`, the fact to check it against")
            }
        } else {
            if let first = raw.choices.first {
                problem(first.line, "choices in a lab belong to a prediction: add `predict:`")
            }
            if observe != nil {
                problem(raw.line(of: "observe"), "`observe` only makes sense with `predict:`")
            }
        }
        for choice in raw.choices where !isValidID(choice.tag) {
            problem(choice.line, "a prediction tag may only hold letters, digits and `-`, found `\(choice.tag)`")
        }
        if let observe, !arguments.isEmpty {
            if let fact = facts.fact(named: observe, forCommand: arguments) {
                for choice in raw.choices where !fact.values.contains(choice.tag) {
                    problem(choice.line, "the choice `\(choice.tag)` can never match: `\(observe)` is one of \(fact.values.joined(separator: ", "))")
                }
            } else {
                let known = facts.factNames(forCommand: arguments)
                let hint = known.isEmpty
                    ? "`\(run)` records no facts (see the facts table in Lessons/README.md)"
                    : "`\(run)` records \(known.joined(separator: ", "))"
                problem(raw.line(of: "observe"), "unknown fact `\(observe)`: \(hint)")
            }
        }
        return LabStep(
            id: id, run: run, arguments: arguments, server: server, serverArguments: serverArguments,
            needs: need, predict: predict.map(MarkdownParser.parseInline),
            choices: raw.choices.map { Choice(tag: $0.tag, text: MarkdownParser.parseInline($0.text)) },
            observe: observe, explain: raw.value("explain").map(MarkdownParser.parseInline),
            outputAt: raw.value("output-at"), line: line)
    }

    static func erratum(
        id: String, _ raw: DirectiveBody, line: Int, required: (String) -> String, problem: (Int?, String) -> Void
    ) -> Erratum {
        let claim = required("claim")
        let truth = required("truth")
        let evidence = required("evidence")
        if let first = raw.choices.first {
            problem(first.line, "an erratum has no choices")
        }
        let run = raw.value("run")
        let arguments = run.map { commandArguments($0, line: raw.line(of: "run"), problem: problem) } ?? []
        return Erratum(
            id: id, claim: MarkdownParser.parseInline(claim), truth: MarkdownParser.parseInline(truth),
            evidence: MarkdownParser.parseInline(evidence), run: run, arguments: arguments, line: line)
    }

    /// The arguments after `osilab` in a `run` command line.
    static func commandArguments(_ run: String, line: Int?, problem: (Int?, String) -> Void) -> [String] {
        guard let words = splitCommandLine(run) else {
            problem(line, "unbalanced quotes in `\(run)`")
            return []
        }
        guard words.first == "osilab", words.count >= 2 else {
            problem(line, "`run` must be an osilab command line such as `osilab handshake`, found `\(run)`")
            return []
        }
        return Array(words.dropFirst())
    }

    /// Cuts the body into fields and choices. Continuation lines (indented by two spaces)
    /// join the field or choice above them with a space, as Markdown joins lines.
    static func splitBody(_ body: String, firstLine: Int, report problem: (Int?, String) -> Void) -> DirectiveBody {
        var result = DirectiveBody()
        enum Last { case none, field, choice }
        var last = Last.none
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let number = firstLine + offset
            let line = String(rawLine).replacingTabs
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty { continue }
            if let choice = parseChoice(trimmed) {
                result.choices.append(DirectiveBody.RawChoice(tag: choice.tag, text: choice.text, line: number))
                last = .choice
                continue
            }
            if line.hasPrefix("  ") {
                switch last {
                case .field:
                    let index = result.fields.count - 1
                    result.fields[index].value = joined(result.fields[index].value, trimmed)
                case .choice:
                    let index = result.choices.count - 1
                    result.choices[index].text = joined(result.choices[index].text, trimmed)
                case .none:
                    problem(number, "an indented line continues the key above it, but there is none")
                }
                continue
            }
            guard let colon = trimmed.firstIndex(of: ":") else {
                problem(number, "expected `key: value`, a `- tag: text` choice, or a continuation indented by two spaces; found `\(trimmed)`")
                last = .none
                continue
            }
            let key = String(trimmed[..<colon]).trimmingWhitespace
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace
            result.fields.append(DirectiveBody.Field(key: key, value: value, line: number))
            last = .field
        }
        return result
    }

    /// `- tag: text`, where the tag is letters, digits and `-`.
    static func parseChoice(_ trimmed: String) -> (tag: String, text: String)? {
        guard trimmed.hasPrefix("- "), let colon = trimmed.firstIndex(of: ":") else { return nil }
        let tag = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<colon]).trimmingWhitespace
        guard !tag.isEmpty, !tag.contains(" ") else { return nil }
        return (tag, String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace)
    }

    static func joined(_ first: String, _ second: String) -> String {
        first.isEmpty ? second : first + " " + second
    }
}

/// Splits a command line into words at spaces, honouring single and double quotes.
/// Returns nil for unbalanced quotes.
public func splitCommandLine(_ line: String) -> [String]? {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "\"" || character == "'" {
            quote = character
            inWord = true
        } else if character == " " || character == "\t" {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(character)
            inWord = true
        }
    }
    guard quote == nil else { return nil }
    if inWord { words.append(current) }
    return words
}

extension String {
    var replacingTabs: String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") : self
    }
}
