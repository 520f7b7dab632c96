import ArgumentParser
import LessonKit

/// Answers LessonKit's question "does this osilab have the command a lab runs?" by
/// parsing the lab's arguments with the real root command, so the answer can never drift
/// from the commands that exist.
enum LabCommandCheck {
    static let check: CommandCheck = { arguments in
        // Walk the subcommand names first, so a command that is simply not built yet is
        // told apart from one that exists but rejects these options.
        var command: any ParsableCommand.Type = OSILab.self
        var path: [String] = []
        for word in arguments {
            if word.hasPrefix("-") { break }
            let subcommands = command.configuration.subcommands
            if subcommands.isEmpty { break }
            guard let next = subcommands.first(where: { $0._commandName == word }) else {
                return .missing(command: (path + [word]).joined(separator: " "))
            }
            command = next
            path.append(word)
        }
        do {
            _ = try OSILab.parseAsRoot(arguments)
            return .available
        } catch {
            return .invalid(message: OSILab.message(for: error))
        }
    }
}
