#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Sockets
import SystemPackage
import TextUI

// What the lab servers and clients say to the learner: banners, log lines, the client's
// remarks, refusals and errors, in English and Chinese (the sentences are in
// TextUI/Sentences, section `labs`).
//
// Some of these sentences are also protocol: the reasons osilab's servers send over the
// wire (`ERR no such file: x`, `osilab: not run: ...`). Those stay English on the wire,
// byte for byte, whatever language the server's log speaks, because the notes' Python
// clients and scripts read them. Their wire text is written here, in code (``WireText``),
// not taken from the sentence file, so that editing a translation can never change the
// protocol; a test checks that the English sentence file says exactly the same. A client
// that reads the learner's language recognises these reasons (``LabSentence/recognise``)
// and shows the Chinese sentence; a reason it does not recognise (from another server) is
// shown as it came, inside the Chinese framing.

/// The id of a sentence the lab servers and clients show.
public enum LabMessage: String, SentenceID {
    public static let namespace = "lab"

    // Units and quoted bytes.
    case durationMilliseconds, durationSeconds, bytesSmall, bytesLarge, quotedNotUTF8, quotedCut, just, listSeparator
    // The TCP server's log.
    case acceptFailedPausing, acceptFailed, fromPeer, serverFull, serverFullForPeer, connectedFrom, connectionEnded
    case stoppingClosingOne, stoppingClosingMany, serverCouldNotListen, serverNoAcceptThread, noThread
    // How a connection ended.
    case endingClientClosed, endingReset, endingTimedOut, endingProtocolError, endingServerStopping, endingRefused, endingFailed
    case kindClientClosed, kindReset, kindTimedOut, kindProtocolError, kindServerStopping, kindRefused, kindFailed
    case timeoutNoRequest, timeoutNoAcknowledgement, timeoutClientNotReading
    case requestTooLong, requestTooLongClosing, requestTooLongLog, closedInsteadOfAcknowledging
    // The echo and UDP echo servers.
    case echoExchange, recvfromFailed, sendtoFailed, datagramLog, udpCouldNotBind, udpNoThread
    case udpIgnored, udpIgnoredOwnPort, udpIgnoredPortZero, udpIgnoredServicePort, kindIgnored
    // The remote server: its log, and what it sends as output.
    case refusedNotUTF8Log, refusedLog, couldNotRunLog, ranCommand, howExit, howSignal, howKilledAfter, howOutputCut, answered
    case wireNotUTF8, wireCannotSplit, wireNotRun, wireRunError, wireTimedOutMarker, wireOutputCutMarker
    case refusalUnclosedQuote, refusalEmptyCommand, refusalTooManyArguments, refusalNotAllowed, refusalDateArgument
    case refusalDateTimeZone, refusalDateString
    case refusalHostnameArgument, refusalOutputChannel, refusalCannotRun
    // The files server: requests, paths, its log.
    case requestNotUTF8, requestEmpty, requestUnknownVerb, requestNeedsName, requestListTakesNoArguments
    case fileNoSuchFile, fileCannotOpen, fileIsServedFolder, fileLeadsOutside, fileNotRegular, fileHardLinked
    case nameEmpty, nameTooLong, nameControl, nameAbsolute, nameDotDot, namePartTooLong
    case folderCannotServe, folderNotAFolder, folderCannotCreate, sampleCannotCreate, sampleCannotWrite
    case fileSendStopped, fileShrank, endingFileShrank, fileSent, listingSent
    // The summary at the end.
    case summaryConnection, summaryConnections, summaryDatagram, summaryDatagrams, summaryEndings, summaryEndingCount
    case summaryAtMost, summaryBytes, summaryAbandoned, logLinesDropped
    // `osilab serve`: problems, warnings, the banner, stopping.
    case problemRootFilesOnly, problemAllowAnyRemoteOnly, problemSeconds, problemWhole
    case warningNotLoopback, warningAllowAny
    case labSummaryEcho, labSummaryRemote, labSummaryFiles, labSummaryUdpEcho
    case bannerListening, bannerRemoteRuns, anyProgram, bannerRemoteLimits, bannerFiles, bannerFilesEmpty
    case bannerUdpPorts, bannerUdpSameNumber, bannerThreads, bannerTry, bannerPythonClient, bannerStop
    case serveWithoutCapture, errorLine, servePrivateNetwork, serveCapturing, serveRunsOnWithoutCapture, serveStopping
    // `osilab client`: options, the console, what came back.
    case clientIntoFilesOnly, clientWithoutCapture, clientGoingOn, clientTryNetwork
    case greet, usageEcho, usageRemote, usageFiles, usageFilesHere, emptyLineEcho, outputSizeOne, outputSizeMany
    case serverRefused, filesCommands, listingEmpty, savedOne, savedMany, udpGreet, udpEmptyBack, udpNoAnswer
    // The client's errors, and what it was doing when they happened.
    case clientDeadline, clientOutOfStep
    case clientTimedOut, clientReset, clientResetIdle, clientServerClosed, clientServerClosedIdle, clientSocketFailed
    case clientClosedEarly, clientClosedMidEcho, clientClosedWithoutAnswer, lsClosedWithoutAnswer
    case phaseSendingLine, phaseWaitingEcho, phaseProgress, phaseWaitingSize, phaseWaitingRestOfSize, phaseSendingCommand
    case phaseSendingRequest, phaseAcknowledgingSize, phaseReceivingOutput, phaseReceivingFile, phaseReceivingListing
    case notASize, notAFileSize, couldNotConnect, couldNotConnectRefused, emptyCommand, tooLargeOutput, tooLargeFile
    case notAFileName, cannotCreateCopy, noFreeName, cannotWriteCopy, refusedWithoutReason
    case cannotResolve, noAddress, cannotPrepareUDP, sendingDatagram, udpNothingListens
}

/// The lab's sentences in one language.
public typealias LabSay = StringTable<LabMessage>

/// A sentence with its computed parts, kept as data until it is shown, so the same event
/// can be written in the log's language, sent over the wire in English, and recognised
/// again by a client.
public struct LabSentence: Sendable, Equatable, CustomStringConvertible {
    public var id: LabMessage
    public var parts: [Part]

    /// One filled-in part of a sentence.
    public indirect enum Part: Sendable, Equatable {
        /// The same in every language: a name, an address, a number, quoted bytes.
        case text(String)
        /// An error number: the C library's text in English (`No such file or directory`,
        /// as `strerror` says it), its name in other languages (`ENOENT`).
        case errno(Int32)
        /// A failed socket call: `SocketError.description` in English.
        case socketError(SocketError)
        /// `250 ms`, `12 s`.
        case duration(Duration)
        /// `512 B`, `3.4 KiB`.
        case bytes(Int)
        /// Bytes from the network, quoted as ``ByteText/quoted(_:limit:language:)`` does.
        case quoted([UInt8], limit: Int)
        /// Another sentence, in the same language.
        case sentence(LabSentence)
        /// Another sentence in English in every language: a reason that came over the wire
        /// and was not recognised.
        case english(String)

        public static func number(_ value: Int) -> Part { .text(String(value)) }

        /// The part in `language`.
        public func text(_ language: Language) -> String {
            switch self {
            case .text(let text), .english(let text): text
            case .errno(let code): language == .english ? errorText(code) : ErrnoName.of(code)
            case .socketError(let error): error.message(in: language)
            case .duration(let duration): seconds(duration, language)
            case .bytes(let count): byteCount(count, language)
            case .quoted(let bytes, let limit): ByteText.quoted(bytes, limit: limit, language: language)
            case .sentence(let sentence): sentence.text(language)
            }
        }

        /// The part as the wire has it (English, with wire sentences from ``WireText``).
        var wire: String {
            switch self {
            case .sentence(let sentence): sentence.wire
            case .duration(let duration): wireSeconds(duration)
            case .bytes(let count): wireByteCount(count)
            default: text(.english)
            }
        }
    }

    public init(_ id: LabMessage, _ parts: Part...) {
        self.id = id
        self.parts = parts
    }

    public init(_ id: LabMessage, parts: [Part]) {
        self.id = id
        self.parts = parts
    }

    /// The sentence in `language`.
    public func text(_ language: Language) -> String {
        LabSay(language).format(id, parts.map { $0.text(language) })
    }

    /// The sentence in English.
    public var description: String { text(.english) }

    /// The text osilab's servers send for this sentence: its ``WireText`` template (the
    /// English sentence otherwise), with every part in English.
    public var wire: String {
        let arguments = parts.map(\.wire)
        guard let template = WireText.templates[id] else { return LabSay(.english).format(id, arguments) }
        return StringTable<NoSentence>.substitute(template, arguments)
    }

    /// The sentence whose wire text is `text`, for one of `ids` (and, inside it, the ids
    /// ``WireText/nested`` allows); nil when `text` is none of them.
    public static func recognise(_ text: String, among ids: [LabMessage]) -> LabSentence? {
        for id in ids {
            guard let template = WireText.templates[id], let values = WireText.match(template, text) else { continue }
            var parts: [Part] = []
            for (index, value) in values.enumerated() {
                if WireText.errnoPart[id] == index, let code = WireText.errnoCode(forText: value) {
                    parts.append(.errno(code))
                } else if let inner = WireText.nested[id], index == 0 {
                    parts.append(recognise(value, among: inner).map { .sentence($0) } ?? .english(value))
                } else {
                    parts.append(.text(value))
                }
            }
            return LabSentence(id, parts: parts)
        }
        return nil
    }
}

extension LabSentence {
    /// A failed socket call alone, as a sentence.
    static func socket(_ error: SocketError) -> LabSentence { LabSentence(.just, .socketError(error)) }
}

/// The reasons osilab's servers send over the wire, exactly as the protocol has them.
public enum WireText {
    /// The wire text of each reason, with `{0}`, `{1}` where its parts go. A test checks
    /// that each one is also, word for word, the English sentence of its id.
    public static let templates: [LabMessage: String] = [
        .requestTooLong: "request longer than {0} bytes",
        .requestTooLongClosing: "request longer than {0} bytes; closing the connection",
        .wireNotUTF8: "osilab: the command is not UTF-8 text, so it was not run",
        .wireCannotSplit: "osilab: cannot split the command: {0}",
        .wireNotRun: "osilab: not run: {0}",
        .wireRunError: "osilab: {0}",
        .wireTimedOutMarker: "[osilab: the command ran longer than {0} and was killed]",
        .wireOutputCutMarker: "[osilab: output cut at {0}]",
        .refusalUnclosedQuote: "the quote {0} is never closed",
        .refusalEmptyCommand: "the command is empty",
        .refusalTooManyArguments: "more than 64 arguments",
        .refusalNotAllowed: "'{0}' is not on the allow-list ({1})",
        .refusalDateArgument: "date takes only +FORMAT and display options here ('{0}' could set the clock or read a file)",
        .refusalDateTimeZone: "a date with TZ= in it is not run here: date would open the file that TZ names ('{0}')",
        .refusalDateString: "a date here is made of letters, digits, spaces and + - : . , / @ only ('{0}')",
        .refusalHostnameArgument: "hostname takes only display options here ('{0}' could rename the machine)",
        .refusalOutputChannel: "the server could not create the command's output channel: {0}",
        .refusalCannotRun: "cannot run '{0}': {1}",
        .requestNotUTF8: "the request is not UTF-8 text",
        .requestEmpty: "an empty request: this server understands only 'get NAME' and 'ls'",
        .requestUnknownVerb: "unknown command '{0}': this server understands only 'get NAME' and 'ls'",
        .requestNeedsName: "'get' needs a file name: get NAME",
        .requestListTakesNoArguments: "'ls' takes no arguments here: it lists the whole served folder",
        .fileNoSuchFile: "no such file: {0}",
        .fileCannotOpen: "cannot open {0}: {1}",
        .fileIsServedFolder: "{0} is not a regular file (it is the served folder)",
        .fileLeadsOutside: "{0} leads outside the served folder",
        .fileNotRegular: "{0} is not a regular file",
        .fileHardLinked: "{0} has more than one hard link, so it could be a file from outside the served folder",
        .nameEmpty: "the file name is empty",
        .nameTooLong: "the file name is longer than {0} bytes",
        .nameControl: "the file name contains control characters",
        .nameAbsolute: "absolute paths are not allowed; name a file in the served folder",
        .nameDotDot: "'..' is not allowed in file names",
        .namePartTooLong: "a part of the file name is longer than 255 bytes",
    ]

    /// The reasons the files server sends after `ERR `.
    public static let fileReasons: [LabMessage] = [
        .requestTooLongClosing, .requestNotUTF8, .requestEmpty, .requestUnknownVerb, .requestNeedsName, .requestListTakesNoArguments,
        .nameEmpty, .nameTooLong, .nameControl, .nameAbsolute, .nameDotDot, .namePartTooLong,
        .fileIsServedFolder, .fileLeadsOutside, .fileNotRegular, .fileHardLinked, .fileNoSuchFile, .fileCannotOpen,
    ]

    /// The refusals inside the remote server's `osilab: not run: ...` and `osilab: ...`.
    public static let commandRefusals: [LabMessage] = [
        .refusalUnclosedQuote, .refusalEmptyCommand, .refusalTooManyArguments, .refusalNotAllowed,
        .refusalDateArgument, .refusalDateTimeZone, .refusalDateString, .refusalHostnameArgument,
        .refusalOutputChannel, .refusalCannotRun,
    ]

    /// The lines the remote server sends as a command's whole output when it did not run it.
    public static let remoteOutputs: [LabMessage] = [.wireNotUTF8, .wireCannotSplit, .wireNotRun, .wireRunError]

    /// For a reason whose first part is itself a reason: which ids that part may be.
    static let nested: [LabMessage: [LabMessage]] = [
        .wireCannotSplit: [.refusalUnclosedQuote],
        .wireNotRun: commandRefusals,
        .wireRunError: [.refusalCannotRun, .refusalOutputChannel, .refusalEmptyCommand],
    ]

    /// Which part of a reason is an errno's text (`strerror`), shown by name in Chinese.
    static let errnoPart: [LabMessage: Int] = [.refusalCannotRun: 1, .fileCannotOpen: 1]

    /// The values of `template`'s placeholders in `text`, or nil when `text` does not have
    /// its shape. Each literal piece is looked for from the right, so a name that itself
    /// holds `: ` stays whole.
    static func match(_ template: String, _ text: String) -> [String]? {
        var literals: [Substring] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{") {
            let after = rest[open.upperBound...]
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, after.dropFirst(digits.count).first == "}" else { return nil }
            literals.append(rest[..<open.lowerBound])
            rest = after.dropFirst(digits.count + 1)
        }
        literals.append(rest)
        var remaining = Substring(text)
        guard remaining.hasPrefix(literals[0]) else { return nil }
        remaining = remaining.dropFirst(literals[0].count)
        guard let last = literals.last, literals.count > 1 else { return remaining.isEmpty ? [] : nil }
        guard remaining.hasSuffix(last) else { return nil }
        remaining = remaining.dropLast(last.count)
        var values: [String] = []
        for literal in literals.dropFirst().dropLast() {
            guard let found = remaining.range(of: literal, options: .backwards) else { return nil }
            values.append(String(remaining[..<found.lowerBound]))
            remaining = remaining[found.upperBound...]
        }
        values.append(String(remaining))
        return values
    }

    /// The error number whose `strerror` text is `text`.
    static func errnoCode(forText text: String) -> Int32? { errnoByText[text] }

    private static let errnoByText: [String: Int32] = {
        var table: [String: Int32] = [:]
        for code in Int32(1)..<Int32(134) where table[errorText(code)] == nil { table[errorText(code)] = code }
        return table
    }()
}

/// The C library's text for an error number. The corresponding C function is `strerror`.
func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

