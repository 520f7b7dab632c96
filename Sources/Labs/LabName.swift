import TextUI

/// The live labs: the notes' three programs, plus a UDP echo to compare with TCP.
public enum LabName: String, CaseIterable, Sendable {
    /// Example 1 of the notes: the server answers each message upper-cased.
    case echo
    /// Example 2, "basic ssh": the server runs a command and sends its output.
    case remote
    /// Example 3, "basic ftp": the server sends a file.
    case files
    /// Not in the notes: the echo over UDP, one datagram per message.
    case udpEcho = "udp-echo"

    /// The notes' ports. UDP echo uses 4545 too: a UDP port and a TCP port with the same
    /// number are different ports, so both echo servers can run side by side.
    public var defaultPort: UInt16 {
        switch self {
        case .echo, .udpEcho: 4545
        case .remote: 4000
        case .files: 9999
        }
    }

    /// `TCP` or `UDP`.
    public var transport: String { self == .udpEcho ? "UDP" : "TCP" }

    /// One line for help texts and banners.
    public var summary: String {
        switch self {
        case .echo: "the server sends every message back upper-cased (notes, example 1)"
        case .remote: "the server runs a command and sends its output, size first (notes, example 2, \"basic ssh\")"
        case .files: "the server sends a file, size first (notes, example 3, \"basic ftp\")"
        case .udpEcho: "the echo over UDP: one datagram each way, no connection"
        }
    }

    /// ``summary`` in `language`, for the server's banner.
    public func summary(_ language: Language) -> String {
        let say = LabSay(language)
        switch self {
        case .echo: return say(.labSummaryEcho)
        case .remote: return say(.labSummaryRemote)
        case .files: return say(.labSummaryFiles)
        case .udpEcho: return say(.labSummaryUdpEcho)
        }
    }

    /// Also accepts the notes' own names for the programs: `ssh` and `ftp`.
    public init?(name: String) {
        switch name.lowercased() {
        case "ssh", "basic-ssh": self = .remote
        case "ftp", "basic-ftp": self = .files
        case "udp", "udpecho", "udp_echo": self = .udpEcho
        default: self.init(rawValue: name.lowercased())
        }
    }
}
