import CSandbox
import Foundation

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
    public var callName: String {
        switch failedStep {
        case .none: "nothing"
        case .fork: "fork"
        case .unshareUser: "unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS)"
        case .setgroups: "write /proc/self/setgroups"
        case .uidMap: "write /proc/self/uid_map"
        case .gidMap: "write /proc/self/gid_map"
        case .mount: "mount tmpfs"
        case .loopback: "ioctl(SIOCSIFFLAGS) to bring lo up"
        case .packetSocket: "socket(AF_PACKET)"
        case .join: "setns"
        case .unsharePID: "unshare(CLONE_NEWPID)"
        case .unsupported: "namespaces"
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
        case other(String)
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
    public var evidence: String? {
        guard let probe, !probe.succeeded, probe.failedStep != .unsupported else { return nil }
        if case .failed = reason { return nil }  // the problem says it already
        return "(osilab tried: \(probe.callName) failed with \(String(cString: strerror(probe.errorNumber))).)"
    }

    /// What is wrong, in one or two sentences.
    public var problem: String {
        switch reason {
        case .turnedOff:
            return "User namespaces are turned off on this machine (user.max_user_namespaces = 0), "
                + "so osilab cannot make a private network for you."
        case .limitReached(let limit):
            return "The machine's limit of user namespaces (user.max_user_namespaces = \(limit)) is used up."
        case .rootOnly:
            return "This kernel allows user namespaces to root only (kernel.unprivileged_userns_clone = 0)."
        case .appArmor:
            return "AppArmor lets only programs it names use user namespaces "
                + "(kernel.apparmor_restrict_unprivileged_userns = 1, Ubuntu 23.10 and later), and it does not name osilab yet."
        case .container(let kind):
            return "This looks like a container (\(kind ?? "seccomp filter")) whose security policy forbids creating "
                + "user namespaces."
        case .macOS:
            return "macOS has no network namespaces, so osilab cannot make a private network there."
        case .unsupportedSystem:
            return "This system has no Linux namespaces, so osilab cannot make a private network here."
        case .failed(let probe):
            return "osilab could not make a private network: \(probe.callName) failed with "
                + "\(String(cString: strerror(probe.errorNumber)))."
        case .other(let message):
            return message
        }
    }

    /// The commands that fix it (someone with root runs them once), or other ways on.
    public var fix: [String] {
        switch reason {
        case .turnedOff, .limitReached:
            return ["Someone with root can allow them (now, and at every boot):",
                    "    sudo sysctl -w user.max_user_namespaces=15000",
                    "    echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-osilab-userns.conf"]
        case .rootOnly:
            return ["Someone with root can allow them for everyone (now, and at every boot):",
                    "    sudo sysctl -w kernel.unprivileged_userns_clone=1",
                    "    echo kernel.unprivileged_userns_clone=1 | sudo tee /etc/sysctl.d/60-osilab-userns.conf"]
        case .appArmor:
            let installer = appArmorInstaller ?? "scripts/allow-userns"
            return ["osilab ships an AppArmor profile that allows exactly this (`userns`) for its own binary.",
                    "Someone with root installs it once (again only if the checkout moves):",
                    "    sudo \(installer)"]
        case .container:
            return ["Start the container with user namespaces allowed, for example",
                    "    docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined ...",
                    "or run osilab as root inside it (the container's root is enough for loopback)."]
        case .macOS:
            return ["Live capture on lo0 needs read access to the BPF devices instead. Install Wireshark's",
                    "ChmodBPF (it puts you in the access_bpf group), or for this boot only:",
                    "    sudo chmod o+rw /dev/bpf*"]
        case .unsupportedSystem, .failed, .other:
            return ["Run osilab as root (sudo) for live capture, or see `osilab doctor`."]
        }
    }

    public var description: String {
        ([problem] + (evidence.map { [$0] } ?? []) + fix).joined(separator: "\n")
    }
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
