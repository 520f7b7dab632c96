// Every sentence the runner shows that is not lesson content lives in these tables, keyed by
// id: English, and Chinese beside it (`--lang zh` picks it), so no code that draws ever
// checks the language. Placeholders are `{0}`, `{1}`, ...; both tables must have the same ids
// with the same placeholders (a test checks it). Protocol and call names (`SYN`, `connect()`),
// key names and commands stay as they are in both languages.

import TextUI
import Workspace

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
    case predictionMatched, predictionMismatched, predictionUnchecked, capturedValue, observedChoice
    case needsCaptureRecorded, predictionMatchedRecorded, predictionMismatchedRecorded
    case reasonNoFacts, reasonExit, reasonSignal, reasonNotStarted, reasonMissingFact, reasonBadFacts, reasonNoPrivilege
    case reasonNotRun, reasonNeedsRoot
    case labFinished, labFailed, labStopped, labRunningHeader, labReturn, labNoPrediction
    case labServerStarted, labServerNotStarted, labServerLog, labServerBeside
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
        table = StringTable(language, tables: Self.tables)
    }

    /// The strings for `language` (`en`, `zh`, or a locale such as `zh_CN`), English for
    /// a language osilab does not speak.
    public static func forLanguage(_ language: String) -> UIStrings {
        UIStrings(Language(code: language) ?? .english)
    }

    public static let english = UIStrings(.english)
    public static let chinese = UIStrings(.chinese)

    /// Every table, by language: what the key-and-placeholder test compares.
    public static let tables: [Language: [UIText: String]] = [.english: englishTable, .chinese: chineseTable]

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

    /// The ids this language's table lacks.
    public var missing: [UIText] {
        let own = Self.tables[lang] ?? [:]
        return UIText.allCases.filter { own[$0] == nil }
    }

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
        // Runs straight into the question: the space is part of the string (none after `：`).
        .predictTitle: "Predict first: ",
        .pressLetterToPredict: "Press {0} to predict, then r to run the lab.",
        .yourPrediction: "Your prediction: {0}",
        .pressRToRun: "Press r to run it.",
        .pressRToRunAgain: "Press r to run it again.",
        .labMissingCommand: "This lab needs `osilab {0}`, which this version of osilab does not have yet.",
        .labInvalidCommand: "This lab's command `{0}` does not work with this version of osilab: {1}",
        .needsCapture: "Live capture needs root, or a private network of your own (a user namespace), which this machine does not allow: osilab doctor says why and how to fix it. Meanwhile the command offers a recorded capture.",
        .needsNetns: "This experiment builds a network namespace with nftables rules, which needs Linux and either root or a private network of your own (a user namespace), which this machine does not allow: osilab doctor says why and how to fix it.",
        .netnsNotRun: "Not run: this experiment needs Linux with user namespaces allowed, or root.",
        .needsCaptureRecorded: "Live capture needs root, or a private network of your own (a user namespace), which this machine does not allow (osilab doctor says why and how to fix it). Meanwhile this lab shows the capture recorded for the lessons.",
        .predictionMatchedRecorded: "✓ Your prediction matched the recorded capture: {0}.",
        .predictionMismatchedRecorded: "✗ The recorded capture says otherwise: {0}. You predicted {1}.",
        .predictionMatched: "✓ Your prediction matched the capture: {0}.",
        .predictionMismatched: "✗ The capture says otherwise: {0}. You predicted {1}.",
        .predictionUnchecked: "? Your prediction could not be checked: {0}.",
        .capturedValue: "{0} is {1}",
        .observedChoice: "{0}, {1}",
        .reasonNoFacts: "the command recorded no facts",
        .reasonExit: "the command failed (exit status {0}) and recorded no facts",
        .reasonSignal: "the command was stopped (signal {0}) before it recorded its facts",
        .reasonNotStarted: "the command could not start ({0})",
        .reasonMissingFact: "the command recorded no `{0}` fact",
        .reasonBadFacts: "the facts file could not be read ({0})",
        .reasonNoPrivilege: "live capture needs root or a private network of your own, and this machine allows neither",
        .reasonNotRun: "the lab did not run",
        .reasonNeedsRoot: "this experiment needs Linux with user namespaces allowed, or root",
        .labFinished: "The lab finished.",
        .labFailed: "The lab ended with exit status {0}.",
        .labStopped: "The lab was stopped (signal {0}).",
        .labRunningHeader: "Running: {0}",
        .labServerStarted: "For this lab osilab started `{0}` in the background; it stops when the lab ends, and its log is shown then.",
        .labServerNotStarted: "`{0}` did not start, so the client talks to whatever already listens on that port (perhaps a server you started yourself). It said: {1}",
        .labServerLog: "What the server logged ({0}):",
        .labServerBeside: "(with `{0}` running in the background)",
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
        .labHomeNotFound: "Cannot find the osilab folder (with Package.swift and Lessons/) above {0}. Run osilab from its checkout, or set OSILAB_HOME to that folder.",
        .labHomeBadOverride: "OSILAB_HOME is set to {0}, but that folder has no Package.swift and Lessons/ folder.",
        .progressUnreadable: "Your progress file {0} could not be read, so it was moved to {1} and you start afresh.",
        .progressUnreadableKept: "Your progress file {0} could not be read (and could not be moved aside); starting afresh.",
        .languageInvalid: "--lang takes zh (Chinese) or en (English), not “{0}”.",
        .lessonNotTranslated: "This lesson is not translated yet, so it is shown in English.",
        .or: "or",
        .listSeparator: ", ",
    ]

    // Written for Chinese students as a teacher would say it, not word for word: short
    // sentences, 你 rather than 您, full-width punctuation, a space between Chinese and
    // Latin text or numbers. Keys, commands, protocol and call names stay as they are.
    static let chineseTable: [UIText: String] = [
        .statusLesson: "第 {0}/{1} 课 · {2}",
        .statusScreen: "第 {0}/{1} 屏",
        .statusPage: "第 {0}/{1} 页",
        .keysNext: "→ 下一屏",
        .keysBack: "← 上一屏",
        .keysContents: "t 目录",
        .keysQuit: "q 退出",
        .keysHelp: "? 帮助",
        .keysRun: "r 运行实验",
        .keysAnswer: "{0} 作答",
        .keysPredict: "{0} 预测",
        .keysTypeAnswer: "Enter 输入答案",
        .keysTyping: "Enter 提交 · Esc 取消",
        .keysContentsMode: "↑↓ 选择 · Enter 打开 · Esc 关闭",
        .keysHelpMode: "按任意键关闭帮助",
        .keysFocus: "Tab 下一项",
        .typingPrompt: "你的答案：",
        .lessonHeading: "第 {0} 课：{1}",
        .objectivesIntro: "学完这一课，你将能够：",
        .continued: "{0}（续）",
        .helpTitle: "按键说明",
        .helpLines: """
            → 空格 n Enter\t下一屏（屏幕放不下时，显示这一屏的其余部分）
            ← p Backspace\t上一屏
            N ]  /  P [\t下一课 / 上一课
            Home / End\t本课的第一屏 / 最后一屏
            a b c ...\t回答选择题，或者作出预测
            Enter\t输入简答题的答案
            Tab\t切换到本屏的下一道题或下一个实验
            r\t运行本屏的实验
            t\t目录
            q Ctrl-C\t退出（会记住你学到了哪里）
            """,
        .contentsTitle: "目录",
        .contentsCurrent: "你在这里",
        .checkpointTitle: "小测验",
        .pressLetterToAnswer: "按 {0} 作答。",
        .pressEnterToType: "按 Enter 输入你的答案。",
        .answerRight: "✓ 答对了。",
        .answerWrong: "✗ 不太对：正确答案是 {0}。",
        .answerWrongShort: "✗ 不太对：你答的是“{0}”，正确答案是“{1}”。",
        .yourAnswer: "你的答案：{0}",
        .answerAgain: "想再答一次，按 {0}。",
        .previousAttempts: "到目前为止答了 {0} 次。",
        .labTitle: "实验",
        .labCommand: "$ {0}",
        .predictTitle: "先预测一下：",
        .pressLetterToPredict: "按 {0} 作出预测，然后按 r 运行实验。",
        .yourPrediction: "你的预测：{0}",
        .pressRToRun: "按 r 运行。",
        .pressRToRunAgain: "按 r 再运行一次。",
        .labMissingCommand: "这个实验要用到 `osilab {0}`，这个版本的 osilab 还没有这条命令。",
        .labInvalidCommand: "这个实验的命令 `{0}` 在这个版本的 osilab 上运行不了：{1}",
        .needsCapture: "实时抓包需要 root 权限，或者一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建：osilab doctor 会说明原因和解决办法。在此之前，命令会改用一份录好的抓包。",
        .needsNetns: "这个实验要建一个网络命名空间，并设置 nftables 规则：这需要 Linux，以及 root 权限或一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建：osilab doctor 会说明原因和解决办法。",
        .netnsNotRun: "没有运行：这个实验需要允许用户命名空间的 Linux，或者 root 权限。",
        .needsCaptureRecorded: "实时抓包需要 root 权限，或者一个属于你自己的私有网络（用户命名空间），而这台机器不允许创建（osilab doctor 会说明原因和解决办法）。在此之前，这个实验改为展示课程预先录好的一份抓包。",
        .predictionMatchedRecorded: "✓ 你的预测和录好的抓包一致：{0}。",
        .predictionMismatchedRecorded: "✗ 录好的抓包和你的预测不符：{0}。你预测的是 {1}。",
        .predictionMatched: "✓ 你的预测和抓包结果一致：{0}。",
        .predictionMismatched: "✗ 抓包结果和你的预测不符：{0}。你预测的是 {1}。",
        .predictionUnchecked: "? 没法核对你的预测：{0}。",
        .capturedValue: "{0} 是 {1}",
        .observedChoice: "{0}，即 {1}",
        .reasonNoFacts: "命令没有记下任何结果",
        .reasonExit: "命令执行失败（退出状态 {0}），没有记下任何结果",
        .reasonSignal: "命令还没记下结果就被终止了（信号 {0}）",
        .reasonNotStarted: "命令无法启动（{0}）",
        .reasonMissingFact: "命令没有记下 `{0}` 这一项",
        .reasonBadFacts: "结果文件读不出来（{0}）",
        .reasonNoPrivilege: "实时抓包需要 root 权限或一个属于你自己的私有网络，而这台机器两样都不允许",
        .reasonNotRun: "实验没有运行",
        .reasonNeedsRoot: "这个实验需要允许用户命名空间的 Linux，或者 root 权限",
        .labFinished: "实验结束。",
        .labFailed: "实验结束，退出状态为 {0}。",
        .labStopped: "实验被终止了（信号 {0}）。",
        .labRunningHeader: "正在运行：{0}",
        .labServerStarted: "为了这个实验，osilab 在后台启动了 `{0}`；实验结束时它会停止，届时显示它的日志。",
        .labServerNotStarted: "`{0}` 没有启动，所以客户端会连接那个端口上已经在监听的程序（也许是你自己启动的服务器）。它的输出是：{1}",
        .labServerLog: "服务器的日志（{0}）：",
        .labServerBeside: "（同时在后台运行 `{0}`）",
        .labReturn: "按任意键回到课程。",
        .labNoPrediction: "请先作出预测：按 {0}。",
        .erratumTitle: "勘误：笔记与内核的实际做法不符",
        .erratumClaim: "笔记的说法",
        .erratumTruth: "内核的实际做法",
        .erratumEvidence: "证据",
        .erratumRun: "自己验证一下（按 r）：",
        .erratumRunPlain: "自己验证一下：",
        .endOfLastLesson: "这已经是最后一课的最后一屏了。全部学完，真棒！",
        .startOfFirstLesson: "这是第一课的第一屏。",
        .progressSaveFailed: "学习进度没能保存：{0}",
        .welcomeBack: "欢迎回来：接着上次停下的地方继续。",
        .lessonCompleted: "第 {0} 课学完了。",
        .nothingToRun: "这一屏没有可以运行的实验。",
        .lessonDone: "已学完",
        .lessonInProgress: "学习中",
        .lessonNotStarted: "未开始",
        .checkpointsCount: "小测验答对 {0}/{1}",
        .lessonsHeader: "课程列表",
        .lessonsFooter: "打开某一课：osilab lesson N（直接运行 osilab 则从上次停下的地方继续）",
        .plainAnswerPrompt: "你的答案（{0}）：",
        .plainPredictPrompt: "你的预测（{0}）：",
        .plainInvalidChoice: "请回答 {0}。",
        .plainEndOfInput: "（没有作答：标准输入已经结束）",
        .plainEndOfLesson: "第 {0} 课结束。",
        .plainNextLesson: "下一课：osilab lesson {0}",
        .plainLabNotRun: "请在终端里运行：{0}",
        .plainScreenCounter: "{0}/{1}",
        .lessonNotFound: "没有第 {0} 课：课程编号是 1 到 {1}（用 osilab lessons 查看）。",
        .noLessons: "在 {0} 里没有找到课程。",
        .lessonsInvalid: "有些课程文件读不出来（下面的英文说明是写给课程作者的）：",
        .lessonNumberFromOne: "课程从 1 开始编号。",
        .terminalFallback: "终端没能切换到全屏模式（{0}），所以直接把课程打印出来。",
        .labHomeNotFound: "在 {0} 及其上层目录中找不到 osilab 的目录（含 Package.swift 和 Lessons/）。请在 osilab 的源码目录中运行它，或者把 OSILAB_HOME 设为那个目录。",
        .labHomeBadOverride: "OSILAB_HOME 设成了 {0}，但这个目录里没有 Package.swift 和 Lessons/。",
        .progressUnreadable: "你的进度文件 {0} 读不出来，已经把它移到 {1}，你将从头开始。",
        .progressUnreadableKept: "你的进度文件 {0} 读不出来（也没法把它移开），只能从头开始。",
        .languageInvalid: "--lang 只能是 zh（中文）或 en（英文），不能是“{0}”。",
        .lessonNotTranslated: "这一课还没有中文版，下面显示英文原文。",
        .or: "或",
        .listSeparator: "、",
    ]
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
