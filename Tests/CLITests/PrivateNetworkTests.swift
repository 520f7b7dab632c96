import Foundation
import Sandbox
import XCTest

/// Every live feature as an ordinary user (nobody, made by setpriv), in the private network
/// osilab makes in a user namespace: the same facts as the root tests assert, checked
/// against tcpdump and the kernel where they can be, and nothing left behind.
final class PrivateNetworkTests: XCTestCase {
    let nobody = 65534

    override func setUpWithError() throws {
        XCTAssertEqual(geteuid(), 0, "these tests become the user nobody with setpriv, which needs root (CI runs as root)")
    }

    // MARK: the handshake

    func testHandshakeAsNobodyGivesTheRootFactsAndTcpdumpSeesTheSameNumbers() throws {
        let network = "t-hs-\(getpid() % 100_000)"
        let port = 40_000 + Int(getpid() % 10_000)
        // tcpdump, run by nobody in the same private network, is the independent witness.
        let witness = try Background.asNobody(["shell", network, "--", "tcpdump", "-nn", "-S", "-l", "-i", "lo",
                                               "-c", "3", "tcp port \(port)"])
        defer { witness.stop() }
        XCTAssertTrue(witness.waitForError(containing: "listening on lo"), "tcpdump started: \(witness.errors())")

        let facts = NSTemporaryDirectory() + "osilab-nobody-facts-\(getpid()).json"
        defer { unlink(facts) }
        try writableByNobody(facts)
        let result = try OsilabProcess.run(["handshake", "--network", network, "--port", String(port), "--json", "--facts", facts],
                                           asUser: nobody)
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.error.components(separatedBy: "running in the private network '\(network)'").count - 1, 1,
                       "it says once, in one line, where it ran: \(result.error)")
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String]
        XCTAssertEqual(written, ["connect-returned-after": "synack", "accept-returned-after": "ack", "handshake-complete": "yes"],
                       "the same facts as the root run (CaptureCommandTests.testLiveHandshakeWritesFactsAndJSON)")

        let events = try result.output.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
        let packets = events.filter { $0["event"] as? String == "packet" }
        XCTAssertGreaterThanOrEqual(packets.count, 3)
        let (syn, synAck, ack) = (packets[0], packets[1], packets[2])
        XCTAssertEqual([syn, synAck, ack].compactMap { $0["flags"] as? String }, ["SYN", "SYN-ACK", "ACK"])
        let j = try XCTUnwrap(syn["absolute_seq"] as? Int)
        let k = try XCTUnwrap(synAck["absolute_seq"] as? Int)
        XCTAssertEqual(synAck["absolute_ack"] as? Int, (j + 1) % (1 << 32), "step 2 acknowledges J+1")
        XCTAssertEqual(ack["absolute_ack"] as? Int, (k + 1) % (1 << 32), "step 3 acknowledges K+1")

        // connect() returned after the SYN-ACK, accept() after the final ACK: on one clock.
        func time(_ event: [String: Any]) -> Double { Double(event["time"] as? String ?? "") ?? -1 }
        let connectReturned = try XCTUnwrap(events.first { $0["event"] as? String == "call-returned" && $0["call"] as? String == "connect" })
        let acceptReturned = try XCTUnwrap(events.first { $0["event"] as? String == "call-returned" && $0["call"] as? String == "accept" })
        XCTAssertGreaterThan(time(connectReturned), time(synAck))
        XCTAssertGreaterThan(time(acceptReturned), time(ack))

        // tcpdump saw the same three segments with the same raw numbers.
        XCTAssertTrue(witness.waitForExit(seconds: 5), "tcpdump stops after three packets")
        let seen = witness.output().split(separator: "\n").map(String.init)
        XCTAssertEqual(seen.count, 3, seen.joined(separator: "\n"))
        guard seen.count == 3 else { return }
        XCTAssertTrue(seen[0].contains("Flags [S], seq \(j),"), seen[0])
        XCTAssertTrue(seen[1].contains("Flags [S.], seq \(k), ack \(j + 1),"), seen[1])
        XCTAssertTrue(seen[2].contains("Flags [.], ack \(k + 1),"), seen[2])
    }

    func testRootRunsInAPrivateNetworkOnlyWhenAsked() throws {
        let asked = try OsilabProcess.run(["handshake", "--private-network", "--plain"])
        XCTAssertEqual(asked.status, 0, asked.error)
        XCTAssertTrue(asked.error.contains("running in a private network made for this run"), asked.error)
        XCTAssertTrue(asked.output.contains("step 3: ack = K+1 [ok]"), asked.output)  // --plain is ASCII
        let plain = try OsilabProcess.run(["handshake", "--plain"])
        XCTAssertEqual(plain.status, 0, plain.error)
        XCTAssertFalse(plain.error.contains("private network"), "as root, the machine's lo as before: \(plain.error)")
    }

    // MARK: drop-final-ack

    func testDropFinalAckAsNobodyHoldsTheSameClaimsAndLeavesNothing() throws {
        let facts = NSTemporaryDirectory() + "osilab-nobody-drop-\(getpid()).json"
        defer { unlink(facts) }
        try writableByNobody(facts)
        let run = try Background.asNobody(["experiment", "drop-final-ack", "--plain", "--facts", facts])
        let namespace = try XCTUnwrap(run.waitForOwnUserNamespace(), "the run entered a user namespace of its own")
        XCTAssertTrue(run.waitForExit(seconds: 20), "drop-final-ack finishes in a few seconds")
        XCTAssertEqual(run.status, 0, "every claim held: \(run.errors())")
        let output = run.output()
        XCTAssertTrue(output.contains("$ ip netns add osilab-"), "the nested namespace was made inside: \(output)")
        XCTAssertFalse(output.contains("[!!]"), "no claim was contradicted: \(output)")
        let written = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String])
        // The same facts HandshakeProofTests.testDroppingTheFinalAckHoldsAcceptBackUntilTheRuleIsLifted asserts as root.
        XCTAssertEqual(written["connect-returned-after"], "synack")
        XCTAssertEqual(written["accept-returned-after"], "ack")
        XCTAssertEqual(written["accept-waiting-at-release"], "yes")
        XCTAssertEqual(written["connect-returned-before-release"], "yes")
        XCTAssertGreaterThanOrEqual(Int(written["acks-dropped"] ?? "") ?? 0, 1, "the kernel's nft counter counted dropped ACKs")
        XCTAssertGreaterThanOrEqual(Int(written["synack-retransmissions"] ?? "") ?? 0, 1)
        // The kernel's samples, from the nested namespace: the same states as KernelClaimTests sees as root.
        XCTAssertEqual(written["client-state-while-held"], "ESTAB")
        XCTAssertEqual(written["server-state-while-held"], "SYN-RECV")
        XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace), "no process is left in \(namespace)")
        XCTAssertFalse(try hostNamespaceNames().contains { $0.hasPrefix("osilab-") && !$0.hasPrefix("osilab-\(getpid())-") },
                       "nothing was created in the machine's /run/netns")
    }

    // MARK: close-wait and reuse-address

    func testClosingExperimentsAsNobodyRecordTheRootFacts() throws {
        // The same facts ClosingTests asserts as root: ss and the capture work in the private network.
        let expected: [String: [String: String]] = [
            "close-wait": ["server-recv": "empty", "server-state-after-fin": "CLOSE-WAIT", "client-state-after-fin": "FIN-WAIT-2",
                           "close-wait-count": "3", "server-fin-before-close": "no", "close-wait-after-close": "0"],
            "reuse-address": ["first-fin": "server", "time-wait-holder": "server", "bind-without-reuseaddr": "EADDRINUSE",
                              "bind-with-reuseaddr": "ok", "second-listener-reuseaddr": "EADDRINUSE",
                              "reuseaddr-new-only": "EADDRINUSE", "reuseport-second-bind": "ok"],
        ]
        for (name, facts) in expected.sorted(by: { $0.key < $1.key }) {
            let file = NSTemporaryDirectory() + "osilab-nobody-\(name)-\(getpid()).json"
            defer { unlink(file) }
            try writableByNobody(file)
            let result = try OsilabProcess.run(["experiment", name, "--plain", "--facts", file], asUser: nobody)
            XCTAssertEqual(result.status, 0, "\(name): every claim held: \(result.output)\n\(result.error)")
            XCTAssertTrue(result.error.contains("private network"), "\(name) ran in a private network: \(result.error)")
            XCTAssertFalse(result.output.contains("[!!]"), "no claim was contradicted: \(result.output)")
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: String]
            XCTAssertEqual(written, facts, name)
        }
    }

    // MARK: errors

    func testErrorsAsNobodyGetsTheSameErrnosAndCountersAndLeavesNothing() throws {
        let facts = NSTemporaryDirectory() + "osilab-nobody-errors-\(getpid()).json"
        defer { unlink(facts) }
        try writableByNobody(facts)
        let run = try Background.asNobody(["experiment", "errors", "--plain", "--facts", facts])
        let namespace = try XCTUnwrap(run.waitForOwnUserNamespace(), "the run entered a user namespace of its own")
        XCTAssertTrue(run.waitForExit(seconds: 30), "errors finishes in about six seconds")
        XCTAssertEqual(run.status, 0, "every claim held: \(run.errors())")
        let output = run.output()
        // The sysctls and the veth pair are allowed in the nested namespace a user namespace owns.
        XCTAssertTrue(output.contains("$ sysctl -w net.ipv4.tcp_syncookies=2"), output)
        XCTAssertTrue(output.contains("$ ip link add osilab0 type veth peer name osilab1"), output)
        XCTAssertFalse(output.contains("[!!]"), "no claim was contradicted: \(output)")
        let written = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String])
        // The same facts ErrorPathsTests.testEachFailureGivesTheKernelsErrno asserts as root.
        XCTAssertEqual(written["first-send-after-reset"], "ECONNRESET")
        XCTAssertEqual(written["write-after-reset"], "EPIPE")
        XCTAssertEqual(written["sigpipe-without-nosignal"], "raised")
        XCTAssertEqual(written["sigpipe-with-nosignal"], "none")
        XCTAssertEqual(written["no-route"], "ENETUNREACH")
        XCTAssertEqual(written["no-arp-answer"], "EHOSTUNREACH")
        XCTAssertEqual(written["syn-dropped"], "ETIMEDOUT")
        XCTAssertEqual(written["syncookies-sent"], "yes")
        XCTAssertEqual(written["syncookies-recv"], "yes")
        XCTAssertEqual(written["listen-overflows"], "yes")
        XCTAssertGreaterThanOrEqual(Int(written["syns-dropped"] ?? "") ?? 0, 2, "the kernel's nft counter counted the SYN copies")
        XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace), "no process is left in \(namespace)")
        XCTAssertFalse(try hostNamespaceNames().contains { $0.hasPrefix("osilab-") && !$0.hasPrefix("osilab-\(getpid())-") },
                       "nothing was created in the machine's /run/netns")
        XCTAssertEqual(try String(contentsOfFile: "/proc/sys/net/ipv4/tcp_syncookies", encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines), "1",
                       "the machine's own tcp_syncookies is untouched (1, the default)")
    }

    // MARK: retransmit

    /// The retransmit experiment as nobody: a namespace and an nftables rule inside the run's
    /// private network, the same facts as RetransmitTests assert as root.
    func testRetransmitAsNobodyResendsTheSameSequenceNumberAndLeavesNothing() throws {
        let facts = NSTemporaryDirectory() + "osilab-nobody-retransmit-\(getpid()).json"
        defer { unlink(facts) }
        try writableByNobody(facts)
        let run = try Background.asNobody(["experiment", "retransmit", "--plain", "--facts", facts])
        let namespace = try XCTUnwrap(run.waitForOwnUserNamespace(), "the run entered a user namespace of its own")
        XCTAssertTrue(run.waitForExit(seconds: 20), "retransmit finishes in about a second")
        XCTAssertEqual(run.status, 0, "every claim held: \(run.errors())")
        let output = run.output()
        XCTAssertTrue(output.contains("$ ip netns add osilab-"), "the nested namespace was made inside: \(output)")
        XCTAssertTrue(output.contains("burst 3 packets"), "the rule was loaded: \(output)")
        XCTAssertFalse(output.contains("[!!]"), "no claim was contradicted (--plain marks one [!!]): \(output)")
        let written = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String])
        // The same facts DataTransferTests.testARetransmissionResendsTheSameSequenceNumberWithGrowingWaits asserts as root.
        XCTAssertEqual(written["copies-dropped"], "3", "the kernel's nft counter, read inside the private network")
        XCTAssertEqual(written["retransmissions"], "3")
        XCTAssertEqual(written["retransmitted-seq-same"], "yes")
        XCTAssertEqual(written["first-resend-after"], "100ms-to-1s")
        let resends = (Int(written["loss-probes"] ?? "") ?? -1) + (Int(written["timeouts"] ?? "") ?? -1)
        XCTAssertEqual(resends, 3, "the namespace's own TcpExt counters, readable by nobody")
        XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace), "no process is left in \(namespace)")
        XCTAssertFalse(try hostNamespaceNames().contains { $0.hasPrefix("osilab-") && !$0.hasPrefix("osilab-\(getpid())-") },
                       "nothing was created in the machine's /run/netns")
    }

    // MARK: no-accept: the kernel's samples

    /// The same state facts KernelClaimTests asserts as root, from the kernel's samples of
    /// the private network's socket table and counters.
    func testNoAcceptAsNobodySamplesTheQueueFillingAndCountsEachDroppedSyn() throws {
        let facts = NSTemporaryDirectory() + "osilab-nobody-noaccept-\(getpid()).json"
        defer { unlink(facts) }
        try writableByNobody(facts)
        let result = try OsilabProcess.run(["experiment", "no-accept", "--json", "--facts", facts], asUser: nobody, timeout: 40)
        XCTAssertEqual(result.status, 0, "every claim held: \(result.error)")
        let written = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: facts))) as? [String: String])
        // listen(2): Linux queues backlog + 1 = 3 before it counts the queue full (length > backlog).
        XCTAssertEqual(written["accept-queue-peak"], "3")
        XCTAssertEqual(written["recv-q-after"], "3", "ss -ltn saw the same length")
        XCTAssertEqual(written["overflow-counted"], "yes")
        XCTAssertEqual(written["overflow"], "syn-dropped")

        let events = try result.output.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
        let queue = events.filter { $0["event"] as? String == "kernel-accept-queue" }
        XCTAssertEqual(queue.compactMap { $0["length"] as? Int }, [1, 2, 3], "the samples saw the queue grow one by one")
        XCTAssertEqual(queue.compactMap { $0["full"] as? Bool }, [false, false, true])
        // The private network is new, so its counters count this run alone: ListenOverflows ends
        // at exactly the SYNs that met the full queue (every SYN but the three answered ones).
        let syns = events.filter { $0["event"] as? String == "packet" && $0["flags"] as? String == "SYN" }.count
        let overflows = events.filter { $0["event"] as? String == "kernel-counter" && $0["counter"] as? String == "TcpExt.ListenOverflows" }
        XCTAssertEqual(overflows.last?["total"] as? Int, syns - 3, "ListenOverflows counts each SYN of the extra client")
        XCTAssertFalse(result.output.contains("\"verdict\":\"contradicted\""), result.output)
    }

    /// An empty file at `path` that nobody may write (osilab writes facts there as nobody).
    func writableByNobody(_ path: String) throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        XCTAssertEqual(chown(path, uid_t(nobody), gid_t(nobody)), 0)
    }

    func hostNamespaceNames() throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
    }

    // MARK: cleanup after SIGKILL and Ctrl-C

    func testSIGKILLOfAnyOsilabProcessOfARunLeavesNoProcessOrNamespace() throws {
        for victim in Victim.allCases {
            let run = try Background.asNobody(["experiment", "drop-final-ack", "--plain"])
            let namespace = try XCTUnwrap(run.waitForOwnUserNamespace(), "\(victim): the run entered its namespace")
            // Wait until the experiment's thread sits in the nested network namespace with its rule.
            XCTAssertTrue(Namespaces.waitForNestedNetwork(in: namespace, outer: run.pid), "\(victim): the nested namespace exists")
            let members = Namespaces.processes(inUserNamespace: namespace)
            let target: pid_t
            switch victim {
            case .outer: target = run.pid
            case .initProcess: target = try XCTUnwrap(Namespaces.children(of: run.pid).first)
            case .worker: target = try XCTUnwrap(Namespaces.children(of: try XCTUnwrap(Namespaces.children(of: run.pid).first)).first)
            }
            XCTAssertTrue(members.contains(target), "\(victim) (\(target)) is one of \(members)")
            kill(target, SIGKILL)
            // At once: left alone, the experiment would end by itself about three seconds later.
            XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace, seconds: 1),
                          "\(victim) killed, and a second later no process is left in \(namespace): "
                            + "\(Namespaces.processes(inUserNamespace: namespace))")
            XCTAssertTrue(run.waitForExit(seconds: 5), "\(victim): the run ended")
        }
    }

    enum Victim: CaseIterable { case outer, initProcess, worker }

    func testCtrlCDuringAnExperimentCleansUpAndEndsAsInterrupted() throws {
        let run = try Background.asNobody(["experiment", "drop-final-ack", "--plain"])
        let namespace = try XCTUnwrap(run.waitForOwnUserNamespace())
        XCTAssertTrue(Namespaces.waitForNestedNetwork(in: namespace, outer: run.pid))
        // Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
        kill(-run.pid, SIGINT)
        XCTAssertTrue(run.waitForExit(seconds: 10))
        XCTAssertEqual(run.process.terminationReason, .uncaughtSignal, "it ends as an interrupted program does")
        XCTAssertEqual(run.process.terminationStatus, SIGINT)
        XCTAssertTrue(run.errors().contains("cleaned up: "), "it says what it removed: \(run.errors())")
        XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace))
    }

    // MARK: watch and shell

    func testWatchOfACommandSeesItsHandshakeWithThePortsItUsed() throws {
        let script = """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            c = socket.create_connection(s.getsockname()); a, _ = s.accept()
            # One write: with PYTHONUNBUFFERED, print() writes each word on its own, and watch's
            # lines on the same terminal could land between them.
            sys.stdout.write("ports %d %d\\n" % (c.getsockname()[1], s.getsockname()[1])); sys.stdout.flush()
            c.close(); a.close(); sys.exit(3)
            """
        let result = try OsilabProcess.run(["watch", "--", "python3", "-c", script], asUser: nobody)
        XCTAssertEqual(result.status, 3, "watch ends with the command's exit status: \(result.error)")
        XCTAssertTrue(result.error.contains("running in a private network made for this run"), result.error)
        let ports = try XCTUnwrap(result.output.split(separator: "\n").first { $0.hasPrefix("ports ") }, result.output)
            .split(separator: " ").dropFirst().map(String.init)
        XCTAssertEqual(ports.count, 2)
        let (client, server) = (ports[0], ports[1])
        let lines = result.output.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("127.0.0.1:\(client) > 127.0.0.1:\(server) SYN ") && $0.contains("(step 1: seq = J)") },
                      result.output)
        XCTAssertTrue(lines.contains { $0.contains("127.0.0.1:\(server) > 127.0.0.1:\(client) SYN-ACK ")
            && $0.contains("(step 2: seq = K, ack = J+1 ✓)") }, result.output)
        XCTAssertTrue(lines.contains { $0.contains("127.0.0.1:\(client) > 127.0.0.1:\(server) ACK ")
            && $0.contains("(step 3: ack = K+1 ✓)") }, result.output)
    }

    /// The unprivileged twin of TcpdumpAgreementTests' live tests: a connection with data and
    /// a close, captured by nobody in a private network (`watch --write`), then read by
    /// tcpdump and by `osilab read --absolute`. Every segment must agree: ports, flags, seq,
    /// ack, payload length and the nanoseconds of its time.
    func testACaptureRecordedAsNobodyAgreesWithTcpdumpOnEverySegment() throws {
        let path = NSTemporaryDirectory() + "osilab-nobody-agree-\(getpid()).pcap"
        defer { unlink(path) }
        try writableByNobody(path)
        let script = """
            import socket
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
            c = socket.create_connection(s.getsockname()); a, _ = s.accept()
            c.sendall(b"hello osilab"); a.recv(100); a.sendall(b"HELLO OSILAB"); c.recv(100)
            c.close(); a.recv(100); a.close()
            """
        let watched = try OsilabProcess.run(["watch", "--write", path, "--", "python3", "-c", script], asUser: nobody)
        XCTAssertEqual(watched.status, 0, watched.error)

        struct Seen: Equatable {
            var ports: String, flags: String, seq: UInt32?, ack: UInt32?, length: Int, nanoseconds: String
        }
        // tcpdump -nn -S -tt --nano: "1795643762.926709000 IP 127.0.0.1.5 > 127.0.0.1.6: Flags [P.], seq 1:13, ack 1, ..., length 12"
        let tcpdump = Process()
        tcpdump.executableURL = URL(fileURLWithPath: "/usr/bin/tcpdump")
        tcpdump.arguments = ["-nn", "-S", "-tt", "--time-stamp-precision=nano", "-r", path]
        let pipe = Pipe()
        tcpdump.standardOutput = pipe
        tcpdump.standardError = FileHandle.nullDevice
        try tcpdump.run()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tcpdump.waitUntilExit()
        XCTAssertEqual(tcpdump.terminationStatus, 0, "tcpdump reads what nobody's watch wrote")
        let tcpdumpFlags: [Character: String] = ["S": "SYN", "F": "FIN", "R": "RST", "P": "PSH", ".": "ACK"]
        let trusted: [Seen] = printed.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 6, words[1] == "IP", let flagsAt = words.firstIndex(of: "Flags") else { return nil }
            func port(_ word: String) -> String { String(word.split(separator: ".").last ?? "").trimmingCharacters(in: [":"]) }
            let flags = words[flagsAt + 1].dropFirst().dropLast(2).compactMap { tcpdumpFlags[$0] }
            func number(after key: String) -> String? {
                words.firstIndex(of: key).map { words[$0 + 1].trimmingCharacters(in: [","]) }
            }
            let seq = number(after: "seq").flatMap { UInt32($0.split(separator: ":").first ?? "") }
            return Seen(ports: port(words[2]) + ">" + port(words[4]),
                        flags: flags.sorted().joined(separator: "-"),
                        seq: seq, ack: number(after: "ack").flatMap { UInt32($0) },
                        length: Int(words.last ?? "") ?? -1,
                        nanoseconds: String(words[0].split(separator: ".").last ?? ""))
        }

        // osilab read --absolute: "21:56:02.926709000 c1 127.0.0.1:5 > 127.0.0.1:6 PSH-ACK seq=1 ack=1 len=12 ..."
        let read = try OsilabProcess.run(["read", "--absolute", path])
        XCTAssertEqual(read.status, 0, read.error)
        let shown: [Seen] = read.output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 5, words[1].hasPrefix("c"), words[3] == ">" else { return nil }
            func port(_ word: String) -> String { String(word.split(separator: ":").last ?? "") }
            func field(_ key: String) -> String? {
                words.first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
            }
            return Seen(ports: port(words[2]) + ">" + port(words[4]),
                        flags: words[5].split(separator: "-").map(String.init).sorted().joined(separator: "-"),
                        seq: field("seq").flatMap { UInt32($0) }, ack: field("ack").flatMap { UInt32($0) },
                        length: field("len").flatMap { Int($0) } ?? 0,
                        nanoseconds: String(words[0].split(separator: ".").last ?? ""))
        }
        XCTAssertGreaterThanOrEqual(trusted.count, 9, "handshake, two data segments and their ACKs, the close: \(printed)")
        XCTAssertEqual(shown, trusted, "osilab read and tcpdump, segment by segment, of nobody's capture:\n\(read.output)\n\(printed)")
    }

    func testANamedNetworkIsSharedByItsTerminalsAndGoneWithTheLast() throws {
        let network = "t-share-\(getpid() % 100_000)"
        let port = 30_000 + Int(getpid() % 10_000)
        let server = try Background.asNobody(["shell", network, "--", "python3", "-c", """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", \(port))); s.listen(); print("listening", flush=True)
            while True:
                a, _ = s.accept(); a.sendall(a.recv(100).upper()); a.close()
            """])
        defer { server.stop() }
        XCTAssertTrue(server.waitForOutput(containing: "listening"), server.errors())
        let namespace = try XCTUnwrap(server.waitForOwnUserNamespace())

        let listed = try OsilabProcess.run(["shell", "--list"], asUser: nobody)
        XCTAssertTrue(listed.output.contains("\(network)  (1 osilab process keeps it up)"), listed.output)

        let client = """
            import socket
            c = socket.create_connection(("127.0.0.1", \(port)), timeout=5); c.sendall(b"hello"); print(c.recv(100))
            """
        let inside = try OsilabProcess.run(["shell", network, "--", "python3", "-c", client], asUser: nobody)
        XCTAssertEqual(inside.status, 0, inside.error)
        XCTAssertEqual(inside.output, "b'HELLO'\n", "a second terminal reaches the first one's server")
        let outside = try OsilabProcess.run(["shell", "other-\(network)", "--", "python3", "-c", client], asUser: nobody)
        XCTAssertNotEqual(outside.status, 0, "another private network does not see it")
        XCTAssertTrue(outside.error.contains("ConnectionRefusedError"), outside.error)

        server.stop()
        XCTAssertTrue(Namespaces.waitUntilEmpty(userNamespace: namespace), "the server went with its terminal's osilab")
        let after = try OsilabProcess.run(["shell", "--list"], asUser: nobody)
        XCTAssertFalse(after.output.contains(network), after.output)
    }

    // MARK: machines that forbid user namespaces

    func testWithUserNamespacesTurnedOffTheHandshakeSaysWhyAndHowToFixIt() throws {
        let result = try OsilabProcess.runWithUserNamespacesOff(["handshake"])
        XCTAssertEqual(result.status, 2, result.error)
        XCTAssertTrue(result.error.contains("user.max_user_namespaces = 0"), result.error)
        XCTAssertTrue(result.error.contains("No space left on device"), "the kernel's own answer is shown: \(result.error)")
        XCTAssertTrue(result.error.contains("sudo sysctl -w user.max_user_namespaces=15000"), result.error)
        XCTAssertTrue(result.error.contains("osilab handshake --recorded"), "it offers the recorded capture: \(result.error)")
        XCTAssertFalse(result.error.contains("Fatal error") || result.error.contains("Backtrac"), "never a stack trace")
        XCTAssertTrue(result.output.isEmpty, result.output)

        let doctor = try OsilabProcess.runWithUserNamespacesOff(["doctor"])
        XCTAssertTrue(doctor.output.contains("missing  private network (no root): not allowed here. User namespaces are turned off"),
                      doctor.output)
        let watch = try OsilabProcess.runWithUserNamespacesOff(["watch", "--", "true"])
        XCTAssertEqual(watch.status, 2)
        XCTAssertTrue(watch.error.contains("user.max_user_namespaces = 0"), watch.error)
    }

    func testWithUserNamespacesTurnedOffAnExperimentOffersNoCaptureAndThatRuns() throws {
        let refused = try OsilabProcess.runWithUserNamespacesOff(["experiment", "refused"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.error.contains("`osilab experiment refused` captures packets"), refused.error)
        XCTAssertTrue(refused.error.contains("osilab experiment refused --no-capture"), refused.error)

        let calls = try OsilabProcess.runWithUserNamespacesOff(["experiment", "refused", "--no-capture", "--plain"])
        XCTAssertEqual(calls.status, 0, calls.error)
        XCTAssertEqual(calls.output.components(separatedBy: "ECONNREFUSED (111)").count - 1, 2, calls.output)
        XCTAssertTrue(calls.output.contains("[??] Not checked"), "the RST is marked unchecked: \(calls.output)")

        let netns = try OsilabProcess.runWithUserNamespacesOff(["experiment", "drop-final-ack"])
        XCTAssertEqual(netns.status, 2)
        XCTAssertTrue(netns.error.contains("builds a network namespace with firewall rules"), netns.error)
        XCTAssertTrue(netns.output.isEmpty, "nothing ran")
    }

    func testWatchingTheMachinesLoWithoutRootSaysHowToWatchOwnPrograms() throws {
        let result = try OsilabProcess.run(["watch"], asUser: nobody)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.error.contains("Watching this machine's lo needs root or the capture capabilities"), result.error)
        XCTAssertTrue(result.error.contains("osilab watch -- python3 server.py"), result.error)
        XCTAssertTrue(result.error.contains("osilab watch --network lab"), result.error)
    }

    func testDoctorAsNobodySaysLiveCommandsRunInAPrivateNetwork() throws {
        let result = try OsilabProcess.run(["doctor"], asUser: nobody)
        XCTAssertTrue(result.output.contains("ok       private network (no root): available"), result.output)
        XCTAssertTrue(result.output.contains("missing  capture on this machine's lo"), result.output)
    }
}

/// An osilab started in the background (as nobody, through setpriv, which executes osilab in
/// its own process: the pid is osilab's), read while it runs.
final class Background: @unchecked Sendable {
    let process: Process
    private let stdout: Stream
    private let stderr: Stream

    var pid: pid_t { process.processIdentifier }
    var status: Int32 { process.terminationStatus }

    init(process: Process, stdout: Stream, stderr: Stream) {
        self.process = process
        self.stdout = stdout
        self.stderr = stderr
    }

    static func asNobody(_ arguments: [String]) throws -> Background {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", OsilabProcess.executableForOthers.path] + arguments
        process.currentDirectoryURL = OsilabProcess.labForOthers
        process.environment = ProcessInfo.processInfo.environment.merging(OsilabProcess.learnerEnvironment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Background(process: process, stdout: Stream(output.fileHandleForReading), stderr: Stream(errors.fileHandleForReading))
    }

    func output() -> String { stdout.text }
    func errors() -> String { stderr.text }

    func waitForOutput(containing text: String, seconds: Double = 10) -> Bool {
        wait(seconds) { self.stdout.text.contains(text) }
    }

    func waitForError(containing text: String, seconds: Double = 10) -> Bool {
        wait(seconds) { self.stderr.text.contains(text) }
    }

    func waitForExit(seconds: Double) -> Bool {
        let ended = wait(seconds) { !self.process.isRunning }
        if ended { process.waitUntilExit() }
        return ended
    }

    /// The user namespace this osilab entered, once it has (nil after 10 s).
    func waitForOwnUserNamespace() -> String? {
        let host = Namespaces.userNamespace(of: getpid())
        var found: String?
        _ = wait(10) {
            found = Namespaces.userNamespace(of: self.pid)
            return found != nil && found != host
        }
        return found != host ? found : nil
    }

    /// SIGTERM, then SIGKILL after 3 s.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if !waitForExit(seconds: 3) {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    private func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// A pipe read on a thread of its own, so its text can be looked at while the program runs.
    final class Stream: @unchecked Sendable {
        private var data = Data()
        private let lock = NSLock()

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    data.append(chunk)
                    lock.unlock()
                }
            }
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// What /proc says about namespaces and processes: the tests' view from outside.
enum Namespaces {
    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func userNamespace(of pid: pid_t) -> String? { link("/proc/\(pid)/ns/user") }

    static func allPIDs() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    /// Every process whose user namespace is `namespace` (`user:[4026532...]`).
    static func processes(inUserNamespace namespace: String) -> [pid_t] {
        allPIDs().filter { pid in
            guard userNamespace(of: pid) == namespace else { return false }
            // A zombie still shows its namespaces until it is collected; it runs nothing.
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first
            return state != "Z"
        }
    }

    static func children(of pid: pid_t) -> [pid_t] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { pid_t($0) }
    }

    static func waitUntilEmpty(userNamespace namespace: String, seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if processes(inUserNamespace: namespace).isEmpty { return true }
            usleep(20_000)
        }
        return processes(inUserNamespace: namespace).isEmpty
    }

    /// Waits until a thread of a process in `namespace` is in a network namespace other than
    /// that of `outer` (the experiment's thread inside the namespace it made).
    static func waitForNestedNetwork(in namespace: String, outer: pid_t, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let own = link("/proc/\(outer)/ns/net")
            for pid in processes(inUserNamespace: namespace) {
                let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
                for task in tasks {
                    if let network = link("/proc/\(pid)/task/\(task)/ns/net"), network != own { return true }
                }
            }
            usleep(20_000)
        }
        return false
    }
}
