import TextUI

// What the exercise runner says (`osilab exercises`, `check`, `hint`, `edit`, `reset`), in
// English and Chinese: the sentences live in Sources/TextUI/Sentences, section `exercises`.
// The failure messages of the checks themselves are the grading's (`grading.*`); the runner
// only frames them.

/// The id of a sentence the exercise runner shows.
public enum ExerciseText: String, SentenceID {
    public static let namespace = "exercise"
    // osilab exercises
    case listHeading, columnExercise, columnStatus, columnAfter
    case statusPassed, statusFailing, statusNotStarted, listLesson, listNext, listAllPassed
    case lessonNamed, lessonUnknown
    // osilab check
    case checking, checkingFile, buildingFirst, building, grading, gradingPrivately, capturedPrivately
    case watching, stopped, progressNotSaved
    case passedAll, passedNext, passedLast
    case failedCount, yourFile, passing, titleSeparator
    case crashed, crashedDuring, fatalError, crashInYourCode, crashAt, crashSilent, crashAdvice, beforeCrash
    case timedOut, timedOutDuring, timedOutAdvice
    case couldNotGrade, andMoreLikeIt, alsoFailing
    case nextHint, allHintsSeen, editThenCheck
    case buildFailed, inExercise, andMore, fixOrReset, outsideExercises
    // What the grader reports when it could not grade
    case couldNotStartTests, ranNoTest, buildFailedWithoutError, couldNotStart, noSwift
    // osilab hint
    case hintHeading, hintAgain, hintLast, solutionLocked, solutionHeader, couldNotRead
    // osilab reset
    case resetNeedsYes, resetConfirm, nothingChanged, restored, alreadyOriginal
    case noGit, notACheckout, notCommitted
    // osilab edit
    case noEditor, editorFallback, opening, couldNotStartEditor, spawnFailed, editorStatus, gradeItWith
    case editorQuitNano, editorQuitVim, editorNanoIsSimpler, editorPressEnter
    // Names and the catalogue
    case unknownExercise, unknownExerciseSuggest, or, allPassed
    case catalogueMissing, catalogueUnreadable, catalogueInvalid
}

/// The exercise runner's sentences in one language.
public typealias ExerciseStrings = StringTable<ExerciseText>
