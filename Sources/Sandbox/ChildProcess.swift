import Foundation

/// A program started as a child that shares the terminal: same process group (so Ctrl-C
/// and job control reach it, and it may read the keyboard), default signal actions, and the
/// descriptors 0, 1 and 2 of this process unless told otherwise. Foundation's `Process`
/// puts a child in a process group of its own, which is right for a build but wrong for a
/// program the learner types into.
///
/// The corresponding C functions are `posix_spawnp` and `waitpid`.
public enum ChildProcess {
    /// How a child ended.
    public enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// As a shell reports it: the exit status, or 128 + the signal number.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let number): 128 + number
            }
        }
    }

    /// Why a child could not be started, as `program: reason`.
    public struct SpawnFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Starts `program` (looked up on PATH when it has no slash) with `arguments`.
    /// - Parameters:
    ///   - inheritInput: false gives it /dev/null as standard input.
    ///   - outputPath: standard output and error go to this file instead of ours.
    ///   - environment: added to this process's environment for the child.
    public static func spawn(_ program: String, _ arguments: [String], inheritInput: Bool = true,
                             outputPath: String? = nil, environment extra: [String: String] = [:])
        -> Result<pid_t, SpawnFailure>
    {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        if !inheritInput {
            posix_spawn_file_actions_addopen(&fileActions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        if let outputPath {
            posix_spawn_file_actions_addopen(&fileActions, STDOUT_FILENO, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&fileActions, STDOUT_FILENO, STDERR_FILENO)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal actions and nothing blocked, whatever we ignore.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGWINCH, SIGHUP] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(extra) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = argv.withUnsafeBufferPointer { buffer -> Int32 in
            envp.withUnsafeBufferPointer { environmentBuffer -> Int32 in
                guard let base = buffer.baseAddress, let environmentBase = environmentBuffer.baseAddress else { return EINVAL }
                return posix_spawnp(&pid, program, &fileActions, &attributes, base, environmentBase)
            }
        }
        guard result == 0 else {
            return .failure(SpawnFailure(description: "\(program): \(String(cString: strerror(result)))"))
        }
        return .success(pid)
    }

    /// Waits for a child and says how it ended (nil only if waitpid itself fails).
    public static func wait(for pid: pid_t) -> Result<Exit, SpawnFailure> {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .failure(SpawnFailure(description: "waitpid: \(String(cString: strerror(errno)))")) }
        }
        return .success(exit(fromStatus: status))
    }

    /// Replaces this process with `program` (looked up on PATH). Returns only when that fails.
    /// The corresponding C function is `execvp`.
    public static func replaceProcess(with program: [String]) -> SpawnFailure {
        guard let name = program.first else { return SpawnFailure(description: "(nothing): no program given") }
        fflush(nil)
        let argv: [UnsafeMutablePointer<CChar>?] = program.map { strdup($0) } + [nil]
        execvp(name, argv)
        return SpawnFailure(description: "\(name): \(String(cString: strerror(errno)))")
    }

    /// WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
    public static func exit(fromStatus status: Int32) -> Exit {
        let signalNumber = status & 0x7F
        if signalNumber == 0 { return .exited((status >> 8) & 0xFF) }
        return .signalled(signalNumber)
    }
}
