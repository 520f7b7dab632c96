// Every sentence the runner shows that is not lesson content lives in this one table, keyed
// by id, so a Chinese table can be added beside the English one (and `--lang zh` pick it)
// without touching any code that draws. Placeholders are `{0}`, `{1}`, ...

/// The id of an interface string.
public enum UIText: String, CaseIterable, Sendable {
    // Status line and keys
    case statusLesson, statusScreen, statusPage
    case keysNext, keysBack, keysContents, keysQuit, keysHelp, keysRun, keysAnswer, keysPredict, keysTypeAnswer
    case keysTyping, keysContentsMode, keysHelpMode, keysFocus
    case typingPrompt
    // Screen furniture
    case lessonHeading, objectivesIntro, continued
    case helpTitle, helpLines
    case contentsTitle, contentsCurrent
    // Checkpoints
    case checkpointTitle, pressLetterToAnswer, pressEnterToType, answerRight, answerWrong, answerWrongShort
    case yourAnswer, answerAgain, previousAttempts
    // Labs
    case labTitle, labCommand, predictTitle, pressLetterToPredict, yourPrediction, pressRToRun, pressRToRunAgain
    case labMissingCommand, labInvalidCommand, needsCapture, needsNetns, netnsNotRun
    case predictionMatched, predictionMismatched, predictionUnchecked, capturedValue
    case needsCaptureRecorded, predictionMatchedRecorded, predictionMismatchedRecorded
    case reasonNoFacts, reasonExit, reasonSignal, reasonNotStarted, reasonMissingFact, reasonBadFacts, reasonNoPrivilege
    case reasonNotRun, reasonNeedsRoot
    case labFinished, labFailed, labStopped, labRunningHeader, labReturn, labNoPrediction
    // Errata
    case erratumTitle, erratumClaim, erratumTruth, erratumEvidence, erratumRun, erratumRunPlain
    // Navigation notices
    case endOfLastLesson, startOfFirstLesson, progressSaveFailed, welcomeBack, lessonCompleted, nothingToRun
    // Lesson list
    case lessonDone, lessonInProgress, lessonNotStarted, checkpointsCount, lessonsHeader, lessonsFooter
    // Plain (non-terminal) output
    case plainAnswerPrompt, plainPredictPrompt, plainInvalidChoice, plainEndOfInput, plainEndOfLesson, plainNextLesson
    case plainLabNotRun, plainScreenCounter
    // Errors
    case lessonNotFound, noLessons, lessonsInvalid, lessonNumberFromOne, terminalFallback
    // Words used to build lists
    case or
}

/// Interface strings in one language.
public struct UIStrings: Sendable {
    public let language: String
    let table: [UIText: String]

    /// The strings for `language`, falling back to English for any id it lacks.
    public static func forLanguage(_ language: String) -> UIStrings {
        switch language {
        default: english
        }
    }

    public static let english = UIStrings(language: "en", table: englishTable)

    /// The string `id` with `{0}`, `{1}`, ... replaced by `arguments`.
    public func callAsFunction(_ id: UIText, _ arguments: String...) -> String {
        format(id, arguments)
    }

    public func format(_ id: UIText, _ arguments: [String]) -> String {
        var text = table[id] ?? Self.englishTable[id] ?? id.rawValue
        for (index, argument) in arguments.enumerated() {
            text = text.replacingAll("{\(index)}", with: argument)
        }
        return text
    }

    /// `a, b or c`.
    public func alternatives(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " " + self(.or) + " " + last
    }

    /// Whether the table has a string for every id.
    public var missing: [UIText] { UIText.allCases.filter { table[$0] == nil } }

    static let englishTable: [UIText: String] = [
        .statusLesson: "Lesson {0}/{1} · {2}",
        .statusScreen: "screen {0}/{1}",
        .statusPage: "page {0}/{1}",
        .keysNext: "→ next",
        .keysBack: "← back",
        .keysContents: "t contents",
        .keysQuit: "q quit",
        .keysHelp: "? help",
        .keysRun: "r run lab",
        .keysAnswer: "{0} answer",
        .keysPredict: "{0} predict",
        .keysTypeAnswer: "Enter type answer",
        .keysTyping: "Enter submit · Esc cancel",
        .keysContentsMode: "↑↓ choose · Enter open · Esc close",
        .keysHelpMode: "any key closes this help",
        .keysFocus: "Tab next question",
        .typingPrompt: "Your answer: ",
        .lessonHeading: "Lesson {0}: {1}",
        .objectivesIntro: "After this lesson you can:",
        .continued: "{0} (continued)",
        .helpTitle: "Keys",
        // One key per line: the keys, a tab, what they do (aligned by display width when drawn).
        .helpLines: """
            → Space n Enter\tnext screen (or the rest of a long screen)
            ← p Backspace\tprevious screen
            N ]  /  P [\tnext / previous lesson
            Home / End\tfirst / last screen of the lesson
            a b c ...\tanswer the question, or make a prediction
            Enter\ttype the answer to a short-answer question
            Tab\tmove to the next question or lab on the screen
            r\trun the lab on this screen
            t\ttable of contents
            q Ctrl-C\tquit (your place is saved)
            """,
        .contentsTitle: "Contents",
        .contentsCurrent: "you are here",
        .checkpointTitle: "Checkpoint",
        .pressLetterToAnswer: "Press {0} to answer.",
        .pressEnterToType: "Press Enter to type your answer.",
        .answerRight: "✓ Right.",
        .answerWrong: "✗ Not quite: the answer is {0}.",
        .answerWrongShort: "✗ Not quite: you answered “{0}”; the answer is “{1}”.",
        .yourAnswer: "Your answer: {0}",
        .answerAgain: "Press {0} to answer again.",
        .previousAttempts: "Attempts so far: {0}.",
        .labTitle: "Lab",
        .labCommand: "$ {0}",
        .predictTitle: "Predict first:",
        .pressLetterToPredict: "Press {0} to predict, then r to run the lab.",
        .yourPrediction: "Your prediction: {0}",
        .pressRToRun: "Press r to run it.",
        .pressRToRunAgain: "Press r to run it again.",
        .labMissingCommand: "This lab needs `osilab {0}`, which this version of osilab does not have yet.",
        .labInvalidCommand: "This lab's command `{0}` does not work with this version of osilab: {1}",
        .needsCapture: "Live capture needs root or capabilities: run osilab with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip .build/debug/osilab. Without them the command offers a recorded capture.",
        .needsNetns: "This experiment needs root and Linux (it builds a network namespace with nftables rules): run osilab with sudo.",
        .netnsNotRun: "Not run: this experiment needs root and Linux.",
        .needsCaptureRecorded: "Live capture needs root or capabilities (run osilab with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip .build/debug/osilab). Without them this lab shows the capture recorded for the lessons.",
        .predictionMatchedRecorded: "✓ Your prediction matched the recorded capture: {0}.",
        .predictionMismatchedRecorded: "✗ The recorded capture says otherwise: {0}. You predicted {1}.",
        .predictionMatched: "✓ Your prediction matched the capture: {0}.",
        .predictionMismatched: "✗ The capture says otherwise: {0}. You predicted {1}.",
        .predictionUnchecked: "? Your prediction could not be checked: {0}.",
        .capturedValue: "{0} is {1}",
        .reasonNoFacts: "the command recorded no facts",
        .reasonExit: "the command failed (exit status {0}) and recorded no facts",
        .reasonSignal: "the command was stopped (signal {0}) before it recorded its facts",
        .reasonNotStarted: "the command could not start ({0})",
        .reasonMissingFact: "the command recorded no `{0}` fact",
        .reasonBadFacts: "the facts file could not be read ({0})",
        .reasonNoPrivilege: "live capture needs root or capabilities, which osilab does not have",
        .reasonNotRun: "the lab did not run",
        .reasonNeedsRoot: "this experiment needs root and Linux",
        .labFinished: "The lab finished.",
        .labFailed: "The lab ended with exit status {0}.",
        .labStopped: "The lab was stopped (signal {0}).",
        .labRunningHeader: "Running: {0}",
        .labReturn: "Press any key to return to the lesson.",
        .labNoPrediction: "Make a prediction first: press {0}.",
        .erratumTitle: "Erratum: the notes and the kernel disagree",
        .erratumClaim: "The notes say",
        .erratumTruth: "The kernel says",
        .erratumEvidence: "Evidence",
        .erratumRun: "See it yourself (press r):",
        .erratumRunPlain: "See it yourself:",
        .endOfLastLesson: "That was the last screen of the last lesson. Well done!",
        .startOfFirstLesson: "This is the first screen of the first lesson.",
        .progressSaveFailed: "Your progress could not be saved: {0}",
        .welcomeBack: "Welcome back: you are where you stopped.",
        .lessonCompleted: "Lesson {0} done.",
        .nothingToRun: "There is no lab on this screen.",
        .lessonDone: "done",
        .lessonInProgress: "in progress",
        .lessonNotStarted: "not started",
        .checkpointsCount: "checkpoints {0}/{1} right",
        .lessonsHeader: "Lessons",
        .lessonsFooter: "Open one with: osilab lesson N   (or just osilab to continue where you stopped)",
        .plainAnswerPrompt: "Your answer ({0}): ",
        .plainPredictPrompt: "Your prediction ({0}): ",
        .plainInvalidChoice: "Please answer with {0}.",
        .plainEndOfInput: "(no answer: standard input ended)",
        .plainEndOfLesson: "End of lesson {0}.",
        .plainNextLesson: "Next: osilab lesson {0}",
        .plainLabNotRun: "Run it in a terminal: {0}",
        .plainScreenCounter: "{0}/{1}",
        .lessonNotFound: "There is no lesson {0}: the lessons are numbered 1 to {1} (see osilab lessons).",
        .noLessons: "No lessons were found in {0}.",
        .lessonsInvalid: "Some lessons could not be read:",
        .lessonNumberFromOne: "Lessons are numbered from 1.",
        .terminalFallback: "The terminal could not be switched to full-screen mode ({0}), so the lesson is printed instead.",
        .or: "or",
    ]
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
