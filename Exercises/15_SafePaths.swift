// Exercise 15 of osilab: safe-paths. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check safe-paths` (or `swift test --filter SafePathsTests`);
// `osilab hint safe-paths` gives a hint at a time.
// 练习 15：safe-paths。学完第 9 课“笔记中的三个程序”之后做。
// 用 `osilab check safe-paths` 检查（或 `swift test --filter SafePathsTests`）；
// `osilab hint safe-paths` 每次给一条提示。
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
///
/// 决定文件服务器收到 `get NAME` 时可以发送哪个文件：只能是它根目录里的文件。
///
/// **要做的：** 返回 `name` 在文件夹 `root` 里所指文件的真实绝对路径；服务器必须拒绝时返回 nil：
/// - `name` 是空的，或者是绝对路径（以 "/" 开头）；
/// - 路径不存在，或者不是普通文件（例如是文件夹）；
/// - 真实路径在 `root` 之外：通过 ".."，或者通过指向根目录之外的符号链接。留在根目录里的链接没问题。
///
/// 先把两个路径都解析出来（Glibc 的 `realpath()`，或者 Foundation 的
/// `URL(fileURLWithPath:).resolvingSymlinksInPath()`），再按完整的路径组成部分比较：
/// "/srv/lab-secrets/key" 的文本以 "/srv/lab" 开头，但它并不在 "/srv/lab" 里面。
/// `FileManager.default.fileExists(atPath:isDirectory:)` 能区分文件和文件夹。
///
/// **为什么重要：** 笔记中的文件服务器会打开客户端发来的任何路径：`get /etc/shadow` 会交出密码
/// 散列，`get ../../etc/passwd` 能逃出它本来要提供的任何文件夹。osilab 自己的文件服务器做的就是这个检查。
public func fileToServe(_ name: String, root: String) -> String? {
    // 待办：拒绝通向 `root` 之外、或者不是普通文件的名字。
    // 现在这个版本就是笔记中的服务器：给它什么路径，它就提供什么。
    // TODO: refuse names that lead outside `root` or to anything but a regular file.
    // This version is the notes' server: it serves whatever path it is given.
    return root + "/" + name
}
