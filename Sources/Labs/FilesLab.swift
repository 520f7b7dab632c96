#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import TextUI
import Trace

/// A request of the files lab: `get NAME`, or `ls`.
public enum FileRequest: Sendable, Equatable {
    /// `get NAME`: the file asked for.
    case get(String)
    /// `ls`: the names of the files in the served folder (osilab's addition; the notes'
    /// client never sends it, so it changes nothing for them).
    case list

    /// The request in `bytes`, or why it cannot be understood.
    ///
    /// The name is everything after `get` and its spaces, so names with spaces work (the
    /// notes' server splits on every space and crashes on them).
    public static func parse(_ bytes: [UInt8]) -> Result<FileRequest, FileRefusal> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(FileRefusal(.requestNotUTF8))
        }
        let trimmed = text.trimmingSpaces()
        let verb = String(trimmed.prefix { !$0.isWhitespace })
        let name = String(trimmed.dropFirst(verb.count)).trimmingSpaces()
        switch verb {
        case "get":
            guard !name.isEmpty else { return .failure(FileRefusal(.requestNeedsName)) }
            return .success(.get(name))
        case "ls":
            guard name.isEmpty else { return .failure(FileRefusal(.requestListTakesNoArguments)) }
            return .success(.list)
        case "":
            return .failure(FileRefusal(.requestEmpty))
        default:
            return .failure(FileRefusal(.requestUnknownVerb, .text(ByteText.escaped(verb, limit: 40))))
        }
    }
}

/// The answer to `ls`: one name per line, each ended by `\n`, as UTF-8.
public enum FileListing {
    /// The listing of `names` as the server sends it. Names a client could not ask for
    /// (control characters, a line end among them) are left out.
    public static func wire(_ names: [String]) -> [UInt8] {
        Array(names.filter { FileRoot.problem(with: $0) == nil }.map { $0 + "\n" }.joined().utf8)
    }

    /// The names in a listing as it arrived.
    public static func names(in bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }
}

// MARK: Server

/// The notes' example 3 server ("basic ftp"): sends a file from one folder.
///
/// The exchange, exactly as in the notes:
/// 1. the client sends `get NAME`;
/// 2. the server sends the file's size in bytes, as ASCII digits;
/// 3. the client sends an acknowledgement (any bytes);
/// 4. the server sends exactly that many bytes.
///
/// osilab's server also answers `ls`, through the same four steps: the size of the list,
/// then the names of the folder's files, one a line (``FileListing``). The notes' client
/// sends only lines that start with `get`, so it never meets this; the notes' server
/// stops with a ValueError on `ls`, as on any request that is not two words.
///
/// The notes' protocol has no way to say "no": their server prints an error on its own
/// screen and sends nothing, and the client waits forever. osilab's server sends
/// `ERR reason` where the size belongs and then, like after a size, waits for the
/// acknowledgement. The notes' client then stops with a ValueError that shows the reason
/// (`int(b'ERR no such file: x')`) instead of hanging; osilab's client prints the reason
/// and carries on.
public struct FileService: LabService {
    public let name = "files"
    public let root: FileRoot

    public init(root: FileRoot) {
        self.root = root
    }

    public func serve(_ connection: LabConnection) -> ConnectionEnding {
        while true {
            let bytes: [UInt8]
            switch connection.nextRequest() {
            case .ended(let ending): return ending
            case .bytes(let received): bytes = received
            }

            let name: String
            switch FileRequest.parse(bytes) {
            case .failure(let refusal):
                if let ending = refuse(.quoted(bytes, limit: 40), because: refusal, connection: connection) { return ending }
                continue
            case .success(.list):
                if let ending = sendListing(to: connection) { return ending }
                continue
            case .success(.get(let requested)):
                name = requested
            }
            switch root.open(name) {
            case .failure(let refusal):
                if let ending = refuse(.text("get " + ByteText.quoted(Array(name.utf8), limit: 40, language: connection.language)),
                                       because: refusal, connection: connection) {
                    return ending
                }
            case .success(let file):
                defer { file.close() }
                if let ending = send(file, named: name, to: connection) { return ending }
            }
        }
    }

    /// Answers `ERR reason` and waits for the acknowledgement; returns the ending if the connection ended.
    private func refuse(_ what: LabSentence.Part, because refusal: FileRefusal, connection: LabConnection) -> ConnectionEnding? {
        connection.report(.refusedLog, what, .sentence(refusal.logSentence))
        do throws(SocketError) {
            // Protocol: the reason goes in English, whatever the log speaks.
            try connection.send(Array("ERR \(refusal.sentence.wire)".utf8))
            guard try connection.receiveAcknowledgement() != nil else { return .clientClosed }
        } catch {
            return connection.ending(after: error, during: .acknowledgement)
        }
        return nil
    }

    /// Steps 2 to 4 for `ls`: the size of the listing, then the listing.
    private func sendListing(to connection: LabConnection) -> ConnectionEnding? {
        connection.sendSizeFirst(FileListing.wire(root.listing()), logging: .listingSent)
    }

    /// Steps 2 to 4 for an open file.
    private func send(_ file: OpenedFile, named name: String, to connection: LabConnection) -> ConnectionEnding? {
        let acknowledgement: [UInt8]
        switch connection.announce(size: file.size) {
        case .ended(let ending): return ending
        case .bytes(let bytes): acknowledgement = bytes
        }
        let sent: Int
        do throws(SocketError) {
            sent = try connection.sendFile(file.descriptor, count: file.size)
        } catch {
            connection.report(.fileSendStopped, .text(ByteText.escaped(name, limit: 80)), .number(error.bytesTransferred), .number(file.size))
            return connection.ending(after: error, during: .answer)
        }
        guard sent == file.size else {
            // Fewer bytes than announced would leave the client waiting for the rest.
            connection.report(.fileShrank, .text(ByteText.escaped(name, limit: 80)), .number(sent), .number(file.size))
            return .failed(LabSentence(.endingFileShrank))
        }
        connection.note(.fileSent, .text(ByteText.escaped(name, limit: 80)), .number(file.size), .quoted(acknowledgement, limit: 30), .number(sent))
        return nil
    }
}

// MARK: Client

/// The notes' example 3 client, corrected: it saves exactly the announced number of
/// bytes, never overwrites a file, and reports a refusal instead of saving an empty file.
public final class FilesClient {
    public let socket: Socket
    /// The acknowledgement the notes' client sends.
    public static let acknowledgement = Array("ready to recv file".utf8)
    /// The largest file the client accepts.
    public var maxFileBytes: Int
    /// The most one recv() may return: 1024, as in the notes, so a longer file shows the
    /// loop at work. (A bigger buffer needs fewer calls; the copy is the same.)
    public var recvBufferBytes = 1024
    /// The most one request's whole exchange may take (`--timeout`).
    public var timeout: Duration
    /// How long a silence ends the size (see ``defaultQuietPeriod``).
    public var sizeQuietPeriod = defaultQuietPeriod

    public init(host: String = "localhost", port: UInt16 = LabName.files.defaultPort,
                timeout: Duration = .seconds(10), maxFileBytes: Int = 1 << 30,
                tracer: TraceRecorder? = nil) throws(LabClientError) {
        socket = try connectClient(host: host, port: port, timeout: timeout, lab: .files, tracer: tracer)
        self.maxFileBytes = maxFileBytes
        self.timeout = timeout
    }

    /// What came of one `get`.
    public enum Reply: Sendable, Equatable {
        /// The file was saved at `path`.
        case saved(path: String, bytes: Int, recvCalls: Int)
        /// The server answered `ERR reason` instead of a size.
        case refused(String)
    }

    /// Asks for `name` and saves it in `directory` under its last path component. If a file
    /// of that name exists, the copy is saved as `name (1).ext`, `name (2).ext`, ... (the
    /// notes save `NAME副本` and would overwrite it). A copy that arrives short is deleted.
    ///
    /// The last component is found by splitting the name's bytes on the byte `/`, as the
    /// kernel will read the path: split as `String`, `../\u{301}x` is one component (a `/`
    /// with a combining mark is one `Character`) and the copy would land outside `directory`.
    public func get(_ name: String, into directory: String = ".") throws(LabClientError) -> Reply {
        let last = Array(name.utf8).split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? []
        // Splitting UTF-8 at an ASCII byte never cuts a character, so this decodes losslessly.
        let localName = String(decoding: last, as: UTF8.self)
        guard !last.isEmpty, last != [0x2E], last != [0x2E, 0x2E] else {
            throw LabClientError(.notAFileName, .text(name), connectionLost: false)
        }
        let deadline = ClientDeadline(timeout)
        let announcement = try requestAnnouncement(
            Array("get \(name)".utf8), on: socket, sending: LabSentence(.phaseSendingRequest), notASize: .notAFileSize,
            acknowledgement: FilesClient.acknowledgement, deadline: deadline, quietPeriod: sizeQuietPeriod
        ) { size throws(LabClientError) in
            guard size <= maxFileBytes else {
                throw LabClientError(.tooLargeFile, .bytes(size), .bytes(maxFileBytes))
            }
        }
        let size: Int
        switch announcement {
        case .error(let reason): return .refused(reason)
        case .size(let announced): size = announced
        }

        let (descriptor, path) = try createCopy(named: localName, in: directory)
        do throws(LabClientError) {
            let receiving = LabSentence(.phaseReceivingFile, .text(name))
            let calls = try receiveExactly(size, from: socket, bufferBytes: recvBufferBytes,
                                           while: receiving, deadline: deadline) { piece throws(LabClientError) in
                try writeAll(piece, to: descriptor, path: path)
            }
            // Bytes past the announced size mean the size was misread: the copy is wrong.
            try ensureInStep(socket, before: receiving)
            closeDescriptor(descriptor)
            return .saved(path: path, bytes: size, recvCalls: calls)
        } catch {
            closeDescriptor(descriptor)
            unlink(path)
            throw error
        }
    }

    /// What came of one `ls`.
    public enum Listing: Sendable, Equatable {
        /// The names of the files in the served folder, as the server sent them.
        case names([String], bytes: Int, recvCalls: Int)
        /// The server answered `ERR reason` instead of a size.
        case refused(String)
    }

    /// The most bytes a listing may have.
    public static let maxListingBytes = 1 << 20

    /// Asks for the names of the files in the served folder (`ls`).
    ///
    /// The notes' server knows only `get NAME`: `ls` makes it stop with a ValueError, so
    /// the connection closes without an answer, and the error says so.
    public func list() throws(LabClientError) -> Listing {
        try list(request: "ls")
    }

    /// Sends `request` (`ls`, or `ls` with words after it, which osilab's server refuses).
    private func list(request: String) throws(LabClientError) -> Listing {
        let announcement: Announcement
        let deadline = ClientDeadline(timeout)
        do throws(LabClientError) {
            announcement = try requestAnnouncement(
                Array(request.utf8), on: socket, sending: LabSentence(.phaseSendingRequest), notASize: .notASize,
                acknowledgement: FilesClient.acknowledgement, deadline: deadline, quietPeriod: sizeQuietPeriod
            ) { size throws(LabClientError) in
                guard size <= FilesClient.maxListingBytes else {
                    throw LabClientError(.tooLargeFile, .bytes(size), .bytes(FilesClient.maxListingBytes))
                }
            }
        } catch where error.sentence.id == .clientClosedWithoutAnswer {
            throw LabClientError(.lsClosedWithoutAnswer)
        }
        switch announcement {
        case .error(let reason):
            return .refused(reason)
        case .size(let size):
            var bytes: [UInt8] = []
            let calls = try receiveExactly(size, from: socket, bufferBytes: recvBufferBytes,
                                           while: LabSentence(.phaseReceivingListing), deadline: deadline) { piece in bytes += piece }
            try ensureInStep(socket, before: LabSentence(.phaseReceivingListing))
            return .names(FileListing.names(in: bytes), bytes: size, recvCalls: calls)
        }
    }

    public func close() { socket.close() }

    /// Reads `get NAME` and `ls` commands from `console`, saving into `directory`, until the input ends.
    /// - Returns: false if the connection was lost.
    public func run(console: ClientConsole, directory: String = ".") -> Bool {
        defer { close() }
        let say = console.say
        let usage = directory == "." ? say(.usageFilesHere) : say(.usageFiles, directory)
        return console.session(socket, lab: .files, usage: usage) { command throws(LabClientError) in
            if command.isEmpty { return }
            if command.prefix(while: { !$0.isWhitespace }) == "ls" {
                switch try list(request: command) {
                case .names(let names, let bytes, let calls):
                    for name in names { console.output(TerminalSafe.line(name)) }
                    if names.isEmpty { console.remark(say(.listingEmpty)) }
                    console.remark(say(calls == 1 ? .outputSizeOne : .outputSizeMany, String(bytes), String(calls)))
                case .refused(let reason):
                    console.remark(say(.serverRefused, refusalText(reason, among: WireText.fileReasons, language: console.language)))
                }
                return
            }
            guard let name = getName(command) else {
                console.remark(say(.filesCommands))
                return
            }
            switch try get(name, into: directory) {
            case .saved(let path, let bytes, let calls):
                console.output(say(calls == 1 ? .savedOne : .savedMany, name, String(bytes), String(calls), path))
            case .refused(let reason):
                console.remark(say(.serverRefused, refusalText(reason, among: WireText.fileReasons, language: console.language)))
            }
        }
    }

    /// The name in `get NAME`, or nil for any other command.
    private func getName(_ command: String) -> String? {
        let verb = command.prefix { !$0.isWhitespace }
        guard verb == "get" else { return nil }
        let name = String(command.dropFirst(verb.count)).trimmingSpaces()
        return name.isEmpty ? nil : name
    }

    /// Creates a new file for the copy, never replacing an existing one.
    private func createCopy(named name: String, in directory: String) throws(LabClientError) -> (Int32, String) {
        let (stem, dotExtension): (String, String) = {
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
            return (String(name[..<dot]), String(name[dot...]))
        }()
        for attempt in 0..<1000 {
            let candidate = attempt == 0 ? name : "\(stem) (\(attempt))\(dotExtension)"
            let path = (directory.hasSuffix("/") ? directory : directory + "/") + candidate
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if descriptor >= 0 { return (descriptor, path) }
            if errno != EEXIST {
                throw LabClientError(.cannotCreateCopy, .text(path), .errno(errno))
            }
        }
        throw LabClientError(.noFreeName, .text(name), .text(directory))
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(descriptor)
    #else
    _ = Darwin.close(descriptor)
    #endif
}

/// Writes every byte of `bytes` to a file. The corresponding C function is `write`.
private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(LabClientError) {
    var written = 0
    while written < bytes.count {
        let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if result < 0 {
            if errno == EINTR { continue }
            throw LabClientError(.cannotWriteCopy, .text(path), .errno(errno))
        }
        written += result
    }
}
