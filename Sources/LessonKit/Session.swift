import Foundation
import Terminal
import TextUI
import Workspace

// The lesson runner's state machine, free of terminal I/O: keys go in, frames (lists of
// styled lines) and actions come out. The interactive driver feeds it real keys and draws
// its frames; the tests feed it scripted keys and read its frames and the progress file.

/// What the driver should do after a key.
public enum SessionAction: Equatable, Sendable {
    /// Nothing changed on screen.
    case none
    /// Draw the frame again.
    case redraw
    /// The learner quit; the progress is saved.
    case quit
    /// Run this lab command, then call ``LessonSession/finishLab(_:outcome:)``.
    case runLab(LabRequest)
}

/// One learner going through the lessons.
public final class LessonSession {
    /// What the keys currently do.
    public enum Mode: Equatable, Sendable {
        case reading
        /// Typing a short answer to the checkpoint `checkpointID`.
        case typing(checkpointID: String, text: String)
        /// The table of contents, with the selected entry.
        case contents(selection: Int)
        case help
        /// Reading what the lab (or erratum command) `labID` printed, from line `top` of it.
        case output(labID: String, top: Int)
    }

    /// Where to open.
    public enum Start: Equatable, Sendable {
        /// Where the learner stopped last time (the first lesson for a new learner).
        case resume
        /// The lesson at this index of ``LessonLibrary/lessons`` (0-based).
        case lesson(Int)
    }

    /// The widest text column: longer lines are tiring to read, even on a wide terminal.
    public static let readingWidth = 80

    public let library: LessonLibrary
    public let environment: LabEnvironment
    public let strings: UIStrings
    public let theme: Theme
    let store: ProgressStore

    public private(set) var size: TerminalSize
    public private(set) var lessonIndex = 0
    public private(set) var screenIndex = 0
    public private(set) var pageIndex = 0
    public internal(set) var mode: Mode = .reading
    /// A message for the learner, shown until the next key.
    public internal(set) var notice: [String] = []
    /// The learner's progress as last saved (or as it would have been, if saving failed).
    public private(set) var progress: LearnerProgress
    /// The screen block (index into the screen's blocks) that letter keys and `r` act on.
    var focusBlock: Int?
    var labStates: [String: LabState] = [:]
    var pendingLab: String?
    /// The command line of the lab being run, as shown to the learner.
    var pendingDisplay: String?
    /// What each lab run in this session printed, by lab id (the last run of each).
    var labOutputs: [String: LabOutput] = [:]
    var saveFailureShown = false
    /// The lesson whose missing translation was last pointed out, so it is said once per visit.
    var untranslatedNoticeShown: Int?
    var availabilityCache: [[String]: CommandAvailability] = [:]

    /// Opens the session. Problems loading the progress file (a corrupt file set aside)
    /// are shown as the first notice.
    public init(
        library: LessonLibrary, store: ProgressStore, environment: LabEnvironment, size: TerminalSize,
        start: Start = .resume, strings: UIStrings = .english, theme: Theme = .standard
    ) {
        self.library = library
        self.store = store
        self.environment = environment
        self.size = size
        self.strings = strings
        self.theme = theme
        self.progress = store.load()
        notice = store.takeProblems().map { strings.describe($0) }
        switch start {
        case .lesson(let index):
            lessonIndex = min(max(0, index), max(0, library.lessons.count - 1))
            screenIndex = 0
        case .resume:
            let (lesson, screen) = resumePoint()
            lessonIndex = lesson
            screenIndex = screen
            if lesson != 0 || screen != 0 { notice.append(strings(.welcomeBack)) }
        }
        recordPosition()
    }

    // MARK: Where we are

    public var lesson: Lesson? {
        library.lessons.indices.contains(lessonIndex) ? library.lessons[lessonIndex] : nil
    }

    var screen: LessonScreen? {
        guard let lesson, lesson.screens.indices.contains(screenIndex) else { return nil }
        return lesson.screens[screenIndex]
    }

    /// Where `resume` opens: the saved lesson and screen; past a finished lesson's end, the next lesson.
    func resumePoint() -> (Int, Int) {
        guard let id = progress.currentLesson, let index = library.index(of: id) else { return (0, 0) }
        let lesson = library.lessons[index]
        let state = progress.lessons[id] ?? LearnerProgress.LessonState()
        let screen = min(max(0, state.screen), max(0, lesson.screens.count - 1))
        if state.completed && screen == lesson.screens.count - 1 && index + 1 < library.lessons.count {
            let next = library.lessons[index + 1]
            let nextScreen = progress.lessons[next.id]?.screen ?? 0
            return (index + 1, min(max(0, nextScreen), max(0, next.screens.count - 1)))
        }
        return (index, screen)
    }

    // MARK: Layout

    /// Columns left of the text.
    var margin: Int { size.columns >= 40 ? 1 : 0 }
    /// The width text is laid out to.
    public var contentWidth: Int { max(10, min(Self.readingWidth, size.columns - 2 * margin)) }
    /// Rows for the lesson text: all but the two status lines.
    var viewportHeight: Int { max(1, size.rows - 2) }

    /// A block of a screen as lines.
    struct RenderedBlock {
        var lines: [StyledLine]
        /// Index into the screen's blocks; nil for the lesson header.
        var blockIndex: Int?
        var interactive: Bool
        /// A heading: never left alone at the bottom of a page.
        var keepWithNext = false
    }

    struct Page {
        var lines: [StyledLine]
        /// Indices into the rendered blocks shown (wholly or partly) on this page.
        var blocks: [Int]
    }

    /// The lesson's title and objectives, drawn at the top of its first screen.
    func header(for lesson: Lesson, number: Int) -> [MarkdownBlock] {
        [
            .heading(level: 1, [.text(strings(.lessonHeading, String(number), lesson.title))]),
            .paragraph([.text(strings(.objectivesIntro))]),
            .list(ordered: false, start: 1, tight: true,
                  items: lesson.objectives.map { [.paragraph(MarkdownParser.parseInline($0))] }),
        ]
    }

    /// The blocks of a screen as lines, at `width`, for the current state of its questions and
    /// labs. `focus` (a screen block index) gets a marker; the caller passes it only when
    /// the page has several interactive blocks. The marker changes a title, never the height.
    func renderedBlocks(lesson lessonNumber: Int, screen screenNumber: Int, width: Int, interactive: Bool, focus: Int? = nil) -> [RenderedBlock] {
        guard library.lessons.indices.contains(lessonNumber) else { return [] }
        let lesson = library.lessons[lessonNumber]
        guard lesson.screens.indices.contains(screenNumber) else { return [] }
        let markdown = MarkdownRenderer(width: width, theme: theme)
        let boxes = DirectiveRenderer(width: width, theme: theme, strings: strings, interactive: interactive)
        var result: [RenderedBlock] = []
        if screenNumber == 0 {
            result.append(RenderedBlock(
                lines: markdown.render(header(for: lesson, number: lessonNumber + 1)), blockIndex: nil, interactive: false))
        }
        let blocks = lesson.screens[screenNumber].blocks
        for (index, block) in blocks.enumerated() {
            let focused = index == focus
            let lines: [StyledLine]
            switch block {
            case .markdown(let markdownBlock):
                lines = markdown.render(markdownBlock)
            case .checkpoint(let checkpoint):
                lines = boxes.checkpoint(checkpoint, result: progress.checkpoints[checkpoint.id], focused: focused)
            case .lab(let lab):
                lines = boxes.lab(lab, state: labStates[lab.id] ?? LabState(), availability: availability(of: lab),
                                  notice: needNotice(for: lab), focused: focused)
            case .erratum(let erratum):
                let availability = erratum.run == nil ? nil : availability(ofArguments: erratum.arguments)
                lines = boxes.erratum(erratum, state: labStates[erratum.id] ?? LabState(), availability: availability, focused: focused)
            }
            var keep = false
            if case .markdown(.heading) = block { keep = true }
            result.append(RenderedBlock(lines: lines, blockIndex: index, interactive: isInteractive(block), keepWithNext: keep))
        }
        return result
    }

    func isInteractive(_ block: LessonBlock) -> Bool {
        switch block {
        case .markdown: false
        case .checkpoint, .lab: true
        case .erratum(let erratum): erratum.run != nil
        }
    }

    /// Cuts rendered blocks into pages that fit `height`, at block boundaries. A block taller
    /// than a page starts where it is and is cut between its lines; a heading is never left
    /// last on a page, away from what it introduces.
    func pages(_ rendered: [RenderedBlock], height: Int) -> [Page] {
        var pages: [Page] = []
        var current = Page(lines: [], blocks: [])
        /// Where each block starts in `current.lines`, to move a trailing heading along.
        var starts: [Int] = []

        func flush() {
            // Keep with next: a heading that ends a page moves to the next one (unless it is
            // all the page has).
            var carried: (lines: [StyledLine], block: Int)?
            if current.blocks.count > 1, let last = current.blocks.last, rendered[last].keepWithNext,
               let start = starts.last, current.lines.count - start + 1 < height {
                carried = (Array(current.lines[start...]), last)
                current.lines.removeSubrange(max(0, start - 1)...)
                current.blocks.removeLast()
            }
            pages.append(current)
            current = Page(lines: [], blocks: [])
            starts = []
            if let carried {
                starts.append(0)
                current.lines = carried.lines
                current.blocks = [carried.block]
            }
        }

        for (index, block) in rendered.enumerated() {
            let separator = current.lines.isEmpty ? 0 : 1
            if current.lines.count + separator + block.lines.count <= height {
                if separator == 1 { current.lines.append(.blank) }
                starts.append(current.lines.count)
                current.lines += block.lines
                current.blocks.append(index)
                continue
            }
            if block.lines.count <= height {
                flush()
                // A heading carried over may leave too little room: then the block starts a page.
                if current.lines.count + (current.lines.isEmpty ? 0 : 1) + block.lines.count > height {
                    pages.append(current)
                    current = Page(lines: [], blocks: [])
                    starts = []
                }
                if !current.lines.isEmpty { current.lines.append(.blank) }
                starts.append(current.lines.count)
                current.lines += block.lines
                current.blocks.append(index)
                continue
            }
            // Taller than a page: it begins on this page when at least three of its lines
            // fit there, and continues on the next pages.
            var remaining = block.lines[...]
            if !current.lines.isEmpty && height - current.lines.count - 1 < 3 { flush() }
            if !current.lines.isEmpty { current.lines.append(.blank) }
            let fit = max(0, height - current.lines.count)
            current.lines += remaining.prefix(fit)
            current.blocks.append(index)
            remaining = remaining.dropFirst(fit)
            pages.append(current)
            current = Page(lines: [], blocks: [])
            starts = []
            while remaining.count > height {
                pages.append(Page(lines: Array(remaining.prefix(height)), blocks: [index]))
                remaining = remaining.dropFirst(height)
            }
            if !remaining.isEmpty {
                starts = [0]
                current = Page(lines: Array(remaining), blocks: [index])
            }
        }
        if !current.lines.isEmpty || pages.isEmpty { pages.append(current) }
        return pages
    }

    /// The current screen without focus markers: what paging and focus are decided on.
    var currentRendered: [RenderedBlock] {
        renderedBlocks(lesson: lessonIndex, screen: screenIndex, width: contentWidth, interactive: true)
    }

    var currentPages: [Page] { pages(currentRendered, height: viewportHeight) }

    /// The screen blocks that keys can act on, on the current page.
    var interactiveOnPage: [Int] {
        let rendered = currentRendered
        let pages = pages(rendered, height: viewportHeight)
        guard pages.indices.contains(pageIndex) else { return [] }
        return pages[pageIndex].blocks.compactMap { rendered[$0].interactive ? rendered[$0].blockIndex : nil }
    }

    /// The focused block: the chosen one if it is on the page, else the first that still
    /// waits for the learner, else the first.
    var effectiveFocus: Int? {
        guard let screen else { return nil }
        let candidates = interactiveOnPage
        if let focusBlock, candidates.contains(focusBlock) { return focusBlock }
        return candidates.first { isPending(screen.blocks[$0]) } ?? candidates.first
    }

    /// Whether a block still waits for the learner: an unanswered question, a lab not yet run.
    func isPending(_ block: LessonBlock) -> Bool {
        switch block {
        case .checkpoint(let checkpoint): progress.checkpoints[checkpoint.id]?.settled != true
        case .lab(let lab):
            (lab.hasPrediction && labStates[lab.id]?.prediction == nil) || labStates[lab.id]?.exit == nil
        default: false
        }
    }

    /// The block letter keys, Enter and `r` act on.
    var focusedBlock: LessonBlock? {
        guard let screen, let index = effectiveFocus, screen.blocks.indices.contains(index) else { return nil }
        return screen.blocks[index]
    }

    // MARK: Keys

    /// Handles one key.
    public func handle(_ key: Key) -> SessionAction {
        let hadNotice = !notice.isEmpty
        notice = []
        switch mode {
        case .help:
            mode = .reading
            return .redraw
        case .typing(let id, let text):
            return handleTyping(key, checkpointID: id, text: text)
        case .contents(let selection):
            return handleContents(key, selection: selection)
        case .output(let id, let top):
            return handleOutput(key, labID: id, top: top)
        case .reading:
            let action = handleReading(key)
            return action == .none && hadNotice ? .redraw : action
        }
    }

    func handleReading(_ key: Key) -> SessionAction {
        switch key {
        case .right, .down, .pageDown, .character(" "), .character("n"):
            next()
        case .enter:
            if let checkpoint = shortAnswerTarget {
                mode = .typing(checkpointID: checkpoint.id, text: "")
            } else {
                next()
            }
        case .left, .up, .pageUp, .backspace, .character("p"):
            previous()
        case .character("N"), .character("]"):
            goToLesson(lessonIndex + 1)
        case .character("P"), .character("["):
            goToLesson(lessonIndex - 1)
        case .home:
            moveTo(screen: 0, page: 0)
        case .end:
            moveTo(screen: max(0, (lesson?.screens.count ?? 1) - 1), page: 0)
        case .character("t"):
            mode = .contents(selection: contentsEntries().firstIndex { $0.lesson == lessonIndex && $0.screen == screenIndex } ?? 0)
        case .character("?"):
            mode = .help
        case .character("q"), .controlC, .control("d"), .escape:
            if key == .escape { return .none }
            recordPosition()
            return .quit
        case .character("r"):
            return runFocused()
        case .character("s"):
            revealFocused()
        case .character("o"):
            openOutput()
        case .tab, .backTab:
            moveFocus(by: key == .tab ? 1 : -1)
        case .character(let character):
            return choose(character)
        default:
            return .none
        }
        return .redraw
    }

    func handleTyping(_ key: Key, checkpointID: String, text: String) -> SessionAction {
        switch key {
        case .character(let character):
            mode = .typing(checkpointID: checkpointID, text: text + String(character))
        case .backspace:
            mode = .typing(checkpointID: checkpointID, text: String(text.dropLast()))
        case .escape:
            mode = .reading
        case .controlC:
            recordPosition()
            return .quit
        case .enter:
            guard !text.trimmingWhitespace.isEmpty else { return .none }
            mode = .reading
            if let checkpoint = lesson?.checkpoints.first(where: { $0.id == checkpointID }) {
                answer(checkpoint, with: text)
            }
        default:
            return .none
        }
        return .redraw
    }

    /// The blocks of the page in the order keys try them: the focused one, then those
    /// still waiting for the learner, then the rest.
    var blocksByPriority: [LessonBlock] {
        guard let screen else { return [] }
        let onPage = interactiveOnPage
        let ordered = (effectiveFocus.map { [$0] } ?? []) + onPage.filter { isPending(screen.blocks[$0]) } + onPage
        var seen: Set<Int> = []
        return ordered.filter { seen.insert($0).inserted }.map { screen.blocks[$0] }
    }

    /// Whether a block takes letter keys: a multiple-choice question or a prediction.
    func takesLetters(_ block: LessonBlock) -> Bool {
        switch block {
        case .checkpoint(let checkpoint): checkpoint.isMultipleChoice && progress.checkpoints[checkpoint.id]?.settled != true
        case .lab(let lab): lab.hasPrediction
        default: false
        }
    }

    /// A letter: the answer to a question on the page, or a lab's prediction; the focused
    /// block first if it takes letters, else the first waiting one that does.
    func choose(_ character: Character) -> SessionAction {
        let text = String(character)
        let letters = DirectiveRenderer(width: 1, theme: theme, strings: strings, interactive: true)
        switch blocksByPriority.first(where: takesLetters) {
        case .checkpoint(let checkpoint)?:
            if answer(checkpoint, with: text) == nil {
                notice = [strings(.pressLetterToAnswer, letters.letters(checkpoint.choices.count))]
            }
            return .redraw
        case .lab(let lab)?:
            if predict(lab, with: text) {
                keepFocusIfNothingElseWaits(on: lab.id)
            } else {
                notice = [strings(.pressLetterToPredict, letters.letters(lab.choices.count))]
            }
            return .redraw
        default:
            return .none
        }
    }

    /// The short-answer question Enter types into: the focused one, else the first waiting one.
    var shortAnswerTarget: Checkpoint? {
        guard let screen else { return nil }
        if case .checkpoint(let checkpoint)? = focusedBlock, !checkpoint.isMultipleChoice,
           progress.checkpoints[checkpoint.id]?.settled != true {
            return checkpoint
        }
        for index in interactiveOnPage where isPending(screen.blocks[index]) {
            if case .checkpoint(let checkpoint) = screen.blocks[index], !checkpoint.isMultipleChoice { return checkpoint }
        }
        return nil
    }

    /// The question `s` shows the answer of: the focused one if it was answered wrong, else
    /// the first on the page that was.
    var revealTarget: Checkpoint? {
        for block in blocksByPriority {
            if case .checkpoint(let checkpoint) = block, awaitsRetry(checkpoint) { return checkpoint }
        }
        return nil
    }

    /// `s`: shows the answer of a question answered wrong; says why not when there is none.
    func revealFocused() {
        if let checkpoint = revealTarget {
            reveal(checkpoint)
        } else if blocksByPriority.contains(where: { if case .checkpoint = $0 { true } else { false } }) {
            notice = [strings(.nothingToReveal)]
        }
    }

    func moveFocus(by step: Int) {
        let candidates = interactiveOnPage
        guard !candidates.isEmpty else { return }
        let current = effectiveFocus.flatMap { candidates.firstIndex(of: $0) } ?? 0
        focusBlock = candidates[(current + step + candidates.count) % candidates.count]
    }

    // MARK: Navigation

    func next() {
        let pageCount = currentPages.count
        if pageIndex + 1 < pageCount {
            pageIndex += 1
            focusBlock = nil
            recordPosition()
        } else if let lesson, screenIndex + 1 < lesson.screens.count {
            moveTo(screen: screenIndex + 1, page: 0)
        } else if lessonIndex + 1 < library.lessons.count {
            let finished = lessonIndex + 1
            goToLesson(lessonIndex + 1)
            notice.insert(strings(.lessonCompleted, String(finished)), at: 0)
        } else {
            notice = [strings(.endOfLastLesson)]
        }
    }

    func previous() {
        if pageIndex > 0 {
            pageIndex -= 1
            focusBlock = nil
        } else if screenIndex > 0 {
            screenIndex -= 1
            pageIndex = max(0, currentPages.count - 1)
            focusBlock = nil
            recordPosition()
        } else if lessonIndex > 0 {
            lessonIndex -= 1
            screenIndex = max(0, (lesson?.screens.count ?? 1) - 1)
            pageIndex = max(0, currentPages.count - 1)
            focusBlock = nil
            recordPosition()
        } else {
            notice = [strings(.startOfFirstLesson)]
        }
    }

    func moveTo(screen: Int, page: Int) {
        screenIndex = screen
        pageIndex = page
        focusBlock = nil
        recordPosition()
    }

    func goToLesson(_ index: Int) {
        guard library.lessons.indices.contains(index) else {
            notice = [strings(index < 0 ? .startOfFirstLesson : .endOfLastLesson)]
            return
        }
        lessonIndex = index
        screenIndex = 0
        pageIndex = 0
        focusBlock = nil
        recordPosition()
    }

    /// Opens a lesson at a screen (0-based indices).
    public func open(lesson: Int, screen: Int = 0) {
        guard library.lessons.indices.contains(lesson) else { return }
        lessonIndex = lesson
        screenIndex = min(max(0, screen), max(0, library.lessons[lesson].screens.count - 1))
        pageIndex = 0
        focusBlock = nil
        mode = .reading
        recordPosition()
    }

    /// The terminal changed size: lay out again, keeping the first block of the page in
    /// view (and, for a block spread over several pages, the same part of it).
    public func resize(_ newSize: TerminalSize) {
        guard newSize != size else { return }
        let oldPages = currentPages
        size = newSize
        let newPages = currentPages
        guard oldPages.indices.contains(pageIndex), let anchor = oldPages[pageIndex].blocks.first else {
            pageIndex = min(pageIndex, max(0, newPages.count - 1))
            return
        }
        let oldParts = oldPages.indices.filter { oldPages[$0].blocks.contains(anchor) }
        let newParts = newPages.indices.filter { newPages[$0].blocks.contains(anchor) }
        guard let part = oldParts.firstIndex(of: pageIndex), !newParts.isEmpty else {
            pageIndex = min(pageIndex, max(0, newPages.count - 1))
            return
        }
        pageIndex = newParts[min(newParts.count - 1, part * newParts.count / max(1, oldParts.count))]
    }

    // MARK: Contents

    struct ContentsEntry: Equatable {
        var lesson: Int
        /// nil for the lesson's own line.
        var screen: Int?
    }

    /// Every lesson, and the screens of the current one.
    func contentsEntries() -> [ContentsEntry] {
        var entries: [ContentsEntry] = []
        for (index, lesson) in library.lessons.enumerated() {
            entries.append(ContentsEntry(lesson: index, screen: nil))
            if index == lessonIndex {
                for screen in lesson.screens.indices { entries.append(ContentsEntry(lesson: index, screen: screen)) }
            }
        }
        return entries
    }

    func handleContents(_ key: Key, selection: Int) -> SessionAction {
        let entries = contentsEntries()
        switch key {
        case .up, .character("k"), .left:
            mode = .contents(selection: max(0, selection - 1))
        case .down, .character("j"), .right, .tab:
            mode = .contents(selection: min(entries.count - 1, selection + 1))
        case .home:
            mode = .contents(selection: 0)
        case .end:
            mode = .contents(selection: max(0, entries.count - 1))
        case .enter, .character(" "):
            guard entries.indices.contains(selection) else { return .none }
            let entry = entries[selection]
            if entry.lesson == lessonIndex && entry.screen == nil {
                mode = .reading
            } else {
                open(lesson: entry.lesson, screen: entry.screen ?? (entry.lesson == lessonIndex ? 0 : savedScreen(of: entry.lesson)))
            }
        case .escape, .character("t"), .character("q"):
            mode = .reading
        case .controlC:
            recordPosition()
            return .quit
        default:
            return .none
        }
        return .redraw
    }

    func savedScreen(of index: Int) -> Int {
        guard library.lessons.indices.contains(index) else { return 0 }
        let lesson = library.lessons[index]
        let state = progress.lessons[lesson.id]
        // A finished lesson opens at its start; one in progress where the learner stopped.
        if state?.completed == true { return 0 }
        return state?.screen ?? 0
    }

    // MARK: Answers and predictions

    /// How many wrong answers a question takes before the runner shows the right one.
    public static let triesBeforeReveal = 2

    /// Records an answer to `checkpoint`: a letter for multiple choice, text for a short answer.
    /// A first wrong answer earns a hint and another try; the second shows the right answer.
    /// A question answered right, or whose answer was shown, takes no more answers (the
    /// progress says what the learner found alone). `?` asks for the answer after a miss.
    ///
    /// - Returns: the result saved in the progress (unchanged for a settled question), or
    ///   nil if `input` is not an answer (an unknown letter, or nothing).
    @discardableResult
    public func answer(_ checkpoint: Checkpoint, with input: String) -> LearnerProgress.CheckpointResult? {
        if Self.asksForAnswer(input) { return reveal(checkpoint) }
        let answer: String
        let correct: Bool
        if checkpoint.isMultipleChoice {
            var letter = Self.folded(input).trimmingWhitespace.lowercased()
            if letter.hasSuffix(")") || letter.hasSuffix(".") { letter.removeLast() }
            guard checkpoint.choices.contains(where: { $0.tag == letter }) else { return nil }
            answer = letter
            correct = letter == checkpoint.answer
        } else {
            let given = Self.normalized(input)
            guard !given.isEmpty else { return nil }
            answer = input.trimmingWhitespace
            correct = ([checkpoint.answer] + checkpoint.accept).contains { Self.normalized($0) == given }
        }
        if let previous = progress.checkpoints[checkpoint.id], previous.settled { return previous }
        let attempts = (progress.checkpoints[checkpoint.id]?.attempts ?? 0) + 1
        let result = LearnerProgress.CheckpointResult(
            answer: answer, correct: correct, attempts: attempts, revealed: !correct && attempts >= Self.triesBeforeReveal)
        save { $0.checkpoints[checkpoint.id] = result }
        showEnd(of: checkpoint.id)
        keepFocusIfNothingElseWaits(on: checkpoint.id)
        return result
    }

    /// Shows the right answer to a question answered wrong so far (the learner asked, with
    /// `s` or `?`). Before any answer there is nothing to show: the question waits for a try.
    ///
    /// - Returns: the saved result, or nil when the question has no answer yet.
    @discardableResult
    public func reveal(_ checkpoint: Checkpoint) -> LearnerProgress.CheckpointResult? {
        guard var result = progress.checkpoints[checkpoint.id] else { return nil }
        guard !result.settled else { return result }
        result.revealed = true
        save { $0.checkpoints[checkpoint.id] = result }
        showEnd(of: checkpoint.id)
        keepFocusIfNothingElseWaits(on: checkpoint.id)
        return result
    }

    /// `?` (or the full-width `？` of a Chinese input method), alone: "show me the answer".
    static func asksForAnswer(_ input: String) -> Bool {
        Self.folded(input).trimmingWhitespace == "?"
    }

    /// A question answered wrong once, its answer not shown yet: the learner may try again.
    func awaitsRetry(_ checkpoint: Checkpoint) -> Bool {
        guard let result = progress.checkpoints[checkpoint.id] else { return false }
        return !result.settled
    }

    /// After an answer the focus moves on to the next question still waiting; when none
    /// waits, it stays on the one just answered, so its letters keep working.
    func keepFocusIfNothingElseWaits(on id: String) {
        guard let screen else { return }
        let candidates = interactiveOnPage
        if candidates.contains(where: { isPending(screen.blocks[$0]) }) {
            focusBlock = nil
        } else {
            focusBlock = candidates.first { screen.blocks[$0].directiveID == id }
        }
    }

    /// Short answers are compared without case, surrounding space or repeated spaces, in
    /// either language: full-width letters, digits and punctuation (what a Chinese input
    /// method types: `ＥＣＯＮＮＲＥＦＵＳＥＤ`, `１１１`, `（）`) count as their ASCII forms, a
    /// space next to a Chinese character is optional (`tcp 报文段` is `tcp报文段`), and a
    /// full stop at the end (`.` or `。`) is ignored.
    static func normalized(_ text: String) -> String {
        let words = folded(text).lowercased().split(whereSeparator: { $0.isWhitespace })
        var result = ""
        for word in words {
            if let last = result.last, let first = word.first,
               !(last.isWide || first.isWide) {
                result.append(" ")
            }
            result += word
        }
        while let last = result.last, last == "." || last == "。" { result.removeLast() }
        return result
    }

    /// `text` with full-width ASCII forms (U+FF01 to U+FF5E) turned into ASCII and the
    /// ideographic space (U+3000) into a space.
    static func folded(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Records a prediction for `lab`: a choice's letter (`b`) or its tag (`synack`).
    ///
    /// - Returns: false if `input` names no choice.
    @discardableResult
    public func predict(_ lab: LabStep, with input: String) -> Bool {
        let text = Self.folded(input).trimmingWhitespace.lowercased().trimmingCharacters(in: ").")
        var tag: String?
        if let index = (0..<lab.choices.count).first(where: { DirectiveRenderer.letter($0) == text }) {
            tag = lab.choices[index].tag
        } else if let choice = lab.choices.first(where: { $0.tag.lowercased() == text }) {
            tag = choice.tag
        }
        guard let tag else { return false }
        var state = labStates[lab.id] ?? LabState()
        state.prediction = tag
        state.verdict = nil
        labStates[lab.id] = state
        return true
    }

    /// The state of a lab step (or an erratum's command) in this session.
    public func labState(_ id: String) -> LabState {
        labStates[id] ?? LabState()
    }

    // MARK: Running labs

    /// What a lab command started from this session is told: the learner's language, so its
    /// explanations and notes follow the lesson's (`OSILAB_LANG=zh`).
    public var childEnvironment: [String: String] {
        [Language.childVariable: strings.language]
    }

    /// Whether this osilab can run `arguments` (asked once per command line, then remembered).
    func availability(ofArguments arguments: [String]) -> CommandAvailability {
        if let known = availabilityCache[arguments] { return known }
        let answer = environment.commandCheck(arguments)
        availabilityCache[arguments] = answer
        return answer
    }

    /// Whether this osilab can run `lab`'s command, with `--facts FILE` when it records facts.
    public func availability(of lab: LabStep) -> CommandAvailability {
        availability(ofArguments: lab.arguments + (lab.observe != nil ? ["--facts", "facts.json"] : []))
    }

    /// `r`: run the focused lab, or the first runnable one on the page.
    func runFocused() -> SessionAction {
        switch blocksByPriority.first(where: { isRunnable($0) }) {
        case .lab(let lab)?:
            guard let request = labRequest(for: lab) else { return .redraw }
            return .runLab(request)
        case .erratum(let erratum)?:
            guard let run = erratum.run else { return .redraw }
            guard availability(ofArguments: erratum.arguments) == .available else { return .redraw }
            pendingLab = erratum.id
            pendingDisplay = run
            return .runLab(LabRequest(id: erratum.id, arguments: erratum.arguments, wantsFacts: false, display: run, notices: [],
                                      recordsOutput: Self.finishesByItself(erratum.arguments)))
        default:
            notice = [strings(.nothingToRun)]
            return .redraw
        }
    }

    func isRunnable(_ block: LessonBlock?) -> Bool {
        switch block {
        case .lab?: true
        case .erratum(let erratum)?: erratum.run != nil
        default: false
        }
    }

    /// The command to run for `lab`, or nil when it cannot run now (no prediction yet, a
    /// command this osilab lacks, no privilege for a namespace); the lab's state then says why.
    public func labRequest(for lab: LabStep) -> LabRequest? {
        var state = labStates[lab.id] ?? LabState()
        if lab.hasPrediction && state.prediction == nil {
            notice = [strings(.labNoPrediction, DirectiveRenderer(width: 1, theme: theme, strings: strings, interactive: true).letters(lab.choices.count))]
            return nil
        }
        let need = environment.check(lab.needs, strings: strings)
        let availability = availability(of: lab)
        guard availability == .available, need.runnable else {
            state.notRun = availability == .available ? strings(.netnsNotRun) : nil
            if let tag = state.prediction {
                state.verdict = .unchecked(reason: strings(availability == .available ? .reasonNeedsRoot : .reasonNotRun))
                recordPrediction(lab, tag: tag, verdict: state.verdict)
            }
            labStates[lab.id] = state
            return nil
        }
        pendingLab = lab.id
        var arguments = lab.arguments
        var notices = need.notice.map { [$0] } ?? []
        state.recorded = false
        if let recorded = recordedArguments(for: lab) {
            arguments = recorded
            notices = [strings(.needsCaptureRecorded)]
            state.recorded = true
        }
        labStates[lab.id] = state
        let display = (["osilab"] + arguments).joined(separator: " ")
        pendingDisplay = display
        return LabRequest(id: lab.id, arguments: arguments, wantsFacts: lab.observe != nil,
                          display: display, notices: notices,
                          serverArguments: lab.serverArguments,
                          recordsOutput: lab.serverArguments == nil && Self.finishesByItself(arguments))
    }

    /// Without capture privilege, a capture lab whose command can show the capture recorded
    /// for the lessons (`--recorded`) runs that way: the prediction is then checked against
    /// a real, recorded capture instead of not at all.
    func recordedArguments(for lab: LabStep) -> [String]? {
        guard lab.needs == .capture, !environment.canCapture, !lab.arguments.contains("--recorded") else { return nil }
        let arguments = lab.arguments + ["--recorded"]
        let check = arguments + (lab.observe != nil ? ["--facts", "facts.json"] : [])
        return availability(ofArguments: check) == .available ? arguments : nil
    }

    /// The notice a lab's box shows about what the machine lacks.
    func needNotice(for lab: LabStep) -> String? {
        if recordedArguments(for: lab) != nil { return strings(.needsCaptureRecorded) }
        return environment.check(lab.needs, strings: strings).notice
    }

    /// Takes the result of a lab the driver ran: judges the prediction and saves it.
    public func finishLab(_ id: String, outcome: LabOutcome) {
        pendingLab = nil
        defer { pendingDisplay = nil }
        var state = labStates[id] ?? LabState()
        state.exit = outcome.exit
        state.notRun = nil
        state.recorded = outcome.recorded
        if let lab = library.lessons.lazy.flatMap(\.labs).first(where: { $0.id == id }), let tag = state.prediction {
            let verdict = LabRunner.verdict(for: lab, predicted: tag, outcome: outcome, environment: environment, strings: strings)
            state.verdict = verdict
            recordPrediction(lab, tag: tag, verdict: verdict)
        }
        labStates[id] = state
        showEnd(of: id)
        if let output = outcome.output {
            let lab = library.lessons.lazy.flatMap(\.labs).first(where: { $0.id == id })
            showOutput(LabOutput(id: id, display: pendingDisplay ?? lab?.run ?? "", text: output, anchor: lab?.outputAt))
        }
    }

    /// After an answer or a run a box has grown (the feedback, the verdict, the explanation)
    /// and may have moved on to the next page: show the page that holds its end, where the
    /// feedback is.
    func showEnd(of id: String) {
        guard let screen else { return }
        let rendered = currentRendered
        guard let position = rendered.firstIndex(where: { block in
            guard let index = block.blockIndex, screen.blocks.indices.contains(index) else { return false }
            return screen.blocks[index].directiveID == id
        }) else { return }
        if let page = pages(rendered, height: viewportHeight).lastIndex(where: { $0.blocks.contains(position) }) {
            pageIndex = page
        }
    }

    func recordPrediction(_ lab: LabStep, tag: String, verdict: PredictionVerdict?) {
        let result: LearnerProgress.PredictionResult = switch verdict {
        case .matched(let observed)?: .init(predicted: tag, observed: observed, matched: true)
        case .mismatched(let observed)?: .init(predicted: tag, observed: observed, matched: false)
        default: .init(predicted: tag, observed: nil, matched: nil)
        }
        save { $0.predictions[lab.id] = result }
    }

    // MARK: Progress

    /// Saves the lesson and screen in view; a lesson whose last screen is in view is done.
    /// Entering a lesson that is shown in English because it has no translation yet says so.
    func recordPosition() {
        guard let lesson else { return }
        if lesson.language != strings.language, untranslatedNoticeShown != lessonIndex {
            notice.append(strings(.lessonNotTranslated))
        }
        untranslatedNoticeShown = lesson.language != strings.language ? lessonIndex : nil
        let pagesCount = currentPages.count
        let atEnd = screenIndex == lesson.screens.count - 1 && pageIndex >= pagesCount - 1
        save { progress in
            progress.currentLesson = lesson.id
            var state = progress.lessons[lesson.id] ?? LearnerProgress.LessonState()
            state.screen = self.screenIndex
            if atEnd { state.completed = true }
            progress.lessons[lesson.id] = state
        }
    }

    /// Marks screen `screen` of lesson `index` as seen (plain output walks every screen).
    func recordScreenSeen(lesson index: Int, screen: Int) {
        guard library.lessons.indices.contains(index) else { return }
        let lesson = library.lessons[index]
        save { progress in
            progress.currentLesson = lesson.id
            var state = progress.lessons[lesson.id] ?? LearnerProgress.LessonState()
            state.screen = screen
            if screen == lesson.screens.count - 1 { state.completed = true }
            progress.lessons[lesson.id] = state
        }
    }

    /// Applies a change to the progress and saves it. A failure to save is shown once and
    /// never stops the lesson: the learner keeps going with the progress in memory.
    func save(_ change: (inout LearnerProgress) -> Void) {
        change(&progress)
        do {
            try store.save(progress)
        } catch {
            if !saveFailureShown {
                saveFailureShown = true
                notice.append(strings(.progressSaveFailed, "\(error.localizedDescription)"))
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Character {
    /// Two columns wide on a terminal: a Chinese character or full-width punctuation.
    var isWide: Bool { DisplayWidth.of(self) == 2 }
}
