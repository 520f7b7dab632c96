import CSandbox
import Foundation
import TextUI

/// Which network this process's sockets and captures see.
public enum NetworkPlace: Equatable, Sendable {
    /// The machine's own network (or a namespace root made outside osilab).
    case machine
    /// A private network osilab made in a user namespace: `name` is nil for one made for
    /// a single run, else the name other terminals join it by (`osilab shell NAME`).
    case privateNetwork(name: String?)

    /// Set by the entry code (Sources/CSandbox) in every process inside a private network.
    public static let environmentKey = "OSILAB_PRIVATE_NETWORK"

    /// Where this process is, as its environment says.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> NetworkPlace {
        guard let value = environment[environmentKey], !value.isEmpty else { return .machine }
        return .privateNetwork(name: value == "+" ? nil : value)
    }

    public var isPrivate: Bool {
        if case .privateNetwork = self { return true }
        return false
    }

    /// The one line a live command prints when it runs inside a private network, so the
    /// learner knows that `ss`, the addresses and the interfaces it names are that network's.
    public var notice: String? { notice(in: .english) }

    /// ``notice`` in `language`.
    public func notice(in language: Language) -> String? {
        switch self {
        case .machine: nil
        case .privateNetwork(nil): NetworkStrings(language)(.noticeFresh)
        case .privateNetwork(let name?): NetworkStrings(language)(.noticeNamed, name)
        }
    }
}

/// What this process may do to the network it is in, found by trying rather than by
/// reading user ids (a capability set with setcap, or held inside a user namespace, counts
/// only where the kernel says it does).
public enum LivePrivilege {
    /// A packet socket opens here, which is what libpcap needs to capture on Linux.
    public static func canCapture() -> Bool {
        #if os(Linux)
        return osilab_can_open_packet_socket() == 1
        #else
        // BPF devices: root, or read and write access given to the user (ChmodBPF).
        return geteuid() == 0 || access("/dev/bpf0", R_OK | W_OK) == 0
        #endif
    }

    /// CAP_SYS_ADMIN and CAP_NET_ADMIN over this network: network namespaces (`ip netns`)
    /// and nftables rules can be made here.
    public static func canAdministerNetwork() -> Bool {
        #if os(Linux)
        switch osilab_administers_own_network() {
        case 1: return true
        case 0: return false
        default: return geteuid() == 0  // a kernel without NS_GET_USERNS (before 4.9)
        }
        #else
        return false
        #endif
    }
}
