import CSandbox
import Foundation
import TextUI

/// Which step of making a private network failed, and with which errno.
public struct ProbeResult: Sendable, Equatable {
    public enum Step: Int32, Sendable {
        case none = 0, fork, unshareUser, setgroups, uidMap, gidMap, mount, loopback, packetSocket, join,
             unsharePID, unsupported
    }

    public var failedStep: Step
    public var errorNumber: Int32

    public init(failedStep: Step, errorNumber: Int32) {
        self.failedStep = failedStep
        self.errorNumber = errorNumber
    }

    public var succeeded: Bool { failedStep == .none }

    /// Tries it for real, in a child process that leaves nothing behind.
    public static func run() -> ProbeResult {
        let result = osilab_probe_private_network()
        return ProbeResult(failedStep: Step(rawValue: result.failed_step) ?? .fork, errorNumber: result.error_number)
    }

    /// The system call as a learner would look it up.
    public var callName: String { callName(in: .english) }

    /// ``callName`` in `language`: the calls stay as they are, the words around them do not.
    public func callName(in language: Language) -> String {
        let say = NetworkStrings(language)
        switch failedStep {
        case .none: return say(.callNothing)
        case .fork: return "fork"
        case .unshareUser: return "unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS)"
        case .setgroups: return say(.callWrite, "/proc/self/setgroups")
        case .uidMap: return say(.callWrite, "/proc/self/uid_map")
        case .gidMap: return say(.callWrite, "/proc/self/gid_map")
        case .mount: return say(.callMount)
        case .loopback: return say(.callLoopback)
        case .packetSocket: return "socket(AF_PACKET)"
        case .join: return "setns"
        case .unsharePID: return "unshare(CLONE_NEWPID)"
        case .unsupported: return say(.callNamespaces)
        }
    }
}

/// What the machine says about user namespaces, read from /proc/sys and a few files that
/// mark a container. Every field is nil when the file does not exist.
public struct HostFacts: Sendable, Equatable {
    public enum System: Sendable, Equatable { case linux, macOS, other }

    public var system: System
    /// `user.max_user_namespaces`: 0 turns user namespaces off for everyone.
    public var maxUserNamespaces: Int?
    /// `kernel.unprivileged_userns_clone` (Debian's and Arch's older kernels): 0 allows them to root only.
    public var unprivilegedUsernsClone: Int?
    /// `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10 and later): 1 allows them
    /// only to programs whose AppArmor profile says `userns`.
    public var appArmorRestrictsUserNamespaces: Int?
    /// The kind of container this seems to be ("docker", "podman", "lxc", ...), or nil.
    public var container: String?
    /// A seccomp filter is installed on this process (containers' default profiles block unshare).
    public var seccompFiltered: Bool

    public init(system: System, maxUserNamespaces: Int? = nil, unprivilegedUsernsClone: Int? = nil,
                appArmorRestrictsUserNamespaces: Int? = nil, container: String? = nil, seccompFiltered: Bool = false) {
        self.system = system
        self.maxUserNamespaces = maxUserNamespaces
        self.unprivilegedUsernsClone = unprivilegedUsernsClone
        self.appArmorRestrictsUserNamespaces = appArmorRestrictsUserNamespaces
        self.container = container
        self.seccompFiltered = seccompFiltered
    }

    /// This machine's facts.
    public static func read(environment: [String: String] = ProcessInfo.processInfo.environment) -> HostFacts {
        #if os(Linux)
        func number(_ path: String) -> Int? {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        var container: String?
        if FileManager.default.fileExists(atPath: "/.dockerenv") {
            container = "docker"
        } else if FileManager.default.fileExists(atPath: "/run/.containerenv") {
            container = "podman"
        } else if let kind = environment["container"], !kind.isEmpty {
            container = kind
        } else if let groups = try? String(contentsOfFile: "/proc/1/cgroup", encoding: .utf8) {
            for kind in ["docker", "kubepods", "lxc", "containerd"] where groups.contains(kind) {
                container = kind
                break
            }
        }
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let seccomp = status.split(separator: "\n").contains { $0.hasPrefix("Seccomp:") && $0.hasSuffix("2") }
        return HostFacts(
            system: .linux,
            maxUserNamespaces: number("/proc/sys/user/max_user_namespaces"),
            unprivilegedUsernsClone: number("/proc/sys/kernel/unprivileged_userns_clone"),
            appArmorRestrictsUserNamespaces: number("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
            container: container, seccompFiltered: seccomp)
        #elseif os(macOS)
        return HostFacts(system: .macOS)
        #else
        return HostFacts(system: .other)
        #endif
    }
}

/// Why osilab cannot make a private network here, in words, with the fix.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// `user.max_user_namespaces` is 0.
        case turnedOff
        /// The user-namespace limit is reached (ENOSPC with a limit above 0).
        case limitReached(limit: Int)
        /// `kernel.unprivileged_userns_clone` is 0.
        case rootOnly
        /// Ubuntu's AppArmor restriction, and this binary has no profile allowing `userns`.
        case appArmor
        /// A container whose security policy forbids user namespaces.
        case container(kind: String?)
        /// macOS: no namespaces at all.
        case macOS
        /// Another system without Linux namespaces.
        case unsupportedSystem
        /// A step failed for a reason the facts above do not explain.
        case failed(ProbeResult)
        /// Something around the namespaces went wrong (the registry of named networks...).
        case other(NetworkMessage)
    }

    public var reason: Reason
    /// The probe that found it (nil when the facts alone decided).
    public var probe: ProbeResult?
    /// The AppArmor installer shipped with osilab, when it can be found.
    public var appArmorInstaller: String?

    public init(reason: Reason, probe: ProbeResult? = nil, appArmorInstaller: String? = nil) {
        self.reason = reason
        self.probe = probe
        self.appArmorInstaller = appArmorInstaller
    }

    /// Explains a failed probe with the machine's facts. nil when the probe succeeded.
    public static func diagnose(_ probe: ProbeResult, facts: HostFacts, appArmorInstaller: String? = nil) -> Refusal? {
        switch facts.system {
        case .macOS: return Refusal(reason: .macOS, probe: probe, appArmorInstaller: appArmorInstaller)
        case .other: return Refusal(reason: .unsupportedSystem, probe: probe, appArmorInstaller: appArmorInstaller)
        case .linux: break
        }
        guard !probe.succeeded else { return nil }
        func refusal(_ reason: Reason) -> Refusal {
            Refusal(reason: reason, probe: probe, appArmorInstaller: appArmorInstaller)
        }
        if probe.failedStep == .unsupported { return refusal(.unsupportedSystem) }
        if facts.maxUserNamespaces == 0 { return refusal(.turnedOff) }
        if probe.failedStep == .unshareUser {
            if probe.errorNumber == ENOSPC { return refusal(.limitReached(limit: facts.maxUserNamespaces ?? 0)) }
            if facts.unprivilegedUsernsClone == 0 { return refusal(.rootOnly) }
            if facts.appArmorRestrictsUserNamespaces == 1 { return refusal(.appArmor) }
            if probe.errorNumber == EPERM, facts.container != nil || facts.seccompFiltered {
                return refusal(.container(kind: facts.container))
            }
        }
        // Ubuntu lets the unshare succeed and then denies what needs a capability.
        if facts.appArmorRestrictsUserNamespaces == 1, probe.errorNumber == EPERM || probe.errorNumber == EACCES {
            return refusal(.appArmor)
        }
        if facts.container != nil, probe.errorNumber == EPERM || probe.errorNumber == EACCES {
            return refusal(.container(kind: facts.container))
        }
        return refusal(.failed(probe))
    }

    /// Probes this machine and explains what stops a private network, or returns nil.
    public static func check() -> Refusal? {
        diagnose(ProbeResult.run(), facts: HostFacts.read(), appArmorInstaller: AppArmorProfile.installerPath())
    }

    /// What the kernel answered, as osilab tried it (`unshare(CLONE_NEWUSER|...) failed: No
    /// space left on device`), or nil when nothing was tried.
    public var evidence: String? { evidence(in: .english) }

    /// ``evidence`` in `language`: English gives the kernel's words (strerror), Chinese the
    /// errno name (`ENOSPC`), which is what the man pages list.
    public func evidence(in language: Language) -> String? {
        guard let probe, !probe.succeeded, probe.failedStep != .unsupported else { return nil }
        if case .failed = reason { return nil }  // the problem says it already
        return NetworkStrings(language)(.evidence, probe.callName(in: language), probe.failure(in: language))
    }

    /// What is wrong, in one or two sentences.
    public var problem: String { problem(in: .english) }

    /// ``problem`` in `language`.
    public func problem(in language: Language) -> String {
        let say = NetworkStrings(language)
        switch reason {
        case .turnedOff: return say(.problemTurnedOff)
        case .limitReached(let limit): return say(.problemLimitReached, String(limit))
        case .rootOnly: return say(.problemRootOnly)
        case .appArmor: return say(.problemAppArmor)
        case .container(let kind): return say(.problemContainer, kind ?? say(.seccompFilter))
        case .macOS: return say(.problemMacOS)
        case .unsupportedSystem: return say(.problemUnsupportedSystem)
        case .failed(let probe): return say(.problemFailed, probe.callName(in: language), probe.failure(in: language))
        case .other(let message): return message.text(in: language)
        }
    }

    /// The commands that fix it (someone with root runs them once), or other ways on.
    public var fix: [String] { fix(in: .english) }

    /// ``fix`` in `language`, one line each (commands indented by four spaces). The commands
    /// are the same in every language: they are passed into the sentences, not written in them.
    public func fix(in language: Language) -> [String] {
        let say = NetworkStrings(language)
        let text: String
        switch reason {
        case .turnedOff, .limitReached:
            text = say(.fixTurnedOff, "sudo sysctl -w user.max_user_namespaces=15000",
                       "echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-osilab-userns.conf")
        case .rootOnly:
            text = say(.fixRootOnly, "sudo sysctl -w kernel.unprivileged_userns_clone=1",
                       "echo kernel.unprivileged_userns_clone=1 | sudo tee /etc/sysctl.d/60-osilab-userns.conf")
        case .appArmor: text = say(.fixAppArmor, appArmorInstaller ?? "scripts/allow-userns")
        case .container:
            text = say(.fixContainer, "docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined ...")
        case .macOS: text = say(.fixMacOS, "sudo chmod o+rw /dev/bpf*")
        case .unsupportedSystem, .failed, .other: text = say(.fixOther)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The whole explanation in English: ``describe(in:)``.
    public var description: String { describe(in: .english) }

    /// The problem, what the kernel answered and the fix, one per line, in `language`.
    public func describe(in language: Language) -> String {
        ([problem(in: language)] + (evidence(in: language).map { [$0] } ?? []) + fix(in: language)).joined(separator: "\n")
    }
}

extension ProbeResult {
    /// How the failed step failed: the kernel's words in English (`No space left on
    /// device`), the errno name in Chinese (`ENOSPC`, or `errno 28` for one without a name here).
    func failure(in language: Language) -> String {
        if language == .english { return String(cString: strerror(errorNumber)) }
        return ProbeResult.errnoNames[errorNumber] ?? "errno \(errorNumber)"
    }

    /// The errnos making a namespace can end with (pairs, so that two names of one number
    /// on some system cannot trap as duplicate dictionary keys would).
    static let errnoNames: [Int32: String] = Dictionary([
        (EPERM, "EPERM"), (ENOENT, "ENOENT"), (ESRCH, "ESRCH"), (EINTR, "EINTR"), (EIO, "EIO"), (EBADF, "EBADF"),
        (EAGAIN, "EAGAIN"), (ENOMEM, "ENOMEM"), (EACCES, "EACCES"), (EFAULT, "EFAULT"), (EBUSY, "EBUSY"),
        (EEXIST, "EEXIST"), (ENODEV, "ENODEV"), (EINVAL, "EINVAL"), (ENOSPC, "ENOSPC"), (EROFS, "EROFS"),
        (ENOSYS, "ENOSYS"), (EUSERS, "EUSERS"), (EAFNOSUPPORT, "EAFNOSUPPORT"), (EOPNOTSUPP, "EOPNOTSUPP"),
    ], uniquingKeysWith: { first, _ in first })
}

/// The AppArmor profile that Ubuntu 23.10 and later need before an ordinary user's program
/// may create user namespaces.
public enum AppArmorProfile {
    /// The installer script of this checkout (`scripts/allow-userns`), found above the
    /// running binary, or nil.
    public static func installerPath(executable: String = ownExecutable()) -> String? {
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = folder.appendingPathComponent("scripts/allow-userns")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return nil
    }
}

/// The running binary's path (`/proc/self/exe` resolved), else argv[0].
public func ownExecutable() -> String {
    #if os(Linux)
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if length > 0 {
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    #endif
    return CommandLine.arguments.first ?? "osilab"
}
