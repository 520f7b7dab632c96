import Foundation
import Terminal
import TextUI
import Timeline

/// Shows a run one event at a time (`--step`): interactive on a terminal, as a transcript
/// of every step when the output is piped.
public func runStepMode(run: RecordedRun, timeline: Timeline, numbers: NumberStyle, language: Language = .english) throws {
    var screen = StepScreen(run: run, timeline: timeline, numbers: numbers, language: language)
    guard Terminal.isTerminal(STDIN_FILENO), Terminal.isTerminal(STDOUT_FILENO) else {
        for line in screen.transcript(width: 100) { print(line) }
        return
    }
    let environment = ProcessInfo.processInfo.environment
    let mode = StyleMode.resolve(noColor: environment["NO_COLOR"], isTerminal: true)
    let terminal = RawTerminal()
    try terminal.enter()
    defer { terminal.leave() }
    while true {
        let size = terminal.size
        terminal.draw(screen.lines(columns: size.columns, rows: size.rows, mode: mode))
        switch terminal.readEvent() {
        case .key(.down) where screen.showLayers:
            screen.scroll(by: 1)
        case .key(.up) where screen.showLayers:
            screen.scroll(by: -1)
        case .key(.pageDown) where screen.showLayers:
            screen.scroll(by: max(1, terminal.size.rows - 6))
        case .key(.pageUp) where screen.showLayers:
            screen.scroll(by: -max(1, terminal.size.rows - 6))
        case .key(.right), .key(.character(" ")), .key(.enter), .key(.character("n")), .key(.down), .key(.pageDown):
            screen.forward()
        case .key(.left), .key(.character("p")), .key(.character("b")), .key(.up), .key(.pageUp), .key(.backspace):
            screen.back()
        case .key(.home):
            screen.first()
        case .key(.end):
            screen.last()
        case .key(.character("l")):
            screen.showLayers.toggle()
        case .key(.character("q")), .key(.escape), .key(.controlC), .endOfInput:
            return
        default:
            continue
        }
    }
}
