import TextUI
import XCTest

/// How the lab picks its language, and the string tables every module shares.
final class LocalizationTests: XCTestCase {
    // MARK: Choosing the language

    /// The issue's order: the flag, then the environment, then the stored preference, then
    /// English. One row per combination that tells the steps apart.
    func testTheFlagThenTheEnvironmentThenTheStoredPreferenceDecide() {
        struct Row {
            var flag: Language?
            var environment: [String: String]
            var stored: String?
            var expected: Language
            var source: Language.Source
        }
        let zhLocale = ["LANG": "zh_CN.UTF-8"]
        let enLocale = ["LANG": "en_US.UTF-8"]
        let rows: [Row] = [
            // Nothing anywhere: English.
            Row(flag: nil, environment: [:], stored: nil, expected: .english, source: .fallback),
            // The flag alone, and the flag against each of the others.
            Row(flag: .chinese, environment: [:], stored: nil, expected: .chinese, source: .flag),
            Row(flag: .english, environment: zhLocale, stored: nil, expected: .english, source: .flag),
            Row(flag: .chinese, environment: enLocale, stored: "en", expected: .chinese, source: .flag),
            Row(flag: .english, environment: [:], stored: "zh", expected: .english, source: .flag),
            Row(flag: .english, environment: zhLocale, stored: "zh", expected: .english, source: .flag),
            // No flag: the environment, also against the stored preference.
            Row(flag: nil, environment: zhLocale, stored: nil, expected: .chinese, source: .environment("LANG")),
            Row(flag: nil, environment: zhLocale, stored: "en", expected: .chinese, source: .environment("LANG")),
            Row(flag: nil, environment: enLocale, stored: "zh", expected: .english, source: .environment("LANG")),
            // Neither flag nor a language in the environment: the stored preference.
            Row(flag: nil, environment: [:], stored: "zh", expected: .chinese, source: .stored),
            Row(flag: nil, environment: [:], stored: "en", expected: .english, source: .stored),
            // A stored value osilab does not know is no preference.
            Row(flag: nil, environment: [:], stored: "fr", expected: .english, source: .fallback),
            // `C` and `POSIX` name no language, so the stored preference still counts.
            Row(flag: nil, environment: ["LANG": "C.UTF-8"], stored: "zh", expected: .chinese, source: .stored),
            Row(flag: nil, environment: ["LC_ALL": "POSIX"], stored: "zh", expected: .chinese, source: .stored),
            Row(flag: nil, environment: ["LANG": "C"], stored: nil, expected: .english, source: .fallback),
        ]
        for row in rows {
            let (language, source) = Language.choose(flag: row.flag, environment: row.environment, stored: row.stored)
            XCTAssertEqual(language, row.expected,
                           "flag \(row.flag?.rawValue ?? "none"), environment \(row.environment), stored \(row.stored ?? "none")")
            XCTAssertEqual(source, row.source,
                           "flag \(row.flag?.rawValue ?? "none"), environment \(row.environment), stored \(row.stored ?? "none")")
        }
    }

    /// POSIX order: LC_ALL, then LC_MESSAGES, then LANG; the first set and non-empty decides,
    /// even when it names no language.
    func testLocaleVariablesAreReadInPOSIXOrder() {
        let rows: [([String: String], Language?, String?)] = [
            (["LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8", "LANG": "en_US.UTF-8"], .chinese, "LC_ALL"),
            (["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"], .english, "LC_ALL"),
            (["LC_MESSAGES": "zh_TW", "LANG": "en_GB.UTF-8"], .chinese, "LC_MESSAGES"),
            (["LC_MESSAGES": "de_DE.UTF-8", "LANG": "zh_CN.UTF-8"], .english, "LC_MESSAGES"),
            // Set but empty does not count: the next one decides.
            (["LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh"], .chinese, "LANG"),
            // LC_ALL=C hides LANG, as for every program; it names no language.
            (["LC_ALL": "C", "LANG": "zh_CN.UTF-8"], nil, nil),
            // Other locale categories do not choose the language of messages.
            (["LC_CTYPE": "zh_CN.UTF-8"], nil, nil),
            ([:], nil, nil),
        ]
        for (environment, language, variable) in rows {
            let found = Language.fromEnvironment(environment)
            XCTAssertEqual(found?.0, language, "\(environment)")
            XCTAssertEqual(found?.variable, variable, "\(environment)")
        }
    }

    func testLocaleValuesStartingWithZhAreChinese() {
        for value in ["zh_CN.UTF-8", "zh_TW", "zh", "zh_HK.Big5", "zh_SG.GB2312"] {
            XCTAssertEqual(Language.ofLocale(value), .chinese, value)
        }
        for value in ["en_US.UTF-8", "en", "fr_FR.UTF-8", "de_DE@euro"] {
            XCTAssertEqual(Language.ofLocale(value), .english, value)
        }
        for value in ["C", "POSIX", "C.UTF-8", "C.utf8"] {
            XCTAssertNil(Language.ofLocale(value), "\(value) names no language")
        }
    }

    func testTheFlagTakesShortNamesAndLocaleNames() {
        for code in ["zh", "ZH", "zh_CN", "zh-Hans", "zh_TW.UTF-8"] { XCTAssertEqual(Language(code: code), .chinese, code) }
        for code in ["en", "EN", "en_US", "en-GB"] { XCTAssertEqual(Language(code: code), .english, code) }
        for code in ["", "fr", "chinese", "zhx", "e"] { XCTAssertNil(Language(code: code), code) }
    }

    // MARK: String tables

    enum Sample: String, SentenceID {
        static let namespace = "sample"
        case greeting, count, onlyEnglish
    }

    static let book = Phrasebook([
        .english: ["sample.greeting": "Hello, {0}.", "sample.count": "{0} of {1}", "sample.onlyEnglish": "English"],
        .chinese: ["sample.greeting": "你好，{0}。", "sample.count": "第 {0}/{1} 个"],
    ])

    func testASentenceIsTakenFromTheLanguageWithItsPlaceholdersFilled() {
        let chinese = StringTable<Sample>(.chinese, book: Self.book)
        XCTAssertEqual(chinese(.greeting, "小明"), "你好，小明。")
        XCTAssertEqual(chinese(.count, "3", "7"), "第 3/7 个")
        XCTAssertEqual(StringTable<Sample>(.english, book: Self.book)(.count, "3", "7"), "3 of 7")
    }

    func testAMissingTranslationShowsTheEnglishSentence() {
        XCTAssertEqual(StringTable<Sample>(.chinese, book: Self.book)(.onlyEnglish), "English")
    }

    func testAKeyInNoLanguageShowsItselfForReview() {
        let empty = Phrasebook([.english: [:], .chinese: [:]])
        XCTAssertEqual(StringTable<Sample>(.chinese, book: empty)(.greeting, "x"), "sample.greeting")
    }

    func testPlaceholdersAreFilledInOnePass() {
        // A learner's answer that looks like a placeholder is shown as typed.
        XCTAssertEqual(StringTable<Sample>.substitute("you said “{0}”, the answer is “{1}”", ["{1}", "111"]),
                       "you said “{1}”, the answer is “111”")
        XCTAssertEqual(StringTable<Sample>.substitute("{0} and {2}", ["a"]), "a and {2}", "a placeholder without argument stays")
        XCTAssertEqual(StringTable<Sample>.substitute("set {x} {", ["a"]), "set {x} {")
        XCTAssertEqual(StringTable<Sample>.substitute("{10}", Array(repeating: "x", count: 10) + ["ten"]), "ten")
    }

    func testPlaceholdersAreListedOnceEach() {
        XCTAssertEqual(StringTable<Sample>.placeholders(in: "{1} then {0}, {1} again"), [0, 1])
        XCTAssertEqual(StringTable<Sample>.placeholders(in: "no placeholders {x}"), [])
    }

    func testMismatchedTablesAreReported() {
        XCTAssertEqual(Self.book.problems(), ["zh: no sentence for `sample.onlyEnglish`"])
        XCTAssertEqual(Self.book.missing(Sample.self), ["zh: sample.onlyEnglish"])
        let wrong = Phrasebook([
            .english: ["sample.greeting": "Hello, {0}.", "sample.count": "{0} of {1}", "sample.count": "again"],
            .chinese: ["sample.greeting": "你好。", "sample.count": "第 {0}/{1} 个", "sample.extra": "多余"],
        ])
        XCTAssertEqual(wrong.problems(), [
            "en: `sample.count` is written twice",
            "zh: `sample.extra` has no English sentence",
            "zh: `sample.greeting` uses placeholders [], English uses [0]",
        ])
        XCTAssertEqual(StringTable<Sample>(.english, book: wrong)(.count, "1", "2"), "1 of 2", "the first of two wins")
    }

    func testOsilabsOwnSentenceFilesAgree() {
        XCTAssertEqual(Phrasebook.osilab.problems(), [])
    }
}

/// The audit the Chinese tests pass their output through must find English prose and only that.
final class SentenceAuditTests: XCTestCase {
    func testFindsTheEnglishWordsOfAnUntranslatedSentence() {
        XCTAssertEqual(SentenceAudit.englishWords(in: "connect() returned after the SYN-ACK"), ["returned", "after", "the"])
        XCTAssertEqual(SentenceAudit.englishWords(in: "客户端先关闭 and waits"), ["and", "waits"])
    }

    func testKeepsWhatEveryLanguageWritesAsItIs() {
        let chinese = "第 2 步：seq = K，ack = J+1 ✓；connect() 返回 0，errno 111 是 ECONNREFUSED，TIME-WAIT，"
            + "运行 osilab experiment drop-final-ack --lang zh，文件 Lessons/captures/handshake.pcap，a) b) c)"
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese), [])
        XCTAssertEqual(SentenceAudit.englishWords(in: "recv 等待 data", allowed: ["data"]), [])
    }
}
