import TextUI
import Workspace

/// What the learner has done with a lab step in this session.
public struct LabState: Equatable, Sendable {
    /// The tag of the predicted choice.
    public var prediction: String?
    public var verdict: PredictionVerdict?
    /// How the last run ended.
    public var exit: LabExit?
    /// Why the lab did not run, when it did not.
    public var notRun: String?
    /// The last run showed the capture recorded for the lessons, not a live one.
    public var recorded = false

    public init(prediction: String? = nil, verdict: PredictionVerdict? = nil, exit: LabExit? = nil, notRun: String? = nil,
                recorded: Bool = false) {
        self.prediction = prediction
        self.verdict = verdict
        self.exit = exit
        self.notRun = notRun
        self.recorded = recorded
    }
}

/// Draws checkpoints, labs and errata as boxes.
struct DirectiveRenderer {
    var width: Int
    var theme: Theme
    var strings: UIStrings
    /// Whether to show which keys to press (not in plain output, which prompts instead).
    var interactive: Bool

    var inner: MarkdownRenderer { MarkdownRenderer(width: Box.innerWidth(for: width), theme: theme) }

    func title(_ text: String, focused: Bool) -> String {
        focused ? "▶ " + text : text
    }

    /// `a) text` lines with the text hanging under itself; `mark` adds ✓ or ✗ after a choice.
    func choiceLines(_ choices: [Choice], letters: Bool, mark: (Choice) -> (String, TextStyle)?) -> [StyledLine] {
        var lines: [StyledLine] = []
        for (index, choice) in choices.enumerated() {
            let label = letters ? choice.tag : Self.letter(index)
            let prefix = StyledLine(label + ") ", theme.label)
            var spans = inner.spans(choice.text)
            if let (text, style) = mark(choice) { spans.append(Span(" " + text, style)) }
            lines += TextWrapper.wrap(spans, width: inner.width, firstPrefix: prefix,
                                      restPrefix: StyledLine(String(repeating: " ", count: prefix.width)))
        }
        return lines
    }

    static func letter(_ index: Int) -> String {
        String(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(min(max(index, 0), 25)))))
    }

    func letters(_ count: Int) -> String {
        strings.alternatives((0..<count).map(Self.letter))
    }

    func wrapped(_ text: String, _ style: TextStyle) -> [StyledLine] {
        TextWrapper.wrap([Span(TextSanitizer.clean(text), style)], width: inner.width)
    }

    // MARK: Checkpoint

    func checkpoint(_ checkpoint: Checkpoint, result: LearnerProgress.CheckpointResult?, focused: Bool) -> [StyledLine] {
        var lines = inner.wrap(checkpoint.question, base: theme.strong)
        if checkpoint.isMultipleChoice {
            lines.append(.blank)
            lines += choiceLines(checkpoint.choices, letters: true) { choice in
                guard let result else { return nil }
                // The right one is marked once it is found or shown, not while the learner tries again.
                if choice.tag == checkpoint.answer && result.settled { return ("✓", theme.right) }
                if choice.tag == result.answer && !result.correct { return ("✗", theme.wrong) }
                return nil
            }
        }
        lines.append(.blank)
        lines += feedback(checkpoint, result: result, echoAnswer: true)
        if interactive {
            var hint: String?
            switch result {
            case nil:
                hint = checkpoint.isMultipleChoice
                    ? strings(.pressLetterToAnswer, letters(checkpoint.choices.count)) : strings(.pressEnterToType)
            case let result? where !result.settled:
                hint = checkpoint.isMultipleChoice
                    ? strings(.tryAgain, letters(checkpoint.choices.count)) : strings(.tryAgainShort)
            default:
                hint = nil
            }
            if let hint {
                if result != nil { lines.append(.blank) }
                lines += wrapped(hint, theme.hint)
            }
        }
        while lines.last == .blank { lines.removeLast() }
        return Box.frame(lines, width: width, title: title(strings(.checkpointTitle), focused: focused),
                         border: theme.checkpointBorder, titleStyle: theme.boxTitle)
    }

    /// Right or wrong, and then: after a first miss the hint (the learner tries again); once
    /// found or shown, the right answer and the explanation. Nothing before an answer.
    /// `echoAnswer` repeats a short answer (not needed right under the prompt it was typed at).
    func feedback(_ checkpoint: Checkpoint, result: LearnerProgress.CheckpointResult?, echoAnswer: Bool) -> [StyledLine] {
        guard let result else { return [] }
        var lines: [StyledLine] = []
        if !checkpoint.isMultipleChoice && echoAnswer && !result.revealed {
            lines += wrapped(strings(.yourAnswer, result.answer), .plain)
        }
        if result.correct {
            lines += wrapped(strings(result.attempts == 2 ? .answerRightSecondTry : .answerRight), theme.right)
        } else if !result.revealed {
            if checkpoint.isMultipleChoice {
                let chosen = checkpoint.choices.first { $0.tag == result.answer }
                lines += wrapped(strings(.answerMissed, result.answer + ") " + (chosen?.text.plainText ?? "")), theme.wrong)
            } else {
                lines += wrapped(strings(.answerMissedShort, result.answer), theme.wrong)
            }
            if let hint = checkpoint.hint {
                lines += inner.wrap([.strong([.text(strings(.answerHint))])] + hint)
            }
            return lines
        } else if checkpoint.isMultipleChoice {
            let right = checkpoint.choices.first { $0.tag == checkpoint.answer }
            let text = checkpoint.answer + ") " + (right?.text.plainText ?? "")
            lines += wrapped(strings(.answerWrong, text), theme.wrong)
        } else {
            lines += wrapped(strings(.answerWrongShort, result.answer, checkpoint.answer), theme.wrong)
        }
        if let explain = checkpoint.explain {
            lines += inner.wrap(explain)
        }
        return lines
    }

    // MARK: Lab

    func lab(_ lab: LabStep, state: LabState, availability: CommandAvailability, notice: String?, focused: Bool) -> [StyledLine] {
        var lines = wrapped(strings(.labCommand, lab.run), theme.command)
        if let server = lab.server { lines += wrapped(strings(.labServerBeside, server), theme.hint) }
        let runnable = availability == .available
        lines += availabilityLines(availability, arguments: lab.arguments, run: lab.run)
        if runnable, let notice {
            lines += wrapped(notice, theme.notice)
        }
        if let predict = lab.predict {
            lines.append(.blank)
            lines += inner.wrap([.text(strings(.predictTitle))] + predict, base: theme.strong)
            lines += choiceLines(lab.choices, letters: false) { choice in
                if choice.tag == state.prediction { return ("◀", theme.chosen) }
                return nil
            }
        }
        lines.append(.blank)
        lines += labFeedback(lab, state: state)
        if interactive && runnable {
            var hint: String?
            if lab.hasPrediction && state.prediction == nil {
                hint = strings(.pressLetterToPredict, letters(lab.choices.count))
            } else if state.notRun == nil {
                hint = strings(state.exit == nil ? .pressRToRun : .pressRToRunAgain)
            }
            if let hint {
                lines += wrapped(hint, theme.hint)
            }
        }
        while lines.last == .blank { lines.removeLast() }
        return Box.frame(lines, width: width, title: title(strings(.labTitle), focused: focused),
                         border: theme.labBorder, titleStyle: theme.boxTitle)
    }

    func availabilityLines(_ availability: CommandAvailability, arguments: [String], run: String) -> [StyledLine] {
        switch availability {
        case .available: []
        case .missing(let command): wrapped(strings(.labMissingCommand, command), theme.notice)
        case .invalid(let message): wrapped(strings(.labInvalidCommand, run, message), theme.notice)
        }
    }

    /// The prediction made, the verdict, how the run ended, and the explanation.
    func labFeedback(_ lab: LabStep, state: LabState) -> [StyledLine] {
        var lines: [StyledLine] = []
        if let tag = state.prediction, state.verdict == nil {
            lines += wrapped(strings(.yourPrediction, describe(tag, in: lab)), theme.chosen)
        }
        if let notRun = state.notRun {
            lines += wrapped(notRun, theme.notice)
        }
        if let verdict = state.verdict, let tag = state.prediction {
            switch verdict {
            case .matched(let observed):
                lines += wrapped(strings(state.recorded ? .predictionMatchedRecorded : .predictionMatched,
                                         describeFact(lab, observed)), theme.right)
            case .mismatched(let observed):
                lines += wrapped(strings(state.recorded ? .predictionMismatchedRecorded : .predictionMismatched,
                                         describeFact(lab, observed), describe(tag, in: lab)), theme.wrong)
            case .unchecked(let reason):
                lines += wrapped(strings(.predictionUnchecked, reason), theme.notice)
            }
        } else if let exit = state.exit {
            lines += wrapped(describe(exit), theme.hint)
        }
        if state.exit != nil || state.verdict != nil, let explain = lab.explain {
            lines += inner.wrap(explain)
        }
        if !lines.isEmpty { lines.append(.blank) }
        return lines
    }

    /// `b) The SYN-ACK (step 2)` for a prediction tag.
    func describe(_ tag: String, in lab: LabStep) -> String {
        guard let index = lab.choices.firstIndex(where: { $0.tag == tag }) else { return tag }
        return Self.letter(index) + ") " + lab.choices[index].text.plainText
    }

    /// What the run observed, in words: `accept() returned after the final ACK, step 3`;
    /// for a fact without words of its own, the choice it matches (`c) The final ACK`).
    func describeFact(_ lab: LabStep, _ observed: String) -> String {
        if let observe = lab.observe, let words = FactWords.sentence(fact: observe, value: observed) {
            return strings(words)
        }
        return describe(observed, in: lab)
    }

    func describe(_ exit: LabExit) -> String {
        switch exit {
        case .exited(0): strings(.labFinished)
        case .exited(let code): strings(.labFailed, String(code))
        case .signalled(let number): strings(.labStopped, String(number))
        case .failedToStart(let message): strings(.reasonNotStarted, message)
        }
    }

    // MARK: Erratum

    func erratum(_ erratum: Erratum, state: LabState, availability: CommandAvailability?, focused: Bool) -> [StyledLine] {
        var lines: [StyledLine] = []
        let indent = StyledLine("  ")
        func section(_ label: UIText, _ text: [Inline]) {
            lines += wrapped(strings(label), theme.label)
            lines += TextWrapper.wrap(inner.spans(text), width: inner.width, firstPrefix: indent, restPrefix: indent)
        }
        section(.erratumClaim, erratum.claim)
        section(.erratumTruth, erratum.truth)
        section(.erratumEvidence, erratum.evidence)
        if let run = erratum.run {
            lines.append(.blank)
            lines += wrapped(strings(interactive ? .erratumRun : .erratumRunPlain), theme.label)
            lines += TextWrapper.wrap([Span(strings(.labCommand, run), theme.command)], width: inner.width, firstPrefix: indent, restPrefix: indent)
            if let availability {
                lines += availabilityLines(availability, arguments: erratum.arguments, run: run)
            }
            if let exit = state.exit {
                lines += wrapped(describe(exit), theme.hint)
            }
        }
        while lines.last == .blank { lines.removeLast() }
        return Box.frame(lines, width: width, title: title(strings(.erratumTitle), focused: focused),
                         border: theme.erratumBorder, titleStyle: theme.boxTitle)
    }
}
