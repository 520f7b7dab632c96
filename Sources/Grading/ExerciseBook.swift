import Foundation
import TextUI
import Workspace

/// The exercises of one lab checkout with one learner's progress: what `osilab exercises`,
/// `check`, `hint`, `edit` and `reset` work on.
public struct ExerciseBook: Sendable {
    public let home: LabHome
    public let catalogue: ExerciseCatalogue
    public let store: ProgressStore
    public let lessons: LessonTitles
    /// The language everything the book shows is in: its views, its hints, its errors.
    public let language: Language

    public init(home: LabHome, store: ProgressStore, language: Language = .english) throws(ExerciseCatalogue.LoadError) {
        self.home = home
        self.store = store
        self.language = language
        catalogue = try ExerciseCatalogue.load(from: home)
        lessons = LessonTitles.read(from: home, language: language)
    }

    /// Why an exercise name could not be used.
    public enum LookupError: Error, Equatable, CustomStringConvertible {
        case unknown(String, suggestions: [String])
        case allPassed

        public var description: String { message(in: .english) }

        public func message(in language: Language) -> String {
            let say = ExerciseStrings(language)
            switch self {
            case .unknown(let name, let suggestions):
                if suggestions.isEmpty { return say(.unknownExercise, name) }
                return say(.unknownExerciseSuggest, name, suggestions.joined(separator: say(.or)))
            case .allPassed:
                return say(.allPassed)
            }
        }
    }

    /// The exercise `name` names, or without a name the next one not passed yet.
    public func resolve(_ name: String?) throws(LookupError) -> (number: Int, exercise: Exercise) {
        if let name {
            if let found = catalogue.find(name) { return found }
            throw .unknown(name, suggestions: catalogue.suggestions(for: name))
        }
        guard let next = catalogue.next(in: store.load().exercises) else { throw .allPassed }
        return next
    }

    public func state(of exercise: Exercise) -> LearnerProgress.ExerciseState {
        store.load().exercises[exercise.name] ?? LearnerProgress.ExerciseState()
    }

    /// The learner's file of `exercise`.
    public func fileURL(of exercise: Exercise) -> URL {
        home.root.appendingPathComponent(exercise.path)
    }

    /// Records what a grading found. A build that failed elsewhere says nothing about this
    /// exercise and leaves its status alone.
    @discardableResult
    public func record(_ result: CheckResult, for exercise: Exercise, now: Date = Date()) throws -> LearnerProgress.ExerciseState {
        let status: LearnerProgress.ExerciseState.Status?
        switch result {
        case .passed: status = .passed
        case .failed, .crashed, .timedOut: status = .failing
        case .buildFailed(let errors, _):
            status = errors.contains { $0.file.hasSuffix("/" + exercise.path) } ? .failing : nil
        case .couldNotRun: status = nil
        }
        guard let status else { return state(of: exercise) }
        let progress = try store.update { progress in
            var state = progress.exercises[exercise.name] ?? LearnerProgress.ExerciseState()
            state.status = status
            state.checks += 1
            if status == .passed, state.firstPassed == nil {
                state.firstPassed = ISO8601DateFormatter().string(from: now)
            }
            progress.exercises[exercise.name] = state
        }
        return progress.exercises[exercise.name] ?? LearnerProgress.ExerciseState()
    }

    /// The next hint for `exercise`, counting it as shown: its number (from 1), how many
    /// there are, and the text (in the book's language). Once all have been shown, the last
    /// one again.
    public func nextHint(for exercise: Exercise) throws -> (number: Int, total: Int, text: String) {
        let hints = exercise.hints(in: language)
        let total = hints.count
        let progress = try store.update { progress in
            var state = progress.exercises[exercise.name] ?? LearnerProgress.ExerciseState()
            state.hintsShown = min(total, state.hintsShown + 1)
            progress.exercises[exercise.name] = state
        }
        let shown = max(1, progress.exercises[exercise.name]?.hintsShown ?? 1)
        return (shown, total, hints[min(shown, total) - 1])
    }

    /// Whether the reference solution may be shown: once the learner's own code has passed.
    public func solutionUnlocked(for exercise: Exercise) -> Bool {
        let state = state(of: exercise)
        return state.status == .passed || state.firstPassed != nil
    }

    /// The reference solution's text.
    public func solution(for exercise: Exercise) throws -> String {
        try String(contentsOf: home.root.appendingPathComponent(exercise.solutionPath), encoding: .utf8)
    }

    /// Puts back the original stub (from the last git commit) and saves the learner's
    /// version in `backups`. Returns where the learner's version was saved, or nil when the
    /// file was already the original.
    @discardableResult
    public func reset(_ exercise: Exercise, backups: URL, now: Date = Date()) throws -> URL? {
        let original = try Pristine.original(of: exercise.path, in: home)
        let file = fileURL(of: exercise)
        let current = try? Data(contentsOf: file)
        var backup: URL?
        if let current, current != original {
            try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            let stem = (exercise.file as NSString).deletingPathExtension
            let target = backups.appendingPathComponent("\(stem)-\(formatter.string(from: now)).swift")
            try current.write(to: target, options: .atomic)
            backup = target
        }
        if current != original {
            try original.write(to: file, options: .atomic)
        }
        try store.update { progress in
            var state = progress.exercises[exercise.name] ?? LearnerProgress.ExerciseState()
            state.status = .notStarted
            progress.exercises[exercise.name] = state
        }
        return backup
    }

    /// Whether the learner's file differs from the original stub; nil when that cannot be told.
    public func isEdited(_ exercise: Exercise) -> Bool? {
        guard let original = try? Pristine.original(of: exercise.path, in: home),
              let current = try? Data(contentsOf: fileURL(of: exercise)) else { return nil }
        return original != current
    }
}

/// The original version of a lab file, from the git checkout the lab is.
///
/// `osilab reset` takes the stub from the last commit (`git show HEAD:Exercises/<file>`),
/// so a reset gives back what was checked out, with the teacher's latest fixes.
public enum Pristine {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noGit
        case notACheckout(String)
        case notCommitted(path: String, detail: String)

        public var description: String { message(in: .english) }

        public func message(in language: Language) -> String {
            let say = ExerciseStrings(language)
            return switch self {
            case .noGit: say(.noGit)
            case .notACheckout(let root): say(.notACheckout, root)
            case .notCommitted(let path, let detail): say(.notCommitted, path, detail)
            }
        }
    }

    /// The bytes of `path` (relative to the lab's root) in the last commit.
    public static func original(of path: String, in home: LabHome,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> Data {
        guard let git = EnvironmentCheck.findExecutable("git", environment: environment) else { throw .noGit }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["-C", home.root.path, "show", "HEAD:\(path)"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .noGit
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if message.contains("not a git repository") { throw .notACheckout(home.root.path) }
            let detail = message.split(separator: "\n").first.map(String.init) ?? "git show failed"
            throw .notCommitted(path: path, detail: detail.replacingOccurrences(of: "fatal: ", with: ""))
        }
        return data
    }
}

/// Which editor `osilab edit` opens: `$EDITOR`, then `$VISUAL`, then the first of a few
/// common terminal editors that is installed.
public enum EditorChoice {
    public struct Choice: Equatable, Sendable {
        /// A shell command; the file's path is appended as one argument.
        public var command: String
        /// Said to the learner when the choice was not theirs: which editor, and how to save
        /// and quit it (one sentence a line).
        public var note: String?
        /// Whether to wait for Enter before opening it: osilab chose a modal editor (vim, vi),
        /// whose screen says nothing of how to quit, so the note must be read first. nano
        /// shows its keys at the bottom of its screen.
        public var waitsBeforeOpening = false

        public init(command: String, note: String? = nil, waitsBeforeOpening: Bool = false) {
            self.command = command
            self.note = note
            self.waitsBeforeOpening = waitsBeforeOpening
        }
    }

    /// nano first: a beginner can use it at once, and it lists its keys on screen.
    public static let fallbacks = ["nano", "vim", "vi"]

    /// The editor to open, with the note (in `language`) when osilab chose it.
    public static func resolve(environment: [String: String], language: Language = .english) -> Choice? {
        for variable in ["EDITOR", "VISUAL"] {
            if let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                return Choice(command: value, note: nil)
            }
        }
        let say = ExerciseStrings(language)
        for name in fallbacks where EnvironmentCheck.findExecutable(name, environment: environment) != nil {
            let lines = name == "nano"
                ? [say(.editorFallback, name), say(.editorQuitNano)]
                : [say(.editorFallback, name), say(.editorQuitVim, name), say(.editorNanoIsSimpler)]
            return Choice(command: name, note: lines.joined(separator: "\n"), waitsBeforeOpening: name != "nano")
        }
        return nil
    }

    /// Why the editor could not be started.
    public struct LaunchError: Error, CustomStringConvertible {
        public var code: Int32
        public var description: String { message(in: .english) }

        /// Why, in `language`; the system's own reason (strerror) is as the C library gives it.
        public func message(in language: Language) -> String {
            ExerciseStrings(language)(.spawnFailed, String(cString: strerror(code)))
        }
    }

    /// Opens `file` in the editor and waits until it is closed; returns its exit status.
    ///
    /// The command runs through /bin/sh, so an EDITOR with options (`code --wait`) works.
    /// It is started with posix_spawn in osilab's own process group: Foundation's Process
    /// puts its child in a group of its own, where a terminal editor is a background job
    /// and is stopped the moment it touches the terminal.
    public static func open(_ file: URL, with choice: Choice,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(LaunchError) -> Int32 {
        let arguments = ["/bin/sh", "-c", choice.command + " \"$1\"", "osilab-edit", file.path]
        let variables = environment.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, &envp)
        guard result == 0 else { throw LaunchError(code: result) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

/// Tells when files have been saved since the last look, by their modification times.
public struct FileChangeWatcher {
    public let files: [URL]
    private var last: [Date?]

    public init(files: [URL]) {
        self.files = files
        last = files.map(FileChangeWatcher.modified)
    }

    /// Watches every `.swift` file directly inside `folder` (the learner's exercises).
    public init(swiftFilesIn folder: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        self.init(files: names.filter { $0.hasSuffix(".swift") }.sorted().map { folder.appendingPathComponent($0) })
    }

    static func modified(_ file: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
    }

    /// The first file whose modification time differs from the one seen last, if any.
    public mutating func changedFile() -> URL? {
        let now = files.map(FileChangeWatcher.modified)
        defer { last = now }
        return zip(files, zip(now, last)).first { $0.1.0 != $0.1.1 }?.0
    }
}
