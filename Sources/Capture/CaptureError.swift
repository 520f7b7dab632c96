import Sandbox
import TextUI

/// Why a capture could not be opened or read, in words a learner can act on.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Capturing needs root, or the CAP_NET_RAW and CAP_NET_ADMIN capabilities.
        case permissionDenied
        case noSuchInterface
        case interfaceDown
        /// The BPF filter expression did not compile.
        case badFilter(expression: String)
        /// A capture file could not be opened, read or written.
        case file(path: String)
        /// Any other libpcap failure.
        case other
    }

    public var kind: Kind
    /// The libpcap function that failed, e.g. `pcap_activate`.
    public var call: String
    /// libpcap's own message (pcap_geterr or the error buffer).
    public var message: String
    /// The interface or file concerned.
    public var subject: String
    /// For a file damaged part-way: how many whole packets were read before the damage
    /// (nil when the file could not be opened, or for a live capture).
    public var packetsRead: Int?

    public init(kind: Kind, call: String, message: String, subject: String, packetsRead: Int? = nil) {
        self.kind = kind
        self.call = call
        self.message = message
        self.subject = subject
        self.packetsRead = packetsRead
    }

    /// The command that grants the capture capabilities to the running osilab binary.
    public static func setcapCommand(executable: String) -> String {
        "sudo setcap cap_net_raw,cap_net_admin=eip \(executable)"
    }

    /// The explanation in English (``describe(in:)`` gives it in the learner's language).
    public var description: String { describe(in: .english) }

    /// What went wrong and how to fix it, in `language`. libpcap's own message stays as
    /// libpcap wrote it: it is what a search for the problem finds.
    ///
    /// The subject, the message and the filter are escaped (``TerminalSafe/line(_:)``): a
    /// file name on disk, and libpcap's message that repeats it, are anybody's text.
    public func describe(in language: Language) -> String {
        let say = CaptureStrings(language)
        let subject = TerminalSafe.line(subject)
        let message = TerminalSafe.line(message)
        switch kind {
        case .permissionDenied:
            return say(.permissionDenied, subject, call, message, CaptureError.setcapCommand(executable: ownExecutable()))
        case .noSuchInterface:
            return say(.noSuchInterface, subject, call, message, "ip link")
        case .interfaceDown:
            return say(.interfaceDown, subject, call, message, "sudo ip link set \(subject) up")
        case .badFilter(let expression):
            return say(.badFilter, TerminalSafe.line(expression), message)
        case .file(let path):
            let problem = say(.file, TerminalSafe.line(path), message)
            guard let read = packetsRead else { return problem }
            // libpcap stops at the first packet it cannot read whole: the damage is in that one.
            let damaged = String(read + 1)
            let count = switch read {
            case 0: say(.damagedAtFirst)
            case 1: say(.damagedAfterOne, String(read), damaged)
            default: say(.damagedAfterMany, String(read), damaged)
            }
            return problem + "\n" + count
        case .other:
            return say(.other, call, subject, message)
        }
    }
}

/// The id of a sentence a ``CaptureError`` says.
public enum CaptureText: String, SentenceID {
    public static let namespace = "capture"
    case permissionDenied, noSuchInterface, interfaceDown, badFilter, file, other
    case damagedAtFirst, damagedAfterOne, damagedAfterMany
}

/// The capture errors' sentences in one language.
public typealias CaptureStrings = StringTable<CaptureText>

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text libpcap wrote into an error buffer (NUL-terminated within the array).
func errorText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
