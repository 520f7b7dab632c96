import Foundation
import Terminal
import TextUI
import Workspace

#if canImport(Glibc)
import Glibc
#endif

/// What the `osilab`, `osilab lesson N` and `osilab lessons` commands do, so the command
/// line stays a thin layer of argument parsing.
public enum LessonApp {
    /// Where the lessons come from, where progress is kept, and which language to speak.
    public struct Context {
        public var environment: [String: String]
        /// The learner's progress (one store for the whole run, so a problem reading it is
        /// reported once, by the session).
        public var store: ProgressStore
        /// The language code (`en`, `zh`).
        public var language: String { strings.language }
        /// What chose the language: the flag, a locale variable, the stored preference.
        public var languageSource: Language.Source
        public var strings: UIStrings

        /// Chooses the language: `languageFlag` (`--lang`), then the locale variables of
        /// `environment` (`LC_ALL`, `LC_MESSAGES`, `LANG`), then the language stored in the
        /// progress, then English. A language given by the flag is stored for next time.
        public init(environment: [String: String] = ProcessInfo.processInfo.environment, languageFlag: Language? = nil,
                    store: ProgressStore? = nil) {
            self.environment = environment
            let store = store ?? ProgressStore.standard(environment: environment)
            self.store = store
            let stored = store.load().language
            let (language, source) = Language.choose(flag: languageFlag, environment: environment, stored: stored)
            self.languageSource = source
            self.strings = UIStrings(language)
            if source == .flag, stored != language.rawValue {
                // Failing to remember is not worth stopping for: the session reports save
                // failures itself when it next saves.
                _ = try? store.update { $0.language = language.rawValue }
            }
        }

        /// Plain output when stdout is not a terminal or `NO_COLOR` is set.
        var style: StyleMode {
            StyleMode.resolve(noColor: environment["NO_COLOR"], isTerminal: Terminal.isTerminal(STDOUT_FILENO))
        }

        /// The width for plain output: `$COLUMNS` when it is a number, else 80.
        var plainWidth: Int {
            environment["COLUMNS"].flatMap { Int($0.trimmingWhitespace) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
        }
    }

    /// Loads the lessons of this checkout, or prints why it cannot and returns nil.
    static func loadLibrary(_ context: Context) -> LessonLibrary? {
        let home: LabHome
        do {
            home = try LabHome.locate(environment: context.environment)
        } catch let error as LabHome.LocateError {
            printError(context.strings.describe(error))
            return nil
        } catch {
            printError("\(error)")
            return nil
        }
        do {
            return try LessonLibrary.load(from: home.lessons, language: context.language)
        } catch {
            printError(context.strings(.lessonsInvalid) + "\n" + error.description)
            return nil
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Opens the lessons: full-screen on a terminal, printed in order otherwise.
    ///
    /// - Parameters:
    ///   - lessonNumber: 1-based position by `order`; nil resumes where the learner stopped.
    ///   - commandCheck: tells whether a lab's osilab command exists in this build.
    /// - Returns: the process exit status.
    public static func open(lessonNumber: Int?, commandCheck: @escaping CommandCheck, context: Context = Context()) -> Int32 {
        guard let library = loadLibrary(context) else { return 1 }
        if let lessonNumber, !(1...library.lessons.count).contains(lessonNumber) {
            printError(context.strings(.lessonNotFound, String(lessonNumber), String(library.lessons.count)))
            return 1
        }
        let store = context.store
        let interactive = Terminal.isTerminal(STDIN_FILENO) && Terminal.isTerminal(STDOUT_FILENO)
        let size = interactive ? TerminalSize.current() : TerminalSize(columns: context.plainWidth, rows: 24)
        let session = LessonSession(
            library: library, store: store, environment: .current(commandCheck: commandCheck), size: size,
            start: lessonNumber.map { .lesson($0 - 1) } ?? .resume, strings: context.strings)
        if interactive {
            do {
                try InteractiveRunner.run(session, style: context.style)
                return 0
            } catch {
                // Raw mode is a nicety: without it the lesson still reads fine in order.
                printError(context.strings(.terminalFallback, "\(error)"))
            }
        }
        let runner = PlainRunner(
            session: session, style: context.style, width: context.plainWidth,
            write: { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            },
            readLine: { Swift.readLine(strippingNewline: true) },
            asks: !Terminal.isTerminal(STDIN_FILENO))
        runner.run(lesson: session.lessonIndex)
        return 0
    }

    /// Prints the lessons with the learner's progress.
    public static func list(context: Context = Context()) -> Int32 {
        guard let library = loadLibrary(context) else { return 1 }
        let store = context.store
        let progress = store.load()
        for problem in store.takeProblems() { printError(context.strings.describe(problem)) }
        let width = Terminal.isTerminal(STDOUT_FILENO) ? min(TerminalSize.current().columns, 100) : context.plainWidth
        let lines = LessonListing.lines(library: library, progress: progress, strings: context.strings, width: width)
        print(lines.rendered(context.style))
        return 0
    }
}
