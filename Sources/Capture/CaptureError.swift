import Sandbox

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

    public init(kind: Kind, call: String, message: String, subject: String) {
        self.kind = kind
        self.call = call
        self.message = message
        self.subject = subject
    }

    /// The command that grants the capture capabilities to the running osilab binary.
    public static func setcapCommand(executable: String) -> String {
        "sudo setcap cap_net_raw,cap_net_admin=eip \(executable)"
    }

    public var description: String {
        switch kind {
        case .permissionDenied:
            return """
                Capturing packets on \(subject) needs more privilege than this process has (\(call): \(message)).
                osilab's own commands capture without root in a private network of yours (osilab doctor says
                whether this machine allows one). Otherwise run it as root (sudo), or give the binary the two
                capabilities once (again after every rebuild):
                    \(CaptureError.setcapCommand(executable: ownExecutable()))
                """
        case .noSuchInterface:
            return "There is no network interface called \(subject) (\(call): \(message)). "
                + "List the interfaces with: ip link"
        case .interfaceDown:
            return "The interface \(subject) is down (\(call): \(message)). Bring it up with: sudo ip link set \(subject) up"
        case .badFilter(let expression):
            return "The capture filter '\(expression)' is not valid tcpdump filter syntax: \(message)"
        case .file(let path):
            return "Cannot use the capture file \(path): \(message)"
        case .other:
            return "\(call) failed on \(subject): \(message)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text libpcap wrote into an error buffer (NUL-terminated within the array).
func errorText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
