import Foundation
@testable import LessonKit
import Terminal
import TextUI
import Workspace
import XCTest

/// The runner driven with scripted keys through its session API: no terminal involved.
final class SessionTests: XCTestCase {
    var stateHome: URL!
    var library: LessonLibrary!

    override func setUpWithError() throws {
        stateHome = makeTemporaryDirectory("state")
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        library = try LessonLibrary.load(from: fixtures.appendingPathComponent("Lessons"))
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: stateHome)
    }

    /// A store under the test's own XDG_STATE_HOME; a new instance reads the disk afresh,
    /// as a new run of osilab would.
    func store() -> ProgressStore {
        ProgressStore.standard(environment: ["XDG_STATE_HOME": stateHome.path, "HOME": "/nonexistent"])
    }

    func session(_ start: LessonSession.Start = .resume, environment: LabEnvironment = .forTests(),
                 size: TerminalSize = TerminalSize(columns: 80, rows: 40)) -> LessonSession {
        LessonSession(library: library, store: store(), environment: environment, size: size, start: start)
    }

    /// The frame's text as flowing prose: box borders and line ends removed, so a sentence
    /// wrapped inside a box is found whole.
    func screenText(_ session: LessonSession) -> String {
        session.frame().map { line -> String in
            var text = line.plainText.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("│") { text.removeFirst() }
            if text.hasSuffix("│") { text.removeLast() }
            return text.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    func press(_ session: LessonSession, _ keys: Key...) {
        for key in keys { _ = session.handle(key) }
    }

    func type(_ session: LessonSession, _ text: String) {
        for character in text { _ = session.handle(.character(character)) }
    }

    func go(_ session: LessonSession, toScreenTitled title: String, file: StaticString = #filePath, line: UInt = #line) {
        for _ in 0..<20 where session.lesson?.screens[session.screenIndex].title != title {
            _ = session.handle(.right)
        }
        XCTAssertEqual(session.lesson?.screens[session.screenIndex].title, title, "never reached the screen", file: file, line: line)
    }

    // MARK: Whole lesson

    func testNextKeysWalkThroughEveryScreenIntoTheNextLesson() {
        let session = session()
        XCTAssertTrue(screenText(session).contains("Lesson 1: Fixture basics"))
        var seen: [Int] = [session.screenIndex]
        let keys: [Key] = [.right, .character(" "), .character("n"), .pageDown, .right, .right]
        for key in keys {
            _ = session.handle(key)
            seen.append(session.screenIndex)
        }
        XCTAssertEqual(seen, [0, 1, 2, 3, 4, 5, 6], "→, Space, n and Page Down each move one screen")
        XCTAssertTrue(screenText(session).contains("That is all."))
        XCTAssertTrue(store().load().lessons["fixture-basics"]?.completed == true, "reaching the last screen completes the lesson")

        _ = session.handle(.right)
        XCTAssertEqual(session.lessonIndex, 1, "→ on the last screen opens the next lesson")
        XCTAssertTrue(screenText(session).contains("Lesson 1 done."), "a notice says the lesson was finished")
        XCTAssertEqual(store().load().currentLesson, "fixture-second")

        press(session, .left)
        XCTAssertEqual(session.lessonIndex, 0, "← on the first screen goes back into the previous lesson")
        XCTAssertEqual(session.screenIndex, 6)
        press(session, .character("N"))
        XCTAssertEqual(session.lessonIndex, 1, "N opens the next lesson")
        press(session, .character("["))
        XCTAssertEqual(session.lessonIndex, 0, "[ opens the previous lesson")
        XCTAssertEqual(session.screenIndex, 0)
    }

    func testStatusLineShowsLessonTitleAndScreenCounter() {
        let session = session()
        let frame = session.frame()
        XCTAssertEqual(frame.count, 40, "a frame fills the terminal exactly")
        let status = frame[38].plainText
        XCTAssertTrue(status.hasPrefix(" Lesson 1/2 · Fixture basics"), status)
        XCTAssertTrue(status.hasSuffix("screen 1/7 "), status)
        XCTAssertTrue(frame[39].plainText.contains("q quit"), frame[39].plainText)
    }

    func testQuitSavesThePlace() {
        let session = session()
        press(session, .right, .right)
        XCTAssertEqual(session.handle(.character("q")), .quit)
        XCTAssertEqual(store().load().lessons["fixture-basics"]?.screen, 2)
        let ctrlC = self.session()
        XCTAssertEqual(ctrlC.handle(.controlC), .quit, "Ctrl-C quits cleanly too")
    }

    // MARK: Checkpoints

    func testMultipleChoiceWrongThenRight() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Which layer")
        XCTAssertTrue(screenText(session).contains("Press a or b to answer."))

        press(session, .character("a"))
        var text = screenText(session)
        XCTAssertTrue(text.contains("✗ Not quite: a) The data link layer is not it."), text)
        XCTAssertFalse(text.contains("the answer is"), "a first miss does not give the answer away:\n\(text)")
        XCTAssertFalse(text.contains("Routing is the network layer's job."), "nor its explanation")
        XCTAssertTrue(text.contains("Hint: Which layer has addresses that cross networks?"), text)
        XCTAssertTrue(text.contains("Think again and press a or b, or press s to see the answer."), text)
        XCTAssertFalse(text.contains("✓"), "the right choice is not marked yet:\n\(text)")
        XCTAssertEqual(store().load().checkpoints["fixture-layer"], .init(answer: "a", correct: false, attempts: 1))

        press(session, .character("b"))
        text = screenText(session)
        XCTAssertTrue(text.contains("✓ Right, at the second try."), text)
        XCTAssertTrue(text.contains("Routing is the network layer's job."), "the explanation follows the feedback")
        XCTAssertFalse(text.contains("Think again"), text)
        XCTAssertEqual(store().load().checkpoints["fixture-layer"], .init(answer: "b", correct: true, attempts: 2))

        press(session, .character("a"))
        XCTAssertEqual(store().load().checkpoints["fixture-layer"], .init(answer: "b", correct: true, attempts: 2),
                       "a question answered right takes no more answers")
    }

    func testASecondMissShowsTheAnswerAndIsRecordedAsShown() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Which layer")
        press(session, .character("a"), .character("a"))
        let text = screenText(session)
        XCTAssertTrue(text.contains("✗ Not quite: the answer is b) The network layer."), text)
        XCTAssertTrue(text.contains("Routing is the network layer's job."), "the explanation comes with the answer")
        XCTAssertTrue(text.contains("b) The network layer ✓"), text)
        XCTAssertFalse(text.contains("Think again"), "no retry is offered once the answer is shown:\n\(text)")
        XCTAssertEqual(store().load().checkpoints["fixture-layer"], .init(answer: "a", correct: false, attempts: 2, revealed: true))
        press(session, .character("b"))
        XCTAssertEqual(store().load().checkpoints["fixture-layer"]?.correct, false,
                       "an answer given after the answer was shown does not count as found")
    }

    func testSShowsTheAnswerAfterOneMissOnRequest() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Which layer")
        press(session, .character("s"))
        XCTAssertNil(store().load().checkpoints["fixture-layer"], "before any try there is nothing to show")
        XCTAssertTrue(screenText(session).contains("Answer first: the answer is shown after a wrong try."), screenText(session))
        press(session, .character("a"))
        XCTAssertTrue(session.frame().last?.plainText.contains("s show answer") == true, session.frame().last?.plainText ?? "")
        press(session, .character("s"))
        XCTAssertTrue(screenText(session).contains("✗ Not quite: the answer is b) The network layer."), screenText(session))
        XCTAssertEqual(store().load().checkpoints["fixture-layer"], .init(answer: "a", correct: false, attempts: 1, revealed: true))
    }

    func testALetterThatIsNoChoiceIsNotRecorded() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Which layer")
        press(session, .character("d"))
        XCTAssertNil(store().load().checkpoints["fixture-layer"])
        XCTAssertTrue(screenText(session).contains("Press a or b to answer."))
    }

    func testShortAnswerTypedAndComparedWithoutCase() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Short answer")
        press(session, .enter)
        XCTAssertEqual(session.mode, .typing(checkpointID: "fixture-refused", text: ""))
        type(session, "11O")
        press(session, .backspace)
        XCTAssertTrue(session.frame().last?.plainText.contains("Your answer: 11▏") == true)
        type(session, "0")
        press(session, .enter)
        XCTAssertEqual(session.mode, .reading)
        XCTAssertTrue(screenText(session).contains("✗ Not quite: “110” is not it."), screenText(session))
        XCTAssertTrue(screenText(session).contains("Think again and press Enter to type another answer, or press s to see the answer."))
        XCTAssertFalse(screenText(session).contains("Linux numbers ECONNREFUSED 111"), "the explanation waits for the answer")

        press(session, .enter)
        type(session, "  Errno   111 ")
        press(session, .enter)
        XCTAssertEqual(store().load().checkpoints["fixture-refused"], .init(answer: "Errno   111", correct: true, attempts: 2),
                       "`accept` alternatives match without case or extra spaces")
    }

    func testEscapeCancelsTyping() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "Short answer")
        press(session, .enter)
        type(session, "x")
        press(session, .escape)
        XCTAssertEqual(session.mode, .reading)
        XCTAssertNil(store().load().checkpoints["fixture-refused"])
    }

    // MARK: Predictions and labs

    /// A stand-in for `osilab handshake` (not built in this branch): a shell script that
    /// records the fact given in its environment, or exits with a given status.
    func fakeOsilab(facts: String?, exitStatus: Int = 0) throws -> String {
        let script = stateHome.appendingPathComponent("fake-osilab-\(UUID().uuidString)")
        var text = "#!/bin/sh\n"
        if let facts {
            text += "while [ $# -gt 0 ]; do if [ \"$1\" = --facts ]; then printf '%s' '\(facts)' > \"$2\"; fi; shift; done\n"
        }
        text += "exit \(exitStatus)\n"
        try text.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script.path
    }

    /// Predicts with `key`, runs the lab for real as a child process, and returns the session.
    func predictAndRun(_ key: Character, executable: String, canCapture: Bool = true, recordedSupported: Bool = true,
                       expectedArguments: [String] = ["handshake"]) throws -> LessonSession {
        var environment = LabEnvironment.forTests(executable: executable, canCapture: canCapture)
        if !recordedSupported {
            let check = environment.commandCheck
            environment.commandCheck = { $0.contains("--recorded") ? .invalid(message: "Unknown option '--recorded'") : check($0) }
        }
        let session = session(.lesson(0), environment: environment)
        go(session, toScreenTitled: "Predict")
        XCTAssertEqual(session.handle(.character("r")), .redraw, "r before a prediction does not run the lab")
        XCTAssertTrue(screenText(session).contains("Make a prediction first: press a, b or c."))
        press(session, .character(key))
        XCTAssertTrue(screenText(session).contains("Your prediction: \(key))"), screenText(session))
        guard case .runLab(let request) = session.handle(.character("r")) else {
            XCTFail("r after a prediction must ask to run the lab")
            return session
        }
        XCTAssertEqual(request.arguments, expectedArguments)
        XCTAssertTrue(request.wantsFacts)
        let outcome = LabRunner.run(executable: executable, arguments: request.arguments, wantsFacts: true, inheritInput: false)
        session.finishLab(request.id, outcome: outcome)
        return session
    }

    func testPredictionThatMatchesTheRecordedFact() throws {
        let session = try predictAndRun("c", executable: fakeOsilab(facts: #"{"accept-returned-after":"ack"}"#))
        let text = screenText(session)
        XCTAssertTrue(text.contains("✓ Your prediction matched the capture: accept() returned after the final ACK, step 3."), text)
        XCTAssertTrue(text.contains("The kernel queues a connection only when the final ACK arrives."))
        XCTAssertEqual(store().load().predictions["fixture-handshake"], .init(predicted: "ack", observed: "ack", matched: true))
    }

    func testTheVerdictIsInViewAfterALabRuns() throws {
        // After the run the box grows (verdict, explanation) and may no longer fit on the page
        // it was on; whatever the terminal's height, the page with the verdict is the one shown.
        let environment = LabEnvironment.forTests(executable: try fakeOsilab(facts: #"{"accept-returned-after":"ack"}"#))
        for rows in 18...32 {
            let session = session(.lesson(0), environment: environment, size: TerminalSize(columns: 80, rows: rows))
            go(session, toScreenTitled: "Predict")
            while !screenText(session).contains("Press a, b or c") { press(session, .right) }
            press(session, .character("c"))
            guard case .runLab(let request) = session.handle(.character("r")) else {
                return XCTFail("r after a prediction must ask to run the lab")
            }
            session.finishLab(request.id, outcome: LabRunner.run(executable: environment.executable, arguments: request.arguments,
                                                                 wantsFacts: true, inheritInput: false))
            XCTAssertTrue(screenText(session).contains("Your prediction matched the capture"),
                          "at \(rows) rows the verdict must be on the page shown after the run:\n\(screenText(session))")
        }
    }

    func testPredictionThatDoesNotMatch() throws {
        let session = try predictAndRun("b", executable: fakeOsilab(facts: #"{"accept-returned-after":"ack"}"#))
        let text = screenText(session)
        XCTAssertTrue(text.contains("✗ The capture says otherwise: accept() returned after the final ACK, step 3. You predicted b) The SYN-ACK."), text)
        XCTAssertEqual(store().load().predictions["fixture-handshake"], .init(predicted: "synack", observed: "ack", matched: false))
    }

    func testPredictionCannotBeCheckedWhenTheCommandFails() throws {
        let session = try predictAndRun("a", executable: fakeOsilab(facts: nil, exitStatus: 3))
        XCTAssertTrue(screenText(session).contains("? Your prediction could not be checked: the command failed (exit status 3) and recorded no facts."))
        XCTAssertEqual(store().load().predictions["fixture-handshake"], .init(predicted: "syn", observed: nil, matched: nil))
    }

    func testPredictionWithoutCapturePrivilegeSaysWhy() throws {
        let session = try predictAndRun("a", executable: fakeOsilab(facts: nil, exitStatus: 1), canCapture: false,
                                        recordedSupported: false)
        let text = screenText(session)
        XCTAssertTrue(text.contains("Live capture needs root, or a private network of your own"), text)
        XCTAssertTrue(text.contains("osilab doctor says why and how to fix it"), text)
        XCTAssertTrue(text.contains("Meanwhile the command offers a recorded capture."), text)
        XCTAssertTrue(text.contains("could not be checked: live capture needs root or a private network of your own, "
            + "and this machine allows neither."), text)
    }

    func testWithoutCapturePrivilegeTheRecordedCaptureChecksThePrediction() throws {
        let session = try predictAndRun("c", executable: fakeOsilab(facts: #"{"accept-returned-after":"ack"}"#), canCapture: false,
                                        expectedArguments: ["handshake", "--recorded"])
        let text = screenText(session)
        XCTAssertTrue(text.contains("Meanwhile this lab shows the capture recorded for the lessons."), text)
        XCTAssertTrue(text.contains("✓ Your prediction matched the recorded capture: accept() returned after the final ACK, step 3."), text)
    }

    func testFactsThatAreNotStringsAreReported() throws {
        let session = try predictAndRun("a", executable: fakeOsilab(facts: #"{"accept-returned-after":3}"#))
        XCTAssertTrue(screenText(session).contains("the facts file could not be read (the value of `accept-returned-after` is not a string)"))
    }

    func testLabWhoseCommandIsMissingSaysSoInsteadOfRunning() {
        let session = session(.lesson(0))
        go(session, toScreenTitled: "The notes are wrong")
        let text = screenText(session)
        XCTAssertTrue(text.contains("This lab needs `osilab experiment`, which this version of osilab does not have yet."), text)
        XCTAssertTrue(text.contains("Claim"))
        XCTAssertTrue(text.contains("In fact"))
        XCTAssertTrue(text.contains("Evidence"))
        XCTAssertEqual(session.handle(.character("r")), .redraw, "nothing runs")
    }

    func testLabWithoutPredictionRuns() throws {
        let session = session(.lesson(1), environment: .forTests(executable: try fakeOsilab(facts: nil)))
        press(session, .right)
        guard case .runLab(let request) = session.handle(.character("r")) else {
            return XCTFail("r must run the doctor lab")
        }
        XCTAssertEqual(request.arguments, ["doctor"])
        XCTAssertFalse(request.wantsFacts, "no prediction, so no --facts")
        session.finishLab(request.id, outcome: LabRunner.run(executable: try fakeOsilab(facts: nil), arguments: request.arguments,
                                                             wantsFacts: false, inheritInput: false))
        XCTAssertTrue(screenText(session).contains("The lab finished."))
        XCTAssertTrue(screenText(session).contains("The doctor lists what this machine has."))
    }

    func testLettersReachTheQuestionEvenWhenALabHasFocus() throws {
        let session = session(.lesson(1))
        press(session, .right)
        press(session, .character("b"))
        XCTAssertEqual(store().load().checkpoints["fixture-stream"]?.correct, true,
                       "the lab above takes no letters, so b answers the question below it")
    }

    func testNetnsLabDoesNotRunWhereNeitherRootNorAPrivateNetworkIsAllowed() throws {
        let text = lessonText("```lab\nid: drop\nrun: osilab handshake\nneeds: netns\n```\n")
        let lesson = try LessonParser.parse(text, file: "x.md")
        let session = LessonSession(library: LessonLibrary(lessons: [lesson]), store: store(),
                                    environment: .forTests(canUseNetns: false), size: .init(columns: 80, rows: 30), start: .lesson(0))
        XCTAssertTrue(screenText(session).contains("This experiment builds a network namespace with nftables rules"))
        XCTAssertEqual(session.handle(.character("r")), .redraw)
        XCTAssertTrue(screenText(session).contains("Not run: this experiment needs Linux with user namespaces allowed, or root."))
    }

    func testTabMovesFocusBetweenQuestionsOnAPage() throws {
        let text = lessonText("""
            ```checkpoint
            id: one
            question: First?
            - a: x
            - b: y
            answer: a
            ```

            ```checkpoint
            id: two
            question: Second?
            - a: x
            - b: y
            answer: b
            ```
            """)
        let session = LessonSession(library: LessonLibrary(lessons: [try LessonParser.parse(text, file: "x.md")]), store: store(),
                                    environment: .forTests(), size: .init(columns: 80, rows: 50), start: .lesson(0))
        XCTAssertTrue(screenText(session).contains("▶ Checkpoint"), "with two questions on a page, the focused one is marked")
        press(session, .tab, .character("b"))
        XCTAssertEqual(store().load().checkpoints["two"]?.correct, true, "Tab moved the focus to the second")
        XCTAssertNil(store().load().checkpoints["one"])
        press(session, .character("a"))
        XCTAssertEqual(store().load().checkpoints["one"]?.correct, true, "after answering, the letters go to the question still waiting")
    }

    // MARK: Resume and progress

    func testResumeOpensWhereTheLearnerStopped() {
        let first = session()
        press(first, .right, .right, .right)
        press(first, .character("q"))

        let second = session()
        XCTAssertEqual(second.lessonIndex, 0)
        XCTAssertEqual(second.screenIndex, 3)
        XCTAssertTrue(screenText(second).contains("Welcome back"))
    }

    func testResumeAfterAFinishedLessonOpensTheNextOne() {
        let first = session()
        press(first, .end, .character("q"))
        XCTAssertEqual(store().load().lessons["fixture-basics"]?.completed, true)
        let second = session()
        XCTAssertEqual(second.lessonIndex, 1)
        XCTAssertEqual(second.screenIndex, 0)
    }

    func testProgressSurvivesARestart() {
        let first = session(.lesson(0))
        go(first, toScreenTitled: "Which layer")
        press(first, .character("b"), .character("q"))
        let second = session(.lesson(0))
        go(second, toScreenTitled: "Which layer")
        XCTAssertTrue(screenText(second).contains("✓ Right."), "an earlier answer is shown again")
    }

    func testCorruptProgressFileIsSetAsideReportedAndTheRunnerContinues() throws {
        let file = store().file
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: file)

        let session = session()
        let text = screenText(session)
        XCTAssertTrue(text.contains("could not be read"), "the learner is told once: \(text)")
        XCTAssertEqual(session.lessonIndex, 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        XCTAssertTrue(names.contains { $0.hasPrefix("progress.json.corrupt-") }, "the bad file is kept aside: \(names)")

        go(session, toScreenTitled: "Which layer")
        press(session, .character("b"))
        XCTAssertFalse(screenText(session).contains("could not be read"), "the notice is shown once")
        XCTAssertEqual(store().load().checkpoints["fixture-layer"]?.correct, true, "a fresh progress file is written")
    }

    func testProgressGoesUnderXDGStateHome() {
        let store = store()
        XCTAssertEqual(store.file.path, stateHome.appendingPathComponent("osilab/progress.json").path)
        press(session(), .right)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.file.path))
    }

    func testUnwritableProgressIsReportedOnceAndNotFatal() throws {
        // A file where the state directory should be: saving fails, the lesson goes on.
        let blocked = stateHome.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        let store = ProgressStore.standard(environment: ["XDG_STATE_HOME": blocked.path])
        let session = LessonSession(library: library, store: store, environment: .forTests(), size: .init(columns: 80, rows: 40))
        XCTAssertTrue(screenText(session).contains("Your progress could not be saved"))
        press(session, .right)
        XCTAssertEqual(session.screenIndex, 1)
        XCTAssertFalse(screenText(session).contains("could not be saved"), "reported once")
    }

    // MARK: Layout

    func testEveryFrameFitsTheTerminalAtAnySize() {
        let session = session(.lesson(1))
        for (columns, rows) in [(20, 6), (33, 10), (50, 24), (80, 24), (132, 50)] {
            session.resize(TerminalSize(columns: columns, rows: rows))
            for _ in 0..<4 {
                let frame = session.frame()
                XCTAssertEqual(frame.count, rows, "\(columns)x\(rows)")
                for line in frame {
                    XCTAssertLessThanOrEqual(line.width, columns, "\(columns)x\(rows): \(line.plainText)")
                }
                press(session, .right)
            }
            session.open(lesson: 1)
        }
    }

    func testResizeReflowsAndKeepsThePlace() {
        let session = session(.lesson(0), size: .init(columns: 80, rows: 12))
        go(session, toScreenTitled: "Predict")
        press(session, .right)
        XCTAssertTrue(session.frame().plainText.contains("┌─ Lab"), "the second page starts with the lab box")
        session.resize(.init(columns: 40, rows: 12))
        XCTAssertEqual(session.screenIndex, 4, "resizing never changes the screen")
        let frame = session.frame()
        XCTAssertTrue(frame.plainText.contains("┌─ Lab"), "the block that was at the top stays in view:\n\(frame.plainText)")
        for line in frame { XCTAssertLessThanOrEqual(line.width, 40) }
    }

    func testATallBlockStartsUnderItsHeadingAndContinuesOnTheNextPage() throws {
        let code = (1...30).map { "line\($0) = \($0)" }.joined(separator: "\n")
        let lesson = try LessonParser.parse(lessonText("Intro.\n\n## Code\n\n```python\n\(code)\n```\n"), file: "x.md")
        let session = LessonSession(library: LessonLibrary(lessons: [lesson]), store: store(), environment: .forTests(),
                                    size: .init(columns: 80, rows: 24), start: .lesson(0))
        press(session, .right)
        let first = session.frame().plainText
        XCTAssertTrue(first.contains("Code\n ────\n\n     line1 = 1"), "the code begins right under its heading:\n\(first)")
        XCTAssertEqual(session.pageIndex, 0)
        press(session, .right)
        XCTAssertTrue(session.frame().plainText.contains("line30 = 30"))
        XCTAssertEqual(session.screenIndex, 1)
        XCTAssertEqual(session.pageIndex, 1, "the rest of the code is the screen's second page")
    }

    /// Lessons/README.md promises authors that code up to 74 columns is shown whole at 80.
    func testAt80ColumnsCodeIsCutBeyond74Columns() {
        let width = session(size: .init(columns: 80, rows: 24)).contentWidth
        let renderer = MarkdownRenderer(width: width)
        XCTAssertEqual(renderer.code(String(repeating: "x", count: 74), language: "").plainText,
                       "    " + String(repeating: "x", count: 74))
        XCTAssertTrue(renderer.code(String(repeating: "x", count: 75), language: "").plainText.hasSuffix("›"))
    }

    func testTallScreenIsPagedAtBlockBoundaries() {
        let session = session(.lesson(0), size: .init(columns: 80, rows: 8))
        XCTAssertGreaterThan(session.currentPages.count, 1)
        let first = session.frame().plainText
        XCTAssertTrue(first.contains("page 1/"), first)
        press(session, .right)
        XCTAssertEqual(session.screenIndex, 0, "→ shows the rest of the screen first")
        XCTAssertEqual(session.pageIndex, 1)
    }

    // MARK: Contents and help

    func testContentsOpensAnotherLesson() {
        let session = session(.lesson(0))
        press(session, .character("t"))
        XCTAssertTrue(screenText(session).contains("Contents"))
        XCTAssertTrue(screenText(session).contains("you are here"))
        press(session, .end, .enter)
        XCTAssertEqual(session.mode, .reading)
        XCTAssertEqual(session.lessonIndex, 1)
    }

    func testHelpListsTheKeysAndClosesOnAnyKey() {
        let session = session()
        press(session, .character("?"))
        XCTAssertTrue(screenText(session).contains("table of contents"))
        press(session, .character("x"))
        XCTAssertEqual(session.mode, .reading)
    }

    func testNoColorFramesHaveNoEscapeCodes() {
        let session = session()
        let text = session.frame().map { $0.rendered(StyleMode.resolve(noColor: "1", isTerminal: true)) }.joined(separator: "\n")
        XCTAssertFalse(text.contains("\u{1B}"))
    }
}

final class LessonListingTests: XCTestCase {
    func testListingShowsStatusAndCheckpointsRight() throws {
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let library = try LessonLibrary.load(from: fixtures.appendingPathComponent("Lessons"))
        var progress = LearnerProgress()
        progress.lessons["fixture-basics"] = LearnerProgress.LessonState()
        progress.checkpoints["fixture-layer"] = .init(answer: "b", correct: true, attempts: 1)
        progress.checkpoints["fixture-refused"] = .init(answer: "110", correct: false, attempts: 1)
        let lines = LessonListing.lines(library: library, progress: progress, width: 80).map(\.plainText)
        XCTAssertEqual(lines[1], "1  Fixture basics                             in progress  checkpoints 1/2 right")
        XCTAssertEqual(lines[2], "2  第二课 Second lesson                       not started  checkpoints 0/1 right")
        XCTAssertEqual(lines[2].count + 3, 80, "the wide title is padded by display width: 3 CJK characters take 6 columns")
        progress.lessons["fixture-basics"]?.completed = true
        XCTAssertTrue(LessonListing.lines(library: library, progress: progress, width: 80)[1].plainText.contains("done"))
    }
}

final class StringsTests: XCTestCase {
    func testEveryInterfaceStringHasEnglishText() {
        XCTAssertEqual(Phrasebook.osilab.missing(UIText.self).filter { $0.hasPrefix("en:") }, [],
                       "add these ids to TextUI/Sentences/English.swift")
    }

    func testPlaceholdersAreFilled() {
        XCTAssertEqual(UIStrings.english(.statusScreen, "3", "7"), "screen 3/7")
        XCTAssertEqual(UIStrings.english.alternatives(["a", "b", "c"]), "a, b or c")
    }

    /// Lessons/README.md shows lesson authors the facts table; it must match the catalog the
    /// validation uses.
    func testTheReadmeFactsTableMatchesTheCatalog() throws {
        let readme = try String(contentsOf: RealLessons.folder.appendingPathComponent("README.md"), encoding: .utf8)
        for fact in FactCatalog.standard.facts {
            let row = "| `osilab \(fact.command.joined(separator: " "))` | `\(fact.name)` | "
                + fact.values.map { "`\($0)`" }.joined(separator: ", ") + " |"
            XCTAssertTrue(readme.contains(row), "Lessons/README.md lacks the row: \(row)")
        }
    }
}
