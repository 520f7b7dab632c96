import Glibc
import SystemPackage
import TextUI

// A failed socket call, said in the learner's language: the one place the labs, the
// experiments and the grading checks take it from.

/// The id of a sentence about a failed socket call.
public enum SocketText: String, SentenceID {
    public static let namespace = "socket"
    case failed, failedWithHint, timedOut, wouldBlock, closedSocket, resolution, invalidArgument
    case hintConnectionRefused, hintAddressInUse, hintBindPermission, hintConnectionReset, hintBrokenPipe
    case hintNotConnected, hintTimedOut, hintUnreachable, hintAddressNotAvailable, hintTooManyFiles
    case resolveNoName, resolveAgain
}

extension SocketError {
    /// What went wrong, in `language`: the call, the errno's name and number, and what usually
    /// causes it. English also quotes the C library's own text for the errno (`strerror`),
    /// which is English prose; in English this is exactly ``description``.
    public func message(in language: Language) -> String {
        let say = StringTable<SocketText>(language)
        switch reason {
        case .system(let errno):
            var base = say(.failed, call, ErrnoName.of(errno.rawValue), String(errno.rawValue))
            if language == .english { base += ": \(errno)" }
            guard let hint = ErrnoName.hintID(errno.rawValue, call: call) else { return base }
            return say(.failedWithHint, base, say(hint))
        case .timedOut:
            return say(.timedOut, call)
        case .wouldBlock:
            return say(.wouldBlock, call)
        case .closedSocket:
            return say(.closedSocket, call)
        case .resolution(let code, let message):
            // The resolver's text is English; the two a learner meets on loopback are ours.
            let shown: String = switch code {
            case EAI_NONAME where language != .english: say(.resolveNoName)
            case EAI_AGAIN where language != .english: say(.resolveAgain)
            default: message
            }
            return say(.resolution, call, shown, String(code))
        case .invalidArgument(let message):
            return say(.invalidArgument, call, message)
        }
    }
}

extension ErrnoName {
    /// The sentence that tells a learner what usually causes this errno in this call, or nil.
    static func hintID(_ code: Int32, call: String) -> SocketText? {
        switch Errno(rawValue: code) {
        case .connectionRefused: .hintConnectionRefused
        case .addressInUse: .hintAddressInUse
        case .permissionDenied where call == "bind": .hintBindPermission
        case .connectionReset: .hintConnectionReset
        case .brokenPipe: .hintBrokenPipe
        case .socketNotConnected: .hintNotConnected
        case .timedOut: .hintTimedOut
        case .networkUnreachable, .noRouteToHost: .hintUnreachable
        case .addressNotAvailable: .hintAddressNotAvailable
        case .tooManyOpenFiles: .hintTooManyFiles
        default: nil
        }
    }

    /// What usually causes this errno in this call, in `language`, or nil.
    public static func hint(_ code: Int32, call: String, language: Language = .english) -> String? {
        hintID(code, call: call).map { StringTable<SocketText>(language)($0) }
    }
}
