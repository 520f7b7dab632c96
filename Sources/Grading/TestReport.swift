import Foundation

/// What an XCTest run printed, read back into cases, failures and crashes.
///
/// XCTest on Linux prints one line per event:
///
///     Test Case 'SendAllTests.testSendsTheRest' started at 2026-01-01 10:00:00.000
///     /lab/Tests/ExerciseTests/SendAllTests.swift:8: error: SendAllTests.testSendsTheRest : failed - you sent 3 of 12 bytes
///     Test Case 'SendAllTests.testSendsTheRest' failed (0.002 seconds)
///     Executed 5 tests, with 4 failures (0 unexpected) in 0.2 (0.2) seconds
///
/// A crash in the learner's code ends the process in the middle of a case, after the Swift
/// runtime's `file:line: Fatal error: message`; there is then no "Executed" line.
public struct TestReport: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        /// As printed (absolute); the summary shows it relative to the lab.
        public var file: String
        public var line: Int
        public var message: String

        public init(file: String, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    public enum Status: String, Sendable, Equatable {
        case passed, failed, running
    }

    public struct Case: Sendable, Equatable {
        /// `SendAllTests`.
        public var className: String
        /// `testSendsTheRest`.
        public var method: String
        public var status: Status
        public var failures: [Failure]

        /// `sends the rest`: the method name as words, for people.
        public var title: String { TestReport.words(method) }
    }

    /// The runtime's last words when the process crashed.
    public struct Crash: Sendable, Equatable {
        public var message: String
        /// Where, when the runtime said; often inside the standard library
        /// (`Swift/ContiguousArrayBuffer.swift`, 692) for an index out of range.
        public var file: String?
        public var line: Int?
        /// The source locations of the backtrace that follows, innermost first: the first
        /// one in the learner's file is the line that crashed.
        public var frames: [Location] = []
    }

    public struct Location: Sendable, Equatable {
        public var file: String
        public var line: Int

        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }
    }

    public var cases: [Case] = []
    /// From the final "Executed N tests, with M failures" line; nil when the run did not finish.
    public var executed: Int?
    public var failureCount: Int?
    public var crash: Crash?

    public init() {}

    public var finished: Bool { executed != nil }
    public var failedCases: [Case] { cases.filter { $0.status == .failed } }
    public var passedCases: [Case] { cases.filter { $0.status == .passed } }
    /// The case that was running when the output stopped (a crash or a hang).
    public var unfinishedCase: Case? { cases.last { $0.status == .running } }

    /// Reads XCTest's output. Lines it does not know (swift-testing's, the test's own prints)
    /// are skipped; a line that continues a failure message is added to it.
    public static func parse(_ output: String) -> TestReport {
        var report = TestReport()
        var lastFailureCase: Int?
        var inStackTrace = false
        for raw in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if let (className, method, event) = caseEvent(line) {
                inStackTrace = false
                lastFailureCase = nil
                if event == "started" {
                    report.cases.append(Case(className: className, method: method, status: .running, failures: []))
                } else if let index = report.cases.lastIndex(where: { $0.className == className && $0.method == method }) {
                    report.cases[index].status = event == "passed" ? .passed : .failed
                }
                continue
            }
            if let (file, number, className, method, message) = failureLine(line) {
                inStackTrace = false
                let index = report.cases.lastIndex { $0.className == className && $0.method == method }
                    ?? { report.cases.append(Case(className: className, method: method, status: .failed, failures: []))
                         return report.cases.count - 1 }()
                report.cases[index].failures.append(Failure(file: file, line: number, message: message))
                lastFailureCase = index
                continue
            }
            if let crash = fatalError(line) {
                report.crash = crash
                inStackTrace = true
                lastFailureCase = nil
                continue
            }
            if let (executed, failures) = summaryLine(line) {
                // The last summary is the whole run's ("Selected tests").
                report.executed = executed
                report.failureCount = failures
                lastFailureCase = nil
                continue
            }
            if inStackTrace {
                if let location = frameLocation(line), report.crash?.frames.count ?? 0 < 30 {
                    report.crash?.frames.append(location)
                }
                continue
            }
            if line.hasPrefix("Test Suite ") || line.hasPrefix("Current stack trace") { continue }
            // A message that ran over several lines.
            if let index = lastFailureCase, !line.isEmpty, var failure = report.cases[index].failures.last {
                failure.message += "\n" + line
                report.cases[index].failures[report.cases[index].failures.count - 1] = failure
            }
        }
        return report
    }

    /// `Test Case 'Class.method' started|passed|failed ...`
    static func caseEvent(_ line: String) -> (String, String, String)? {
        guard line.hasPrefix("Test Case '"), let close = line.dropFirst(11).firstIndex(of: "'") else { return nil }
        let name = line[line.index(line.startIndex, offsetBy: 11)..<close]
        let rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard let event = rest.split(separator: " ").first.map(String.init),
              ["started", "passed", "failed", "skipped"].contains(event) else { return nil }
        let parts = name.split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]), event == "skipped" ? "passed" : event)
    }

    /// `/path/File.swift:12: error: Class.method : message`
    static func failureLine(_ line: String) -> (String, Int, String, String, String)? {
        guard let errorRange = line.range(of: ": error: ") else { return nil }
        let location = line[..<errorRange.lowerBound]
        guard let colon = location.lastIndex(of: ":"), let number = Int(location[location.index(after: colon)...]) else {
            return nil
        }
        let file = String(location[..<colon])
        let rest = line[errorRange.upperBound...]
        guard let separator = rest.range(of: " : ") else { return nil }
        let parts = rest[..<separator.lowerBound].split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        var message = String(rest[separator.upperBound...])
        // XCTFail prints "failed - message"; the prefix says nothing a learner needs.
        if message.hasPrefix("failed - ") { message.removeFirst(9) }
        return (file, number, String(parts[0]), String(parts[1]), message)
    }

    /// The runtime's `file:line: Fatal error: message` (or `Fatal error: message`).
    static func fatalError(_ line: String) -> Crash? {
        guard let range = line.range(of: "Fatal error: ") else { return nil }
        let message = String(line[range.upperBound...])
        let before = line[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let location = before.hasSuffix(":") ? String(before.dropLast()) : before
        if let colon = location.lastIndex(of: ":"), let number = Int(location[location.index(after: colon)...]) {
            return Crash(message: message, file: String(location[..<colon]), line: number)
        }
        return Crash(message: message, file: nil, line: nil)
    }

    /// A backtrace frame's `... at /lab/Exercises/04_TCPHeader.swift:54:28`.
    static func frameLocation(_ line: String) -> Location? {
        guard let range = line.range(of: " at /", options: .backwards) else { return nil }
        let location = line[line.index(range.lowerBound, offsetBy: 4)...].split(separator: " ").first.map(String.init) ?? ""
        let parts = location.split(separator: ":")
        guard parts.count >= 2, parts[0].hasSuffix(".swift"), let number = Int(parts[1]), number > 0 else { return nil }
        return Location(file: String(parts[0]), line: number)
    }

    /// `Executed 5 tests, with 4 failures (0 unexpected) in ...`
    static func summaryLine(_ line: String) -> (Int, Int)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("Executed ") else { return nil }
        let words = trimmed.split(separator: " ")
        guard words.count >= 5, let executed = Int(words[1]), let failures = Int(words[4]) else { return nil }
        return (executed, failures)
    }

    /// `testSendsTheRestAfterAPartialSend` as `sends the rest after a partial send`; runs of
    /// capitals (TCP, UDP) stay as they are.
    public static func words(_ method: String) -> String {
        let name = method.hasPrefix("test") ? String(method.dropFirst(4)) : method
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            let afterNext = index + 2 < characters.count ? characters[index + 2] : nil
            // "IPv6" is one word: a capital followed by "v" and a digit continues an acronym.
            let versionSuffix = next == "v" && afterNext?.isNumber == true
            // "Above65535" is two words, "IPv6" one: a number after a lowercase letter starts a
            // word, unless that letter is the "v" of a version after capitals.
            let beforePrevious = index > 1 ? characters[index - 2] : nil
            let isVersion = previous == "v" && beforePrevious?.isUppercase == true
            let startsNumber = character.isNumber && previous?.isLowercase == true && !isVersion
            let startsWord = startsNumber || (character.isUppercase
                && (previous.map { $0.isLowercase || $0.isNumber } ?? false
                    || (previous?.isUppercase == true && next?.isLowercase == true && !versionSuffix)))
            if startsWord, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { word -> String in
            let isAcronym = word.count > 1 && word.filter(\.isUppercase).count > 1
            return isAcronym ? word : word.lowercased()
        }.joined(separator: " ")
    }
}

/// One error from the compiler: `/lab/Exercises/05_ListeningSocket.swift:12:5: error: cannot find 'x' in scope`.
public struct CompilerError: Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// Every distinct error in `swift build`'s output, in order.
    public static func parse(_ output: String) -> [CompilerError] {
        var errors: [CompilerError] = []
        for raw in output.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let range = line.range(of: ": error: ") else { continue }
            let location = line[..<range.lowerBound].split(separator: ":")
            guard location.count >= 3, let number = Int(location[location.count - 2]),
                  let column = Int(location[location.count - 1]) else { continue }
            let file = location.dropLast(2).joined(separator: ":")
            guard file.hasSuffix(".swift") else { continue }
            let error = CompilerError(file: file, line: number, column: column, message: String(line[range.upperBound...]))
            if !errors.contains(error) { errors.append(error) }
        }
        return errors
    }
}
