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
///
/// Paths are compared as bytes, as the kernel compares them, never as Swift `String`s:
/// `String` equality is Unicode canonical equivalence, so `café` (U+00E9) and `cafe` +
/// U+0301 are "equal" strings but two different folders on Linux, and a `/` followed by a
/// combining mark is one `Character` that splitting on "/" does not see.
public struct FileRoot: Sendable, Equatable {
    /// The folder's real path (symbolic links resolved), without a trailing slash, for
    /// showing (a name that is not UTF-8 shows U+FFFD).
    public let path: String
    /// The same path byte for byte, which every check uses.
    let pathBytes: [UInt8]

    /// Serves from `path`, which must be an existing folder.
    public init(path: String) throws(FileRefusal) {
        guard let real = realPath(Array(path.utf8)) else {
            throw FileRefusal(.folderCannotServe, .text(path), .errno(errno))
        }
        var info = stat()
        guard stat(cPath(real), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw FileRefusal(.folderNotAFolder, .text(path))
        }
        self.pathBytes = real
        self.path = String(decoding: real, as: UTF8.self)
    }

    /// The longest name accepted, in bytes (Linux's PATH_MAX is 4096; a lab needs far less).
    public static let maxNameBytes = 1024

    /// Opens `name`, a path relative to the root, for reading, if it is a regular file
    /// inside the root. The corresponding C functions are `realpath`, `open` and `fstat`.
    ///
    /// Refused: empty names, control characters (NUL included), absolute paths, any `..`
    /// component, anything whose real path (after following symbolic links) is not
    /// inside the root, and a regular file with more than one hard link. `%2e%2e%2f` is not
    /// decoded: it is just an odd file name.
    ///
    /// A name that does not exist and a name that leads outside get the same answer on the
    /// wire (`no such file: NAME`), so a client cannot probe what exists outside the folder
    /// through links in it; the log says which it was (``FileRefusal/logSentence``).
    public func open(_ name: String) -> Result<OpenedFile, FileRefusal> {
        if let problem = FileRoot.problem(with: name) { return .failure(FileRefusal(problem)) }
        let named = LabSentence.Part.text(shown(name))
        let noSuchFile = LabSentence(.fileNoSuchFile, named)
        let candidate = pathBytes + [UInt8(ascii: "/")] + Array(name.utf8)
        guard let real = realPath(candidate) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(FileRefusal(noSuchFile)) }
            // EACCES or ELOOP on the way may be about a folder outside: say no more than "no such file".
            return .failure(FileRefusal(noSuchFile, log: LabSentence(.fileCannotOpen, named, .errno(code))))
        }
        if real == pathBytes { return .failure(FileRefusal(.fileIsServedFolder, named)) }
        guard isInside(real) else {
            return .failure(FileRefusal(noSuchFile, log: LabSentence(.fileLeadsOutside, named)))
        }
        // A hard link is the file itself under a second name: one in the folder may be
        // /etc/shadow's own inode (made by anyone who can write the folder and read the
        // file), and nothing in the path shows it. Only st_nlink does. Looked at before
        // open(), so such a file is not even opened (an inotify watch on it sees nothing),
        // and again on the open descriptor below, in case it changed in between.
        var linkInfo = stat()
        if stat(cPath(real), &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFREG, linkInfo.st_nlink > 1 {
            return .failure(FileRefusal(.fileHardLinked, named))
        }
        // O_NOFOLLOW: if the last component was swapped for a symbolic link since realpath()
        // looked, open() fails (ELOOP) instead of following it. O_NONBLOCK: a FIFO planted
        // in the folder cannot make open() wait for a writer.
        let descriptor = openFile(cPath(real), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            return .failure(FileRefusal(.fileCannotOpen, named, .errno(errno)))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            closeFile(descriptor)
            return .failure(FileRefusal(.fileNotRegular, named))
        }
        if info.st_nlink > 1 {
            closeFile(descriptor)
            return .failure(FileRefusal(.fileHardLinked, named))
        }
        // realpath() and open() are two steps; a folder on the way could have been replaced
        // by a link in between. Ask the kernel where the open file really is, and check again.
        if let opened = pathOfOpenDescriptor(descriptor), !isInside(opened) {
            closeFile(descriptor)
            return .failure(FileRefusal(noSuchFile, log: LabSentence(.fileLeadsOutside, named)))
        }
        return .success(OpenedFile(descriptor: descriptor, size: Int(info.st_size)))
    }

    /// Why `name` is refused before the file system is even asked, or nil.
    ///
    /// Works on the name's UTF-8 bytes and splits on the byte `/`, as the kernel does.
    static func problem(with name: String) -> LabSentence? {
        let bytes = Array(name.utf8)
        let slash = UInt8(ascii: "/")
        if bytes.isEmpty { return LabSentence(.nameEmpty) }
        if bytes.count > maxNameBytes { return LabSentence(.nameTooLong, .number(maxNameBytes)) }
        // C1 controls too: the name is shown in logs and listings on a terminal.
        if name.unicodeScalars.contains(where: TerminalSafe.isControl) {
            return LabSentence(.nameControl)
        }
        if bytes.first == slash { return LabSentence(.nameAbsolute) }
        let components = bytes.split(separator: slash, omittingEmptySubsequences: true)
        if components.contains(where: { $0.elementsEqual([0x2E, 0x2E]) }) { return LabSentence(.nameDotDot) }
        if components.contains(where: { $0.count > 255 }) { return LabSentence(.namePartTooLong) }
        return nil
    }

    /// A name from the network, safe to put in a message.
    private func shown(_ name: String) -> String { ByteText.escaped(name, limit: 80) }

    /// Whether the real path `real` lies inside the root, byte for byte.
    private func isInside(_ real: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        let prefix = pathBytes == [slash] ? pathBytes : pathBytes + [slash]
        return real.count > prefix.count && real.starts(with: prefix)
    }

    /// The files `get` would send from directly in the root, sorted, for the server's
    /// banner and `ls`: each name is opened as ``open(_:)`` would (and closed again), so a
    /// link leading outside or a hard-linked file is not even named.
    public func listing() -> [String] {
        guard let directory = opendir(cPath(pathBytes)) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            // A name that is not UTF-8 cannot be asked for over this protocol.
            guard bytes.first != UInt8(ascii: "."), let name = String(validating: bytes, as: UTF8.self) else { continue }
            if case .success(let file) = open(name) {
                file.close()
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
    /// What the client is told.
    public var sentence: LabSentence
    /// What the server's log says, when it knows more than it tells (a link leading outside
    /// is `no such file` on the wire).
    public var logSentence: LabSentence
    public init(_ sentence: LabSentence, log: LabSentence? = nil) {
        self.sentence = sentence
        self.logSentence = log ?? sentence
    }
    public init(_ id: LabMessage, _ parts: LabSentence.Part...) { self.init(LabSentence(id, parts: parts)) }

    /// The refusal in `language`, for the log and the learner.
    public func text(_ language: Language) -> String { sentence.text(language) }

    /// The refusal as the server sends it after `ERR `: English, word for word the protocol's.
    public var description: String { sentence.wire }
}

/// `path` (bytes, no NUL among them) as a C string, for the C calls; an array passed where
/// C wants a pointer lives for the call.
func cPath(_ path: [UInt8]) -> [CChar] {
    path.map { CChar(bitPattern: $0) } + [0]
}

/// The C `realpath`: the absolute path with every symbolic link, `.` and `..` resolved, as
/// bytes; nil (and errno set) if some part does not exist.
func realPath(_ path: [UInt8]) -> [UInt8]? {
    guard let resolved = realpath(cPath(path), nil) else { return nil }
    defer { free(resolved) }
    return Array(UnsafeBufferPointer(start: resolved, count: strlen(resolved))).map { UInt8(bitPattern: $0) }
}

/// Where an open descriptor really points, from Linux's /proc/self/fd, as bytes; nil where
/// there is no /proc.
func pathOfOpenDescriptor(_ descriptor: Int32) -> [UInt8]? {
    var buffer = [CChar](repeating: 0, count: 4097)
    let count = readlink("/proc/self/fd/\(descriptor)", &buffer, 4096)
    guard count > 0 else { return nil }
    return buffer[0..<count].map { UInt8(bitPattern: $0) }
}

// Inside FileRoot and OpenedFile, `open` and `close` name their own methods.
private func openFile(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, flags, mode)
    #else
    Darwin.open(path, flags, mode)
    #endif
}

private func openFile(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
    #if canImport(Glibc)
    Glibc.open(path, flags)
    #else
    Darwin.open(path, flags)
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
