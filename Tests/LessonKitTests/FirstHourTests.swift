import Foundation
@testable import LessonKit
import Terminal
import TextUI
import Workspace
import XCTest

/// What a newcomer's first hour tripped on (issue 21): a lab's output that scrolled away, a
/// wrong answer that gave the right one away at once, fact names in the verdicts, feedback
/// on a page the learner could not see, and an erratum that said "The notes say" twice.
final class FirstHourTests: XCTestCase {
    var home: URL!

    override func setUp() {
        home = makeTemporaryDirectory("first-hour")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: home)
    }

    func store() -> ProgressStore {
        ProgressStore.standard(environment: ["XDG_STATE_HOME": home.path, "HOME": "/nonexistent"])
    }

    /// The frame's text as flowing prose, box borders and line ends removed.
    func flowing(_ session: LessonSession) -> String {
        session.frame().map { line -> String in
            var text = line.plainText.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("│") { text.removeFirst() }
            if text.hasSuffix("│") { text.removeLast() }
            return text.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Without spaces and line ends: a Chinese sentence wrapped over two lines compares whole.
    func squeezed(_ text: String) -> String {
        text.filter { !$0.isWhitespace }
    }

    func press(_ session: LessonSession, _ keys: Key...) {
        for key in keys { _ = session.handle(key) }
    }

    func assertFits(_ session: LessonSession, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let frame = session.frame()
        XCTAssertEqual(frame.count, session.size.rows, "a frame fills the terminal exactly: \(context)", file: file, line: line)
        for row in frame where row.width > session.size.columns {
            XCTFail("wider than \(session.size.columns) columns (\(context)): \(row.plainText)", file: file, line: line)
        }
    }

    // MARK: 1. A lab's output in a view the learner scrolls

    /// A pretend `osilab handshake`: 70 numbered lines, the handshake at line 30, the
    /// columns it was told in the first line, and its facts.
    func fakeHandshake() throws -> String {
        let script = home.appendingPathComponent("fake-osilab")
        try """
            #!/bin/sh
            echo "columns=$COLUMNS"
            i=2
            while [ $i -le 70 ]; do
              if [ $i -eq 30 ]; then echo "line $i: SYN seq=0 ──▶ step 1"; else echo "line $i"; fi
              i=$((i + 1))
            done
            while [ $# -gt 0 ]; do if [ "$1" = --facts ]; then printf '{"accept-returned-after":"ack"}' > "$2"; fi; shift; done
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script.path
    }

    func labLesson(anchor: String?) throws -> LessonLibrary {
        let text = lessonText("""
            ## Predict

            Run it.

            ```lab
            id: out-lab
            run: osilab handshake
            predict: When does accept() return?
            - synack: After the SYN-ACK
            - ack: After the final ACK
            observe: accept-returned-after
            explain: The final ACK queues it.
            \(anchor.map { "output-at: " + $0 } ?? "")
            ```
            """)
        return LessonLibrary(lessons: [try LessonParser.parse(text, file: "x.md")])
    }

    /// Presses `r` and runs the request as the interactive runner does (output recorded).
    func runLab(_ session: LessonSession, executable: String) throws {
        guard case .runLab(let request) = session.handle(.character("r")) else { return XCTFail("r must run the lab") }
        XCTAssertTrue(request.recordsOutput, "a lab that finishes by itself has its output kept")
        var live = ""
        let path = home.appendingPathComponent("output-\(UUID().uuidString).txt").path
        let outcome = LabRunner.run(executable: executable, arguments: request.arguments, wantsFacts: request.wantsFacts,
                                    inheritInput: false, environment: session.childEnvironment(for: request),
                                    recordTo: path, onOutput: { live += $0 })
        XCTAssertTrue(live.contains("line 70"), "the learner sees the output as it comes too")
        session.finishLab(request.id, outcome: outcome)
    }

    func testALabsOutputOpensInAViewAtTheLinesTheLessonAsksAboutAtEveryWidth() throws {
        let executable = try fakeHandshake()
        for (columns, strings) in [(60, UIStrings.english), (100, .english), (160, .english), (60, .chinese), (100, .chinese)] {
            let session = LessonSession(library: try labLesson(anchor: "SYN seq"), store: store(),
                                        environment: .forTests(executable: executable), size: .init(columns: columns, rows: 32),
                                        start: .lesson(0), strings: strings)
            press(session, .character("b"))
            try runLab(session, executable: executable)
            let context = "\(columns) columns, \(strings.language)"
            XCTAssertEqual(session.mode, .output(labID: "out-lab", top: 29), context)
            let frame = session.frame().map(\.plainText)
            XCTAssertTrue(frame[1].contains("line 30: SYN seq=0"), "the view opens at the handshake (\(context)):\n\(frame.joined(separator: "\n"))")
            XCTAssertTrue(frame[0].contains(strings(.outputTitle, "osilab handshake")), frame[0])
            XCTAssertTrue(frame[frame.count - 2].contains(strings(.outputPosition, "30", "58", "70")), frame[frame.count - 2])
            XCTAssertTrue(frame.last?.contains(strings(.keysOutputMode)) == true, frame.last ?? "")
            assertFits(session, context)

            // Every line is reachable: up to the first, down to the last.
            press(session, .home)
            XCTAssertTrue(session.frame()[1].plainText.contains("columns=\(columns - 2)"),
                          "the lab was told the view's width: \(session.frame()[1].plainText)")
            press(session, .end)
            XCTAssertTrue(session.frame().map(\.plainText).contains { $0.hasSuffix("line 70") }, context)
            press(session, .pageUp, .up, .down)
            assertFits(session, context)

            // q goes back to the lesson, with the verdict in view; o opens the output again.
            press(session, .character("q"))
            XCTAssertEqual(session.mode, .reading)
            XCTAssertTrue(squeezed(flowing(session)).contains(squeezed(strings(.predictionMatched, strings(.factAcceptAfterAck)))),
                          flowing(session))
            press(session, .character("o"))
            XCTAssertEqual(session.mode, .output(labID: "out-lab", top: 29), "o opens it again, at the same place")
        }
    }

    func testWithoutAnAnchorTheViewOpensAtTheTopAndNarrowLinesWrap() throws {
        let executable = try fakeHandshake()
        let session = LessonSession(library: try labLesson(anchor: nil), store: store(),
                                    environment: .forTests(executable: executable), size: .init(columns: 60, rows: 32),
                                    start: .lesson(0))
        press(session, .character("b"))
        try runLab(session, executable: executable)
        XCTAssertEqual(session.mode, .output(labID: "out-lab", top: 0))
        let output = try XCTUnwrap(session.labOutput("out-lab"))
        XCTAssertEqual(output.lines.count, 70)
        XCTAssertEqual(output.wrapped(width: 10).first, "columns=58", "a line as wide as the view stays whole")
        XCTAssertEqual(LabOutput(id: "x", display: "", text: "\u{1B}[1;32mSYN\u{1B}[0m 宽字符宽字符\n", anchor: nil).wrapped(width: 7),
                       ["SYN 宽", "字符宽", "字符"], "colours are dropped and a wide character is never cut")
        let notice = LabOutput(id: "n", display: "", text: "osilab: running in a private network, no root needed\n", anchor: nil)
        XCTAssertEqual(notice.wrapped(width: 24), ["osilab: running in a", "private network, no root", "needed"],
                       "prose breaks between words, never inside one")
    }

    func testLabsThatTheLearnerTypesIntoStillRunOnTheTerminal() {
        XCTAssertTrue(LessonSession.finishesByItself(["handshake", "--layers"]))
        XCTAssertTrue(LessonSession.finishesByItself(["experiment", "drop-final-ack"]))
        XCTAssertFalse(LessonSession.finishesByItself(["client", "echo"]), "a client reads the keyboard")
        XCTAssertFalse(LessonSession.finishesByItself(["serve", "echo"]), "a server runs until Ctrl-C")
    }

    // MARK: 2. A wrong answer: a hint and another try, then the answer

    func testTheRetryFlowInChineseAndWhatTheProgressRecords() throws {
        let text = lessonText(front: "id: zh-retry\ntitle: 两道题\norder: 1\nobjectives:\n  - 答对两道题", """
            ## 问题

            ```checkpoint
            id: zh-mc
            question: connect() 在哪个报文段之后返回？
            - a: SYN
            - b: SYN-ACK
            answer: b
            hint: 想一想：客户端要等到谁的应答？
            explain: SYN-ACK 一到，connect() 就返回。
            ```

            ```checkpoint
            id: zh-short
            question: Linux 上 ECONNREFUSED 的编号是多少？
            answer: 111
            explain: Linux 把 ECONNREFUSED 编为 111。
            ```
            """)
        let library = LessonLibrary(lessons: [try LessonParser.parse(text, file: "x.md")])
        let session = LessonSession(library: library, store: store(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 40), start: .lesson(0), strings: .chinese)
        press(session, .character("a"))
        var shown = flowing(session)
        XCTAssertTrue(shown.contains("✗ 不太对：答案不是 a) SYN。"), shown)
        XCTAssertTrue(shown.contains("提示：想一想：客户端要等到谁的应答？"), shown)
        XCTAssertTrue(shown.contains("再想一想，然后按 a 或 b；想直接看答案，按 s。"), shown)
        XCTAssertFalse(shown.contains("正确答案"), "the first miss does not say the answer:\n\(shown)")
        XCTAssertTrue(session.frame().last?.plainText.contains("s 看答案") == true)
        press(session, .character("a"))
        shown = flowing(session)
        XCTAssertTrue(shown.contains("✗ 不太对：正确答案是 b) SYN-ACK。"), shown)
        XCTAssertTrue(shown.contains("SYN-ACK 一到，connect() 就返回。"), shown)
        XCTAssertEqual(store().load().checkpoints["zh-mc"], .init(answer: "a", correct: false, attempts: 2, revealed: true))

        // The short answer, typed with a Chinese input method: wrong once, then right.
        press(session, .enter)
        for character in "１１０" { _ = session.handle(.character(character)) }
        press(session, .enter)
        shown = flowing(session)
        XCTAssertTrue(shown.contains("✗ 不太对：答案不是“１１０”。"), shown)
        XCTAssertTrue(shown.contains("再想一想，按 Enter 重新输入答案；想直接看答案，按 s。"), shown)
        press(session, .enter)
        for character in "１１１" { _ = session.handle(.character(character)) }
        press(session, .enter)
        shown = flowing(session)
        XCTAssertTrue(shown.contains("✓ 答对了，第二次就答对了。"), shown)
        XCTAssertEqual(store().load().checkpoints["zh-short"], .init(answer: "１１１", correct: true, attempts: 2))
        XCTAssertEqual(SentenceAudit.englishWords(in: shown, allowed: ["Enter", "Tab"]), [], shown)
    }

    func testPlainOutputGivesTwoTriesAndAQuestionMarkShowsTheAnswer() throws {
        let library = try LessonLibrary.load(from: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Lessons"))
        for (strings, tryAgain) in [(UIStrings.english, "Try again, or type ? to see the answer."), (.chinese, "再试一次；想直接看答案，输入 ?。")] {
            let progress = ProgressStore.standard(environment: ["XDG_STATE_HOME": makeTemporaryDirectory("plain").path])
            let session = LessonSession(library: library, store: progress, environment: .forTests(), size: .init(columns: 80, rows: 24),
                                        start: .lesson(0), strings: strings)
            var output = ""
            var input = ["a", "？", "110", "111"][...]
            PlainRunner(session: session, style: .plain, width: 80, write: { output += $0 }, readLine: { input.popFirst() })
                .run(lesson: 0)
            XCTAssertTrue(output.contains(strings(.answerMissed, "a) The data link layer") + "\n"), output)
            XCTAssertTrue(output.contains(tryAgain + "\n" + strings(.plainAnswerPrompt, strings.alternatives(["a", "b"])) + "？\n"
                + strings(.answerWrong, "b) The network layer")), output)
            XCTAssertTrue(output.contains(strings(.answerMissedShort, "110")), output)
            XCTAssertEqual(progress.load().checkpoints["fixture-layer"], .init(answer: "a", correct: false, attempts: 1, revealed: true))
            XCTAssertEqual(progress.load().checkpoints["fixture-refused"], .init(answer: "111", correct: true, attempts: 2))
        }
    }

    func testProgressFromBeforeRetriesStillLoadsAndStaysHonest() throws {
        let file = home.appendingPathComponent("osilab/progress.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        // The old runner showed the answer with every wrong one.
        try #"{"version":1,"checkpoints":{"old-wrong":{"answer":"a","correct":false,"attempts":1},"old-right":{"answer":"b","correct":true,"attempts":1}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let loaded = store().load()
        XCTAssertEqual(loaded.checkpoints["old-wrong"], .init(answer: "a", correct: false, attempts: 1, revealed: true))
        XCTAssertEqual(loaded.checkpoints["old-right"], .init(answer: "b", correct: true, attempts: 1, revealed: false))
    }

    // MARK: 3. Verdicts say what happened, not the fact's name

    func testEveryFactALessonPredictsHasWordsForEachValueInBothLanguages() throws {
        let english = try XCTUnwrap(RealLessons.load())
        let chinese = try XCTUnwrap(ChineseRunnerTests.chineseLibrary())
        for (library, strings) in [(english, UIStrings.english), (chinese, .chinese)] {
            let labs = library.lessons.flatMap(\.labs).filter { $0.observe != nil }
            XCTAssertFalse(labs.isEmpty)
            for lab in labs {
                let observe = try XCTUnwrap(lab.observe)
                let fact = try XCTUnwrap(FactCatalog.standard.fact(named: observe, forCommand: lab.arguments))
                let renderer = DirectiveRenderer(width: 80, theme: .standard, strings: strings, interactive: true)
                for value in fact.values {
                    XCTAssertNotNil(FactWords.sentence(fact: observe, value: value),
                                    "\(lab.id) observes \(observe); its value \(value) needs a runner.fact* sentence")
                    let said = renderer.describeFact(lab, value)
                    XCTAssertFalse(said.contains(observe), "the verdict names the fact: \(said)")
                }
            }
        }
        let lab = try XCTUnwrap(english.lessons.flatMap(\.labs).first { $0.id == "handshake-accept-live" })
        let state = LabState(prediction: "synack", verdict: .mismatched(observed: "ack"), exit: .exited(0))
        for (strings, sentence) in [(UIStrings.english, "✗ The capture says otherwise: accept() returned after the final ACK, step 3. You predicted b)"),
                                    (.chinese, "✗ 抓包结果和你的预测不符：accept() 在最后的 ACK（第 3 步）之后返回。你预测的是 b)")] {
            let lines = DirectiveRenderer(width: 100, theme: .standard, strings: strings, interactive: true).labFeedback(lab, state: state)
            XCTAssertTrue(lines.map(\.plainText).joined(separator: " ").contains(sentence), lines.plainText)
        }
    }

    // MARK: 4. The feedback of the question just answered stays in view

    func testTheFeedbackOfTheSecondQuestionIsOnThePageShown() throws {
        let text = lessonText("""
            ## Two questions

            \(String(repeating: "Some reading before the questions, long enough to fill a good part of a page. ", count: 6))

            ```checkpoint
            id: first
            question: First question?
            - a: One
            - b: Two
            answer: a
            explain: \(String(repeating: "A long explanation of the first answer. ", count: 4))
            ```

            ```checkpoint
            id: second
            question: Second question?
            - a: One
            - b: Two
            answer: b
            hint: Not one.
            explain: \(String(repeating: "A long explanation of the second answer. ", count: 4))
            ```
            """)
        let library = LessonLibrary(lessons: [try LessonParser.parse(text, file: "x.md")])
        for columns in [60, 100, 160] {
            for rows in 16...34 {
                for (key, feedback) in [("b", "✓ Right."), ("a", "✗ Not quite: a) One is not it.")] {
                    let session = LessonSession(library: library, store: ProgressStore.temporary(), environment: .forTests(),
                                                size: .init(columns: columns, rows: rows), start: .lesson(0))
                    for _ in 0..<5 where !flowing(session).contains("First question?") { press(session, .right) }
                    press(session, .character("a"))
                    XCTAssertTrue(flowing(session).contains("✓ Right."), "\(columns)x\(rows): the first answer's feedback:\n\(flowing(session))")
                    // Reach the second question (the page it is on), then answer it.
                    for _ in 0..<5 where !flowing(session).contains("Second question?") { press(session, .right) }
                    press(session, .character(Character(key)))
                    XCTAssertNotNil(session.progress.checkpoints["second"], "\(columns)x\(rows)")
                    XCTAssertTrue(flowing(session).contains(feedback),
                                  "\(columns)x\(rows): the second answer's feedback must be on the page shown:\n\(flowing(session))")
                    assertFits(session, "\(columns)x\(rows)")
                }
            }
        }
    }

    // MARK: 8. The erratum box says "the notes" once

    func testAnErratumBoxDoesNotRepeatItsLabelInEitherLanguage() throws {
        let english = try XCTUnwrap(RealLessons.load())
        let chinese = try XCTUnwrap(ChineseRunnerTests.chineseLibrary())
        for (library, strings) in [(english, UIStrings.english), (chinese, .chinese)] {
            let renderer = DirectiveRenderer(width: 80, theme: .standard, strings: strings, interactive: false)
            let errata = library.lessons.flatMap(\.allBlocks).compactMap { block -> Erratum? in
                if case .erratum(let erratum) = block { return erratum } else { return nil }
            }
            XCTAssertFalse(errata.isEmpty)
            for erratum in errata {
                let box = renderer.erratum(erratum, state: LabState(), availability: nil, focused: false).map(\.plainText)
                let label = strings(.erratumClaim)
                let cells = box.map { String($0.filter { $0 != "│" }).trimmingWhitespace }
                let labelLine = try XCTUnwrap(cells.firstIndex { $0 == label }, "\(erratum.id): \(box)")
                let claim = cells[labelLine + 1]
                XCTAssertFalse(claim.hasPrefix(label), "\(erratum.id): the claim repeats its label: \(claim)")
                XCTAssertFalse(box.joined().contains("The notes say") && box.joined().components(separatedBy: "The notes say").count > 2,
                               "\(erratum.id) says “The notes say” twice")
            }
        }
    }
}
