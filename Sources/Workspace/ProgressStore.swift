import Foundation
import Synchronization

/// What the learner has done, kept between runs: lessons, checkpoints, exercises, settings.
public struct LearnerProgress: Codable, Equatable, Sendable {
    public struct LessonState: Codable, Equatable, Sendable {
        /// The screen the learner last looked at (0-based).
        public var screen: Int = 0
        public var completed: Bool = false
        public init() {}
    }

    public struct CheckpointResult: Codable, Equatable, Sendable {
        /// The last answer given.
        public var answer: String
        /// Whether the learner found the answer (`answer` is right, given before it was shown).
        public var correct: Bool
        /// How many answers the learner gave.
        public var attempts: Int
        /// The runner showed the right answer (after a second miss, or on request) before
        /// the learner found it; no answer is taken after that.
        public var revealed: Bool

        public init(answer: String, correct: Bool, attempts: Int, revealed: Bool = false) {
            self.answer = answer
            self.correct = correct
            self.attempts = attempts
            self.revealed = revealed
        }

        /// Whether the question is done with: answered right, or its answer shown.
        public var settled: Bool { correct || revealed }

        // A file written before `revealed` existed comes from a runner that showed the answer
        // with every wrong one: such a wrong answer counts as revealed.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            answer = try container.decode(String.self, forKey: .answer)
            correct = try container.decode(Bool.self, forKey: .correct)
            attempts = (try? container.decode(Int.self, forKey: .attempts)) ?? 1
            revealed = (try? container.decodeIfPresent(Bool.self, forKey: .revealed)) ?? !correct
        }
    }

    /// A predict-then-observe lab step: what the learner predicted and what the command observed.
    public struct PredictionResult: Codable, Equatable, Sendable {
        /// The tag of the predicted choice.
        public var predicted: String
        /// The fact's value the command recorded; nil when it recorded none.
        public var observed: String?
        /// Whether they agree; nil when the prediction could not be checked.
        public var matched: Bool?
        public init(predicted: String, observed: String?, matched: Bool?) {
            self.predicted = predicted
            self.observed = observed
            self.matched = matched
        }
    }

    public struct ExerciseState: Codable, Equatable, Sendable {
        public enum Status: String, Codable, Sendable { case notStarted = "not started", failing, passed }
        public var status: Status = .notStarted
        /// How many hints have been shown so far.
        public var hintsShown: Int = 0
        /// How many times the exercise was graded.
        public var checks: Int = 0
        /// When it first passed (ISO 8601), kept after a later failure or a reset: the
        /// reference solution may be shown once the learner's own code has passed.
        public var firstPassed: String?
        public init() {}

        // Field by field, so a file written before a field existed still loads.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = (try? container.decode(Status.self, forKey: .status)) ?? .notStarted
            hintsShown = (try? container.decode(Int.self, forKey: .hintsShown)) ?? 0
            checks = (try? container.decode(Int.self, forKey: .checks)) ?? 0
            firstPassed = try? container.decodeIfPresent(String.self, forKey: .firstPassed)
        }
    }

    public var version: Int = 1
    /// The lesson the learner is in (its id), for resuming.
    public var currentLesson: String?
    public var lessons: [String: LessonState] = [:]
    public var checkpoints: [String: CheckpointResult] = [:]
    /// Predictions in lab steps, keyed by the lab step's id.
    public var predictions: [String: PredictionResult] = [:]
    public var exercises: [String: ExerciseState] = [:]
    /// The interface language the learner chose (`en`, `zh`), if any.
    public var language: String?

    public init() {}

    // Decode field by field so a file from an older or newer osilab keeps what it can.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = (try? container.decode(Int.self, forKey: .version)) ?? 1
        currentLesson = try? container.decodeIfPresent(String.self, forKey: .currentLesson)
        lessons = (try? container.decode([String: LessonState].self, forKey: .lessons)) ?? [:]
        checkpoints = (try? container.decode([String: CheckpointResult].self, forKey: .checkpoints)) ?? [:]
        predictions = (try? container.decode([String: PredictionResult].self, forKey: .predictions)) ?? [:]
        exercises = (try? container.decode([String: ExerciseState].self, forKey: .exercises)) ?? [:]
        language = try? container.decodeIfPresent(String.self, forKey: .language)
    }
}

/// Loads and saves ``LearnerProgress`` under the XDG state directory
/// (`$XDG_STATE_HOME/osilab/progress.json`, by default `~/.local/state/osilab/progress.json`).
///
/// Saving writes a temporary file and renames it over the old one, so a crash never
/// leaves half a file. A file that cannot be read is moved aside (`progress.json.corrupt-…`)
/// and reported, and the learner starts afresh instead of being locked out.
public final class ProgressStore: Sendable {
    /// A problem met while loading the progress file, kept as data so the lesson runner can
    /// say it in the learner's language (``description`` is the English sentence).
    public enum LoadProblem: Equatable, Sendable, CustomStringConvertible {
        /// The file could not be decoded and was renamed to `movedTo`.
        case unreadableMovedAside(file: String, movedTo: String)
        /// The file could not be decoded, nor renamed.
        case unreadableKept(file: String)

        public var description: String {
            switch self {
            case .unreadableMovedAside(let file, let aside):
                "Your progress file \(file) could not be read, so it was moved to \(aside) and you start afresh."
            case .unreadableKept(let file):
                "Your progress file \(file) could not be read (and could not be moved aside); starting afresh."
            }
        }
    }

    public let file: URL
    private let cache = Mutex<LearnerProgress?>(nil)
    private let warnings = Mutex<[LoadProblem]>([])

    public init(file: URL) {
        self.file = file
    }

    /// The store at the standard place for this user.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressStore {
        ProgressStore(file: stateDirectory(environment: environment).appendingPathComponent("progress.json"))
    }

    /// `$XDG_STATE_HOME/osilab`, or `~/.local/state/osilab` when XDG_STATE_HOME is unset or
    /// not absolute (the XDG spec says relative values must be ignored).
    public static func stateDirectory(environment: [String: String]) -> URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state, isDirectory: true).appendingPathComponent("osilab", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/state/osilab", isDirectory: true)
    }

    /// Problems met while loading (a corrupt file set aside), for the caller to show once.
    public func takeWarnings() -> [String] {
        takeProblems().map(\.description)
    }

    /// Problems met while loading, as data (see ``LoadProblem``); each is returned once.
    public func takeProblems() -> [LoadProblem] {
        warnings.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// The language stored in the progress file, read without any side effect: a file that
    /// cannot be read gives nil and stays where it is (for commands that only want the
    /// learner's language, such as a lab started outside the lesson runner).
    public func peekLanguage() -> String? {
        if let cached = cache.withLock({ $0 }) { return cached.language }
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return (try? JSONDecoder().decode(LearnerProgress.self, from: data))?.language
    }

    /// The saved progress, or empty progress if there is none yet.
    public func load() -> LearnerProgress {
        if let cached = cache.withLock({ $0 }) { return cached }
        let progress = readFromDisk()
        cache.withLock { $0 = progress }
        return progress
    }

    private func readFromDisk() -> LearnerProgress {
        guard let data = FileManager.default.contents(atPath: file.path) else { return LearnerProgress() }
        do {
            return try JSONDecoder().decode(LearnerProgress.self, from: data)
        } catch {
            let stamp = Int(Date().timeIntervalSince1970)
            let aside = file.deletingLastPathComponent().appendingPathComponent("\(file.lastPathComponent).corrupt-\(stamp)")
            let moved = (try? FileManager.default.moveItem(at: file, to: aside)) != nil
            let problem: LoadProblem = moved
                ? .unreadableMovedAside(file: file.path, movedTo: aside.path)
                : .unreadableKept(file: file.path)
            warnings.withLock { $0.append(problem) }
            return LearnerProgress()
        }
    }

    /// Applies `change` and saves the result atomically.
    @discardableResult
    public func update(_ change: (inout LearnerProgress) -> Void) throws -> LearnerProgress {
        var progress = load()
        change(&progress)
        try save(progress)
        return progress
    }

    public func save(_ progress: LearnerProgress) throws {
        let directory = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(progress)
        // Data.write(options: .atomic) writes a temporary file in the same folder and renames it.
        try data.write(to: file, options: .atomic)
        cache.withLock { $0 = progress }
    }
}
