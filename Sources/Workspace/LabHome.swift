import Foundation

/// Where the lab's own files live: the checked-out package with `Lessons/`, `Exercises/`
/// and `Package.swift`.
public struct LabHome: Sendable, Equatable {
    public var root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var lessons: URL { root.appendingPathComponent("Lessons", isDirectory: true) }
    public var exercises: URL { root.appendingPathComponent("Exercises", isDirectory: true) }
    public var packageManifest: URL { root.appendingPathComponent("Package.swift") }
    /// Captures recorded for the lessons, shown when live capture is not allowed.
    public var recordedCaptures: URL { lessons.appendingPathComponent("captures", isDirectory: true) }

    public enum LocateError: Error, CustomStringConvertible {
        case notFound(searchedFrom: String)
        case badOverride(String)

        public var description: String {
            switch self {
            case .notFound(let start):
                "cannot find the osilab folder (with Package.swift and Lessons/) above \(start). "
                    + "Run osilab from its checkout, or set OSILAB_HOME to that folder."
            case .badOverride(let path):
                "OSILAB_HOME is set to \(path), but that folder has no Package.swift and Lessons/ folder."
            }
        }
    }

    /// Finds the lab: `OSILAB_HOME` if set, else the nearest folder above the running
    /// executable (`.build/debug/osilab` lives inside the checkout), else above the
    /// current directory.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LabHome {
        if let override = environment["OSILAB_HOME"], !override.isEmpty {
            let url = URL(fileURLWithPath: override, isDirectory: true)
            guard isLabRoot(url) else { throw LocateError.badOverride(override) }
            return LabHome(root: url)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let starts = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            executable.deletingLastPathComponent(),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
        ]
        for start in starts {
            var candidate = start
            for _ in 0..<8 {
                if isLabRoot(candidate) { return LabHome(root: candidate) }
                let parent = candidate.deletingLastPathComponent()
                if parent.path == candidate.path { break }
                candidate = parent
            }
        }
        throw LocateError.notFound(searchedFrom: starts[0].path)
    }

    static func isLabRoot(_ url: URL) -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        return manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: url.appendingPathComponent("Lessons").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
