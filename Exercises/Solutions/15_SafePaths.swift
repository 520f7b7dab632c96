// Exercise 15, safe-paths: the reference solution. Follows lesson 9, "The notes' three programs".
#if canImport(Glibc)
import Glibc
#endif

/// The real path of the regular file `name` names inside `root`, or nil when it does not
/// exist, is not a regular file, or lies outside `root`.
public func fileToServe(_ name: String, root: String) -> String? {
    guard !name.isEmpty, !name.hasPrefix("/"), !name.utf8.contains(0) else { return nil }
    // realpath() resolves "..", "." and symbolic links, and fails for a missing file.
    guard let realRoot = realPath(root), let resolved = realPath(realRoot + "/" + name) else { return nil }
    // Inside means the root itself plus "/": "/srv/lab-secrets" starts with "/srv/lab" but
    // is not inside it.
    let prefix = realRoot.hasSuffix("/") ? realRoot : realRoot + "/"
    guard resolved.hasPrefix(prefix) else { return nil }
    var info = stat()
    guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return resolved
}

/// The canonical absolute path of `path`, or nil if it does not exist. The C function is `realpath`.
private func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}
