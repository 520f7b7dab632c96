import ArgumentParser

@main
struct OSILab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osilab",
        abstract: "A teaching lab for the OSI model, TCP and the Berkeley socket API.",
        discussion: """
            osilab walks you through lessons on layers, sockets and the TCP handshake, and lets \
            you watch real packets on loopback next to the socket calls that caused them. \
            Start with the lessons, then try the live labs, experiments and exercises.
            """,
        version: "0.1.0",
        // To add a command: write Sources/osilab/<Name>Command.swift and list it here.
        subcommands: [
            Start.self,
            Lessons.self,
            OpenLesson.self,
            Handshake.self,
            ExperimentCommand.self,
            Watch.self,
            Shell.self,
            Read.self,
            Serve.self,
            Client.self,
            ListExercises.self,
            Check.self,
            Hint.self,
            Edit.self,
            Reset.self,
            Doctor.self,
        ],
        defaultSubcommand: Start.self
    )

    // `osilab --lang zh lesson 4`: the flag before the subcommand belongs to the root, and
    // reaches the lesson commands, which declare the same options.
    @OptionGroup var language: LanguageOption
}
