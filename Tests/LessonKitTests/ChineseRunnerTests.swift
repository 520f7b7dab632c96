import Foundation
@testable import LessonKit
import Terminal
import TextUI
import Workspace
import XCTest

/// The lesson runner in Chinese: its own interface text, the Chinese lessons on every
/// terminal width, the English fallback, answers typed with a Chinese input method, and the
/// language passed on to labs and remembered in the progress.
final class ChineseRunnerTests: XCTestCase {
    // MARK: The interface tables

    func testBothInterfaceTablesHaveTheSameIdsAndPlaceholders() {
        let problems = Phrasebook.osilab.missing(UIText.self)
        XCTAssertEqual(problems, [], "TextUI/Sentences: give these ids a sentence in both files:\n" + problems.joined(separator: "\n"))
    }

    /// A sentence copied from English and never translated would slip through the key check.
    func testEveryChineseInterfaceSentenceIsInChinese() {
        // Sentences with nothing to translate: a command line and a counter.
        let neutral: Set<UIText> = [.labCommand, .plainScreenCounter]
        for id in UIText.allCases where !neutral.contains(id) {
            let sentence = UIStrings.chinese(id)
            XCTAssertTrue(sentence.contains { DisplayWidth.of($0) == 2 }, "`\(id)` is not translated: “\(sentence)”")
        }
    }

    func testListsOfLettersReadNaturallyInBothLanguages() {
        XCTAssertEqual(UIStrings.english.alternatives(["a", "b", "c"]), "a, b or c")
        XCTAssertEqual(UIStrings.chinese.alternatives(["a", "b", "c"]), "a、b 或 c")
        XCTAssertEqual(UIStrings.chinese.alternatives(["a", "b"]), "a 或 b")
    }

    // MARK: Every lesson has a Chinese twin

    /// What a lesson's directives must keep in translation, one line per directive.
    static func signature(_ lesson: Lesson) -> [String] {
        lesson.allBlocks.compactMap { block -> String? in
            switch block {
            case .markdown:
                return nil
            case .checkpoint(let checkpoint):
                return "checkpoint \(checkpoint.id): answer \(checkpoint.answer), choices \(checkpoint.choices.map(\.tag))"
            case .lab(let lab):
                return "lab \(lab.id): run \(lab.run), needs \(lab.needs?.rawValue ?? "-"), observe \(lab.observe ?? "-"), "
                    + "predict \(lab.hasPrediction), choices \(lab.choices.map(\.tag))"
            case .erratum(let erratum):
                return "erratum \(erratum.id): run \(erratum.run ?? "-")"
            }
        }
    }

    /// Every `lesson.en.md` has a `lesson.zh.md` with the same directives in the same order:
    /// same kinds and ids, same answers, same choice count and tags, same `run`, `needs` and
    /// `observe`; a Chinese short answer still accepts everything the English one accepts.
    /// Files are parsed one by one, so the English fallback cannot hide a missing twin.
    func testEveryEnglishLessonHasAChineseTwinWithTheSameDirectives() throws {
        let folder = RealLessons.folder
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { LessonLibrary.folderNumber($0) != nil }
        XCTAssertFalse(names.isEmpty, "no lesson folders in \(folder.path)")
        var missing: [String] = []
        for name in names {
            let english = folder.appendingPathComponent(name).appendingPathComponent("lesson.en.md")
            let chinese = folder.appendingPathComponent(name).appendingPathComponent("lesson.zh.md")
            guard FileManager.default.fileExists(atPath: english.path) else { continue }
            guard FileManager.default.fileExists(atPath: chinese.path) else {
                missing.append("Lessons/\(name)/lesson.zh.md")
                continue
            }
            let en = try LessonParser.parse(String(contentsOf: english, encoding: .utf8), file: "Lessons/\(name)/lesson.en.md")
            let zh = try LessonParser.parse(String(contentsOf: chinese, encoding: .utf8), file: "Lessons/\(name)/lesson.zh.md")
            XCTAssertEqual(zh.id, en.id, "Lessons/\(name): the Chinese lesson has another id")
            XCTAssertEqual(zh.order, en.order, "Lessons/\(name): the Chinese lesson has another order")
            let (enSignature, zhSignature) = (Self.signature(en), Self.signature(zh))
            if enSignature != zhSignature {
                let onlyEnglish = enSignature.filter { !zhSignature.contains($0) }
                let onlyChinese = zhSignature.filter { !enSignature.contains($0) }
                XCTFail("Lessons/\(name): the directives of lesson.zh.md differ from lesson.en.md"
                    + (onlyEnglish.isEmpty ? "" : "\n  only in English: " + onlyEnglish.joined(separator: "\n                   "))
                    + (onlyChinese.isEmpty ? "" : "\n  only in Chinese: " + onlyChinese.joined(separator: "\n                   "))
                    + (onlyEnglish.isEmpty && onlyChinese.isEmpty ? "\n  (the same directives, in another order)" : ""))
            }
            for (e, z) in zip(en.checkpoints, zh.checkpoints) where e.id == z.id {
                let accepted = Set(z.accept.map(LessonSession.normalized))
                let dropped = e.accept.filter { !accepted.contains(LessonSession.normalized($0)) }
                XCTAssertEqual(dropped, [], "Lessons/\(name)/lesson.zh.md: `\(z.id)` must still accept the English answers")
            }
        }
        XCTAssertEqual(missing, [], "these lessons have no Chinese twin:\n" + missing.joined(separator: "\n"))
    }

    // MARK: Chinese lessons on every terminal width

    static func chineseLibrary(file: StaticString = #filePath, line: UInt = #line) -> LessonLibrary? {
        do {
            return try LessonLibrary.load(from: RealLessons.folder, language: "zh")
        } catch {
            XCTFail("the Chinese lessons do not load:\n\(error)", file: file, line: line)
            return nil
        }
    }

    /// A box (checkpoint, lab, erratum) is exactly `width` columns, with its corners and
    /// sides in the first and last column of every line.
    func assertBox(_ lines: [StyledLine], width: Int, _ context: @autoclosure () -> String) {
        for (index, line) in lines.enumerated() {
            let text = line.plainText
            XCTAssertEqual(line.width, width, "\(context()): box line \(index + 1) is \(line.width) columns, not \(width): \(text)")
            let (left, right): (Character, Character) = index == 0 ? ("┌", "┐") : index == lines.count - 1 ? ("└", "┘") : ("│", "│")
            XCTAssertEqual(text.first, left, "\(context()): box line \(index + 1) does not start with \(left): \(text)")
            XCTAssertEqual(text.last, right, "\(context()): box line \(index + 1) does not end with \(right): \(text)")
        }
    }

    /// Puts every question and lab in a state with feedback to show: a wrong answer (so the
    /// right one and the explanation appear), and a prediction judged against facts.
    func answerEverything(_ session: LessonSession) {
        for lesson in session.library.lessons {
            for checkpoint in lesson.checkpoints {
                if checkpoint.isMultipleChoice {
                    let wrong = checkpoint.choices.first { $0.tag != checkpoint.answer }?.tag ?? "a"
                    session.answer(checkpoint, with: wrong)
                } else {
                    session.answer(checkpoint, with: "我不知道，猜一个：连接被拒绝")
                }
            }
            for lab in lesson.labs {
                guard let first = lab.choices.first, let last = lab.choices.last, let observe = lab.observe else { continue }
                session.predict(lab, with: first.tag)
                session.finishLab(lab.id, outcome: LabOutcome(exit: .exited(0), facts: .facts([observe: last.tag]), recorded: true))
            }
        }
    }

    /// Every page of every screen of every Chinese lesson, as the learner sees it (status
    /// lines included), at 40, 60, 80 and 120 columns, before and after answering: no line
    /// is wider than the terminal, and every box keeps its borders in line.
    func testEveryScreenOfEveryChineseLessonFitsAtEveryWidth() throws {
        guard let library = Self.chineseLibrary() else { return }
        XCTAssertTrue(library.lessons.contains { $0.language == "zh" }, "no Chinese lesson was loaded")
        for width in [40, 60, 80, 120] {
            for answered in [false, true] {
                let session = LessonSession(library: library, store: .temporary(), environment: .forTests(canCapture: false),
                                            size: .init(columns: width, rows: 24), strings: .chinese)
                if answered { answerEverything(session) }
                for (lessonIndex, lesson) in library.lessons.enumerated() {
                    for screen in lesson.screens.indices {
                        let place = "\(lesson.file), screen \(screen + 1), \(width) columns\(answered ? ", answered" : "")"
                        for interactive in [true, false] {
                            let blocks = session.renderedBlocks(lesson: lessonIndex, screen: screen, width: session.contentWidth,
                                                                interactive: interactive)
                            for block in blocks {
                                for line in block.lines where line.width > session.contentWidth {
                                    XCTFail("\(place): a line is \(line.width) columns: \(line.plainText)")
                                }
                                if block.interactive || block.lines.first?.plainText.hasPrefix("┌") == true {
                                    assertBox(block.lines, width: session.contentWidth, place)
                                }
                            }
                        }
                        // The whole frame, page by page.
                        session.open(lesson: lessonIndex, screen: screen)
                        var pages = 0
                        repeat {
                            let frame = session.frame()
                            XCTAssertEqual(frame.count, 24, "\(place): the frame is not the terminal's height")
                            for line in frame where line.width > width {
                                XCTFail("\(place), page \(session.pageIndex + 1): a line is \(line.width) columns: \(line.plainText)")
                            }
                            pages += 1
                            guard session.pageIndex + 1 < session.currentPages.count else { break }
                            _ = session.handle(.right)
                        } while pages < 50
                    }
                }
                // The contents and the help, in Chinese.
                for key in [Key.character("t"), .character("?")] {
                    _ = session.handle(key)
                    for line in session.frame() where line.width > width {
                        XCTFail("\(width) columns, \(key): a line is \(line.width) columns: \(line.plainText)")
                    }
                    _ = session.handle(.escape)
                }
            }
        }
    }

    func testTheStatusLineAndKeysAreInChinese() throws {
        guard let library = Self.chineseLibrary() else { return }
        let session = LessonSession(library: library, store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), start: .lesson(3), strings: .chinese)
        let frame = session.frame().map(\.plainText)
        let status = try XCTUnwrap(frame.dropLast().last)
        XCTAssertTrue(status.hasPrefix(" 第 4/\(library.lessons.count) 课 · TCP 三次握手"), status)
        XCTAssertTrue(status.hasSuffix("第 1/\(library.lessons[3].screens.count) 屏 "), status)
        XCTAssertEqual(DisplayWidth.of(status), 80, "the status bar fills the width exactly")
        XCTAssertTrue(try XCTUnwrap(frame.last).contains("→ 下一屏"), frame.last ?? "")
        XCTAssertTrue(frame[0].contains("第 4 课：TCP 三次握手"), frame[0])
    }

    func testTheLessonListIsInChineseWithItsColumnsAligned() throws {
        guard let library = Self.chineseLibrary() else { return }
        var progress = LearnerProgress()
        var state = LearnerProgress.LessonState()
        state.completed = true
        progress.lessons[library.lessons[0].id] = state
        progress.lessons[library.lessons[1].id] = LearnerProgress.LessonState()
        let lines = LessonListing.lines(library: library, progress: progress, strings: .chinese, width: 80).map(\.plainText)
        XCTAssertEqual(lines.first, "课程列表")
        let rows = lines.dropFirst().prefix(library.lessons.count)
        XCTAssertTrue(rows.first?.contains("已学完") ?? false, rows.first ?? "")
        XCTAssertTrue(rows.dropFirst().first?.contains("学习中") ?? false)
        XCTAssertTrue(rows.last?.contains("未开始") ?? false)
        // The count column starts at the same display column on every row.
        let columns = rows.compactMap { row -> Int? in
            guard let range = row.range(of: "小测验答对") else { return nil }
            return DisplayWidth.of(row[..<range.lowerBound])
        }
        XCTAssertEqual(columns.count, library.lessons.count)
        XCTAssertEqual(Set(columns).count, 1, "the columns do not line up:\n" + rows.joined(separator: "\n"))
        for row in rows { XCTAssertLessThanOrEqual(DisplayWidth.of(row), 80, row) }
    }

    // MARK: The English fallback

    /// A copy of the fixture lessons in which only lesson 2 is translated.
    func partlyTranslatedLessons() throws -> URL {
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let copy = makeTemporaryDirectory("zh-lessons").appendingPathComponent("Lessons")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("Lessons"), to: copy)
        let second = copy.appendingPathComponent("02-second")
        let english = try String(contentsOf: second.appendingPathComponent("lesson.en.md"), encoding: .utf8)
        var translated = english.replacingOccurrences(of: "title: ", with: "title: 中文版 ")
        translated += "\n这是中文。\n"
        try translated.write(to: second.appendingPathComponent("lesson.zh.md"), atomically: true, encoding: .utf8)
        return copy
    }

    func testALessonWithoutItsTranslationIsShownInEnglishWithAOneLineNoticeInChinese() throws {
        let library = try LessonLibrary.load(from: partlyTranslatedLessons(), language: "zh")
        XCTAssertEqual(library.lessons.map(\.language), ["en", "zh"])
        XCTAssertTrue(library.lessons[0].file.hasSuffix("lesson.en.md"))
        XCTAssertTrue(library.lessons[1].title.hasPrefix("中文版"))

        let session = LessonSession(library: library, store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), start: .lesson(0), strings: .chinese)
        XCTAssertEqual(session.notice, ["这一课还没有中文版，下面显示英文原文。"])
        let notice = session.frame().map(\.plainText).filter { $0.contains("还没有中文版") }
        XCTAssertEqual(notice.count, 1, "the notice takes one line at 80 columns")
        _ = session.handle(.right)
        XCTAssertEqual(session.notice, [], "said once, not on every screen of the lesson")
        _ = session.handle(.character("N"))
        XCTAssertEqual(session.notice, [], "the translated lesson has no notice")
        _ = session.handle(.character("P"))
        XCTAssertEqual(session.notice, ["这一课还没有中文版，下面显示英文原文。"], "said again on coming back")

        // In English nothing is said.
        let english = LessonSession(library: try LessonLibrary.load(from: partlyTranslatedLessons()), store: .temporary(),
                                    environment: .forTests(), size: .init(columns: 80, rows: 24), start: .lesson(0))
        XCTAssertEqual(english.notice, [])
    }

    func testPlainOutputInChineseStartsWithTheNoticeAndAsksInChinese() throws {
        let library = try LessonLibrary.load(from: partlyTranslatedLessons(), language: "zh")
        let session = LessonSession(library: library, store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), start: .lesson(0), strings: .chinese)
        var output = ""
        var input = ["b", "１１１"][...]
        PlainRunner(session: session, style: .plain, width: 80, write: { output += $0 }, readLine: { input.popFirst() })
            .run(lesson: 0)
        XCTAssertTrue(output.hasPrefix("这一课还没有中文版，下面显示英文原文。\n\n第 1 课：Fixture basics"), output)
        XCTAssertTrue(output.contains("你的答案（a 或 b）：b\n✓ 答对了。\n"), output)
        XCTAssertTrue(output.contains("你的答案：１１１\n✓ 答对了。\n"), output)
        XCTAssertTrue(output.contains("你的预测（a、b 或 c）：\n（没有作答：标准输入已经结束）"), output)
        XCTAssertTrue(output.contains("│ 说法 ") && output.contains("│ 实际情况 "), output)
        XCTAssertTrue(output.hasSuffix("第 1 课结束。\n下一课：osilab lesson 2\n"), output)
        XCTAssertFalse(output.contains("Your answer"), "no English interface text: \(output)")
    }

    // MARK: Answers typed in Chinese

    func testShortAnswersAcceptFullWidthFormsAndSpacesAroundChinese() {
        let checkpoint = Checkpoint(id: "zh-short", question: [.text("?")], choices: [], answer: "111",
                                    accept: ["ECONNREFUSED", "errno 111", "连接被拒绝", "tcp 报文段", "getsockname()"],
                                    explain: nil, line: 1)
        let right = ["111", "１１１", "ＥＣＯＮＮＲＥＦＵＳＥＤ", "errno　111", " Errno   111 ", "连接被拒绝", "连接 被拒绝",
                     "连接被拒绝。", "tcp报文段", "TCP 报文段", "ｔｃｐ报文段。", "getsockname（）", "111."]
        for input in right {
            let session = LessonSession(library: LessonLibrary(lessons: []), store: .temporary(), environment: .forTests(),
                                        size: .init(columns: 80, rows: 24))
            XCTAssertEqual(session.answer(checkpoint, with: input)?.correct, true, "“\(input)” should be accepted")
        }
        let session = LessonSession(library: LessonLibrary(lessons: []), store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24))
        for input in ["112", "errno111x", "连接", "tc p报文段"] {
            XCTAssertEqual(session.answer(checkpoint, with: input)?.correct, false, "“\(input)” should not be accepted")
        }
    }

    func testChoiceLettersTypedFullWidthStillCount() {
        let checkpoint = Checkpoint(id: "zh-choice", question: [.text("?")],
                                    choices: [Choice(tag: "a", text: [.text("甲")]), Choice(tag: "b", text: [.text("乙")])],
                                    answer: "b", accept: [], explain: nil, line: 1)
        let session = LessonSession(library: LessonLibrary(lessons: []), store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24))
        XCTAssertEqual(session.answer(checkpoint, with: "Ａ）")?.answer, "a")
        XCTAssertEqual(session.answer(checkpoint, with: "ｂ")?.answer, "b")
        XCTAssertNil(session.answer(checkpoint, with: "丙"))
    }

    // MARK: Progress, errors and labs in Chinese

    func testACorruptProgressFileIsReportedInChinese() throws {
        let store = ProgressStore.temporary()
        try FileManager.default.createDirectory(at: store.file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"lessons\": [".utf8).write(to: store.file)
        let session = LessonSession(library: LessonLibrary(lessons: []), store: store, environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), strings: .chinese)
        XCTAssertEqual(session.notice.count, 1)
        XCTAssertTrue(session.notice.first?.hasPrefix("你的进度文件 \(store.file.path) 读不出来，已经把它移到") ?? false,
                      "\(session.notice)")
    }

    func testLabsStartedFromTheRunnerAreToldTheLanguage() {
        let session = LessonSession(library: LessonLibrary(lessons: []), store: .temporary(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), strings: .chinese)
        XCTAssertEqual(session.childEnvironment, ["OSILAB_LANG": "zh"])
        // A real child: it writes the variable it was given into its facts file.
        let script = #"printf '{"lang": "%s"}' "$OSILAB_LANG" > "$2""#
        let outcome = LabRunner.run(executable: "/bin/sh", arguments: ["-c", script, "sh"], wantsFacts: true,
                                    inheritInput: false, environment: session.childEnvironment)
        XCTAssertEqual(outcome.exit, .exited(0))
        XCTAssertEqual(outcome.facts, .facts(["lang": "zh"]))
    }

    func testLabFeedbackIsInChinese() throws {
        guard let library = Self.chineseLibrary() else { return }
        let lab = try XCTUnwrap(library.lessons.flatMap(\.labs).first { $0.id == "handshake-accept-live" })
        let session = LessonSession(library: library, store: .temporary(), environment: .forTests(canCapture: false),
                                    size: .init(columns: 80, rows: 24), strings: .chinese)
        XCTAssertTrue(session.predict(lab, with: "b"))
        session.finishLab(lab.id, outcome: LabOutcome(exit: .exited(0), facts: .facts(["accept-returned-after": "ack"]), recorded: true))
        let box = DirectiveRenderer(width: 80, theme: .standard, strings: .chinese, interactive: true)
            .lab(lab, state: session.labState(lab.id), availability: .available, notice: session.needNotice(for: lab), focused: false)
        let text = box.map(\.plainText).joined(separator: "\n")
        let squeezed = text.filter { !$0.isWhitespace && $0 != "│" }
        XCTAssertTrue(squeezed.contains("✗录好的抓包和你的预测不符：accept()在最后的ACK（第3步）之后返回。你预测的是b)"), text)
        XCTAssertFalse(text.contains("accept-returned-after"), "the fact's name is for authors, not learners:\n\(text)")
        XCTAssertTrue(text.contains("按 r 再运行一次。"), text)
    }

    // MARK: Choosing and remembering the language

    func testTheFlagIsRememberedAndTheEnvironmentIsNot() throws {
        let state = makeTemporaryDirectory("lang-state").path
        let flagged = LessonApp.Context(environment: ["XDG_STATE_HOME": state], languageFlag: .chinese)
        XCTAssertEqual(flagged.language, "zh")
        XCTAssertEqual(flagged.languageSource, .flag)
        XCTAssertEqual(ProgressStore.standard(environment: ["XDG_STATE_HOME": state]).load().language, "zh")

        let later = LessonApp.Context(environment: ["XDG_STATE_HOME": state])
        XCTAssertEqual(later.language, "zh", "the stored preference applies when nothing else chooses")
        XCTAssertEqual(later.languageSource, .stored)

        let fromLocale = LessonApp.Context(environment: ["XDG_STATE_HOME": state, "LANG": "en_US.UTF-8"])
        XCTAssertEqual(fromLocale.language, "en", "the environment comes before the stored preference")
        XCTAssertEqual(ProgressStore.standard(environment: ["XDG_STATE_HOME": state]).load().language, "zh",
                       "a language from the environment is not stored")

        _ = LessonApp.Context(environment: ["XDG_STATE_HOME": state, "LANG": "zh_CN.UTF-8"], languageFlag: .english)
        XCTAssertEqual(ProgressStore.standard(environment: ["XDG_STATE_HOME": state]).load().language, "en")
    }
}

/// Markdown written by Chinese authors: a line break inside a paragraph joins two Chinese
/// characters without a space, as Chinese is written; between words it is still a space.
final class ChineseMarkdownTests: XCTestCase {
    func testASoftBreakBetweenChineseCharactersAddsNoSpace() {
        XCTAssertEqual(rendered("服务器的内核\n自己应答 SYN。", width: 40), "服务器的内核自己应答 SYN。")
        XCTAssertEqual(rendered("调用 connect()\n之后", width: 40), "调用 connect() 之后", "after Latin text the break is a space")
        XCTAssertEqual(rendered("the kernel\nanswers", width: 40), "the kernel answers")
        XCTAssertEqual(rendered("内核**自己**\n应答", width: 40), "内核自己应答", "across emphasis too")
    }
}
