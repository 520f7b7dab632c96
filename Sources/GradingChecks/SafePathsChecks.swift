// Checks for exercise 15, safe-paths (lesson 9), on real files, folders and symbolic links.
import Foundation

/// Grades `fileToServe(_:root:)`.
public enum SafePathsChecks {
    public typealias Resolve = @Sendable (String, String) -> String?

    /// A temporary tree, removed at the end:
    ///
    ///     base/lab/notes.txt                 the root and its files
    ///     base/lab/sub/inner.txt
    ///     base/lab/sub/deeper/               a folder
    ///     base/lab/link-in -> notes.txt      a link that stays inside
    ///     base/lab/link-out -> ../outside/secret.txt
    ///     base/lab/dir-out -> ../outside
    ///     base/outside/secret.txt            outside the root
    ///     base/lab-secrets/key.txt           outside, with a name that starts like the root
    struct Tree {
        let base: String
        var root: String { base + "/lab" }

        init() throws {
            let manager = FileManager.default
            let template = NSTemporaryDirectory() + "osilab-safe-paths-" + UUID().uuidString
            base = URL(fileURLWithPath: template).resolvingSymlinksInPath().path
            for folder in ["lab/sub/deeper", "outside", "lab-secrets"] {
                try manager.createDirectory(atPath: base + "/" + folder, withIntermediateDirectories: true)
            }
            for (file, text) in [("lab/notes.txt", "notes"), ("lab/sub/inner.txt", "inner"),
                                 ("outside/secret.txt", "secret"), ("lab-secrets/key.txt", "key")] {
                try Data(text.utf8).write(to: URL(fileURLWithPath: base + "/" + file))
            }
            try manager.createSymbolicLink(atPath: base + "/lab/link-in", withDestinationPath: "notes.txt")
            try manager.createSymbolicLink(atPath: base + "/lab/link-out", withDestinationPath: "../outside/secret.txt")
            try manager.createSymbolicLink(atPath: base + "/lab/dir-out", withDestinationPath: "../outside")
        }

        func remove() { try? FileManager.default.removeItem(atPath: base) }

        /// A path as messages show it: the temporary base folder written as `<tmp>`.
        func short(_ path: String) -> String {
            showText(path.replacingOccurrences(of: base, with: "<tmp>"), limit: 80)
        }
    }

    static func withTree(_ site: CallSite, _ body: (Tree) -> Void) {
        guard let tree = try? Tree() else { return fail("the grading could not create its test folders", site) }
        defer { tree.remove() }
        body(tree)
    }

    static func ask(_ resolve: @escaping Resolve, _ name: String, _ root: String, _ site: CallSite) -> String?? {
        let run = LearnerThread("fileToServe(\(showText(name)), root:)") { resolve(name, root) }
        if case .returned(let answer)? = finish(run, trace: nil, unblock: nil, site) { return .some(answer) }
        return .none
    }

    /// The real path of `path`, for comparing answers that may spell the same file differently.
    static func real(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    public static func servesFilesInsideTheRoot(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        withTree(site) { tree in
            let cases = [("notes.txt", "notes.txt"), ("sub/inner.txt", "sub/inner.txt"), ("./notes.txt", "notes.txt"),
                         ("sub/../notes.txt", "notes.txt"), ("link-in", "notes.txt")]
            for (name, target) in cases {
                guard let answer = ask(resolve, name, tree.root, site) else { return }
                let expected = tree.root + "/" + target
                guard let answer else {
                    fail("\(showText(name)) is the regular file \(target) inside the root, so it should be served; "
                         + "fileToServe returned nil", site)
                    continue
                }
                if !answer.hasPrefix("/") {
                    fail("for \(showText(name)) you returned \(tree.short(answer)), which is not an absolute path: return the "
                         + "resolved path, starting with /", site)
                } else if real(answer) != expected {
                    fail("for \(showText(name)) you returned \(tree.short(answer)), but the file it names is "
                         + "\(tree.short(expected)) (the root is <tmp>/lab)", site)
                }
            }
        }
    }

    static func expectRefusal(_ resolve: @escaping Resolve, _ cases: [(String, String)], _ site: CallSite) {
        withTree(site) { tree in
            for (name, why) in cases {
                guard let answer = ask(resolve, name, tree.root, site) else { return }
                if let answer {
                    fail("fileToServe(\(showText(name))) returned \(tree.short(answer)), but the server must refuse: \(why) "
                         + "(the root is <tmp>/lab)", site)
                }
            }
        }
    }

    public static func refusesParentFolders(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("../outside/secret.txt", "\"..\" leads out of the root"),
            ("sub/../../outside/secret.txt", "after resolving the \"..\" parts, the path is outside the root"),
            ("../lab-secrets/key.txt", "the file is in lab-secrets, next to the root lab: its path starts with the same "
                + "letters as the root's, but it is not inside. Compare the root with a \"/\" after it"),
        ], CallSite(file: file, line: line))
    }

    public static func refusesAbsolutePaths(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        withTree(site) { tree in
            for name in ["/etc/passwd", tree.base + "/outside/secret.txt", tree.root + "/notes.txt"] {
                guard let answer = ask(resolve, name, tree.root, site) else { return }
                if let answer {
                    fail("fileToServe(\(tree.short(name))) returned \(tree.short(answer)): refuse absolute paths. The name comes "
                         + "from a client and is relative to the root", site)
                }
            }
        }
    }

    public static func refusesLinksOutOfTheRoot(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("link-out", "link-out is a symbolic link to a file outside the root; resolve links before you compare"),
            ("dir-out/secret.txt", "dir-out is a symbolic link to a folder outside the root; resolve links before you compare"),
        ], CallSite(file: file, line: line))
    }

    public static func refusesWhatIsNotAFile(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("", "an empty name names no file"),
            ("sub", "sub is a folder, not a file"),
            ("sub/deeper", "sub/deeper is a folder, not a file"),
            ("missing.txt", "there is no such file"),
            (".", "\".\" is the root folder itself"),
        ], CallSite(file: file, line: line))
    }
}
