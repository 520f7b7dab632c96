import Foundation
import Synchronization
import TextUI

// The checks run inside `swift test`, a process osilab starts (or the learner starts by hand),
// so no `--lang` reaches them: the environment is the only way in. It is read here, once, for
// the whole test process; every sentence a check shows comes through ``say``.

/// The language the checks' failure messages are written in.
public enum CheckLanguage {
    /// The language an environment names for the checks: `OSILAB_LANG` first (what `osilab
    /// check` passes to the test process), then the locale variables in POSIX order, else
    /// English. A value of `OSILAB_LANG` that names no language is passed over.
    public static func from(_ environment: [String: String]) -> Language {
        let asked = environment[Language.childVariable].flatMap(Language.init(code:))
        return Language.choose(flag: asked, environment: environment, stored: nil).0
    }

    /// The test process's own choice: the one place the checks read the environment.
    static let ofProcess = from(ProcessInfo.processInfo.environment)

    /// The language the checks speak now: the process's, unless a test is collecting
    /// failures in a language of its own (``CheckReport/collecting(_:_:)``).
    public static var current: Language {
        CheckReport.state.withLock { $0.language } ?? ofProcess
    }
}

/// The checks' sentences in the language they speak now.
var say: StringTable<CheckText> { StringTable(CheckLanguage.current) }

/// Where a check's failures go: to XCTest, as `XCTFail` at the learner's test, or, while a
/// test of the checks themselves collects them, into a list it can read.
public enum CheckReport {
    struct State {
        var language: Language?
        var collected: [String]?
    }

    static let state = Mutex(State())

    /// Runs `body` with every failure a check records written in `language` and collected
    /// instead of reported, and returns the messages in the order they were recorded.
    ///
    /// For tests of the checks: calls do not nest, and the tests that use it run one at a
    /// time (as XCTest runs them).
    public static func collecting(_ language: Language, _ body: () -> Void) -> [String] {
        let previous = state.withLock { state -> State in
            defer { state = State(language: language, collected: []) }
            return state
        }
        body()
        return state.withLock { state -> [String] in
            defer { state = previous }
            return state.collected ?? []
        }
    }

    /// Keeps `message` when a test is collecting; false when XCTest should have it.
    static func keep(_ message: String) -> Bool {
        state.withLock { state in
            guard state.collected != nil else { return false }
            state.collected?.append(message)
            return true
        }
    }
}
