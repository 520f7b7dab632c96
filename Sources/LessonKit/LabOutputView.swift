import Terminal
import TextUI

// A lab's output, kept by the runner and shown inside the lesson in a view the learner
// scrolls: a ladder is often taller than the terminal, and printed straight to it, its
// handshake (the lines the lesson asks about) scrolled away before the learner could read it.

/// What a lab run printed.
public struct LabOutput: Equatable, Sendable {
    /// The lab step's (or erratum's) id.
    public var id: String
    /// The command line, as shown to the learner.
    public var display: String
    /// Its lines, without colours or other control characters.
    public var lines: [String]
    /// The line the view opens at (see ``LabStep/outputAt``).
    public var start: Int

    /// - Parameter anchor: the text of the line to open at; the view opens at the top when
    ///   it is nil or no line holds it.
    public init(id: String, display: String, text: String, anchor: String?) {
        self.id = id
        self.display = display
        var lines = TextSanitizer.clean(Self.strippingEscapes(text)).split(separator: "\n", omittingEmptySubsequences: false)
            .map { MarkdownRenderer.trimTrailingSpaces(StyledLine(String($0))).plainText }
        while lines.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
        start = anchor.flatMap { text in lines.firstIndex { $0.contains(text) } } ?? 0
    }

    /// `text` without ANSI escape sequences (CSI `ESC [ ... letter` and OSC `ESC ] ... BEL`):
    /// their parameters would be left behind as text once the escape character is removed.
    static func strippingEscapes(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                out.append(scalar)
                continue
            }
            switch scalars.next() {
            case "["?:
                while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
            case "]"?:
                while let next = scalars.next(), next != "\u{07}", next != "\u{1B}" {}
            default:
                break
            }
        }
        return String(out)
    }

    /// The lines cut to `width` columns, a long line continued on the next (never wider
    /// than the terminal, with no character cut in two).
    func wrapped(width: Int) -> [String] {
        wrappedLines(width: width).map(\.text)
    }

    /// The wrapped lines, each with the index of the line it comes from.
    func wrappedLines(width: Int) -> [(source: Int, text: String)] {
        let width = max(1, width)
        var result: [(source: Int, text: String)] = []
        for (index, line) in lines.enumerated() {
            if DisplayWidth.of(line) <= width {
                result.append((index, line))
                continue
            }
            // Prose (a notice, an explanation) breaks between words, as the lessons do; a
            // line that still does not fit (a long token) is cut between characters.
            let words = TextWrapper.wrap(line, width: width)
            if !words.isEmpty, words.allSatisfy({ DisplayWidth.of($0) <= width }) {
                result += words.map { (index, $0) }
                continue
            }
            var current = ""
            var used = 0
            for character in line {
                let cost = DisplayWidth.of(character)
                if used + cost > width, !current.isEmpty {
                    result.append((index, current))
                    current = ""
                    used = 0
                }
                current.append(character)
                used += cost
            }
            result.append((index, current))
        }
        return result
    }
}

extension LessonSession {
    /// Whether a lab command finishes by itself without reading the keyboard, so its output
    /// can be kept and shown in the lesson: the commands that record facts (`handshake`,
    /// `experiment ...`), unlike servers and clients, which the learner types into and stops.
    static func finishesByItself(_ arguments: [String]) -> Bool {
        !FactCatalog.standard.factNames(forCommand: arguments).isEmpty
    }

    /// The columns a recorded lab is told it has (`COLUMNS`): the view's width.
    public var outputWidth: Int { max(20, size.columns - 2 * margin) }

    /// Rows of output the view shows: the page less its title line.
    var outputRows: Int { max(1, viewportHeight - 1) }

    /// What a lab started from this session is told, for a lab whose output is kept: the
    /// width to lay its output out to, since it writes to a file and sees no terminal.
    public func childEnvironment(for request: LabRequest) -> [String: String] {
        var environment = childEnvironment
        if request.recordsOutput { environment["COLUMNS"] = String(outputWidth) }
        return environment
    }

    /// What lab `id` printed the last time it ran in this session.
    public func labOutput(_ id: String) -> LabOutput? {
        labOutputs[id]
    }

    /// Keeps `output` and opens the view on it, at its start line.
    func showOutput(_ output: LabOutput) {
        labOutputs[output.id] = output
        let lines = output.wrappedLines(width: outputWidth)
        let top = lines.firstIndex { $0.source == output.start } ?? 0
        mode = .output(labID: output.id, top: clampedTop(top, count: lines.count))
    }

    /// `o`: opens again what the focused lab (or the first on the page that ran) printed.
    func openOutput() {
        guard let screen else { return }
        let onPage = blocksByPriority.compactMap(\.directiveID) + interactiveOnPage.compactMap { screen.blocks[$0].directiveID }
        guard let id = onPage.first(where: { labOutputs[$0] != nil }), let output = labOutputs[id] else {
            notice = [strings(.noLabOutput)]
            return
        }
        showOutput(output)
    }

    /// The first line shown may not leave the view's last page short of lines.
    func clampedTop(_ top: Int, count: Int) -> Int {
        min(max(0, top), max(0, count - outputRows))
    }

    func handleOutput(_ key: Key, labID: String, top: Int) -> SessionAction {
        guard let output = labOutputs[labID] else {
            mode = .reading
            return .redraw
        }
        let count = output.wrapped(width: outputWidth).count
        let page = max(1, outputRows - 1)
        let newTop: Int
        switch key {
        case .down, .character("j"), .enter: newTop = top + 1
        case .up, .character("k"): newTop = top - 1
        case .pageDown, .character(" "), .right: newTop = top + page
        case .pageUp, .character("b"), .left, .backspace: newTop = top - page
        case .home, .character("g"): newTop = 0
        case .end, .character("G"): newTop = count
        case .character("q"), .escape, .character("o"):
            mode = .reading
            showEnd(of: labID)
            return .redraw
        case .controlC:
            recordPosition()
            return .quit
        default:
            return .none
        }
        mode = .output(labID: labID, top: clampedTop(newTop, count: count))
        return .redraw
    }

    /// The view: a title rule naming the command, then its lines from `top`.
    func outputLines(labID: String, top: Int) -> [StyledLine] {
        guard let output = labOutputs[labID] else { return [] }
        let lines = output.wrapped(width: outputWidth)
        var body = [Box.rule(width: outputWidth, label: strings(.outputTitle, output.display), style: theme.rule, labelStyle: theme.command)]
        body += lines.dropFirst(top).prefix(outputRows).map { StyledLine($0) }
        return body
    }

    /// `lines 12–40 of 63`, for the status bar.
    func outputPosition(labID: String, top: Int) -> String {
        let count = labOutputs[labID]?.wrapped(width: outputWidth).count ?? 0
        let last = min(count, top + outputRows)
        return strings(.outputPosition, String(count == 0 ? 0 : top + 1), String(last), String(count))
    }
}
