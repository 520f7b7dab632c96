@testable import LessonKit
import TextUI
import Workspace
import XCTest

/// The directive boxes, exactly, at a small width.
final class BoxRenderingTests: XCTestCase {
    let renderer = DirectiveRenderer(width: 40, theme: .standard, strings: .english, interactive: true)

    func parsed(_ body: String) throws -> LessonBlock {
        let lesson = try LessonParser.parse(lessonText(body), file: "x.md")
        return try XCTUnwrap(lesson.allBlocks.first { $0.directiveID != nil })
    }

    let checkpointSource = """
        ```checkpoint
        id: q
        question: After which segment does `connect()` return?
        - a: The SYN
        - b: The SYN-ACK
        answer: b
        explain: The SYN-ACK wakes it.
        hint: Which segment answers the client?
        ```
        """

    func testCheckpointBeforeAnAnswer() throws {
        guard case .checkpoint(let checkpoint) = try parsed(checkpointSource) else { return XCTFail("not a checkpoint") }
        XCTAssertEqual(renderer.checkpoint(checkpoint, result: nil, focused: false).plainText, """
            ┌─ Checkpoint ─────────────────────────┐
            │ After which segment does connect()   │
            │ return?                              │
            │                                      │
            │ a) The SYN                           │
            │ b) The SYN-ACK                       │
            │                                      │
            │ Press a or b to answer.              │
            └──────────────────────────────────────┘
            """)
    }

    func testCheckpointAfterAWrongAnswer() throws {
        guard case .checkpoint(let checkpoint) = try parsed(checkpointSource) else { return XCTFail("not a checkpoint") }
        let result = LearnerProgress.CheckpointResult(answer: "a", correct: false, attempts: 1)
        XCTAssertEqual(renderer.checkpoint(checkpoint, result: result, focused: true).plainText, """
            ┌─ ▶ Checkpoint ───────────────────────┐
            │ After which segment does connect()   │
            │ return?                              │
            │                                      │
            │ a) The SYN ✗                         │
            │ b) The SYN-ACK                       │
            │                                      │
            │ ✗ Not quite: a) The SYN is not it.   │
            │ Hint: Which segment answers the      │
            │ client?                              │
            │                                      │
            │ Think again and press a or b, or     │
            │ press s to see the answer.           │
            └──────────────────────────────────────┘
            """)
    }

    func testCheckpointWhoseAnswerWasShown() throws {
        guard case .checkpoint(let checkpoint) = try parsed(checkpointSource) else { return XCTFail("not a checkpoint") }
        let result = LearnerProgress.CheckpointResult(answer: "a", correct: false, attempts: 2, revealed: true)
        XCTAssertEqual(renderer.checkpoint(checkpoint, result: result, focused: false).plainText, """
            ┌─ Checkpoint ─────────────────────────┐
            │ After which segment does connect()   │
            │ return?                              │
            │                                      │
            │ a) The SYN ✗                         │
            │ b) The SYN-ACK ✓                     │
            │                                      │
            │ ✗ Not quite: the answer is b) The    │
            │ SYN-ACK.                             │
            │ The SYN-ACK wakes it.                │
            └──────────────────────────────────────┘
            """)
    }

    func testLabWithPredictionBeforeAndAfterTheRun() throws {
        guard case .lab(let lab) = try parsed("""
            ```lab
            id: l
            run: osilab handshake
            predict: When does accept() return?
            - synack: After the SYN-ACK
            - ack: After the final ACK
            observe: accept-returned-after
            explain: The final ACK queues it.
            ```
            """) else { return XCTFail("not a lab") }
        XCTAssertEqual(renderer.lab(lab, state: LabState(), availability: .available, notice: nil, focused: false).plainText, """
            ┌─ Lab ────────────────────────────────┐
            │ $ osilab handshake                   │
            │                                      │
            │ Predict first: When does accept()    │
            │ return?                              │
            │ a) After the SYN-ACK                 │
            │ b) After the final ACK               │
            │                                      │
            │ Press a or b to predict, then r to   │
            │ run the lab.                         │
            └──────────────────────────────────────┘
            """)
        let after = LabState(prediction: "synack", verdict: .mismatched(observed: "ack"), exit: .exited(0))
        XCTAssertEqual(renderer.lab(lab, state: after, availability: .available, notice: nil, focused: false).plainText, """
            ┌─ Lab ────────────────────────────────┐
            │ $ osilab handshake                   │
            │                                      │
            │ Predict first: When does accept()    │
            │ return?                              │
            │ a) After the SYN-ACK ◀               │
            │ b) After the final ACK               │
            │                                      │
            │ ✗ The capture says otherwise:        │
            │ accept() returned after the final    │
            │ ACK, step 3. You predicted a) After  │
            │ the SYN-ACK.                         │
            │ The final ACK queues it.             │
            │                                      │
            │ Press r to run it again.             │
            └──────────────────────────────────────┘
            """)
    }

    func testErratumWithItsThreeParts() throws {
        guard case .erratum(let erratum) = try parsed("""
            ```erratum
            id: e
            claim: accept() sends the SYN-ACK.
            truth: The kernel does, at once.
            evidence: A server that never calls accept() still completes handshakes.
            run: osilab experiment no-accept
            ```
            """) else { return XCTFail("not an erratum") }
        XCTAssertEqual(renderer.erratum(erratum, state: LabState(), availability: .available, focused: false).plainText, """
            ┌─ Erratum: the notes and the kernel… ─┐
            │ Claim                                │
            │   accept() sends the SYN-ACK.        │
            │ In fact                              │
            │   The kernel does, at once.          │
            │ Evidence                             │
            │   A server that never calls accept() │
            │   still completes handshakes.        │
            │                                      │
            │ See it yourself (press r):           │
            │   $ osilab experiment no-accept      │
            └──────────────────────────────────────┘
            """)
    }
}
