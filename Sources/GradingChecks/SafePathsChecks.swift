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
        guard let tree = try? Tree() else { return fail(say(.gradingNoFolders), site) }
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
                    fail(say(.shouldServe, showText(name), target), site)
                    continue
                }
                if !answer.hasPrefix("/") {
                    fail(say(.notAbsolute, showText(name), tree.short(answer)), site)
                } else if real(answer) != expected {
                    fail(say(.wrongFile, showText(name), tree.short(answer), tree.short(expected)), site)
                }
            }
        }
    }

    static func expectRefusal(_ resolve: @escaping Resolve, _ cases: [(String, CheckText)], _ site: CallSite) {
        withTree(site) { tree in
            for (name, why) in cases {
                guard let answer = ask(resolve, name, tree.root, site) else { return }
                if let answer {
                    fail(say(.mustRefuse, showText(name), tree.short(answer), say(why)), site)
                }
            }
        }
    }

    public static func refusesParentFolders(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("../outside/secret.txt", .whyParentLeadsOut),
            ("sub/../../outside/secret.txt", .whyParentResolved),
            ("../lab-secrets/key.txt", .whySameLetters),
        ], CallSite(file: file, line: line))
    }

    public static func refusesAbsolutePaths(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        withTree(site) { tree in
            for name in ["/etc/passwd", tree.base + "/outside/secret.txt", tree.root + "/notes.txt"] {
                guard let answer = ask(resolve, name, tree.root, site) else { return }
                if let answer {
                    fail(say(.absoluteServed, tree.short(name), tree.short(answer)), site)
                }
            }
        }
    }

    public static func refusesLinksOutOfTheRoot(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("link-out", .whyLinkOut),
            ("dir-out/secret.txt", .whyDirOut),
        ], CallSite(file: file, line: line))
    }

    public static func refusesWhatIsNotAFile(_ resolve: @escaping Resolve, file: StaticString = #filePath, line: UInt = #line) {
        expectRefusal(resolve, [
            ("", .whyEmptyName),
            ("sub", .whySubIsAFolder),
            ("sub/deeper", .whyDeeperIsAFolder),
            ("missing.txt", .whyNoSuchFile),
            (".", .whyDotIsTheRoot),
        ], CallSite(file: file, line: line))
    }
}
