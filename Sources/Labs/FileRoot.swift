#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TextUI

/// The one folder the files lab serves from, and the checks that keep requests inside it.
///
/// The notes' server opens whatever name it is sent, relative to its working directory:
/// `get ../../etc/passwd` or `get /etc/shadow` would send those files to anyone who can
/// connect (the notes even bind to 0.0.0.0, every network the machine is on).
public struct FileRoot: Sendable, Equatable {
    /// The folder's real path (symbolic links resolved), without a trailing slash.
    public let path: String

    /// Serves from `path`, which must be an existing folder.
    public init(path: String) throws(FileRefusal) {
        guard let real = realPath(path) else {
            throw FileRefusal(.folderCannotServe, .text(path), .errno(errno))
        }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileRefusal(.folderNotAFolder, .text(path))
        }
        self.path = real
    }

    /// The longest name accepted, in bytes (Linux's PATH_MAX is 4096; a lab needs far less).
    public static let maxNameBytes = 1024

    /// Opens `name`, a path relative to the root, for reading, if it is a regular file
    /// inside the root. The corresponding C functions are `realpath`, `open` and `fstat`.
    ///
    /// Refused: empty names, control characters (NUL included), absolute paths, any `..`
    /// component, and anything whose real path (after following symbolic links) is not
    /// inside the root. `%2e%2e%2f` is not decoded: it is just an odd file name.
    public func open(_ name: String) -> Result<OpenedFile, FileRefusal> {
        if let problem = FileRoot.problem(with: name) { return .failure(FileRefusal(problem)) }
        let named = LabSentence.Part.text(shown(name))
        let candidate = path + "/" + name
        guard let real = realPath(candidate) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(FileRefusal(.fileNoSuchFile, named)) }
            return .failure(FileRefusal(.fileCannotOpen, named, .errno(code)))
        }
        if real == path { return .failure(FileRefusal(.fileIsServedFolder, named)) }
        guard isInside(real) else {
            return .failure(FileRefusal(.fileLeadsOutside, named))
        }
        // O_NOFOLLOW: if the last component was swapped for a symbolic link since realpath()
        // looked, open() fails (ELOOP) instead of following it. O_NONBLOCK: a FIFO planted
        // in the folder cannot make open() wait for a writer.
        let descriptor = openFile(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            return .failure(FileRefusal(.fileCannotOpen, named, .errno(errno)))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            closeFile(descriptor)
            return .failure(FileRefusal(.fileNotRegular, named))
        }
        // realpath() and open() are two steps; a folder on the way could have been replaced
        // by a link in between. Ask the kernel where the open file really is, and check again.
        if let opened = pathOfOpenDescriptor(descriptor), !isInside(opened) {
            closeFile(descriptor)
            return .failure(FileRefusal(.fileLeadsOutside, named))
        }
        return .success(OpenedFile(descriptor: descriptor, size: Int(info.st_size)))
    }

    /// Why `name` is refused before the file system is even asked, or nil.
    static func problem(with name: String) -> LabSentence? {
        if name.isEmpty { return LabSentence(.nameEmpty) }
        if name.utf8.count > maxNameBytes { return LabSentence(.nameTooLong, .number(maxNameBytes)) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return LabSentence(.nameControl)
        }
        if name.hasPrefix("/") { return LabSentence(.nameAbsolute) }
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") { return LabSentence(.nameDotDot) }
        if components.contains(where: { $0.utf8.count > 255 }) { return LabSentence(.namePartTooLong) }
        return nil
    }

    /// A name from the network, safe to put in a message.
    private func shown(_ name: String) -> String { ByteText.escaped(name, limit: 80) }

    private func isInside(_ real: String) -> Bool {
        real.hasPrefix(path == "/" ? "/" : path + "/")
    }

    /// The regular files directly in the root, sorted, for the server's banner.
    public func listing() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            var info = stat()
            if !name.hasPrefix("."), stat(path + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                names.append(name)
            }
        }
        return names.sorted()
    }

    // MARK: The default lab folder

    /// Where the files lab serves from when no `--root` is given:
    /// `$XDG_STATE_HOME/osilab/files`, else `~/.local/state/osilab/files`, else a folder under /tmp.
    public static func defaultLocation() -> String {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") {
            return state + "/osilab/files"
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), home.hasPrefix("/") {
            return home + "/.local/state/osilab/files"
        }
        return "/tmp/osilab-files-\(getuid())"
    }

    /// The sample files, by name. The Chinese-named one shows the lesson of the notes'
    /// remote client: a character can be three bytes, and sizes are counted in bytes.
    public static let samples: [(name: String, content: [UInt8])] = {
        let hello = """
            Hello from the osilab files lab!
            This file came over TCP: first its size as ASCII digits, then, after your
            client acknowledged, exactly that many bytes.

            """
        let chinese = """
            你好,世界!这是 osilab 文件实验的示例文件。
            每个汉字在 UTF-8 里占 3 个字节:这一行的字数和字节数并不相同。
            服务器先发送文件的字节数,客户端回复确认后,再发送文件内容。

            """
        var lines = ""
        for number in 1...200 {
            lines += "line \(number) of 200: a longer file needs several recv() calls to arrive\n"
        }
        return [("hello.txt", Array(hello.utf8)), ("你好.txt", Array(chinese.utf8)), ("lines.txt", Array(lines.utf8))]
    }()

    /// Creates `path` (and its parents) if needed, adds any missing sample file, and returns
    /// the root. Existing files are never overwritten.
    public static func prepare(at path: String) throws(FileRefusal) -> FileRoot {
        var built = ""
        for component in path.split(separator: "/") {
            built += "/" + component
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw FileRefusal(.folderCannotCreate, .text(built), .errno(errno))
            }
        }
        for sample in samples {
            let file = path + "/" + sample.name
            let descriptor = openFile(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard descriptor >= 0 else {
                if errno == EEXIST { continue }
                throw FileRefusal(.sampleCannotCreate, .text(file), .errno(errno))
            }
            let written = sample.content.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            closeFile(descriptor)
            if written != sample.content.count {
                throw FileRefusal(.sampleCannotWrite, .text(file))
            }
        }
        return try FileRoot(path: path)
    }
}

/// A file opened for sending; closed exactly once.
public final class OpenedFile {
    public let descriptor: Int32
    /// The size when it was opened; this many bytes are announced and sent.
    public let size: Int
    private var closed = false

    init(descriptor: Int32, size: Int) {
        self.descriptor = descriptor
        self.size = size
    }

    public func close() {
        guard !closed else { return }
        closed = true
        closeFile(descriptor)
    }

    deinit { close() }
}

/// Why a file is not sent.
public struct FileRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var sentence: LabSentence
    public init(_ sentence: LabSentence) { self.sentence = sentence }
    public init(_ id: LabMessage, _ parts: LabSentence.Part...) { sentence = LabSentence(id, parts: parts) }

    /// The refusal in `language`, for the log and the learner.
    public func text(_ language: Language) -> String { sentence.text(language) }

    /// The refusal as the server sends it after `ERR `: English, word for word the protocol's.
    public var description: String { sentence.wire }
}

/// The C `realpath`: the absolute path with every symbolic link, `.` and `..` resolved;
/// nil (and errno set) if some part does not exist.
func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// Where an open descriptor really points, from Linux's /proc/self/fd; nil where there is no /proc.
func pathOfOpenDescriptor(_ descriptor: Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 4097)
    let count = readlink("/proc/self/fd/\(descriptor)", &buffer, 4096)
    guard count > 0 else { return nil }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

// Inside FileRoot and OpenedFile, `open` and `close` name their own methods.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, flags, mode)
    #else
    Darwin.open(path, flags, mode)
    #endif
}

@discardableResult
private func closeFile(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.close(descriptor)
    #else
    Darwin.close(descriptor)
    #endif
}
