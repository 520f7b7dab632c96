// The lab speaks English and Chinese. Every module that shows sentences to the learner names
// them with its own enum of ids (a `SentenceID`); the sentences themselves are in one file
// per language, `Sentences/English.swift` and `Sentences/Chinese.swift`, keyed by
// `namespace.id`, with numbered placeholders. Code that draws asks a `StringTable` for a
// sentence and never checks the language itself, so a sentence can change word order between
// languages ("connect() returned {0} after ..." and "SYN-ACK 到达 {0} 后，connect() 返回")
// without touching the code around it.
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

/// The id of one sentence: a case of a module's own enum (`UIText`, `TimelineText`, ...),
/// whose key in the sentence files is `namespace.case` (`runner.statusLesson`).
///
/// A module names its sentences with an enum so the compiler catches a misspelt id; the
/// sentences themselves live in one file per language (`Sentences/English.swift`,
/// `Sentences/Chinese.swift`), which is what a translator edits.
public protocol SentenceID: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// The first part of every key of this enum: `runner`, `ladder`, `experiment`.
    static var namespace: String { get }
}

extension SentenceID {
    /// The key in the sentence files: `runner.statusLesson`.
    public var key: String { Self.namespace + "." + rawValue }
    /// The keys of every case.
    public static var allKeys: [String] { allCases.map(\.key) }
}

/// Sentences by key, in every ``Language``: osilab's own (``Phrasebook/osilab``), or a small
/// one a test builds.
public struct Phrasebook: Sendable {
    /// Each language's sentences as written, in file order (duplicates kept, so they can be
    /// reported instead of trapping as a dictionary literal would).
    public let written: [Language: [(key: String, sentence: String)]]
    let entries: [Language: [String: String]]

    public init(_ written: [Language: KeyValuePairs<String, String>]) {
        var pairs: [Language: [(key: String, sentence: String)]] = [:]
        var entries: [Language: [String: String]] = [:]
        for (language, list) in written {
            pairs[language] = list.map { (key: $0.key, sentence: $0.value) }
            // The first of two sentences with one key wins; ``problems`` reports the second.
            entries[language] = Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        self.written = pairs
        self.entries = entries
    }

    /// Every sentence osilab shows, from the files in `Sentences/`.
    public static let osilab = Phrasebook([.english: Sentences.english, .chinese: Sentences.chinese])

    /// The sentence for `key` in `language`, nil when that language has none.
    public func sentence(_ key: String, in language: Language) -> String? {
        entries[language]?[key]
    }

    /// Every key some language has.
    public var keys: Set<String> {
        Set(entries.values.flatMap(\.keys))
    }

    /// What keeps the languages from being interchangeable: a key written twice, a key in
    /// one language only, or a sentence whose placeholders differ from the English one.
    /// Empty when every language has exactly the same keys with the same placeholders.
    public func problems() -> [String] {
        var problems: [String] = []
        let english = entries[.english] ?? [:]
        for language in Language.allCases {
            var seen: Set<String> = []
            for (key, _) in written[language] ?? [] where !seen.insert(key).inserted {
                problems.append("\(language): `\(key)` is written twice")
            }
            guard language != .english else { continue }
            let own = entries[language] ?? [:]
            for key in english.keys.sorted() where own[key] == nil {
                problems.append("\(language): no sentence for `\(key)`")
            }
            for key in own.keys.sorted() where english[key] == nil {
                problems.append("\(language): `\(key)` has no English sentence")
            }
            for key in english.keys.sorted() {
                guard let sentence = own[key], let original = english[key] else { continue }
                let expected = StringTable<NoSentence>.placeholders(in: original)
                let actual = StringTable<NoSentence>.placeholders(in: sentence)
                if expected != actual {
                    problems.append("\(language): `\(key)` uses placeholders \(actual), English uses \(expected)")
                }
            }
        }
        return problems
    }

    /// The keys of `ids` that some language lacks (`zh: runner.statusLesson`).
    public func missing<ID: SentenceID>(_ ids: ID.Type) -> [String] {
        Language.allCases.flatMap { language in
            ID.allKeys.filter { sentence($0, in: language) == nil }.map { "\(language): \($0)" }
        }
    }
}

/// No sentence at all: what the placeholder helpers are reached through when no table is at hand.
public enum NoSentence: String, SentenceID {
    public static let namespace = "none"
    case none
}

/// The sentences of one module's ids (`ID`) in one ``Language``, with numbered placeholders
/// `{0}`, `{1}`, ... A table answers from its language, and from English for a key that
/// language lacks (a missing translation shows the English sentence, never an empty line).
public struct StringTable<ID: SentenceID>: Sendable {
    public let language: Language
    let book: Phrasebook

    /// The table for `language`, from osilab's sentence files (or from `book`).
    public init(_ language: Language, book: Phrasebook = .osilab) {
        self.language = language
        self.book = book
    }

    /// The sentence `id` with `{0}`, `{1}`, ... replaced by `arguments`.
    public func callAsFunction(_ id: ID, _ arguments: String...) -> String {
        format(id, arguments)
    }

    /// The sentence `id` with `{0}`, `{1}`, ... replaced by `arguments`; an id in no table gives
    /// its key, so a missing sentence shows up in review instead of vanishing.
    public func format(_ id: ID, _ arguments: [String]) -> String {
        let key = id.key
        let template = book.sentence(key, in: language) ?? book.sentence(key, in: .english) ?? key
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
}
