import TextUI

// What the private network says to the learner: the one-line notice of a command running in
// one, why osilab cannot make one here and how to fix it (``Refusal``), and the messages of
// `osilab shell`. The sentences live in TextUI/Sentences (section `tools`).

/// The id of a sentence about the private network.
public enum NetworkText: String, SentenceID {
    public static let namespace = "network"
    // The notice of a command running inside one
    case noticeFresh, noticeNamed
    // Why there is none here, and the fix
    case evidence, seccompFilter
    case problemTurnedOff, problemLimitReached, problemRootOnly, problemAppArmor, problemContainer, problemMacOS
    case problemUnsupportedSystem, problemFailed
    case fixTurnedOff, fixRootOnly, fixAppArmor, fixContainer, fixMacOS, fixOther
    case callNothing, callWrite, callMount, callLoopback, callNamespaces
    // Other refusals (``Refusal/Reason/other(_:)``)
    case insideOtherNetwork, insideEarlierNetwork, noProgram, badName, registryNotOwned, registryLockOpen
    case registryLock, registryWrite, reenterFailed
    // What a live command prints around a refusal
    case leadCaptures, leadAdministers, leadRunsIn, orAsRoot, chooseOneNetworkOption
    // osilab shell
    case shellNoneUp, shellListOne, shellListMany, shellInsideOther, shellInsideEarlier, shellAlreadyIn, shellCannotRun
    case shellEntering, shellJoiningOne, shellJoiningMany, shellOnlyLoopback
}

/// The private network's sentences in one language.
public typealias NetworkStrings = StringTable<NetworkText>

/// A sentence about the private network with its parts, said in any language when it is shown
/// (a ``Refusal`` is made where the language is not known).
public struct NetworkMessage: Sendable, Equatable, CustomStringConvertible {
    public var id: NetworkText
    public var arguments: [String]

    public init(_ id: NetworkText, _ arguments: String...) {
        self.id = id
        self.arguments = arguments
    }

    public func text(in language: Language) -> String {
        NetworkStrings(language).format(id, arguments)
    }

    public var description: String { text(in: .english) }
}
