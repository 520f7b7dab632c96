import TextUI

// What osilab's command line says about what was typed, before any command runs: a command
// or an experiment it does not have (with the names it does have, and the closest ones),
// and a port that is not one. swift-argument-parser's own messages are English and, for a
// typo, print the usage of the hidden default command; these say it in the learner's language.

/// The id of a sentence osilab's command line says about what was typed.
public enum CommandText: String, SentenceID {
    public static let namespace = "command"
    // A command osilab does not have, and the list of those it has
    case unknownCommand, unknownCommandSuggest, suggestedCommand, or, commandsHeading, commandsFooter
    // One line per command in that list: `about` and the command's name (`aboutHandshake`)
    case aboutStart, aboutLessons, aboutLesson, aboutHandshake, aboutExperiment, aboutWatch, aboutShell
    case aboutRead, aboutServe, aboutClient, aboutExercises, aboutCheck, aboutHint, aboutEdit, aboutReset
    case aboutDoctor
    // An experiment osilab does not have
    case unknownExperiment, unknownExperimentSuggest, experimentNames, nameSeparator
    // --port
    case portNotANumber, portOutOfRange
}

/// The command line's sentences in one language.
public typealias CommandStrings = StringTable<CommandText>

/// A port as typed after `--port`, by the rule of exercise 2 (socket-address): the digits 0 to
/// 9 only, and a number from 0 to 65535, however many digits it has.
public enum PortText {
    /// The port `text` names, or nil.
    public static func number(_ text: String) -> UInt16? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Leading zeros are digits too: 000080 is port 80, 0070000 is still too large.
        let digits = text.drop { $0 == "0" }
        guard digits.count <= 5, let value = Int(digits.isEmpty ? "0" : String(digits)) else { return nil }
        return UInt16(exactly: value)
    }

    /// Why `text` is not a port, in `language`; nil when it is one.
    public static func problem(_ text: String, option: String = "--port", language: Language) -> String? {
        guard number(text) == nil else { return nil }
        let say = CommandStrings(language)
        let isNumber = !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
        return say(isNumber ? .portOutOfRange : .portNotANumber, option, text)
    }
}

extension StringTable where ID == CommandText {
    /// What a command is for, in one line: `handshake` gives ``CommandText/aboutHandshake``;
    /// nil for a command without such a line.
    public func about(command name: String) -> String? {
        let words = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return CommandText(rawValue: "about" + words.joined()).map { self($0) }
    }

    /// `osilab handshak`: the command does not exist; the closest ones, then every command with
    /// what it is for, one line each (wrapped under its own text where `width` is too narrow).
    /// - Parameters:
    ///   - parent: the command line up to the unknown word (`osilab`).
    ///   - commands: the names there are, in order, each with its English abstract, shown
    ///     where no line of ``about(command:)`` says it.
    public func unknownCommand(_ typed: String, parent: String, commands: [(name: String, abstract: String)],
                               width: Int) -> [String] {
        let suggestions = NameSuggestion.closest(to: typed, among: commands.map(\.name))
        let lead = suggestions.isEmpty
            ? self(.unknownCommand, parent, typed)
            : self(.unknownCommandSuggest, parent, typed,
                   suggestions.map { self(.suggestedCommand, parent + " " + $0) }.joined(separator: self(.or)))
        var lines = TextWrapper.wrap(lead, width: width) + ["", self(.commandsHeading)]
        let nameWidth = (commands.map { DisplayWidth.of($0.name) }.max() ?? 0) + 2
        for command in commands {
            let name = "  " + command.name + String(repeating: " ", count: nameWidth - DisplayWidth.of(command.name))
            let text = about(command: command.name) ?? command.abstract
            lines += TextWrapper.wrap(text, width: width, firstPrefix: name,
                                      restPrefix: String(repeating: " ", count: DisplayWidth.of(name)))
        }
        return lines + [""] + TextWrapper.wrap(self(.commandsFooter, parent), width: width)
    }

    /// `osilab experiment nosuch`: the experiment does not exist; the closest ones, then the
    /// names of all of them.
    public func unknownExperiment(_ typed: String, names: [String], width: Int) -> [String] {
        let suggestions = NameSuggestion.closest(to: typed, among: names)
        let lead = suggestions.isEmpty
            ? self(.unknownExperiment, typed)
            : self(.unknownExperimentSuggest, typed,
                   suggestions.map { self(.suggestedCommand, "osilab experiment " + $0) }.joined(separator: self(.or)))
        return TextWrapper.wrap(lead, width: width)
            + TextWrapper.wrap(self(.experimentNames, names.joined(separator: self(.nameSeparator))), width: width)
    }
}
