import CSandbox
import Foundation
import TextUI

/// The named private networks of this user, so that a second terminal can join the first.
///
/// A network has no file of its own: it lives as long as a process is in it, and the kernel
/// frees it with the last one. The registry only remembers who is in it: one file per
/// member, `NAME/PID`, holding the process's start time (so a recycled pid is not taken for
/// a member). Members remove their file when they leave; a member killed outright leaves a
/// file that no longer matches a live process and is pruned. A lock around finding and
/// entering keeps two terminals started at once from making two networks of one name.
public struct NetworkRegistry: Sendable {
    /// The folder: `$XDG_RUNTIME_DIR/osilab/networks` (per user, emptied at logout), else
    /// `/tmp/osilab-UID/networks`, which must belong to this user and no one else.
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// Why `name` cannot name a network, or nil when it can, in `language`.
    public static func nameProblem(_ name: String, language: Language = .english) -> String? {
        isValidName(name) ? nil : NetworkMessage(.badName, name).text(in: language)
    }

    /// Names must be short, lower-case words: they appear in file names and prompts.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 32 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
        return (CharacterSet.lowercaseLetters.contains(first) || CharacterSet.decimalDigits.contains(first))
            && first.isASCII && name.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    /// This user's registry, creating its folder.
    public static func forCurrentUser(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Refusal) -> NetworkRegistry {
        let base: URL
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, ownedByMe(runtime) {
            base = URL(fileURLWithPath: runtime).appendingPathComponent("osilab")
        } else {
            base = URL(fileURLWithPath: "/tmp/osilab-\(geteuid())")
        }
        let folder = base.appendingPathComponent("networks")
        for directory in [base, folder] {
            mkdir(directory.path, 0o700)
            guard ownedByMe(directory.path) else {
                throw Refusal(reason: .other(NetworkMessage(.registryNotOwned, directory.path)))
            }
        }
        return NetworkRegistry(folder: folder)
    }

    /// A real folder (not a link), owned by this user, that no one else may write.
    static func ownedByMe(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR && info.st_uid == geteuid() && (info.st_mode & 0o022) == 0
    }

    /// A process that is in the network `name` now, if any.
    public struct Member: Sendable, Equatable {
        public var pid: Int32
        public var startTime: UInt64
    }

    func networkFolder(_ name: String) -> URL { folder.appendingPathComponent(name) }

    /// The members of `name` that are alive and already inside it; stale files are removed.
    public func liveMembers(of name: String) -> [Member] {
        let directory = networkFolder(name)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        let ownNetwork = osilab_namespace_inode(0, "net")
        var members: [Member] = []
        for entry in entries {
            let path = directory.appendingPathComponent(entry).path
            guard let pid = Int32(entry),
                  let recorded = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap({ UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            else {
                unlink(path)
                continue
            }
            guard Self.startTime(of: pid) == recorded else {
                unlink(path)
                continue
            }
            // Alive, and already in a network of its own (not still on its way in).
            let network = osilab_namespace_inode(pid, "net")
            if network != 0 && network != ownNetwork { members.append(Member(pid: pid, startTime: recorded)) }
        }
        return members.sorted { $0.pid < $1.pid }
    }

    /// The named networks with at least one live member, and how many members each has.
    public func networks() -> [(name: String, members: Int)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.sorted().compactMap { name in
            guard Self.isValidName(name) else { return nil }
            let count = liveMembers(of: name).count
            if count == 0 { rmdir(networkFolder(name).path) }
            return count > 0 ? (name, count) : nil
        }
    }

    /// Takes the registry's lock for `name` (flock, held by the descriptor, which survives
    /// exec so that the new process can release it once it is inside).
    func lock(_ name: String) throws(Refusal) -> Int32 {
        let path = folder.appendingPathComponent(".\(name).lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Refusal(reason: .other(NetworkMessage(.registryLockOpen, path, String(cString: strerror(errno)))))
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw Refusal(reason: .other(NetworkMessage(.registryLock, path, reason)))
            }
        }
        return descriptor
    }

    /// Writes this process's member file for `name`; returns its path.
    func addMember(_ name: String, pid: Int32) throws(Refusal) -> String {
        let directory = networkFolder(name)
        mkdir(directory.path, 0o700)
        let path = directory.appendingPathComponent(String(pid)).path
        guard let start = Self.startTime(of: pid),
              FileManager.default.createFile(atPath: path, contents: Data("\(start)\n".utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw Refusal(reason: .other(NetworkMessage(.registryWrite, directory.path)))
        }
        return path
    }

    /// Field 22 of /proc/PID/stat: when the process started, in clock ticks after boot.
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come the fields from 3 (state) on; the comm may hold spaces.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // A zombie has ended; only its exit status waits to be collected.
        guard fields.count > 19, fields[0] != "Z" else { return nil }
        return UInt64(fields[19])
    }
}
