// Exercise 15 of osilab: safe-paths. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check safe-paths` (or `swift test --filter SafePathsTests`);
// `osilab hint safe-paths` gives a hint at a time.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Decides which file a file server may send for `get NAME`: only files inside its root.
///
/// **What to do:** return the real, absolute path of the file that `name` names inside the
/// folder `root`, or nil when the server must refuse:
/// - `name` is empty, or absolute (starts with "/");
/// - the path does not exist, or is not a regular file (a folder, for example);
/// - the real path lies outside `root`: through "..", or through a symbolic link that
///   points out of the root. Links that stay inside are fine.
///
/// Resolve both paths first (`realpath()` from Glibc, or
/// `URL(fileURLWithPath:).resolvingSymlinksInPath()` from Foundation), then compare whole
/// path components: "/srv/lab-secrets/key" begins with the text "/srv/lab", but it is not
/// inside "/srv/lab". `FileManager.default.fileExists(atPath:isDirectory:)` tells files
/// from folders.
///
/// **Why it matters:** the notes' file server opens any path a client sends:
/// `get /etc/shadow` hands out password hashes, and `get ../../etc/passwd` escapes any
/// folder it meant to serve. This is the check osilab's own file server makes.
public func fileToServe(_ name: String, root: String) -> String? {
    // TODO: refuse names that lead outside `root` or to anything but a regular file.
    // This version is the notes' server: it serves whatever path it is given.
    return root + "/" + name
}
