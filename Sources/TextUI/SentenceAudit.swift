// What a Chinese screen must not hold: an English sentence left untranslated. The tests of
// every command run with `--lang zh` pass their output through here.

/// Finds English words in text that should be Chinese, allowing the tokens that stay as
/// they are in every language: protocol names, call names, numbers, errno names, options.
public enum SentenceAudit {
    /// Words that stay English in a Chinese sentence (the lowercase ones; ALL-CAPS words such
    /// as `SYN`, `ECONNREFUSED` and `TIME-WAIT` are always allowed).
    public static let keptWords: Set<String> = [
        // System calls and socket API names (also without their parentheses).
        "socket", "bind", "listen", "accept", "connect", "connect_ex", "connectEx", "send", "sendall", "recv", "sendto",
        "recvfrom", "close", "shutdown", "setsockopt", "getsockopt", "sendfile", "select", "poll", "makefile",
        "errno", "backlog", "setblocking", "settimeout", "fd",
        // Protocols and layers as written in tcpdump, Wireshark and man pages.
        "IPv4", "IPv6", "PPPoE", "seq", "ack", "win", "len", "mss", "sackOK", "wscale", "ttl", "lo", "localhost",
        "nftables", "nft", "tcpdump", "Wireshark", "libpcap", "pcap", "pcapng", "netns", "veth", "iproute2", "ss",
        "Ethernet", "MAC", "Python", "Swift", "XCTest", "Linux", "macOS", "Windows", "Debian", "Ubuntu", "AppArmor",
        // The kernel's state as ss, nstat and tcp_info name it (/proc/net/netstat and snmp counters).
        "rtt", "rto", "cwnd", "ssthresh", "nstat", "ListenOverflows", "ListenDrops", "TCPTimeouts", "TCPSynRetrans",
        "SyncookiesSent", "SyncookiesRecv", "TCPReqQFullDrop", "TCPAbortOnData", "TCPAbortOnClose", "RetransSegs",
        "AttemptFails", "EstabResets", "OutRsts",
        // osilab itself and its commands and files.
        "ms", "ns", "KiB", "MiB", "GiB",
        "osilab", "sudo", "root", "apt", "swift", "python3", "json", "md", "zh", "en",
        "start", "lesson", "lessons", "handshake", "experiment", "serve", "client", "watch", "read", "shell", "doctor",
        "exercises", "check", "hint", "reset", "edit", "help",
    ]

    /// The English words in `text` that are neither in ``keptWords`` nor in `allowed`: empty
    /// when the text is Chinese apart from the tokens every language keeps.
    ///
    /// A word is a run of ASCII letters. Allowed without listing: ALL-CAPS words (`SYN`,
    /// `EINPROGRESS`), single letters (`J`, `K`, the choices `a`..`d`), words joined to a digit,
    /// `_`, `-`, `/`, `.` or `=` (options, paths, `tcp_info`, `J+1`), and a word followed by `(`
    /// (a call).
    public static func englishWords(in text: String, allowed: Set<String> = []) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
        }
        func joins(_ scalar: Unicode.Scalar?) -> Bool {
            guard let scalar else { return false }
            return (scalar >= "0" && scalar <= "9") || "_-/.=@:$+~#<>[]{}%\\`'\"".unicodeScalars.contains(scalar)
        }
        while index < scalars.count {
            guard isLetter(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, isLetter(scalars[index]) { index += 1 }
            let word = String(String.UnicodeScalarView(scalars[start..<index]))
            let before = start > 0 ? scalars[start - 1] : nil
            let after = index < scalars.count ? scalars[index] : nil
            if word.count == 1 || word == word.uppercased() { continue }
            if joins(before) || joins(after) || after == "(" { continue }
            if keptWords.contains(word) || allowed.contains(word) { continue }
            found.append(word)
        }
        return found
    }
}
