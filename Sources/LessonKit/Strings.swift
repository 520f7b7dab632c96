// Every sentence the runner shows that is not lesson content lives in these tables, keyed by
// id: English, and Chinese beside it (`--lang zh` picks it), so no code that draws ever
// checks the language. Placeholders are `{0}`, `{1}`, ...; both tables must have the same ids
// with the same placeholders (a test checks it). Protocol and call names (`SYN`, `connect()`),
// key names and commands stay as they are in both languages.

import TextUI
import Workspace

/// The id of an interface string.
public enum UIText: String, SentenceID {
    public static let namespace = "runner"
    // Status line and keys
    case statusLesson, statusScreen, statusPage
    case keysNext, keysBack, keysContents, keysQuit, keysHelp, keysRun, keysAnswer, keysPredict, keysTypeAnswer
    case keysTyping, keysContentsMode, keysHelpMode, keysFocus, keysReveal, keysOutput
    case keysOutputMode, outputTitle, outputPosition
    case typingPrompt
    // Screen furniture
    case lessonHeading, objectivesIntro, continued
    case helpTitle, helpLines
    case contentsTitle, contentsCurrent
    // Checkpoints
    case checkpointTitle, pressLetterToAnswer, pressEnterToType, answerRight, answerRightSecondTry, answerWrong, answerWrongShort
    case answerMissed, answerMissedShort, answerHint, tryAgain, tryAgainShort, nothingToReveal
    case yourAnswer
    // Labs
    case labTitle, labCommand, predictTitle, pressLetterToPredict, yourPrediction, pressRToRun, pressRToRunAgain
    case labMissingCommand, labInvalidCommand, needsCapture, needsNetns, netnsNotRun
    case predictionMatched, predictionMismatched, predictionUnchecked
    // What a lab observed, in words (see FactWords)
    case factAcceptAfterSyn, factAcceptAfterSynack, factAcceptAfterAck, factAcceptAfterData
    case factConnectAfterSyn, factConnectAfterSynack, factConnectAfterAck, factConnectAfterData
    case factWaiting0, factWaiting1, factWaitingSome, factWaiting49, factWaiting50
    case factPollThreads0, factPollThreads1, factPollThreadsSome, factPollThreads51
    case factTimeWaitClient, factTimeWaitServer, factTimeWaitBoth, factTimeWaitNone
    case factUnreadCloseRst, factUnreadCloseFin, factUnreadCloseNone
    case factServerAfterFinCloseWait, factServerAfterFinEstab, factServerAfterFinOther
    case factBindWithoutReuseInUse, factBindWithoutReuseOK, factReuseNewOnlyInUse, factReuseNewOnlyOK
    case factSecondSendEPIPE, factSecondSendECONNRESET, factSecondSendOk
    case factNoARPHostUnreachable, factNoARPTimedOut, factNoARPNetUnreachable, factNoARPConnected, factNoARPOther
    case factFullQueueTimedOut, factFullQueueConnected, factFullQueueRefused, factFullQueueFailed
    case factLateAckDropped, factLateAccepted, factLateRst, factLateNone
    // The data-transfer lesson's predictions (issue #15).
    case factAckAfter600, factAckAfter601, factAckAfter3, factAckAfter301, factAckAfterOther
    case factResendUnder100ms, factResend100msTo1s, factResendOver1s
    case factNagleSegments1, factNagleSegments2, factNagleSegments3, factNagleSegments4, factNagleSegments5
    case needsCaptureRecorded, predictionMatchedRecorded, predictionMismatchedRecorded
    case reasonNoFacts, reasonExit, reasonSignal, reasonNotStarted, reasonMissingFact, reasonBadFacts, reasonNoPrivilege
    case reasonNotRun, reasonNeedsRoot
    case labFinished, labFailed, labStopped, labRunningHeader, labReturn, labNoPrediction, labOutputOpens, noLabOutput
    case labServerStarted, labServerNotStarted, labServerLog, labServerBeside
    // Errata
    case erratumTitle, erratumClaim, erratumTruth, erratumEvidence, erratumRun, erratumRunPlain
    // Navigation notices
    case endOfLastLesson, startOfFirstLesson, progressSaveFailed, welcomeBack, lessonCompleted, nothingToRun
    // Lesson list
    case lessonDone, lessonInProgress, lessonNotStarted, checkpointsCount, lessonsHeader, lessonsFooter
    // Plain (non-terminal) output
    case plainAnswerPrompt, plainTryAgain, plainPredictPrompt, plainInvalidChoice, plainEndOfInput, plainEndOfLesson, plainNextLesson
    case plainLabNotRun, plainScreenCounter
    // Errors
    case lessonNotFound, noLessons, lessonsInvalid, lessonNumberFromOne, terminalFallback
    case labHomeNotFound, labHomeBadOverride, progressUnreadable, progressUnreadableKept, languageInvalid
    // A lesson shown in English because its translation is missing
    case lessonNotTranslated
    // Words used to build lists
    case or, listSeparator
}

/// Interface strings in one language.
public struct UIStrings: Sendable {
    /// The language code (`en`, `zh`).
    public var language: String { table.language.rawValue }
    /// The language.
    public var lang: Language { table.language }
    let table: StringTable<UIText>

    public init(_ language: Language) {
        table = StringTable(language)
    }

    /// The strings for `language` (`en`, `zh`, or a locale such as `zh_CN`), English for
    /// a language osilab does not speak.
    public static func forLanguage(_ language: String) -> UIStrings {
        UIStrings(Language(code: language) ?? .english)
    }

    public static let english = UIStrings(.english)
    public static let chinese = UIStrings(.chinese)

    /// The string `id` with `{0}`, `{1}`, ... replaced by `arguments`.
    public func callAsFunction(_ id: UIText, _ arguments: String...) -> String {
        table.format(id, arguments)
    }

    public func format(_ id: UIText, _ arguments: [String]) -> String {
        table.format(id, arguments)
    }

    /// `a, b or c` (`a、b 或 c`).
    public func alternatives(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: self(.listSeparator)) + " " + self(.or) + " " + last
    }

}

extension UIStrings {
    /// A problem with the progress file, in this language.
    public func describe(_ problem: ProgressStore.LoadProblem) -> String {
        switch problem {
        case .unreadableMovedAside(let file, let aside): self(.progressUnreadable, file, aside)
        case .unreadableKept(let file): self(.progressUnreadableKept, file)
        }
    }

    /// Why the lab's folder was not found, in this language.
    public func describe(_ error: LabHome.LocateError) -> String {
        switch error {
        case .notFound(let start): self(.labHomeNotFound, start)
        case .badOverride(let path): self(.labHomeBadOverride, path)
        }
    }
}
