import Capture
import Experiments
import Grading
import GradingChecks
import Labs
import LessonKit
import Report
import Sandbox
import Sockets
import TextUI
import Workspace
import XCTest

/// The two sentence files (`Sources/TextUI/Sentences/`) against every id the code names:
/// same keys, same placeholders, nothing written twice, no sentence no code asks for.
final class SentenceFilesTests: XCTestCase {
    /// Every module's sentence ids, by namespace.
    static let everyID: [(namespace: String, keys: [String])] = [
        (UIText.namespace, UIText.allKeys),
        (TimelineText.namespace, TimelineText.allKeys),
        (LabText.namespace, LabText.allKeys),
        (SocketText.namespace, SocketText.allKeys),
        // BEGIN kernel
        (KernelText.namespace, KernelText.allKeys),
        // END kernel
        // BEGIN decode
        (DecodeText.namespace, DecodeText.allKeys),
        // END decode
        // BEGIN experiments
        (ExperimentText.namespace, ExperimentText.allKeys),
        (TransferText.namespace, TransferText.allKeys),
        // END experiments
        // BEGIN kernelClaims
        (KernelClaimText.namespace, KernelClaimText.allKeys),
        // END kernelClaims
        // BEGIN exercises
        (ExerciseText.namespace, ExerciseText.allKeys),
        // END exercises
        // BEGIN grading
        (CheckText.namespace, CheckText.allKeys),
        // END grading
        // BEGIN labs
        (LabMessage.namespace, LabMessage.allKeys),
        // END labs
        // BEGIN layers
        (LayerText.namespace, LayerText.allKeys),
        // END layers
        // BEGIN tools
        (ToolText.namespace, ToolText.allKeys),
        (CommandText.namespace, CommandText.allKeys),
        (CaptureText.namespace, CaptureText.allKeys),
        (NetworkText.namespace, NetworkText.allKeys),
        (DoctorText.namespace, DoctorText.allKeys),
        // END tools
    ]

    func testBothLanguagesHaveTheSameKeysAndPlaceholders() {
        let problems = Phrasebook.osilab.problems()
        XCTAssertEqual(problems, [], "Sources/TextUI/Sentences: make the files agree:\n" + problems.joined(separator: "\n"))
    }

    func testEveryIdTheCodeNamesHasASentenceInEveryLanguage() {
        let book = Phrasebook.osilab
        var missing: [String] = []
        for (_, keys) in Self.everyID {
            for key in keys {
                for language in Language.allCases where book.sentence(key, in: language) == nil {
                    missing.append("\(language): \(key)")
                }
            }
        }
        XCTAssertEqual(missing, [], "write these sentences in Sources/TextUI/Sentences:\n" + missing.joined(separator: "\n"))
    }

    func testEverySentenceIsOneTheCodeAsksFor() {
        let named = Set(Self.everyID.flatMap(\.keys))
        let unused = Phrasebook.osilab.keys.subtracting(named).sorted()
        XCTAssertEqual(unused, [], "no code names these keys: remove them, or add the id to its enum")
    }

    func testNamespacesAreNotShared() {
        let namespaces = Self.everyID.map(\.namespace)
        XCTAssertEqual(namespaces.count, Set(namespaces).count, "two enums use one namespace: \(namespaces)")
    }

    /// A sentence copied from English and never translated would pass the key checks.
    func testEveryChineseSentenceIsChinese() {
        let book = Phrasebook.osilab
        var untranslated: [String] = []
        for (key, english) in book.written[.english] ?? [] {
            guard let chinese = book.sentence(key, in: .chinese) else { continue }
            let hasWords = !SentenceAudit.englishWords(in: english).isEmpty
            if hasWords, chinese == english || !SentenceAudit.englishWords(in: chinese, allowed: Self.keptInChinese).isEmpty {
                untranslated.append("\(key): \(chinese)")
            }
        }
        XCTAssertEqual(untranslated, [], "these Chinese sentences still hold English words:\n" + untranslated.joined(separator: "\n"))
    }

    /// Words a Chinese sentence keeps on purpose beyond ``SentenceAudit/keptWords``: key
    /// names and other tokens the learner types or reads elsewhere as they are.
    static let keptInChinese: Set<String> = [
        "Enter", "Esc", "Tab", "Space", "Home", "End", "Ctrl", "PgUp", "PgDn", "Backspace",
        // BEGIN kept-experiments
        // Python's exception names, kernel counters and a man page's name for an algorithm.
        "ConnectionRefusedError", "ConnectionResetError", "TimeoutError", "BlockingIOError", "UnicodeDecodeError",
        "ListenOverflows", "TCPDeferAcceptDrop", "Nagle", "OSError",
        // The errors experiment: Python's BrokenPipeError, the SYN cookie, the TcpExt counters as nstat names
        // them, and the tools that set and read them.
        "BrokenPipeError", "cookie", "SyncookiesSent", "SyncookiesRecv", "ListenDrops", "TcpExtSyncookiesSent",
        "TcpExtSyncookiesRecv", "TcpExtListenOverflows", "TcpExtListenDrops", "nstat", "sysctl",
        // The TcpExt counters the retransmit experiment reads (nstat's names).
        "TcpExt", "TCPLossProbes", "TCPTimeouts", "Minshall",
        // Words of the commands the learner reads or types (`sudo apt-get install`, `nft flush chain inet osilab
        // input`, `ip`, setns(2), `osilab experiment udp`), Python's `False`, and the unit `ms`.
        "install", "ip", "setns", "flush", "chain", "inet", "input", "udp", "sticky", "False", "ms",
        // END kept-experiments
        // BEGIN kept-exercises
        "git", "export", "install",
        // The editor osilab edit prefers.
        "nano",
        // END kept-exercises
        // BEGIN kept-grading
        // Swift the learner writes: values, keywords, the exercises' names and their parameters.
        "nil", "true", "false", "defer", "Int", "count", "limit", "port", "reason", "received",
        "acceptIfWaiting", "echoClient", "fileToServe", "findHandshake", "openPorts", "parseTCPHeader", "probe", "receive",
        "receiveExactly", "recvFrom", "runRemoteCommand", "sendEverything", "sendTo", "serveClients", "serveDatagrams",
        "serveOneEchoClient", "uppercaseReply", "ConnectionClosedEarly", "DispatchGroup", "SequenceNumber", "SocketError",
        "getaddrinfo",
        // What dataUnit(of:) returns, the exercise named in a message, and a vendor.
        "bit", "frame", "packet", "segment", "datagram", "message", "uppercase", "Novell",
        // END kept-grading
        // BEGIN kept-labs
        // Commands and lab names the learner types (`get NAME`, `osilab serve files`), and C's argv.
        "get", "date", "hostname", "ls", "uname", "nc", "files", "remote", "argv",
        // END kept-labs
        // BEGIN kept-layers
        "EtherType", "OpenBSD", "PPPoE",
        // END kept-layers
        // BEGIN kept-tools
        "seccomp", "tmpfs", "execve", "ChmodBPF",
        // The echo lab, named in the list of commands (`osilab serve echo`).
        "echo",
        // END kept-tools
    ]
}
