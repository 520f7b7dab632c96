import Foundation
import Grading
import TextUI
import Workspace
import XCTest

/// Progress, hints, the solution lock, reset and the printed views, on a copy of the lab's
/// exercises (no build needed).
final class ExerciseBookTests: XCTestCase {
    var lab: LabCopy!
    var book: ExerciseBook!
    var state: URL!

    override func setUpWithError() throws {
        lab = try LabCopy(only: ["Exercises", "Lessons"])
        state = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-state-\(UUID().uuidString)")
        book = try ExerciseBook(home: lab.home, store: ProgressStore(file: state.appendingPathComponent("progress.json")))
    }

    override func tearDown() {
        lab?.remove()
        if let state { try? FileManager.default.removeItem(at: state) }
    }

    func exercise(_ name: String) throws -> Exercise {
        try XCTUnwrap(book.catalogue.find(name)?.exercise)
    }

    func text(_ lines: [StyledLine]) -> String {
        lines.map(\.plainText).joined(separator: "\n")
    }

    func testHintsComeOneAtATimeAndStopAtTheLast() throws {
        let sendAll = try exercise("send-all")
        let total = sendAll.hints.count
        for number in 1...total {
            let hint = try book.nextHint(for: sendAll)
            XCTAssertEqual(hint.number, number)
            XCTAssertEqual(hint.text, sendAll.hints[number - 1])
        }
        let again = try book.nextHint(for: sendAll)
        XCTAssertEqual(again.number, total, "after the last hint, the last one is shown again")
        XCTAssertEqual(book.state(of: sendAll).hintsShown, total)
        XCTAssertTrue(text(book.hintLines(number: total, total: total, text: again.text, exercise: sendAll, width: 80))
            .contains("--solution"))
    }

    func testTheSolutionOpensOnlyOnceTheLearnersCodePassed() throws {
        let sendAll = try exercise("send-all")
        XCTAssertFalse(book.solutionUnlocked(for: sendAll))
        try book.record(.failed(TestReport()), for: sendAll)
        XCTAssertFalse(book.solutionUnlocked(for: sendAll))
        try book.record(.passed(TestReport()), for: sendAll)
        XCTAssertTrue(book.solutionUnlocked(for: sendAll))
        try book.record(.failed(TestReport()), for: sendAll)
        XCTAssertTrue(book.solutionUnlocked(for: sendAll), "having passed once is enough")
        XCTAssertTrue(try book.solution(for: sendAll).contains("sent += try send(bytes[sent...])"))
        XCTAssertEqual(book.state(of: sendAll).checks, 3)
    }

    func testABuildFailureCountsOnlyAgainstTheExerciseWithTheError() throws {
        let sendAll = try exercise("send-all")
        let layers = try exercise("layers")
        let error = CompilerError(file: lab.root.path + "/Exercises/08_SendAll.swift", line: 3, column: 1, message: "expected expression")
        try book.record(.buildFailed([error], output: ""), for: sendAll)
        try book.record(.buildFailed([error], output: ""), for: layers)
        XCTAssertEqual(book.state(of: sendAll).status, .failing)
        XCTAssertEqual(book.state(of: layers).status, .notStarted)
        let summary = text(book.buildFailureLines([error], width: 100))
        XCTAssertTrue(summary.contains("In exercise send-all (Exercises/08_SendAll.swift)"), summary)
        XCTAssertTrue(summary.contains("Exercises/08_SendAll.swift:3:1: expected expression"), summary)
        XCTAssertTrue(summary.contains("osilab reset send-all"), summary)
    }

    func testResetRestoresTheCommittedStubAndKeepsABackup() throws {
        let uppercase = try exercise("uppercase")
        let original = try lab.read(uppercase.path)
        try lab.write("// my attempt\n", to: uppercase.path)
        try book.record(.failed(TestReport()), for: uppercase)
        XCTAssertEqual(book.isEdited(uppercase), true)
        let backups = state.appendingPathComponent("backups")
        let backup = try XCTUnwrap(try book.reset(uppercase, backups: backups))
        XCTAssertEqual(try lab.read(uppercase.path), original)
        XCTAssertEqual(try String(contentsOf: backup, encoding: .utf8), "// my attempt\n")
        XCTAssertEqual(book.state(of: uppercase).status, .notStarted)
        XCTAssertEqual(book.isEdited(uppercase), false)
        XCTAssertNil(try book.reset(uppercase, backups: backups), "nothing to back up the second time")
    }

    func testResetExplainsWhenTheLabIsNotAGitCheckout() throws {
        try FileManager.default.removeItem(at: lab.root.appendingPathComponent(".git"))
        let uppercase = try exercise("uppercase")
        XCTAssertThrowsError(try book.reset(uppercase, backups: state)) { error in
            XCTAssertEqual(error as? Pristine.Failure, .notACheckout(lab.root.path))
            XCTAssertTrue("\(error)".contains("not a git checkout"))
        }
    }

    func testTheListMarksTheNextExerciseAndCountsPasses() throws {
        let first = try XCTUnwrap(book.catalogue.exercises.first)
        try book.record(.passed(TestReport()), for: first)
        let listing = text(book.listLines(width: 100))
        XCTAssertTrue(listing.contains("Exercises: 1 of \(book.catalogue.exercises.count) passed"), listing)
        let second = book.catalogue.exercises[1]
        let marked = listing.split(separator: "\n").filter { $0.contains("▶") }
        XCTAssertEqual(marked.count, 1)
        XCTAssertTrue(marked.first?.contains(second.name) == true, listing)
        XCTAssertTrue(listing.contains("\(first.name)") && listing.contains("passed"))
        XCTAssertTrue(listing.contains("not started"))
    }

    func testTheSummaryOfAFailureSaysWhatAndWhere() throws {
        let sendAll = try exercise("send-all")
        let output = """
            Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' started at 2026-11-25 22:24:18.699
            \(lab.root.path)/Tests/ExerciseTests/SendAllTests.swift:8: error: SendAllTests.testSendsTheRestAfterAPartialSend : failed - you sent 3 of 12 bytes
            Test Case 'SendAllTests.testSendsTheRestAfterAPartialSend' failed (0.002 seconds)
            Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' started at 2026-11-25 22:24:18.698
            Test Case 'SendAllTests.testSendsNothingWhenThereIsNothingToSend' passed (0.001 seconds)
            \t Executed 2 tests, with 1 failure (0 unexpected) in 0.003 (0.003) seconds
            """
        let summary = text(book.summaryLines(for: .failed(TestReport.parse(output)), number: 8, exercise: sendAll, width: 100))
        XCTAssertTrue(summary.contains("send-all: 1 of 2 checks fail"), summary)
        XCTAssertTrue(summary.contains("✗ sends the rest after a partial send"), summary)
        XCTAssertTrue(summary.contains("you sent 3 of 12 bytes"), summary)
        XCTAssertTrue(summary.contains("Tests/ExerciseTests/SendAllTests.swift:8"), summary)
        XCTAssertFalse(summary.contains(lab.root.path), "paths are shown relative to the lab")
        XCTAssertTrue(summary.contains("Passing: sends nothing when there is nothing to send"), summary)
        XCTAssertTrue(summary.contains("osilab hint send-all"), summary)
    }

    func testEditorIsEditorThenVisualThenAnInstalledFallback() {
        XCTAssertEqual(EditorChoice.resolve(environment: ["EDITOR": "code --wait", "VISUAL": "vim"])?.command, "code --wait")
        XCTAssertEqual(EditorChoice.resolve(environment: ["EDITOR": " ", "VISUAL": "emacs"])?.command, "emacs")
        let fallback = EditorChoice.resolve(environment: ["PATH": "/usr/bin:/bin"])
        if let fallback {
            XCTAssertTrue(EditorChoice.fallbacks.contains(fallback.command))
            XCTAssertNotNil(fallback.note, "a fallback is announced, with how to choose")
        }
        XCTAssertNil(EditorChoice.resolve(environment: ["PATH": "/nonexistent"]))
    }

    /// Without EDITOR, nano comes first; whichever osilab opens, the note says how to save
    /// and quit it, and only for a modal editor (whose screen does not say) it waits for Enter.
    func testAFallbackEditorComesWithHowToQuitIt() throws {
        let bin = lab.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        func install(_ name: String) throws {
            try Data("#!/bin/sh\n".utf8).write(to: bin.appendingPathComponent(name))
            chmod(bin.appendingPathComponent(name).path, 0o755)
        }
        try install("vim")
        let vim = try XCTUnwrap(EditorChoice.resolve(environment: ["PATH": bin.path]))
        XCTAssertEqual(vim, EditorChoice.Choice(command: "vim", note: """
            EDITOR is not set, so osilab opens vim. To choose your editor, set it, for example: export EDITOR=vim
            In vim, press i before you type; to save and quit, press Esc, then type :wq and press Enter (:q! and Enter quits without saving).
            nano is easier for a start: sudo apt-get install -y nano (scripts/setup installs it too).
            """, waitsBeforeOpening: true))
        let chineseVim = try XCTUnwrap(EditorChoice.resolve(environment: ["PATH": bin.path], language: .chinese))
        XCTAssertEqual(chineseVim.note?.split(separator: "\n").dropFirst().first,
                       "在 vim 里要先按 i 才能打字；保存并退出：按 Esc，再输入 :wq，按 Enter（输入 :q! 再按 Enter 是不保存就退出）。")
        XCTAssertEqual(SentenceAudit.englishWords(in: chineseVim.note ?? "", allowed: ["vim", "nano", "export", "install", "Esc", "Enter", "Ctrl"]), [])

        try install("nano")
        let nano = try XCTUnwrap(EditorChoice.resolve(environment: ["PATH": bin.path]))
        XCTAssertEqual(nano, EditorChoice.Choice(command: "nano", note: """
            EDITOR is not set, so osilab opens nano. To choose your editor, set it, for example: export EDITOR=vim
            In nano, type as in any text box; Ctrl-O then Enter saves, and Ctrl-X quits (back to osilab).
            """, waitsBeforeOpening: false))
        XCTAssertEqual(EditorChoice.resolve(environment: ["PATH": bin.path], language: .chinese)?.note?.split(separator: "\n").last,
                       "在 nano 里直接打字就行；按 Ctrl-O 再按 Enter 保存，按 Ctrl-X 退出，回到 osilab。")
        XCTAssertEqual(EditorChoice.resolve(environment: ["PATH": bin.path, "EDITOR": "vim"]),
                       EditorChoice.Choice(command: "vim", note: nil, waitsBeforeOpening: false), "the learner's own choice is theirs")
    }

    func testNoticesASavedFile() throws {
        let file = lab.root.appendingPathComponent("Exercises/01_Layers.swift")
        var watcher = FileChangeWatcher(swiftFilesIn: lab.root.appendingPathComponent("Exercises"))
        XCTAssertNil(watcher.changedFile())
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: file.path)
        XCTAssertEqual(watcher.changedFile()?.lastPathComponent, "01_Layers.swift")
        XCTAssertNil(watcher.changedFile(), "each save is reported once")
    }
}
