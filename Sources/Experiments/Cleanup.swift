import Foundation
import Synchronization
import TextUI

/// Everything an experiment has set up outside its own process memory (a network
/// namespace, a firewall table), with the action that removes it.
///
/// Each piece is registered as soon as it exists and removed by its owner when the run
/// ends; whatever is still registered when the program is interrupted (Ctrl-C, SIGTERM)
/// is removed by the signal handler before the program exits. Sockets and threads need
/// no entry: the kernel closes a process's descriptors when it exits.
public final class CleanupRegistry: Sendable {
    /// The registry the experiments use.
    public static let shared = CleanupRegistry()

    /// A registered action; pass it to ``run(_:)`` to clean up early.
    public struct Token: Sendable, Hashable {
        fileprivate let id: Int
    }

    private struct Entry {
        let id: Int
        /// What it undoes, in a language.
        let label: @Sendable (Language) -> String
        let action: @Sendable () -> Void
    }

    private struct State {
        var entries: [Entry] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers `action` to undo something just set up; `label` says what (for messages).
    public func add(_ label: String, _ action: @escaping @Sendable () -> Void) -> Token {
        add({ _ in label }, action)
    }

    /// Registers `action`; `label` says what it undoes in the language asked for.
    public func add(_ label: @escaping @Sendable (Language) -> String, _ action: @escaping @Sendable () -> Void) -> Token {
        state.withLock { state in
            state.nextID += 1
            state.entries.append(Entry(id: state.nextID, label: label, action: action))
            return Token(id: state.nextID)
        }
    }

    /// Runs one action now (once: a second call does nothing).
    public func run(_ token: Token) {
        let entry = state.withLock { state -> Entry? in
            guard let index = state.entries.firstIndex(where: { $0.id == token.id }) else { return nil }
            return state.entries.remove(at: index)
        }
        entry?.action()
    }

    /// Runs every action still registered, newest first (a rule before its namespace).
    /// Returns what was cleaned up, in `language`.
    @discardableResult
    public func runAll(language: Language = .english) -> [String] {
        let entries = state.withLock { state -> [Entry] in
            defer { state.entries.removeAll() }
            return state.entries
        }
        for entry in entries.reversed() { entry.action() }
        return entries.reversed().map { $0.label(language) }
    }

    /// What is registered now.
    public var pending: [String] { state.withLock { $0.entries.map { $0.label(.english) } } }
}

/// Cleans up on Ctrl-C and SIGTERM before the program exits.
public enum InterruptHandler {
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    /// Installs handlers for SIGINT and SIGTERM that run ``CleanupRegistry/shared``'s
    /// actions, say what they removed on standard error, then let the signal end the
    /// program as it would have (exit status 128 + signal number). The message is in `language`.
    public static func install(language: Language = .english) {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                // Dispatch delivers the signal on one of its threads, where it is safe to
                // start `ip netns del`; the default action would end the process at once.
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    let removed = CleanupRegistry.shared.runAll(language: language)
                    if !removed.isEmpty {
                        let say = ExperimentStrings(language)
                        FileHandle.standardError.write(Data(("\n" + say(.cleanupInterrupted, say.list(removed)) + "\n").utf8))
                    }
                    signal(number, SIG_DFL)
                    kill(getpid(), number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
