import Foundation
import Sandbox
import TextUI
import Workspace

/// How one grading ended.
public enum CheckResult: Sendable, Equatable {
    /// Every check passed.
    case passed(TestReport)
    /// Some checks failed; the report says which and why.
    case failed(TestReport)
    /// The test process died (the learner's code crashed it): the report has the runtime's
    /// message and the case that was running.
    case crashed(TestReport)
    /// The whole run took longer than the grader allows, and was stopped.
    case timedOut(TestReport, seconds: Int)
    /// The package did not compile: the compiler's errors.
    case buildFailed([CompilerError], output: String)
    /// The grading could not even start (no toolchain, no test bundle); the text says why.
    case couldNotRun(String)

    public var passed: Bool {
        if case .passed = self { return true }
        return false
    }
}

/// Builds the lab's tests and runs one exercise's grading, as a learner would with
/// `swift build --build-tests` and `swift test --filter <Name>Tests`.
public struct Grader: Sendable {
    public let home: LabHome
    /// The `swift` driver.
    public let swift: String
    public var environment: [String: String]
    /// The language the learner reads: the grader's own messages are in it, and the tests it
    /// starts are told it (``testEnvironment``), so the checks' failure messages are too.
    public var language: Language
    /// The longest a grading may run. Each check gives the learner's code a few seconds, so
    /// a whole exercise takes far less even when everything hangs; this only catches what
    /// the checks cannot (a loop in plain code that never returns).
    public var testTimeout: Duration = .seconds(150)

    public enum SetupError: Error, CustomStringConvertible {
        case noSwift

        public var description: String { message(in: .english) }

        public func message(in language: Language) -> String {
            ExerciseStrings(language)(.noSwift)
        }
    }

    public init(home: LabHome, language: Language = .english,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(SetupError) {
        guard let swift = EnvironmentCheck.findExecutable("swift", environment: environment) else { throw .noSwift }
        self.home = home
        self.swift = swift
        self.environment = environment
        self.language = language
    }

    /// The environment of the test process: this one's, with `OSILAB_LANG` set to the
    /// learner's language (`zh` or `en`), which is how the checks (Sources/GradingChecks)
    /// know in which language to say what failed. Set always, so a value inherited from the
    /// shell never contradicts the runner's own choice.
    public var testEnvironment: [String: String] {
        var environment = environment
        environment[Language.childVariable] = language.rawValue
        return environment
    }

    /// Whether the lab's tests have been built here before (`swift build --build-tests` left
    /// `.build/debug/osilabPackageTests.xctest`): then a build compiles only what changed, in
    /// seconds, where the first takes minutes.
    public var hasBuiltBefore: Bool {
        let bundle = home.root.appendingPathComponent(".build/debug/osilabPackageTests.xctest")
        return FileManager.default.fileExists(atPath: bundle.path)
    }

    /// Builds everything the tests need. `progress` gets each of swift build's `[n/m] ...`
    /// lines as they come, so a long first build visibly moves.
    public func build(progress: (String) -> Void = { _ in }) -> (succeeded: Bool, errors: [CompilerError], output: String) {
        do {
            let outcome = try Subprocess.run(swift, ["build", "--build-tests"], in: home.root, environment: environment) { line in
                if line.hasPrefix("[") || line.hasPrefix("Building") || line.hasPrefix("Compiling") || line.hasPrefix("Fetching")
                    || line.hasPrefix("Computing") || line.hasPrefix("Creating") || line.hasPrefix("Working copy") {
                    progress(line)
                }
            }
            return (outcome.succeeded, CompilerError.parse(outcome.output), outcome.output)
        } catch {
            return (false, [], ExerciseStrings(language)(.couldNotStart, swift, "\(error)"))
        }
    }

    /// Runs the grading of `exercise` (its XCTest class in the ExerciseTests module) on the
    /// last build.
    ///
    /// On Linux it runs the test bundle that `swift build --build-tests` made
    /// (`osilabPackageTests.xctest`, exactly what `swift test` runs), so that a timeout
    /// stops one process; elsewhere it falls back to `swift test --skip-build`.
    public func runTests(of exercise: Exercise) -> CheckResult {
        let say = ExerciseStrings(language)
        let environment = testEnvironment
        let started = ContinuousClock.now
        let outcome: ProcessOutcome
        do {
            if let bundle = testBundle() {
                let arguments = ["ExerciseTests.\(exercise.tests)"]
                if runsInPrivateNetwork(exercise) {
                    let launch = PrivateNetwork.launch([bundle] + arguments, environment: environment)
                    outcome = try Subprocess.run(launch.executable, launch.arguments, in: home.root,
                                                 environment: launch.environment, timeout: testTimeout)
                } else {
                    outcome = try Subprocess.run(bundle, arguments, in: home.root, environment: environment, timeout: testTimeout)
                }
            } else {
                outcome = try Subprocess.run(swift, ["test", "--skip-build", "--filter", "ExerciseTests\\.\(exercise.tests)/"],
                                             in: home.root, environment: environment, timeout: testTimeout)
            }
        } catch {
            return .couldNotRun(say(.couldNotStartTests, "\(error)"))
        }
        let report = TestReport.parse(outcome.output)
        if outcome.timedOut {
            return .timedOut(report, seconds: Int((ContinuousClock.now - started).components.seconds))
        }
        if report.crash != nil || (outcome.signalled && !report.finished) {
            return .crashed(report)
        }
        guard report.finished, !report.cases.isEmpty else {
            let tail = outcome.output.split(separator: "\n").suffix(15).joined(separator: "\n")
            return .couldNotRun(say(.ranNoTest, exercise.name, exercise.tests, tail))
        }
        return outcome.succeeded && report.failedCases.isEmpty ? .passed(report) : .failed(report)
    }

    /// Whether the grading of `exercise` runs in a private network made for it: it captures
    /// packets, this process cannot, and the machine allows an ordinary user a private network.
    /// (`canCapture` and `check` are this process's answers, parameters for the tests.)
    public func runsInPrivateNetwork(_ exercise: Exercise, canCapture: () -> Bool = LivePrivilege.canCapture,
                                     check: () -> Refusal? = Refusal.check) -> Bool {
        #if os(Linux)
        guard exercise.capturesPackets, NetworkPlace.current(environment: environment) == .machine,
              !canCapture() else { return false }
        return check() == nil
        #else
        return false
        #endif
    }

    /// Builds, then grades `exercise`.
    public func check(_ exercise: Exercise, progress: (String) -> Void = { _ in }) -> CheckResult {
        let built = build(progress: progress)
        guard built.succeeded else {
            if built.errors.isEmpty {
                let tail = built.output.split(separator: "\n").suffix(20).joined(separator: "\n")
                return .couldNotRun(ExerciseStrings(language)(.buildFailedWithoutError, tail))
            }
            return .buildFailed(built.errors, output: built.output)
        }
        return runTests(of: exercise)
    }

    /// The XCTest bundle of the last build, when it is a program that can be run directly.
    func testBundle() -> String? {
        #if os(Linux)
        guard let outcome = try? Subprocess.run(swift, ["build", "--show-bin-path"], in: home.root, environment: environment),
              outcome.succeeded,
              let binPath = outcome.output.split(separator: "\n").last.map(String.init) else { return nil }
        let bundle = binPath.trimmingCharacters(in: .whitespaces) + "/osilabPackageTests.xctest"
        return FileManager.default.isExecutableFile(atPath: bundle) ? bundle : nil
        #else
        return nil
        #endif
    }
}
