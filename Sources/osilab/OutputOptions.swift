import ArgumentParser
import Foundation
import Labs
import Report
import Timeline

/// The output choices shared by every command that shows a captured timeline.
struct TimelineOutputOptions: ParsableArguments {
    @Flag(help: "Plain text without colour, for pasting: all ASCII (us for µs, [ok] for ✓, -> for →); with --lang zh, ASCII and the Chinese text.")
    var plain = false

    @Option(help: ArgumentHelp("Lay the output out for this many columns (default: the terminal's width, or 100 when piped).",
                               valueName: "columns"))
    var width: Int?

    @Flag(help: "One JSON object per event (packet or system call), for scripts.")
    var json = false

    @Flag(help: "Show raw 32-bit sequence numbers instead of numbers relative to each side's first.")
    var absolute = false

    @Flag(help: "Break every packet down by OSI layer, with its bytes.")
    var layers = false

    @Option(help: ArgumentHelp("Also write the run's facts (for the lessons) as JSON to this file.", valueName: "file"))
    var facts: String?

    @OptionGroup var language: LanguageOption

    func validate() throws {
        if plain && json { throw ValidationError(LabStrings(typedLabLanguage())(.chooseOneFormat)) }
        if let width, width < LadderRenderer.minimumWidth || width > 1000 {
            throw ValidationError(LabStrings(typedLabLanguage())(.widthOutOfRange, "\(width)", "\(LadderRenderer.minimumWidth)", "1000"))
        }
    }

    var style: ReportStyle {
        let environment = ProcessInfo.processInfo.environment
        let isTerminal = isatty(STDOUT_FILENO) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let format: ReportStyle.Format = json ? .json : (plain ? .plain : .ladder)
        // --plain is laid out for the terminal too (a 100-column ladder in a 60-column
        // terminal wraps and breaks its lifelines); piped, terminalWidth() gives 100.
        let width = self.width ?? terminalWidth()
        // JSON is for scripts: its notes and explanation stay English whatever the learner reads.
        return ReportStyle(format: format, numbers: absolute ? .absolute : .relative, width: width,
                           colour: isTerminal && !noColor, layers: layers,
                           language: json ? .english : labLanguage(flag: language.language))
    }
}

/// The terminal's width in columns, or $COLUMNS, or 100.
func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    return 100
}

/// Prints a message for the user on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Width and colour for the OSI layer view: the terminal's width and colour unless the
/// output is piped or NO_COLOR is set.
func layerViewSettings() -> (width: Int, colour: Bool) {
    let isTerminal = isatty(STDOUT_FILENO) == 1
    let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    return (isTerminal ? terminalWidth() : 100, isTerminal && !noColor)
}
