import Foundation
import Sandbox

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
        /// No lab above any folder osilab looked from. `searchedFrom` is those folders, one a
        /// line (each indented two spaces); a folder osilab could not see into ends in
        /// `(EACCES: ...)` naming the folder this user may not enter.
        case notFound(searchedFrom: String)
        case badOverride(String)

        /// In English (the learner's language is `UIStrings.describe`'s, in LessonKit).
        public var description: String {
            switch self {
            case .notFound(let searched):
                "Cannot find the osilab folder (the one with Package.swift and Lessons/). osilab looked in these folders "
                    + "and in every folder above them:\n\(searched)\nRun osilab inside the lab's folder, or tell it where the lab is:\n"
                    + "    export OSILAB_HOME=/path/to/osilab\nIf a folder above ends in EACCES, you may not enter the folder named "
                    + "there: use a copy of the lab in a folder of your own, or ask its owner to let you in (`chmod o+x` on that folder)."
            case .badOverride(let path):
                "OSILAB_HOME is set to \(path), but that folder has no Package.swift and Lessons/ folder."
            }
        }
    }

    /// Finds the lab: `OSILAB_HOME` if set, else the nearest folder above the running
    /// executable (`.build/debug/osilab` lives inside the checkout), else above the
    /// current directory.
    /// - Parameter starts: the folders to look above (tests give their own); by default
    ///   ``searchStarts()``.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              starts: [URL]? = nil) throws -> LabHome {
        if let override = environment["OSILAB_HOME"], !override.isEmpty {
            let url = URL(fileURLWithPath: override, isDirectory: true)
            guard isLabRoot(url) else { throw LocateError.badOverride(override) }
            return LabHome(root: url)
        }
        let starts = starts ?? searchStarts()
        for start in starts {
            var candidate = start
            for _ in 0..<8 {
                if isLabRoot(candidate) { return LabHome(root: candidate) }
                let parent = candidate.deletingLastPathComponent()
                if parent.path == candidate.path { break }
                candidate = parent
            }
        }
        throw LocateError.notFound(searchedFrom: searchedText(starts))
    }

    /// Where osilab looks for the lab: the folder of its own program (read from
    /// `/proc/self/exe`, which names it even when this user may not enter the folder, and
    /// which Foundation's symlink resolution gives up on then), and the current folder;
    /// each once.
    public static func searchStarts() -> [URL] {
        var folders: [URL] = []
        let program = URL(fileURLWithPath: ownExecutable()).deletingLastPathComponent()
        let invoked = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        for folder in [program, invoked, current] {
            let folder = folder.standardizedFileURL
            if !folders.contains(where: { $0.path == folder.path }) { folders.append(folder) }
        }
        return folders
    }

    /// The folders looked in, one a line, each with the folder this user may not enter on
    /// the way to it, if any.
    static func searchedText(_ starts: [URL]) -> String {
        starts.map { start in
            "  " + start.path + (firstClosedFolder(on: start).map { " (EACCES: \($0))" } ?? "")
        }.joined(separator: "\n")
    }

    /// The first folder from `/` down to `folder` (itself included) that this process may
    /// not enter (search permission), or nil. A folder beyond it cannot even be looked at,
    /// so a lab inside it is invisible.
    static func firstClosedFolder(on folder: URL) -> String? {
        var path = ""
        for component in folder.standardizedFileURL.pathComponents where component != "/" {
            path += "/" + component
            if access(path, X_OK) != 0, errno == EACCES { return path }
        }
        return nil
    }

    static func isLabRoot(_ url: URL) -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        return manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: url.appendingPathComponent("Lessons").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
