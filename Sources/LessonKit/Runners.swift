import Foundation
import Terminal
import TextUI

#if canImport(Glibc)
import Glibc
#endif

/// Runs a session full-screen in the terminal: raw mode, alternate screen, one screen at a
/// time, re-laid out when the window changes size.
public enum InteractiveRunner {
    /// Runs until the learner quits. The terminal is restored however this ends.
    public static func run(_ session: LessonSession, style: StyleMode) throws(TerminalError) {
        let terminal = RawTerminal()
        try terminal.enter()
        defer { terminal.leave() }
        session.resize(terminal.size)
        terminal.draw(session.frame().map { $0.rendered(style) })
        while true {
            var action = SessionAction.none
            switch terminal.readEvent() {
            case .endOfInput:
                return
            case .timeout:
                continue
            case .resize:
                session.resize(terminal.size)
                action = .redraw
            case .key(let key):
                action = session.handle(key)
            }
            switch action {
            case .none:
                continue
            case .quit:
                return
            case .redraw:
                break
            case .runLab(let request):
                try terminal.suspended {
                    let outcome = runAttached(request, session: session, style: style)
                    session.finishLab(request.id, outcome: outcome)
                }
                session.resize(terminal.size)
            }
            terminal.draw(session.frame().map { $0.rendered(style) })
        }
    }

    /// Runs a lab on the normal screen, attached to the terminal, then waits for a key so
    /// the learner can read what it printed.
    static func runAttached(_ request: LabRequest, session: LessonSession, style: StyleMode) -> LabOutcome {
        let strings = session.strings
        let theme = session.theme
        let width = TerminalSize.current().columns
        var header = [StyledLine.blank, Box.rule(width: width, label: strings(.labRunningHeader, request.display), style: theme.rule, labelStyle: theme.command)]
        for notice in request.notices {
            header += TextWrapper.wrap([Span(notice, theme.notice)], width: width)
        }
        if request.recordsOutput {
            header += TextWrapper.wrap([Span(strings(.labOutputOpens), theme.hint)], width: width)
        }
        Terminal.write(header.rendered(style) + "\n")
        if request.recordsOutput {
            // Kept in a file and shown as it comes; the lesson then opens it in a view the
            // learner scrolls, so nothing waits for a key here.
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("osilab-lab-output-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            return LabRunner.run(executable: session.environment.executable, arguments: request.arguments,
                                 wantsFacts: request.wantsFacts, inheritInput: true,
                                 environment: session.childEnvironment(for: request), recordTo: path,
                                 onOutput: { Terminal.write($0) })
        }
        var server: BackgroundServer?
        if let serverArguments = request.serverArguments {
            let display = (["osilab"] + serverArguments).joined(separator: " ")
            var lines: [StyledLine] = []
            switch BackgroundServer.start(executable: session.environment.executable, arguments: serverArguments,
                                          environment: session.childEnvironment) {
            case .listening(let started):
                server = started
                lines = TextWrapper.wrap([Span(strings(.labServerStarted, display), theme.notice)], width: width)
            case .exited(let output):
                let said = output.split(separator: "\n").last.map(String.init) ?? ""
                lines = TextWrapper.wrap([Span(strings(.labServerNotStarted, display, said), theme.notice)], width: width)
            case .failedToStart(let message):
                lines = TextWrapper.wrap([Span(strings(.labServerNotStarted, display, message), theme.notice)], width: width)
            }
            Terminal.write(lines.rendered(style) + "\n")
        }
        let outcome = LabRunner.run(executable: session.environment.executable, arguments: request.arguments,
                                    wantsFacts: request.wantsFacts, inheritInput: true,
                                    environment: session.childEnvironment)
        if let server {
            let log = server.stop().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var lines = [Box.rule(width: width, label: strings(.labServerLog, server.display), style: theme.rule, labelStyle: theme.command)]
            for line in log.suffix(30) where !line.isEmpty {
                lines += TextWrapper.wrap([Span(line, theme.hint)], width: width)
            }
            Terminal.write(lines.rendered(style) + "\n")
        }
        let ending: String = switch outcome.exit {
        case .exited(0): strings(.labFinished)
        case .exited(let code): strings(.labFailed, String(code))
        case .signalled(let number): strings(.labStopped, String(number))
        case .failedToStart(let message): strings(.reasonNotStarted, message)
        }
        let footer = [Box.rule(width: width, style: theme.rule), StyledLine(ending, theme.hint),
                      StyledLine(strings(.labReturn), theme.label)]
        Terminal.write(footer.rendered(style) + "\n")
        RawTerminal.waitForAnyKey()
        return outcome
    }
}

/// Prints a lesson from start to end, for output that is not a terminal (a pipe, a file, a
/// test). Questions and predictions are answered from input lines, so a lesson can be
/// scripted: `printf 'b\n' | osilab lesson 4`.
public final class PlainRunner {
    let session: LessonSession
    let style: StyleMode
    let width: Int
    let write: (String) -> Void
    let readLine: () -> String?
    /// Once input ends, questions are printed without asking.
    var inputEnded = false
    /// Whether to say so when input ends (not when nothing was ever going to be asked).
    let announceEnd: Bool

    /// - Parameters:
    ///   - width: the text width (`$COLUMNS` or 80, never more than the reading width).
    ///   - write: prints text (a line end included when wanted) and flushes it.
    ///   - readLine: the next input line without its line end, or nil at the end of input.
    ///   - asks: false prints the questions without asking them (when standard input is a
    ///     terminal but the output is not, as in `osilab lesson 4 | less`: prompts would
    ///     be invisible, and `less` needs the keyboard).
    public init(session: LessonSession, style: StyleMode, width: Int, write: @escaping (String) -> Void,
                readLine: @escaping () -> String?, asks: Bool = true) {
        self.session = session
        self.inputEnded = !asks
        self.announceEnd = asks
        self.style = style
        self.width = max(20, min(width, LessonSession.readingWidth))
        self.write = write
        self.readLine = readLine
    }

    var strings: UIStrings { session.strings }
    var theme: Theme { session.theme }

    func emit(_ lines: [StyledLine]) {
        guard !lines.isEmpty else { return }
        write(lines.rendered(style) + "\n")
    }

    /// Prints the lesson at `index` (0-based), asking every question on the way.
    public func run(lesson index: Int) {
        let lessons = session.library.lessons
        guard lessons.indices.contains(index) else { return }
        session.open(lesson: index)
        let startupNotices = session.notice
        if !startupNotices.isEmpty {
            emit(startupNotices.flatMap { TextWrapper.wrap([Span($0, theme.notice)], width: width) } + [.blank])
        }
        let lesson = lessons[index]
        for screenNumber in lesson.screens.indices {
            if screenNumber > 0 { emit([.blank]) }
            let rendered = session.renderedBlocks(lesson: index, screen: screenNumber, width: width, interactive: false)
            for (position, block) in rendered.enumerated() {
                if position > 0 { emit([.blank]) }
                guard let blockIndex = block.blockIndex else {
                    emit(block.lines)
                    continue
                }
                switch lesson.screens[screenNumber].blocks[blockIndex] {
                case .markdown, .erratum:
                    emit(block.lines)
                case .checkpoint(let checkpoint):
                    emit(block.lines)
                    if !inputEnded { session.recordScreenSeen(lesson: index, screen: screenNumber) }
                    ask(checkpoint)
                case .lab(let lab):
                    emit(block.lines)
                    if !inputEnded { session.recordScreenSeen(lesson: index, screen: screenNumber) }
                    runLab(lab)
                }
            }
        }
        // The position is saved where the reader may stop (before a question that waits for
        // an answer, and here at the end), not after every screen: each save is a write, an fsync and a rename,
        // and one per screen made `osilab lesson 1 < /dev/null` take 55-135 ms on a busy
        // machine instead of about 25 (see Benchmarks/REPORT.md, start-up).
        if let last = lesson.screens.indices.last { session.recordScreenSeen(lesson: index, screen: last) }
        var ending = [StyledLine.blank, Box.rule(width: width, style: theme.rule), StyledLine(strings(.plainEndOfLesson, String(index + 1)), theme.label)]
        if index + 1 < lessons.count {
            ending.append(StyledLine(strings(.plainNextLesson, String(index + 2)), theme.hint))
        }
        emit(ending)
        for message in session.notice where !startupNotices.contains(message) {
            emit(TextWrapper.wrap([Span(message, theme.notice)], width: width))
        }
    }

    /// Reads one answer line, echoing it after the prompt so the transcript reads well.
    func prompt(_ text: String) -> String? {
        guard !inputEnded else { return nil }
        write(StyledLine(text, theme.label).rendered(style))
        guard let line = readLine() else {
            inputEnded = true
            write("\n")
            if announceEnd { emit(TextWrapper.wrap([Span(strings(.plainEndOfInput), theme.hint)], width: width)) }
            return nil
        }
        write(line + "\n")
        return line
    }

    /// Asks until the learner finds the answer or it is shown (after a second miss, or when
    /// they type `?`); a question settled in an earlier run is not asked again.
    func ask(_ checkpoint: Checkpoint) {
        if session.progress.checkpoints[checkpoint.id]?.settled == true { return }
        let renderer = DirectiveRenderer(width: width, theme: theme, strings: strings, interactive: false)
        let options = renderer.letters(checkpoint.choices.count)
        let question = checkpoint.isMultipleChoice ? strings(.plainAnswerPrompt, options) : strings(.typingPrompt)
        while let line = prompt(question) {
            if let result = session.answer(checkpoint, with: line) {
                let inner = DirectiveRenderer(width: width + Box.horizontalChrome, theme: theme, strings: strings, interactive: false)
                emit(inner.feedback(checkpoint, result: result, echoAnswer: false))
                if result.settled { return }
                emit(TextWrapper.wrap([Span(strings(.plainTryAgain), theme.hint)], width: width))
                continue
            }
            if checkpoint.isMultipleChoice {
                emit([StyledLine(strings(.plainInvalidChoice, options), theme.notice)])
            }
        }
    }

    func runLab(_ lab: LabStep) {
        // Only labs with a prediction run here: they finish by themselves and their facts
        // answer the prediction. Others (servers that run until Ctrl-C) need a terminal.
        guard lab.hasPrediction else {
            if session.availability(of: lab) == .available {
                emit([StyledLine(strings(.plainLabNotRun, lab.run), theme.hint)])
            }
            return
        }
        let renderer = DirectiveRenderer(width: width + Box.horizontalChrome, theme: theme, strings: strings, interactive: false)
        let options = renderer.letters(lab.choices.count)
        var predicted = false
        while let line = prompt(strings(.plainPredictPrompt, options)) {
            if session.predict(lab, with: line) {
                predicted = true
                break
            }
            emit([StyledLine(strings(.plainInvalidChoice, options), theme.notice)])
        }
        guard predicted else { return }
        if let request = session.labRequest(for: lab) {
            var header = [Box.rule(width: width, label: strings(.labRunningHeader, request.display), style: theme.rule, labelStyle: theme.command)]
            for notice in request.notices { header += TextWrapper.wrap([Span(notice, theme.notice)], width: width) }
            emit(header)
            let outcome = LabRunner.run(executable: session.environment.executable, arguments: request.arguments,
                                        wantsFacts: request.wantsFacts, inheritInput: false,
                                        environment: session.childEnvironment)
            emit([Box.rule(width: width, style: theme.rule)])
            session.finishLab(lab.id, outcome: outcome)
        }
        emit(renderer.labFeedback(lab, state: session.labState(lab.id)).filter { _ in true }.droppingTrailingBlanks)
    }
}

extension Array where Element == StyledLine {
    var droppingTrailingBlanks: [StyledLine] {
        var lines = self
        while lines.last == .blank { lines.removeLast() }
        return lines
    }
}
