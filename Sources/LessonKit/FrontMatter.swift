// The header between two `---` lines at the top of a lesson. Deliberately not YAML: one
// `key: value` per line, and `- ` items under `objectives:` and `topics:`. Small enough to
// parse exactly and to report every mistake with its line.

/// A lesson's front matter.
struct FrontMatter: Equatable {
    var id: String
    var title: String
    var order: Int
    var objectives: [String]
    var topics: [String]
    /// The line holding the closing `---`; the body starts after it.
    var closingLine: Int
}

enum FrontMatterParser {
    static let scalarKeys: Set<String> = ["id", "title", "order"]
    static let listKeys: Set<String> = ["objectives", "topics"]

    /// Parses the front matter at the top of `lines`, appending what is wrong to `problems`.
    /// Returns nil when there is no usable front matter.
    static func parse(_ lines: [String], file: String, problems: inout [LessonProblem]) -> FrontMatter? {
        func problem(_ line: Int?, _ message: String) {
            problems.append(LessonProblem(file: file, line: line, message))
        }
        guard lines.first?.trimmingWhitespace == "---" else {
            problem(1, "a lesson must start with front matter: a line `---`, then `id:`, `title:`, `order:`, `objectives:` and `topics:`, then `---`")
            return nil
        }
        guard let closing = lines.indices.dropFirst().first(where: { lines[$0].trimmingWhitespace == "---" }) else {
            problem(1, "the front matter is not closed: add a line `---` after its last key")
            return nil
        }

        var scalars: [String: String] = [:]
        var lists: [String: [String]] = [:]
        var currentList: String?
        let knownKeys = (scalarKeys.union(listKeys)).sorted().joined(separator: ", ")
        for index in 1..<closing {
            let line = lines[index]
            let number = index + 1
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("- ") || trimmed == "-" {
                guard let list = currentList else {
                    problem(number, "a `- ` item must follow `objectives:` or `topics:`")
                    continue
                }
                let item = String(trimmed.dropFirst(1)).trimmingWhitespace
                if item.isEmpty {
                    problem(number, "empty `- ` item in `\(list)`")
                } else {
                    lists[list, default: []].append(item)
                }
                continue
            }
            guard let colon = trimmed.firstIndex(of: ":") else {
                problem(number, "expected `key: value`, found `\(trimmed)`")
                continue
            }
            let key = String(trimmed[..<colon]).trimmingWhitespace
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace
            currentList = nil
            if listKeys.contains(key) {
                if lists[key] != nil {
                    problem(number, "`\(key)` is given twice")
                }
                if !value.isEmpty {
                    problem(number, "`\(key)` takes a list: put each item on its own line below, starting with `- `")
                }
                lists[key] = lists[key] ?? []
                currentList = key
            } else if scalarKeys.contains(key) {
                if scalars[key] != nil { problem(number, "`\(key)` is given twice") }
                if value.isEmpty { problem(number, "`\(key)` has no value") }
                scalars[key] = value
            } else {
                problem(number, "unknown front matter key `\(key)` (known keys: \(knownKeys))")
            }
        }

        let before = problems.count
        for key in ["id", "title", "order"] where scalars[key] == nil {
            problem(closing + 1, "the front matter has no `\(key):`")
        }
        if (lists["objectives"] ?? []).isEmpty {
            problem(closing + 1, "the front matter needs `objectives:` with at least one `- ` item (what the learner can do afterwards)")
        }
        if let id = scalars["id"], !isValidID(id) {
            problem(lineNumber(of: "id", in: lines, before: closing), "the id `\(id)` may only hold letters, digits and `-`")
        }
        var order = 0
        if let text = scalars["order"] {
            if let value = Int(text), value > 0 {
                order = value
            } else {
                problem(lineNumber(of: "order", in: lines, before: closing), "`order` must be a whole number from 1 up, found `\(text)`")
            }
        }
        guard problems.count == before, let id = scalars["id"], let title = scalars["title"] else { return nil }
        return FrontMatter(
            id: id, title: title, order: order, objectives: lists["objectives"] ?? [],
            topics: lists["topics"] ?? [], closingLine: closing + 1)
    }

    static func lineNumber(of key: String, in lines: [String], before end: Int) -> Int? {
        (1..<end).first { lines[$0].trimmingWhitespace.hasPrefix(key + ":") }.map { $0 + 1 }
    }
}

/// Ids are letters, digits and `-`, and start with a letter or digit.
func isValidID(_ id: String) -> Bool {
    guard let first = id.unicodeScalars.first, first != "-" else { return false }
    return id.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" }
}

extension String {
    var trimmingWhitespace: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
