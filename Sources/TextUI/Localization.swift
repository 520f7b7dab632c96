// The lab speaks English and Chinese. Every module that shows sentences to the learner (the
// lesson runner, the handshake explanation, the ladder's notes) keeps them in a
// `StringTable`: one dictionary per language, keyed by an id, with numbered placeholders.
// Code that draws asks the table for a sentence and never checks the language itself, so a
// sentence can change word order between languages ("connect() returned {0} after ..." and
// "SYN-ACK 到达 {0} 后，connect() 返回") without touching the code around it.
//
// Which language to use is decided once, at the edge (the command line), by
// `Language.choose`, and passed down.

/// A language the lab's own text is written in.
public enum Language: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case english = "en"
    case chinese = "zh"

    public var description: String { rawValue }

    /// The environment variable through which osilab tells a lab command it starts (as a
    /// child process) which language the learner reads: `OSILAB_LANG=zh`.
    public static let childVariable = "OSILAB_LANG"

    /// The locale variables, in the order POSIX consults them for messages.
    public static let localeVariables = ["LC_ALL", "LC_MESSAGES", "LANG"]

    /// A language as a learner names it on the command line: `zh` or `en`, in any case, or a
    /// locale-style name (`zh_CN`, `zh-Hans`, `zh_TW.UTF-8`, `en_GB`). nil for anything else.
    public init?(code: String) {
        let text = code.lowercased()
        if Self.names(text, language: "zh") {
            self = .chinese
        } else if Self.names(text, language: "en") {
            self = .english
        } else {
            return nil
        }
    }

    /// Whether `text` is `language` alone or followed by a region, script or codeset.
    static func names(_ text: String, language: String) -> Bool {
        guard text.hasPrefix(language) else { return false }
        let rest = text.dropFirst(language.count)
        return rest.isEmpty || rest.first == "_" || rest.first == "-" || rest.first == "." || rest.first == "@"
    }

    /// What one POSIX locale value says about the language: Chinese for a value starting with
    /// `zh` (`zh_CN.UTF-8`, `zh_TW`, `zh`), nil for `C` and `POSIX` (with or without a codeset,
    /// such as `C.UTF-8`), which are the system's unconfigured default and name no language,
    /// and English for any other language (osilab has no third one).
    public static func ofLocale(_ value: String) -> Language? {
        if value.hasPrefix("zh") { return .chinese }
        let name = value.split(separator: ".", maxSplits: 1).first.map(String.init) ?? value
        if name == "C" || name == "POSIX" { return nil }
        return .english
    }

    /// Where a choice of language came from.
    public enum Source: Equatable, Sendable, CustomStringConvertible {
        /// `--lang` (or, for a lab command started by the runner, `OSILAB_LANG`).
        case flag
        /// The named locale variable.
        case environment(String)
        /// The learner's progress file remembered it from an earlier `--lang`.
        case stored
        /// Nothing chose: English.
        case fallback

        public var description: String {
            switch self {
            case .flag: "flag"
            case .environment(let variable): variable
            case .stored: "stored"
            case .fallback: "default"
            }
        }
    }

    /// The language the locale environment names, and the variable that named it.
    ///
    /// As POSIX orders them, the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and
    /// not empty decides; the later ones are not consulted even when it names no language
    /// (`LC_ALL=C` hides `LANG=zh_CN.UTF-8`, as it does for every other program).
    public static func fromEnvironment(_ environment: [String: String]) -> (Language, variable: String)? {
        for variable in localeVariables {
            guard let value = environment[variable], !value.isEmpty else { continue }
            return ofLocale(value).map { ($0, variable) }
        }
        return nil
    }

    /// Chooses the language: the flag, then the environment, then the stored preference,
    /// then English, in that order: the first that names a language decides.
    ///
    /// - Parameters:
    ///   - flag: the value of `--lang`, already checked (nil when not given).
    ///   - environment: the process environment (the locale variables are read from it).
    ///   - stored: `LearnerProgress.language`, the choice remembered from an earlier `--lang`.
    public static func choose(flag: Language?, environment: [String: String], stored: String?) -> (Language, Source) {
        if let flag { return (flag, .flag) }
        if let (language, variable) = fromEnvironment(environment) { return (language, .environment(variable)) }
        if let stored, let language = Language(code: stored) { return (language, .stored) }
        return (.english, .fallback)
    }
}

/// Sentences in every ``Language``, keyed by `ID`, with numbered placeholders `{0}`, `{1}`, ...
/// A table for one language answers from that language, and from English for an id it lacks
/// (a missing translation shows the English sentence, never an empty line).
public struct StringTable<ID: Hashable & Sendable>: Sendable {
    public let language: Language
    let entries: [ID: String]
    let fallback: [ID: String]

    /// The table for `language`, taken from `tables` (which must hold English).
    public init(_ language: Language, tables: [Language: [ID: String]]) {
        self.language = language
        self.entries = tables[language] ?? [:]
        self.fallback = tables[.english] ?? [:]
    }

    /// The sentence `id` with `{0}`, `{1}`, ... replaced by `arguments`.
    public func callAsFunction(_ id: ID, _ arguments: String...) -> String {
        format(id, arguments)
    }

    /// The sentence `id` with `{0}`, `{1}`, ... replaced by `arguments`; an id in no table gives
    /// its own description, so a missing sentence shows up in review instead of vanishing.
    public func format(_ id: ID, _ arguments: [String]) -> String {
        let template = entries[id] ?? fallback[id] ?? "\(id)"
        return Self.substitute(template, arguments)
    }

    /// `template` with each `{n}` replaced by `arguments[n]`, in one pass: an argument that
    /// itself contains `{1}` (a learner's typed answer) is never substituted again. A `{n}`
    /// with no argument is left as it is.
    public static func substitute(_ template: String, _ arguments: [String]) -> String {
        guard template.contains("{") else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            let digits = rest[afterOpen...].prefix { $0.isASCII && $0.isNumber }
            let close = digits.endIndex
            if !digits.isEmpty, close < rest.endIndex, rest[close] == "}", let index = Int(digits), arguments.indices.contains(index) {
                result += arguments[index]
                rest = rest[rest.index(after: close)...]
            } else {
                result.append("{")
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }

    /// The placeholder numbers a sentence uses, sorted, each once (`[0, 1]`).
    public static func placeholders(in template: String) -> [Int] {
        var found: Set<Int> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            let digits = rest[afterOpen...].prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.endIndex < rest.endIndex, rest[digits.endIndex] == "}", let index = Int(digits) {
                found.insert(index)
            }
            rest = rest[afterOpen...]
        }
        return found.sorted()
    }

    /// What keeps `tables` from being interchangeable: an id missing from a language, a
    /// sentence in one language only, or a sentence whose placeholders differ from English.
    /// Empty when every language has exactly the same ids with the same placeholders.
    public static func mismatches(_ tables: [Language: [ID: String]], ids: [ID]) -> [String] {
        var problems: [String] = []
        let english = tables[.english] ?? [:]
        let known = Set(ids)
        for language in Language.allCases {
            let table = tables[language] ?? [:]
            for id in ids where table[id] == nil {
                problems.append("\(language): no sentence for `\(id)`")
            }
            for id in table.keys where !known.contains(id) {
                problems.append("\(language): `\(id)` is not a known id")
            }
            guard language != .english else { continue }
            for id in ids {
                guard let sentence = table[id], let original = english[id] else { continue }
                let expected = placeholders(in: original)
                let actual = placeholders(in: sentence)
                if expected != actual {
                    problems.append("\(language): `\(id)` uses placeholders \(actual), English uses \(expected)")
                }
            }
        }
        return problems
    }
}
