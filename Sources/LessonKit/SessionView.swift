import TextUI
import Workspace

// What the session looks like: exactly `rows` lines, each at most `columns` wide. The text
// of the page, then a status bar (lesson, screen k/n) and a line of keys, or the answer
// being typed, or a notice.

extension LessonSession {
    /// The whole screen as lines: the page, then the two status lines.
    public func frame() -> [StyledLine] {
        let height = viewportHeight
        var body: [StyledLine]
        switch mode {
        case .help: body = helpLines()
        case .contents(let selection): body = contentsLines(selection: selection, height: height)
        case .reading, .typing: body = pageLines()
        case .output(let id, let top): body = outputLines(labID: id, top: top)
        }
        let pad = StyledLine(String(repeating: " ", count: margin))
        body = body.prefix(height).map { line in line.spans.isEmpty ? line : pad + line }
        while body.count < height { body.append(.blank) }

        // A notice covers the bottom of the page until the next key.
        if !notice.isEmpty {
            var noticeLines: [StyledLine] = []
            for message in notice {
                noticeLines += TextWrapper.wrap([Span(message, theme.notice)], width: max(10, size.columns - 2 * margin))
            }
            noticeLines = Array(noticeLines.prefix(max(1, height / 2)))
            let rule = Box.rule(width: size.columns, style: theme.rule)
            let covered = [rule] + noticeLines.map { pad + $0 }
            let start = max(0, height - covered.count)
            for (offset, line) in covered.enumerated() where start + offset < height {
                body[start + offset] = line
            }
        }
        return body.map { $0.truncated(to: size.columns) } + statusLines()
    }

    /// The current page's lines with the focus marker drawn.
    func pageLines() -> [StyledLine] {
        let focus = interactiveOnPage.count > 1 ? effectiveFocus : nil
        let rendered = renderedBlocks(lesson: lessonIndex, screen: screenIndex, width: contentWidth, interactive: true, focus: focus)
        let pages = pages(rendered, height: viewportHeight)
        guard !pages.isEmpty else { return [] }
        return pages[min(pageIndex, pages.count - 1)].lines
    }

    /// The status bar and the keys line.
    func statusLines() -> [StyledLine] {
        let columns = size.columns
        var left = " "
        var right = ""
        if let lesson {
            left += strings(.statusLesson, String(lessonIndex + 1), String(library.lessons.count), lesson.title)
            right = strings(.statusScreen, String(screenIndex + 1), String(lesson.screens.count))
            if case .output(let id, let top) = mode {
                right = outputPosition(labID: id, top: top)
            } else {
                let pageCount = currentPages.count
                if pageCount > 1 { right += " · " + strings(.statusPage, String(pageIndex + 1), String(pageCount)) }
            }
            right += " "
        }
        var bar: StyledLine
        if DisplayWidth.of(left) + DisplayWidth.of(right) + 1 <= columns {
            let gap = columns - DisplayWidth.of(left) - DisplayWidth.of(right)
            bar = StyledLine(left + String(repeating: " ", count: gap) + right, theme.statusBar)
        } else {
            // Narrow: the screen counter matters more than the end of the title.
            let room = max(0, columns - DisplayWidth.of(right) - 1)
            bar = StyledLine(left, theme.statusBar).truncated(to: room, marker: Span("…", theme.statusBar))
                .padded(to: room + 1, theme.statusBar) + StyledLine(right, theme.statusBar)
        }
        bar = bar.truncated(to: columns)

        let keys: StyledLine
        switch mode {
        case .typing(_, let text):
            var line = StyledLine(" " + strings(.typingPrompt), theme.label)
            line.append(TextSanitizer.clean(text))
            line.append("▏", theme.focusMarker)
            let hint = "  " + strings(.keysTyping)
            if line.width + DisplayWidth.of(hint) <= columns { line.append(hint, theme.statusKeys) }
            keys = line.width > columns ? StyledLine(" …").applying(theme.label) + tail(line, columns - 2) : line
        case .contents:
            keys = StyledLine(" " + strings(.keysContentsMode), theme.statusKeys)
        case .help:
            keys = StyledLine(" " + strings(.keysHelpMode), theme.statusKeys)
        case .output:
            keys = StyledLine(" " + strings(.keysOutputMode), theme.statusKeys)
        case .reading:
            keys = StyledLine(" " + keyHints(width: columns - 1).joined(separator: "  "), theme.statusKeys)
        }
        return [bar, keys.truncated(to: columns)]
    }

    /// The end of a line, `width` columns of it (the typed answer scrolls left as it grows).
    func tail(_ line: StyledLine, _ width: Int) -> StyledLine {
        var characters = Array(line.plainText)
        while DisplayWidth.of(String(characters)) > width, !characters.isEmpty { characters.removeFirst() }
        return StyledLine(String(characters))
    }

    /// The keys that do something now, most useful first, as many as fit.
    func keyHints(width: Int) -> [String] {
        var hints: [String] = []
        let letters = { (count: Int) in
            count <= 1 ? "a" : "a–" + DirectiveRenderer.letter(count - 1)
        }
        switch blocksByPriority.first(where: takesLetters) {
        case .checkpoint(let checkpoint)?:
            hints.append(strings(.keysAnswer, letters(checkpoint.choices.count)))
        case .lab(let lab)?:
            hints.append(strings(.keysPredict, letters(lab.choices.count)))
        default:
            break
        }
        if shortAnswerTarget != nil { hints.append(strings(.keysTypeAnswer)) }
        if revealTarget != nil { hints.append(strings(.keysReveal)) }
        if let screen, interactiveOnPage.contains(where: { isRunnable(screen.blocks[$0]) }) {
            hints.append(strings(.keysRun))
            if interactiveOnPage.contains(where: { screen.blocks[$0].directiveID.map { labOutputs[$0] != nil } ?? false }) {
                hints.append(strings(.keysOutput))
            }
        }
        if interactiveOnPage.count > 1 { hints.append(strings(.keysFocus)) }
        hints += [strings(.keysNext), strings(.keysBack), strings(.keysQuit), strings(.keysContents), strings(.keysHelp)]
        var shown: [String] = []
        var used = 0
        for hint in hints {
            let cost = DisplayWidth.of(hint) + (shown.isEmpty ? 0 : 2)
            if used + cost > width { continue }
            shown.append(hint)
            used += cost
        }
        return shown
    }

    func helpLines() -> [StyledLine] {
        var lines = MarkdownRenderer(width: contentWidth, theme: theme).render(.heading(level: 2, [.text(strings(.helpTitle))]))
        lines.append(.blank)
        let pairs = strings(.helpLines).split(separator: "\n").map { line -> (String, String) in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
        }
        let keyWidth = min(contentWidth / 2, (pairs.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2)
        for (keys, meaning) in pairs {
            let first = StyledLine(keys, theme.label).truncated(to: keyWidth - 1).padded(to: keyWidth)
            lines += TextWrapper.wrap([Span(meaning)], width: contentWidth, firstPrefix: first,
                                      restPrefix: StyledLine(String(repeating: " ", count: keyWidth)))
        }
        return lines
    }

    /// The table of contents, scrolled to keep the selection in view.
    func contentsLines(selection: Int, height: Int) -> [StyledLine] {
        let width = contentWidth
        var lines = MarkdownRenderer(width: width, theme: theme).render(.heading(level: 2, [.text(strings(.contentsTitle))]))
        let headerCount = lines.count
        var entryLines: [StyledLine] = []
        let numberWidth = String(library.lessons.count).count
        let screenNumberWidth = String(lesson?.screens.count ?? 1).count
        for (index, entry) in contentsEntries().enumerated() {
            guard library.lessons.indices.contains(entry.lesson) else { continue }
            let lesson = library.lessons[entry.lesson]
            var text: String
            var status = ""
            if let screen = entry.screen {
                let title = lesson.screens[screen].title ?? lesson.title
                let number = String(screen + 1)
                text = String(repeating: " ", count: numberWidth + 4 + screenNumberWidth - number.count) + number + ". " + title
                if entry.lesson == lessonIndex && screen == screenIndex { status = strings(.contentsCurrent) }
            } else {
                let number = String(entry.lesson + 1)
                text = String(repeating: " ", count: numberWidth - number.count) + number + "  " + lesson.title
                status = statusWord(for: lesson)
            }
            let marker = index == selection ? "▶ " : "  "
            var line = StyledLine(marker + text)
            if !status.isEmpty {
                let room = width - DisplayWidth.of(status) - 2
                line = line.truncated(to: room, marker: Span("…")).padded(to: room) + StyledLine("  " + status, theme.hint)
            }
            entryLines.append(index == selection ? line.truncated(to: width).applying(theme.selection) : line.truncated(to: width))
        }
        let room = max(1, height - headerCount - 1)
        let first = max(0, min(selection - room / 2, entryLines.count - room))
        lines.append(.blank)
        lines += entryLines[first..<min(entryLines.count, first + room)]
        return lines
    }

    /// `done`, `in progress` or `not started`.
    func statusWord(for lesson: Lesson) -> String {
        guard let state = progress.lessons[lesson.id] else { return strings(.lessonNotStarted) }
        return strings(state.completed ? .lessonDone : .lessonInProgress)
    }
}

/// One line per lesson with its progress, for `osilab lessons`.
public enum LessonListing {
    /// `  4  The three-way handshake      in progress   checkpoints 1/3 right`.
    public static func lines(library: LessonLibrary, progress: LearnerProgress, strings: UIStrings = .english,
                             theme: Theme = .standard, width: Int = 80) -> [StyledLine] {
        let numberWidth = String(library.lessons.count).count
        let statusWidth = [UIText.lessonDone, .lessonInProgress, .lessonNotStarted].map { DisplayWidth.of(strings($0)) }.max() ?? 11
        let counts = library.lessons.map { lesson -> String in
            let total = lesson.checkpoints.count
            let right = lesson.checkpoints.filter { progress.checkpoints[$0.id]?.correct == true }.count
            return strings(.checkpointsCount, String(right), String(total))
        }
        let countWidth = counts.map { DisplayWidth.of($0) }.max() ?? 0
        let titleWidth = max(12, width - numberWidth - 2 - 2 - statusWidth - 2 - countWidth)
        var lines = [StyledLine(strings(.lessonsHeader), theme.heading2)]
        for (index, lesson) in library.lessons.enumerated() {
            let state = progress.lessons[lesson.id]
            let (status, style): (String, TextStyle) = switch (state, state?.completed) {
            case (nil, _): (strings(.lessonNotStarted), theme.hint)
            case (_, true?): (strings(.lessonDone), theme.right)
            default: (strings(.lessonInProgress), theme.notice)
            }
            let number = String(index + 1)
            var line = StyledLine(String(repeating: " ", count: numberWidth - number.count) + number + "  ", theme.label)
            line.append(StyledLine(lesson.title).truncated(to: titleWidth, marker: Span("…")).padded(to: titleWidth))
            line.append("  ")
            line.append(StyledLine(status, style).padded(to: statusWidth))
            line.append("  ")
            line.append(counts[index], theme.hint)
            lines.append(MarkdownRenderer.trimTrailingSpaces(line))
        }
        lines.append(.blank)
        lines.append(StyledLine(strings(.lessonsFooter), theme.hint))
        return lines
    }
}
