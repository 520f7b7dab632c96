@testable import LessonKit
import XCTest

/// A lesson file from parts, with front matter that is valid unless replaced.
func lessonText(front: String? = nil, _ body: String) -> String {
    let header = front ?? """
        id: sample
        title: Sample
        order: 1
        objectives:
          - Do a thing
        """
    return "---\n" + header + "\n---\n" + body
}

func problems(_ text: String, file: String = "Lessons/01-sample/lesson.en.md") -> [String] {
    do {
        _ = try LessonParser.parse(text, file: file)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

final class FrontMatterTests: XCTestCase {
    func testValidFrontMatter() throws {
        let lesson = try LessonParser.parse(lessonText(front: """
            id: handshake
            title: The three-way handshake
            order: 4
            objectives:
              - Name the three segments
              - Say when connect() returns
            topics:
              - handshake.steps
            """, "Text."), file: "x.md")
        XCTAssertEqual(lesson.id, "handshake")
        XCTAssertEqual(lesson.title, "The three-way handshake")
        XCTAssertEqual(lesson.order, 4)
        XCTAssertEqual(lesson.objectives, ["Name the three segments", "Say when connect() returns"])
        XCTAssertEqual(lesson.topics, ["handshake.steps"])
    }

    func testMissingFrontMatterNamesLineOne() {
        XCTAssertEqual(problems("# Hello\n"), [
            "Lessons/01-sample/lesson.en.md:1: a lesson must start with front matter: a line `---`, then `id:`, `title:`, `order:`, `objectives:` and `topics:`, then `---`",
        ])
    }

    func testUnknownKeyIsRejectedWithItsLine() {
        let found = problems(lessonText(front: "id: a\ntitle: A\norder: 1\nauthor: me\nobjectives:\n  - x", "Text."))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:5: unknown front matter key `author` (known keys: id, objectives, order, title, topics)"])
    }

    func testMissingKeysAndBadOrder() {
        let found = problems(lessonText(front: "id: a b\norder: first", "Text."))
        XCTAssertTrue(found.contains("Lessons/01-sample/lesson.en.md:4: the front matter has no `title:`"), "\(found)")
        XCTAssertTrue(found.contains { $0.contains("needs `objectives:`") }, "\(found)")
        XCTAssertTrue(found.contains("Lessons/01-sample/lesson.en.md:2: the id `a b` may only hold letters, digits and `-`"), "\(found)")
        XCTAssertTrue(found.contains("Lessons/01-sample/lesson.en.md:3: `order` must be a whole number from 1 up, found `first`"), "\(found)")
    }

    func testUnclosedFrontMatter() {
        XCTAssertEqual(problems("---\nid: a\n"), ["Lessons/01-sample/lesson.en.md:1: the front matter is not closed: add a line `---` after its last key"])
    }
}

final class ScreenTests: XCTestCase {
    func testScreensSplitAtLevelTwoHeadings() throws {
        let lesson = try LessonParser.parse(lessonText("Intro.\n\n## One\n\nA.\n\n### Not a screen\n\nB.\n\n## Two\n\nC.\n"), file: "x.md")
        XCTAssertEqual(lesson.screens.map(\.title), [nil, "One", "Two"])
        XCTAssertEqual(lesson.screens[1].blocks.count, 4, "heading, paragraph, level-3 heading, paragraph")
    }

    func testNoPreambleStartsWithTheFirstHeading() throws {
        let lesson = try LessonParser.parse(lessonText("## One\n\nA.\n"), file: "x.md")
        XCTAssertEqual(lesson.screens.map(\.title), ["One"])
    }

    func testEmptyBodyIsAProblem() {
        XCTAssertEqual(problems(lessonText("\n")), ["Lessons/01-sample/lesson.en.md:8: the lesson has no text after its front matter"])
    }
}

final class DirectiveTests: XCTestCase {
    func checkpoint(_ body: String) throws -> Checkpoint {
        let lesson = try LessonParser.parse(lessonText("```checkpoint\n" + body + "\n```\n"), file: "x.md")
        guard let checkpoint = lesson.checkpoints.first else { throw MissingDirective("no checkpoint parsed") }
        return checkpoint
    }

    struct MissingDirective: Error { var message: String; init(_ message: String) { self.message = message } }

    func testMultipleChoiceCheckpoint() throws {
        let parsed = try checkpoint("""
            id: connect-returns
            question: After which segment does `connect()` return?
            - a: The SYN
            - b: The SYN-ACK
            answer: b
            explain: Once the SYN-ACK has arrived,
              the client's kernel answers it.
            """)
        XCTAssertEqual(parsed.id, "connect-returns")
        XCTAssertEqual(parsed.question, [.text("After which segment does "), .code("connect()"), .text(" return?")])
        XCTAssertEqual(parsed.choices.map(\.tag), ["a", "b"])
        XCTAssertEqual(parsed.answer, "b")
        XCTAssertEqual(parsed.explain?.plainText, "Once the SYN-ACK has arrived, the client's kernel answers it.",
                       "a continuation line joins its key's value with a space")
        XCTAssertEqual(parsed.line, 8, "the opening fence is on line 8 of the file")
    }

    func testShortAnswerWithAcceptedAlternatives() throws {
        let parsed = try checkpoint("id: errno\nquestion: Which number?\nanswer: 111\naccept: ECONNREFUSED | errno 111")
        XCTAssertFalse(parsed.isMultipleChoice)
        XCTAssertEqual(parsed.accept, ["ECONNREFUSED", "errno 111"])
    }

    func testUnknownKeyNamesFileLineAndKnownKeys() {
        let found = problems(lessonText("Text.\n\n```checkpoint\nid: q\nquestion: Q?\n- a: x\n- b: y\nanwser: b\n```\n"))
        XCTAssertTrue(found.contains(
            "Lessons/01-sample/lesson.en.md:15: checkpoint: unknown key `anwser` (known keys: id, question, answer, accept, explain, hint)"), "\(found)")
        XCTAssertTrue(found.contains("Lessons/01-sample/lesson.en.md:10: checkpoint: missing `answer:`"), "\(found)")
    }

    func testAnswerMustBeAChoice() {
        let found = problems(lessonText("```checkpoint\nid: q\nquestion: Q?\n- a: x\n- b: y\nanswer: c\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:13: checkpoint: the answer `c` is not one of the choices (a, b)"])
    }

    func testChoicesAreLetteredInOrder() {
        let found = problems(lessonText("```checkpoint\nid: q\nquestion: Q?\n- a: x\n- c: y\nanswer: a\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:12: checkpoint: choices are lettered a, b, c, ... in order: expected `- b:`, found `- c:`"])
    }

    func testAcceptBelongsToShortAnswers() {
        let found = problems(lessonText("```checkpoint\nid: q\nquestion: Q?\n- a: x\n- b: y\nanswer: a\naccept: x\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:14: checkpoint: `accept` is for short answers; a multiple-choice answer is a letter"])
    }

    func testLabWithPrediction() throws {
        let lesson = try LessonParser.parse(lessonText("""
            ```lab
            id: live
            run: osilab handshake --port 4545
            needs: capture
            predict: Which segment?
            - syn: The SYN
            - ack: The final ACK
            observe: accept-returned-after
            explain: The final ACK.
            ```
            """), file: "x.md")
        let lab = try XCTUnwrap(lesson.labs.first)
        XCTAssertEqual(lab.arguments, ["handshake", "--port", "4545"])
        XCTAssertEqual(lab.needs, .capture)
        XCTAssertEqual(lab.choices.map(\.tag), ["syn", "ack"])
        XCTAssertEqual(lab.observe, "accept-returned-after")
    }

    func testObserveMustNameAFactTheCommandRecords() {
        let found = problems(lessonText("```lab\nid: l\nrun: osilab handshake\npredict: Q?\n- syn: a\n- ack: b\nobserve: accepted-when\n```\n"))
        XCTAssertEqual(found, [
            "Lessons/01-sample/lesson.en.md:14: lab: unknown fact `accepted-when`: `osilab handshake` records connect-returned-after, accept-returned-after, handshake-complete",
        ])
    }

    func testPredictionTagsMustBeValuesTheFactCanTake() {
        let found = problems(lessonText("```lab\nid: l\nrun: osilab handshake\npredict: Q?\n- syn: a\n- fin: b\nobserve: accept-returned-after\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:13: lab: the choice `fin` can never match: `accept-returned-after` is one of syn, synack, ack"])
    }

    func testPredictionNeedsObserve() {
        let found = problems(lessonText("```lab\nid: l\nrun: osilab handshake\npredict: Q?\n- syn: a\n- ack: b\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:11: lab: a prediction needs `observe:`, the fact to check it against"])
    }

    func testRunMustBeAnOsilabCommand() {
        let found = problems(lessonText("```lab\nid: l\nrun: python3 server.py\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:10: lab: `run` must be an osilab command line such as `osilab handshake`, found `python3 server.py`"])
    }

    func testUnknownNeed() {
        let found = problems(lessonText("```lab\nid: l\nrun: osilab handshake\nneeds: root\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:11: lab: `needs` must be capture or netns, found `root`"])
    }

    func testErratum() throws {
        let lesson = try LessonParser.parse(lessonText("""
            ```erratum
            id: synack
            claim: accept() sends the SYN-ACK.
            truth: The kernel does.
            evidence: A capture.
            run: osilab experiment no-accept
            ```
            """), file: "x.md")
        let erratum = try XCTUnwrap(lesson.errata.first)
        XCTAssertEqual(erratum.arguments, ["experiment", "no-accept"])
        XCTAssertEqual(erratum.truth.plainText, "The kernel does.")
    }

    func testErratumNeedsEvidence() {
        let found = problems(lessonText("```erratum\nid: e\nclaim: c\ntruth: t\n```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:8: erratum: missing `evidence:`"])
    }

    func testMisspeltDirectiveIsReported() {
        let found = problems(lessonText("Text.\n\n```chekpoint\nid: q\n```\n"))
        XCTAssertEqual(found, [
            "Lessons/01-sample/lesson.en.md:10: unknown code block kind `chekpoint`: directives are checkpoint, erratum, lab; code languages are bash, c, console, diff, json, py, python, sh, shell, swift, text, txt",
        ])
    }

    func testDirectiveInsideAListIsReported() {
        let found = problems(lessonText("- item\n\n  ```checkpoint\n  id: q\n  ```\n"))
        XCTAssertEqual(found, ["Lessons/01-sample/lesson.en.md:10: checkpoint: a directive must stand on its own, not inside a list or quote (remove the indentation)"])
    }

    func testCommandLineSplitting() {
        XCTAssertEqual(splitCommandLine("osilab watch --filter 'tcp port 4545'"), ["osilab", "watch", "--filter", "tcp port 4545"])
        XCTAssertNil(splitCommandLine("osilab \"open"))
    }
}

final class LibraryTests: XCTestCase {
    func fixtures() throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("Lessons")
    }

    func testFixtureLessonsLoadInOrderSkippingOtherFolders() throws {
        let library = try LessonLibrary.load(from: fixtures())
        XCTAssertEqual(library.lessons.map(\.id), ["fixture-basics", "fixture-second"], "captures/ is not a lesson")
        XCTAssertEqual(library.lessons[0].file, "Lessons/01-basics/lesson.en.md")
        XCTAssertEqual(library.lessons[0].screens.count, 7)
    }

    func testAMissingLanguageFallsBackToEnglish() throws {
        let library = try LessonLibrary.load(from: fixtures(), language: "zh")
        XCTAssertEqual(library.lessons[0].file, "Lessons/01-basics/lesson.en.md")
    }

    func testEmptyFolderSaysNoLessonsWereFound() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try LessonLibrary.load(from: empty)) { error in
            XCTAssertTrue("\(error)".contains("no lessons were found"), "\(error)")
        }
    }

    func testDuplicateIdsAndMismatchedFolderNumbers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-dup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, order) in [("01-one", 1), ("03-two", 2)] {
            let directory = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let text = lessonText(front: "id: \(name)\ntitle: T\norder: \(order)\nobjectives:\n  - x",
                                  "```checkpoint\nid: same\nquestion: Q?\nanswer: 1\n```\n")
            try text.write(to: directory.appendingPathComponent("lesson.en.md"), atomically: true, encoding: .utf8)
        }
        XCTAssertThrowsError(try LessonLibrary.load(from: folder)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("Lessons/03-two/lesson.en.md:8: the id `same` is also used in Lessons/01-one/lesson.en.md:8"), text)
            XCTAssertTrue(text.contains("Lessons/03-two/lesson.en.md: the folder number 3 and `order: 2` disagree"), text)
        }
    }
}
