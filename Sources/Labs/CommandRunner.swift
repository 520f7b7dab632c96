#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import TextUI

/// Splits a command line into words the way the remote lab understands it: spaces
/// separate words, and '...' or "..." keep spaces inside one word. Nothing else is
/// special. There is no shell, so `;`, `|`, `&&`, `$(...)`, backticks, `*` and `>` are
/// ordinary characters passed to the program as they are.
/// - Returns: the words, or the reason the line cannot be split (an unclosed quote).
public func splitCommandLine(_ line: String) -> Result<[String], CommandRefusal> {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character? = nil
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "'" || character == "\"" {
            quote = character
            inWord = true
        } else if character.isWhitespace {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(character)
            inWord = true
        }
    }
    if let open = quote { return .failure(CommandRefusal(.refusalUnclosedQuote, .text(String(open)))) }
    if inWord { words.append(current) }
    return .success(words)
}

/// Why the remote lab will not run a command.
public struct CommandRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var sentence: LabSentence
    public init(_ sentence: LabSentence) { self.sentence = sentence }
    public init(_ id: LabMessage, _ parts: LabSentence.Part...) { sentence = LabSentence(id, parts: parts) }

    /// The refusal in `language`, for the log and the learner.
    public func text(_ language: Language) -> String { sentence.text(language) }

    /// The refusal as the server sends it: English, word for word the protocol's.
    public var description: String { sentence.wire }
}

/// Which commands the remote lab runs.
///
/// The notes' server hands every line to `os.popen`, that is to a shell, as the user the
/// server runs as: anyone who can connect can do anything that user can. osilab runs only
/// a few read-only programs by default, without a shell, and checks their arguments too:
/// as root, `date 010100002020` sets the clock and `hostname x` renames the machine.
public struct CommandPolicy: Sendable, Equatable {
    /// Runs any program, with any arguments (still without a shell). Only with `--allow-any-command`.
    public var allowsAnyCommand: Bool

    public init(allowsAnyCommand: Bool = false) {
        self.allowsAnyCommand = allowsAnyCommand
    }

    /// The programs allowed by default.
    public static let harmlessCommands = ["date", "echo", "hostname", "id", "ls", "pwd", "uname", "whoami"]

    /// The arguments `date` may have: a +FORMAT or options that only change how it prints.
    static let dateOptions: Set<String> = [
        "-u", "--utc", "--universal", "-R", "--rfc-email", "-I", "-Idate", "-Ihours", "-Iminutes",
        "-Iseconds", "-Ins", "--iso-8601", "--debug", "--help", "--version",
    ]
    /// The arguments `hostname` may have: options that only print.
    static let hostnameOptions: Set<String> = [
        "-f", "--fqdn", "--long", "-s", "--short", "-i", "--ip-address", "-I", "--all-ip-addresses",
        "-d", "--domain", "-A", "--all-fqdns", "-a", "--alias", "--help", "-V", "--version",
    ]

    /// Why `date` with `arguments` may not run, or nil.
    ///
    /// Options are matched whole, never by prefix: GNU getopt takes any unambiguous prefix of
    /// a long option, so `--fi=/etc/shadow` is `--file` and `--se=...` is `--set`; an exact
    /// list lets none of them through. The date of `-d`/`--date` (the next word, or attached
    /// as `-dX`, `--date=X`) is checked by ``dateStringRefusal(_:)``.
    static func dateRefusal(_ arguments: [String]) -> CommandRefusal? {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let date: String?
            if argument == "-d" || argument == "--date" {
                // A missing date is date's own error to report; nothing is read.
                guard index < arguments.count else { continue }
                date = arguments[index]
                index += 1
            } else if argument.hasPrefix("--date=") {
                date = String(argument.dropFirst("--date=".count))
            } else if argument.hasPrefix("-d") && !argument.hasPrefix("--") {
                date = String(argument.dropFirst(2))
            } else {
                date = nil
            }
            if let date {
                if let refusal = dateStringRefusal(date) { return refusal }
                continue
            }
            let allowed = argument.hasPrefix("+") || CommandPolicy.dateOptions.contains(argument)
                || argument.hasPrefix("--iso-8601=") || argument.hasPrefix("--rfc-3339=")
            if !allowed {
                return CommandRefusal(.refusalDateArgument, .text(ByteText.escaped(argument, limit: 40)))
            }
        }
        return nil
    }

    /// The characters a date for `-d` may have: enough for `tomorrow`, `2025-03-01 12:00 UTC`,
    /// `@1700000000`, `next monday +2 hours`, `3/1/2025`.
    static let dateCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-:.,/@".unicodeScalars)

    /// Why a date string may not be given to `date`, or nil.
    ///
    /// GNU date's parser accepts `TZ="ZONE"` at the start of a date and loads ZONE as a
    /// time-zone file: `TZ="/etc/shadow"` opens that file as the server's user, and a FIFO
    /// there leaves the command waiting. A date with `TZ=` in it (any case, any spaces
    /// around the `=`) is refused with that reason; anything else outside
    /// ``dateCharacters`` is refused too, since no date needs `=`, quotes or backslashes,
    /// and a future parser feature should not become the next way in.
    static func dateStringRefusal(_ date: String) -> CommandRefusal? {
        let squeezed = String(date.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased()
        let shown = LabSentence.Part.text(ByteText.escaped(date, limit: 40))
        if squeezed.contains("TZ=") { return CommandRefusal(.refusalDateTimeZone, shown) }
        if !date.unicodeScalars.allSatisfy(dateCharacters.contains) { return CommandRefusal(.refusalDateString, shown) }
        return nil
    }

    /// Checks the words of a command; returns nil when it may run.
    public func refusal(for words: [String]) -> CommandRefusal? {
        guard let program = words.first else { return CommandRefusal(.refusalEmptyCommand) }
        if words.count > 64 { return CommandRefusal(.refusalTooManyArguments) }
        if allowsAnyCommand { return nil }
        guard CommandPolicy.harmlessCommands.contains(program) else {
            return CommandRefusal(.refusalNotAllowed, .text(ByteText.escaped(program, limit: 40)),
                                  .text(CommandPolicy.harmlessCommands.joined(separator: ", ")))
        }
        let arguments = words.dropFirst()
        switch program {
        case "date":
            return CommandPolicy.dateRefusal(Array(arguments))
        case "hostname":
            if let bad = arguments.first(where: { !CommandPolicy.hostnameOptions.contains($0) }) {
                return CommandRefusal(.refusalHostnameArgument, .text(ByteText.escaped(bad, limit: 40)))
            }
        default:
            break
        }
        return nil
    }
}

/// What a command did.
public struct CommandResult: Sendable, Equatable {
    /// Standard output and standard error together, in the order the program wrote them.
    public var output: [UInt8]
    /// The exit status, or nil if a signal ended the program.
    public var exitStatus: Int32?
    /// The signal that ended the program, if one did.
    public var signal: Int32?
    /// The program ran past the time limit and was killed.
    public var timedOut = false
    /// The output passed the size limit; the rest was not read and the program was killed.
    public var truncated = false
    /// The server began stopping and the program was killed.
    public var interrupted = false
}

/// Runs one program directly (no shell), with a time limit and an output limit.
///
/// The program gets /dev/null as its input and one socket for its output and errors. It
/// inherits none of the server's connections: every socket osilab opens is close-on-exec.
public struct CommandRunner: Sendable, Equatable {
    /// The program is killed when it runs longer.
    public var timeout: Duration
    /// The most output kept; the program is killed when it writes more.
    public var maxOutputBytes: Int

    public init(timeout: Duration = .seconds(5), maxOutputBytes: Int = 1024 * 1024) {
        self.timeout = timeout
        self.maxOutputBytes = max(1, maxOutputBytes)
    }

    /// Starts `words[0]` (looked up in PATH) with the rest as its arguments, collects its
    /// output, and waits for it to end. The corresponding C functions are `posix_spawnp`,
    /// `poll`, `recv`, `kill` and `waitpid`.
    /// - Parameter shouldStop: checked ten times a second; true kills the program.
    public func run(_ words: [String], shouldStop: () -> Bool = { false }) throws(CommandRefusal) -> CommandResult {
        guard let program = words.first else { throw CommandRefusal(.refusalEmptyCommand) }
        // A socket pair rather than a pipe: the Socket type creates both ends close-on-exec
        // in one call, so a program started at the same moment by another connection's
        // thread cannot inherit them (pipe2 with O_CLOEXEC is not visible from Swift here).
        let ours: Socket, theirs: Socket
        do throws(SocketError) {
            (ours, theirs) = try Socket.pair(family: .unix, type: .stream)
        } catch {
            throw CommandRefusal(.refusalOutputChannel, .socketError(error))
        }
        defer { ours.close() }
        let started = spawn(words, output: theirs.fileno)
        // Our copy of the child's end must go, or we would never see end-of-file.
        theirs.close()
        let processID: pid_t
        switch started {
        case .failed(let code):
            // The name came from the network (with --allow-any-command, any name): escaped for the log.
            throw CommandRefusal(.refusalCannotRun, .text(ByteText.escaped(program, limit: 40)), .errno(code))
        case .running(let pid):
            processID = pid
        }

        var result = CommandResult(output: [])
        let deadline = ContinuousClock.now + timeout
        var stopped = false
        reading: while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { result.timedOut = true; stopped = true; break }
            if shouldStop() { result.interrupted = true; stopped = true; break }
            guard let readable = try? ours.waitUntilReadable(timeout: min(left, .milliseconds(100))) else { break }
            guard readable else { continue }
            guard let piece = try? ours.recv(maxBytes: min(64 * 1024, maxOutputBytes + 1 - result.output.count)),
                  !piece.isEmpty else { break reading }
            result.output += piece
            if result.output.count > maxOutputBytes {
                result.output.removeSubrange(maxOutputBytes...)
                result.truncated = true
                stopped = true
                break
            }
        }
        // End-of-file does not mean the program has ended: it may have closed its output
        // and kept running. Give it until the deadline, then kill it.
        var status: Int32 = 0
        if !stopped {
            while waitpid(processID, &status, WNOHANG) == 0 {
                if ContinuousClock.now >= deadline || shouldStop() {
                    result.timedOut = ContinuousClock.now >= deadline
                    result.interrupted = !result.timedOut
                    stopped = true
                    break
                }
                sleepBriefly(.milliseconds(5))
            }
            if !stopped { return finished(result, status: status) }
        }
        // The program runs in a process group of its own, so this also ends anything it started.
        kill(-processID, SIGKILL)
        while waitpid(processID, &status, 0) == -1 && errno == EINTR {}
        return finished(result, status: status)
    }

    private func finished(_ result: CommandResult, status: Int32) -> CommandResult {
        var result = result
        // The WIFEXITED / WEXITSTATUS / WTERMSIG macros, which Swift does not import.
        let signal = status & 0x7F
        if signal == 0 {
            result.exitStatus = (status >> 8) & 0xFF
        } else if signal != 0x7F {
            result.signal = signal
        }
        return result
    }

    private enum Spawned { case running(pid_t), failed(Int32) }

    /// Starts the program; returns its process id or the error number posix_spawnp returned.
    private func spawn(_ words: [String], output: Int32) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // dup2 gives the child plain copies without close-on-exec, as descriptors 1 and 2.
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // osilab's own sockets are close-on-exec, but a library may have opened a descriptor
        // without that flag; the command gets none of them.
        closeInheritedDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The server ignores SIGPIPE (so a vanished client gives EPIPE, not death), and an
        // ignored signal stays ignored across exec: give the program every default back.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        // Its own process group (pgid = its pid), so a timeout can kill it and its children.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = words.map { strdup($0) } + [nil]
        let envp = CommandRunner.environment().map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var processID: pid_t = 0
        let code = posix_spawnp(&processID, words[0], &actions, &attributes, argv, envp)
        return code == 0 ? .running(processID) : .failed(code)
    }

    /// Adds "close every descriptor from 3 up" to the child's actions: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; looked up at run time,
    /// since Swift's Glibc module does not declare it), or else one close per descriptor open now.
    private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closeFrom = addCloseFrom {
            if closeFrom(&actions, 3) == 0 { return }
        }
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            // A descriptor closed meanwhile is no problem: glibc ignores EBADF for these actions.
            if let descriptor = Int32(name), descriptor > 2 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
    }

    /// The variables a command sees: enough to find programs and print text and dates in the
    /// learner's language, and nothing else of the server's environment.
    static func environment() -> [String] {
        environment(from: { name in getenv(name).map { String(cString: $0) } })
    }

    /// ``environment()`` from the variables `lookup` gives.
    ///
    /// TZ and the locale variables are passed only as names, never as paths: glibc opens
    /// `TZ=/any/file` (or `:/any/file`) as a time-zone file and loads a locale whose name has
    /// a `/` from that folder, so a value that is a path (or climbs with `..`) is left out
    /// and the command uses the default instead. A zone (`Europe/Berlin`, `UTC0`,
    /// `CST-8`) or a locale (`zh_CN.UTF-8`) still reaches it.
    static func environment(from lookup: (String) -> String?) -> [String] {
        var variables = ["PATH=" + (lookup("PATH") ?? "/usr/local/bin:/usr/bin:/bin")]
        for name in ["HOME", "USER", "LOGNAME"] {
            if let value = lookup(name) { variables.append(name + "=" + value) }
        }
        for name in ["LANG", "LC_ALL", "LC_CTYPE", "LC_TIME"] {
            if let value = lookup(name), !value.contains("/"), !value.contains("..") { variables.append(name + "=" + value) }
        }
        if let zone = lookup("TZ") {
            let name = zone.hasPrefix(":") ? String(zone.dropFirst()) : zone
            if !name.hasPrefix("/"), !name.contains(".."), !name.isEmpty { variables.append("TZ=" + zone) }
        }
        return variables
    }
}

private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

/// glibc's posix_spawn_file_actions_addclosefrom_np, if this C library has it.
private let addCloseFrom: AddCloseFrom? = {
    #if canImport(Glibc)
    // RTLD_DEFAULT (a null handle): search every library the program has loaded.
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
    #else
    return nil
    #endif
}()
