import Experiments
import Foundation
import Report
import SockDiag
import Sockets
import Synchronization
import Timeline
import Trace
import Wire
import XCTest

/// The state claims each experiment makes from its kernel samples, against truths the test
/// takes itself: `ss` run while the experiment runs (inside its namespace for drop-final-ack),
/// /proc/net/netstat read by the test, the capture's timestamps, and backlog + 1 by hand.
final class KernelClaimTests: ExperimentTestCase {
    // MARK: drop-final-ack

    func testWhileStep3IsHeldBackTheClientIsEstablishedAndTheServerOnlyHasARequestSocket() throws {
        let witness = TableWitness(namespacePrefix: "osilab-\(getpid())-", counters: true)
        let outcome = try runWatched(DropFinalAck(release: .lift), witness: witness)
        let snapshots = witness.snapshots
        let server = IPEndpoint(.v4(.loopback), DropFinalAck.port)
        let client = try XCTUnwrap(outcome.client)
        let connected = try XCTUnwrap(calls(outcome, .connect).first?.returned)
        let lifted = try XCTUnwrap(noteTime(outcome, "rule lifted"))

        // ss, run by the test inside the experiment's namespace while the rule held the ACK back.
        let held = snapshots.filter { $0.time > connected && $0.time < lifted }
        XCTAssertGreaterThan(held.count, 3, "ss ran inside the namespace while step 3 was held back")
        for snapshot in held {
            XCTAssertEqual(snapshot.table.row(local: client, peer: server)?.state, "ESTAB", snapshot.table.lines.joined(separator: "\n"))
            XCTAssertEqual(snapshot.table.row(local: server, peer: client)?.state, "SYN-RECV", snapshot.table.lines.joined(separator: "\n"))
            XCTAssertEqual(snapshot.table.listener(port: server.port)?.receiveQueue, 0, "nothing in the accept queue")
        }
        // The same from the samples, every one of them in the window.
        let kernel = try XCTUnwrap(outcome.run.kernel)
        let window = kernel.samples.filter { $0.asked > connected && $0.time <= lifted }
        XCTAssertFalse(window.isEmpty)
        let serverSide = window.compactMap { sample in sample.sockets.first { $0.local == server && $0.remote == client } }
        XCTAssertFalse(serverSide.isEmpty, "the samples list the server's request socket")
        XCTAssertTrue(serverSide.allSatisfy { $0.state == .newSynRecv || $0.state == .synRecv },
                      "never ESTABLISHED while held: \(serverSide.map(\.rawState))")
        XCTAssertEqual(outcome.facts["server-state-while-held"], "SYN-RECV")
        XCTAssertEqual(outcome.facts["client-state-while-held"], "ESTAB")

        // ESTABLISHED on the server only after an ACK got through: after the lift, and after the
        // capture's first client ACK past it.
        let passing = try XCTUnwrap(outcome.segments.first { $0.direction == .clientToServer && $0.segment.isPureACK
            && $0.segment.timestamp > lifted })
        let established = try XCTUnwrap(kernel.samples.first { sample in
            sample.sockets.contains { $0.local == server && $0.remote == client && $0.state == .established }
        })
        XCTAssertGreaterThan(established.time, passing.segment.timestamp)

        // The namespace's own counters, read by the test with `ip netns exec ... cat /proc/net/netstat`:
        // a new namespace starts at 0, and TCPSynRetrans counts exactly the SYN-ACK copies captured.
        let copies = outcome.segments.filter { $0.role == .synAckRetransmission }
        XCTAssertEqual(copies.count, 2, "one copy after 1 s, one more after 2 s, answered once the rule is gone")
        let reads = snapshots.compactMap { snapshot in snapshot.counter("TcpExt", "TCPSynRetrans").map { (snapshot.time, $0) } }
        XCTAssertEqual(reads.first?.1, 0, "the namespace's counter starts at 0")
        XCTAssertTrue(reads.contains { $0.1 >= 1 }, "the test read the counter after a copy was sent: \(reads.map(\.1))")
        for read in snapshots where read.netstat != nil {
            guard let value = read.counter("TcpExt", "TCPSynRetrans"), let from = read.netstatFrom, let to = read.netstatTo else { continue }
            // The kernel counts a copy right after sending it: a read counts every copy sent well
            // before it began, and none sent after it ended.
            let surely = copies.filter { $0.segment.timestamp.nanoseconds(since: from) < -5_000_000 }.count
            let possibly = copies.filter { $0.segment.timestamp < to }.count
            XCTAssertTrue((surely...possibly).contains(value), "the counter read \(value) with \(surely)-\(possibly) copies sent")
        }
        XCTAssertEqual(kernel.counterChanges["TcpExt.TCPSynRetrans"], Int64(copies.count))
        XCTAssertEqual(kernel.countersAtStart?["TcpExt.TCPSynRetrans"], 0, "the sampler read the namespace's counters, not the machine's")
        assertClaimsHold(outcome)
    }

    // MARK: no-accept

    func testTheAcceptQueueFillsToBacklogPlusOneThenEachSynIsCountedAsAnOverflow() throws {
        let before = try netstat()
        let witness = TableWitness(namespacePrefix: nil, counters: false, listening: true)
        let outcome = try runWatched(NoAccept(), witness: witness, limit: 20)
        let after = try netstat()
        let port = try XCTUnwrap(outcome.server?.port)
        let full = Int(NoAccept.backlog) + 1  // Linux: sk_acceptq_is_full is length > backlog

        let ssQueue = witness.snapshots.compactMap { $0.table.listener(port: port) }
        XCTAssertEqual(ssQueue.map(\.receiveQueue).max(), full, "ss -ltn, run by the test, saw Recv-Q reach backlog + 1")
        XCTAssertEqual(Set(ssQueue.map(\.sendQueue)), [Int(NoAccept.backlog)], "Send-Q is the backlog")
        let kernel = try XCTUnwrap(outcome.run.kernel)
        var lengths: [UInt32] = []
        for sample in kernel.samples {
            guard let listener = sample.sockets.first(where: { $0.state == .listen && $0.local.port == port }) else { continue }
            if lengths.last != listener.receiveQueue { lengths.append(listener.receiveQueue) }
        }
        XCTAssertEqual(lengths, [0, 1, 2, 3], "the samples saw the queue grow one connection at a time")
        XCTAssertEqual(outcome.facts["accept-queue-peak"], String(full))

        // The extra client's SYNs, each dropped at the full queue.
        let answered = Set(outcome.timeline.findings.filter(\.handshakeComplete).map(\.client))
        let extraSyns = outcome.segments.filter { !answered.contains($0.client) && $0.segment.isSYN }
        XCTAssertGreaterThanOrEqual(extraSyns.count, 3)
        let recorded = try XCTUnwrap(kernel.counterChanges["TcpExt.ListenOverflows"])
        XCTAssertGreaterThanOrEqual(recorded, Int64(extraSyns.count), "one overflow per SYN at least (others' too)")
        let ownRead = try XCTUnwrap(after["ListenOverflows"]) - (before["ListenOverflows"] ?? 0)
        XCTAssertGreaterThanOrEqual(ownRead, Int(recorded), "the test's own /proc/net/netstat, read around the run, agrees")
        let drops = try XCTUnwrap(after["ListenDrops"]) - (before["ListenDrops"] ?? 0)
        XCTAssertGreaterThanOrEqual(drops, ownRead, "every overflow is also a listen drop")
        XCTAssertEqual(outcome.facts["overflow-counted"], "yes")

        // --json carries the samples: the queue's lengths, and full at backlog + 1.
        let json = outcome.reportLines(style: ReportStyle(format: .json)).compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        let queue = json.filter { $0["event"] as? String == "kernel-accept-queue" }
        XCTAssertEqual(queue.compactMap { $0["length"] as? Int }, [1, 2, 3])
        XCTAssertEqual(queue.compactMap { $0["full"] as? Bool }, [false, false, true])
        XCTAssertTrue(json.contains { $0["event"] as? String == "kernel-counter" && $0["counter"] as? String == "TcpExt.ListenOverflows" })
        assertClaimsHold(outcome)
    }

    // MARK: teardown

    func testTheSideThatClosesFirstWaitsInTimeWaitAndTheOtherPassesThroughCloseWait() throws {
        let outcome = try run(Teardown())
        let port = try XCTUnwrap(outcome.server?.port)
        let server = IPEndpoint(.v4(.loopback), port)
        func client(_ number: Int) throws -> IPEndpoint {
            try XCTUnwrap(outcome.segments.first { $0.connection == number }?.client, "connection \(number) was captured")
        }
        let first = try client(1)
        let kernel = try XCTUnwrap(outcome.run.kernel)
        func times(_ local: IPEndpoint, _ remote: IPEndpoint, _ state: TCPState) -> [KernelSample] {
            kernel.samples.filter { sample in sample.sockets.contains { $0.local == local && $0.remote == remote && $0.state == state } }
        }
        let segments = outcome.segments.filter { $0.connection == 1 }
        let clientFIN = try XCTUnwrap(segments.first { $0.segment.isFIN && $0.direction == .clientToServer }).segment.timestamp
        let serverFIN = try XCTUnwrap(segments.first { $0.segment.isFIN && $0.direction == .serverToClient }).segment.timestamp
        // CLOSE-WAIT on the server: between the client's FIN and its own, as the capture timed them.
        let closeWait = times(server, first, .closeWait)
        XCTAssertFalse(closeWait.isEmpty, "the samples saw the server in CLOSE-WAIT")
        for sample in closeWait {
            XCTAssertGreaterThan(sample.time, clientFIN)
            XCTAssertLessThan(sample.asked, serverFIN, "CLOSE-WAIT ends when the server sends its FIN")
        }
        XCTAssertTrue(times(first, server, .closeWait).isEmpty, "the client, which closed first, is never in CLOSE-WAIT")
        // TIME-WAIT on the client: only after the server's FIN arrived.
        let timeWait = times(first, server, .timeWait)
        XCTAssertFalse(timeWait.isEmpty)
        XCTAssertTrue(timeWait.allSatisfy { $0.time > serverFIN })
        XCTAssertTrue(times(server, first, .timeWait).isEmpty)
        XCTAssertEqual(outcome.facts["close-wait-side"], "server")

        // ss, run by the test after the run: the client's end in TIME-WAIT, nothing left of the reset connections.
        let table = try SocketTable.take(port: port)
        XCTAssertEqual(table.row(local: first, peer: server)?.state, "TIME-WAIT", table.lines.joined(separator: "\n"))
        for number in [2, 3] {
            let other = try client(number)
            XCTAssertNil(table.rows.first { $0.local == other || $0.peer == other }, "connection \(number) left nothing: \(table.lines)")
            for (local, remote) in [(other, server), (server, other)] {
                for state in [TCPState.finWait1, .finWait2, .timeWait, .closeWait, .lastAck] {
                    XCTAssertTrue(times(local, remote, state).isEmpty, "connection \(number), \(local): no \(state) after a reset")
                }
            }
        }
        assertClaimsHold(outcome)
    }

    // MARK: defer-accept

    func testDeferAcceptsServerSideStaysSynRecvUntilTheDataAsSsSeesIt() throws {
        let witness = TableWitness(namespacePrefix: nil, counters: false)
        let outcome = try runWatched(DeferAccept(), witness: witness)
        let port = try XCTUnwrap(outcome.server?.port)
        let server = IPEndpoint(.v4(.loopback), port)
        let client = try XCTUnwrap(outcome.client)
        let connected = try XCTUnwrap(calls(outcome, .connect).first?.returned)
        let data = try XCTUnwrap(outcome.segments.first { $0.direction == .clientToServer && $0.segment.payloadLength > 0 })
        // ss started after connect() returned and before the data; a snapshot whose ss read the
        // table at the window's very edge may not list the client yet (and on a busy machine an
        // earlier connection's TIME-WAIT can hold the same two ends for a moment): every
        // snapshot that lists the client shows it ESTAB and the server's side SYN-RECV.
        let during = witness.snapshots.filter { $0.time > connected && $0.time < data.segment.timestamp }
        let listing = during.filter { $0.table.row(local: client, peer: server) != nil }
        XCTAssertGreaterThan(listing.count, 3, "ss ran while the connection was held back: \(during.count) snapshots")
        for snapshot in listing {
            XCTAssertEqual(snapshot.table.row(local: client, peer: server)?.state, "ESTAB")
            let serverSide = snapshot.table.rows.filter { $0.local == server && $0.peer == client }.map(\.state)
            XCTAssertTrue(serverSide.contains("SYN-RECV") && !serverSide.contains("ESTAB"),
                          "the server's side is a request, not a connection: \(serverSide)")
        }
        XCTAssertEqual(outcome.facts["server-state-while-waiting"], "SYN-RECV", "the fact, from the samples, agrees with ss")
        let kernel = try XCTUnwrap(outcome.run.kernel)
        let established = try XCTUnwrap(kernel.samples.first { sample in
            sample.sockets.contains { $0.local == server && $0.remote == client && $0.state == .established }
        })
        XCTAssertGreaterThan(established.time, data.segment.timestamp, "ESTABLISHED only once the data arrived")
        assertClaimsHold(outcome)
    }

    // MARK: refused

    func testARefusedClientsSocketLeavesTheTableAndNoListenerIsEverSeen() throws {
        let outcome = try run(Refused())
        let port = try XCTUnwrap(outcome.server?.port)
        let kernel = try XCTUnwrap(outcome.run.kernel)
        XCTAssertFalse(kernel.samples.contains { sample in sample.sockets.contains { $0.state == .listen && $0.local.port == port } })
        for connect in calls(outcome, .connect) {
            let returned = try XCTUnwrap(connect.returned)
            XCTAssertEqual(connect.failure, "ECONNREFUSED")
            let later = kernel.samples.filter { $0.time > returned }
            XCTAssertFalse(later.isEmpty)
            XCTAssertFalse(later.contains { sample in sample.sockets.contains { $0.remote.port == port } },
                           "no socket of a refused connection after connect() failed")
        }
        XCTAssertEqual(outcome.facts["client-state-after-rst"], "CLOSED")
        let table = try SocketTable.take(port: port)
        XCTAssertFalse(table.rows.contains { $0.peer?.port == port }, "ss agrees: \(table.lines)")
        assertClaimsHold(outcome)
    }

    // MARK: nonblocking

    func testTheNonBlockingAcceptFailsWhileTheAcceptQueueIsEmpty() throws {
        let witness = TableWitness(namespacePrefix: nil, counters: false, listening: true)
        let outcome = try runWatched(NonBlocking(), witness: witness)
        let port = try XCTUnwrap(outcome.server?.port)
        let kernel = try XCTUnwrap(outcome.run.kernel)
        let accepts = calls(outcome, .accept)
        XCTAssertEqual(accepts.first?.failure, "EAGAIN")
        let failed = try XCTUnwrap(accepts.first?.returned)
        func listener(_ sample: KernelSample?) -> SocketDiagnosis? {
            sample?.sockets.first { $0.state == .listen && $0.local.port == port }
        }
        let atFailure = try XCTUnwrap(listener(kernel.sample(atOrBefore: failed)), "the listener was sampled before the EAGAIN")
        XCTAssertEqual(atFailure.receiveQueue, 0)
        XCTAssertEqual(atFailure.sendQueue, 8, "listen(8): the limit is the backlog")
        let taken = try XCTUnwrap(accepts.dropFirst().first?.returned)
        let afterTaking = try XCTUnwrap(listener(kernel.samples.first { $0.asked > taken }), "a sample read the table after accept() returned")
        XCTAssertEqual(afterTaking.receiveQueue, 0, "accept() took the only connection")
        let lengths = kernel.samples.compactMap { listener($0)?.receiveQueue }
        XCTAssertLessThanOrEqual(lengths.max() ?? 9, 1, "one client, one queued connection at most")
        // ss, run by the test, saw the same listener with the same limit.
        let seen = witness.snapshots.compactMap { $0.table.listener(port: port) }
        XCTAssertTrue(seen.allSatisfy { $0.sendQueue == 8 && $0.receiveQueue <= 1 }, "\(seen.map(\.text))")
        assertClaimsHold(outcome)
    }

    // MARK: helpers

    /// Runs `experiment` while `witness` takes `ss` snapshots, without the footprint checks of
    /// ``run(_:capture:language:limit:file:line:)`` (the witness's own processes would count).
    func runWatched(_ experiment: some Experiment, witness: TableWitness, limit: Double = 15,
                    file: StaticString = #filePath, line: UInt = #line) throws -> ExperimentOutcome {
        witness.start()
        defer { witness.stop() }
        let finished = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            box.set(Result { try experiment.run(ExperimentSettings()) })
            finished.signal()
        }
        thread.start()
        guard finished.wait(timeout: .now() + limit) == .success else {
            XCTFail("\(type(of: experiment).info.name) hung", file: file, line: line)
            throw ExperimentError.hung(type(of: experiment).info.name)
        }
        let outcome = try box.get()
        let documented = type(of: experiment).info.facts
        for (key, value) in outcome.facts {
            XCTAssertTrue(documented.contains { $0.key == key && $0.values.contains(value) },
                          "\(key) = \(value) is documented in --help", file: file, line: line)
        }
        return outcome
    }

    /// TcpExt counters of this process's network namespace, read and parsed here.
    func netstat() throws -> [String: Int] {
        parseNetstat(try String(contentsOfFile: "/proc/net/netstat", encoding: .utf8), group: "TcpExt")
    }
}

/// Pairs of lines `Group: names...` / `Group: values...` from /proc/net/netstat, for one group.
func parseNetstat(_ text: String, group: String) -> [String: Int] {
    let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    var values: [String: Int] = [:]
    for (names, numbers) in zip(lines, lines.dropFirst()) where names.first == group + ":" && numbers.first == group + ":" {
        for (name, number) in zip(names.dropFirst(), numbers.dropFirst()) where Int(number) != nil && Int(name) == nil {
            values[name] = Int(number)
        }
    }
    return values
}

/// `ss` run again and again on a thread of its own while an experiment runs: in this
/// process's network namespace, or inside the first new namespace named with `namespacePrefix`
/// (where `/proc/net/netstat` is read too, with `counters`).
final class TableWitness: Sendable {
    struct Snapshot: Sendable {
        var time: Instant
        var table: SocketTable
        var netstat: String?
        /// When the read of /proc/net/netstat began and ended.
        var netstatFrom: Instant?
        var netstatTo: Instant?

        func counter(_ group: String, _ name: String) -> Int? {
            netstat.flatMap { parseNetstat($0, group: group)[name] }
        }
    }

    private let namespacePrefix: String?
    private let counters: Bool
    private let listening: Bool
    private let taken = Mutex<[Snapshot]>([])
    private let stopping = Mutex(false)
    private let done = DispatchSemaphore(value: 0)
    private let existing: Set<String>

    init(namespacePrefix: String?, counters: Bool, listening: Bool = false) {
        self.namespacePrefix = namespacePrefix
        self.counters = counters
        self.listening = listening
        existing = Set((try? NetworkNamespace.list()) ?? [])
    }

    var snapshots: [Snapshot] { taken.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in
            defer { done.signal() }
            var namespace: String?
            if let prefix = namespacePrefix {
                // Bounded: the experiment makes its namespace within a second or two.
                for _ in 0..<1000 where namespace == nil && !stopping.withLock({ $0 }) {
                    namespace = ((try? NetworkNamespace.list()) ?? []).first { $0.hasPrefix(prefix) && !existing.contains($0) }
                    if namespace == nil { usleep(2_000) }
                }
                guard namespace != nil else { return }
            }
            let inside = namespace.map { ["ip", "netns", "exec", $0] } ?? []
            for _ in 0..<2000 where !stopping.withLock({ $0 }) {
                let time = Instant.now()
                guard let ss = try? ExternalTool.run(inside + ["ss", listening ? "-ltn" : "-tan"]) else { break }
                var snapshot = Snapshot(time: time, table: SocketTable.parse(ss.output, command: "ss"))
                if counters {
                    snapshot.netstatFrom = Instant.now()
                    snapshot.netstat = (try? ExternalTool.run(inside + ["cat", "/proc/net/netstat"]))?.output
                    snapshot.netstatTo = Instant.now()
                }
                taken.withLock { $0.append(snapshot) }
                usleep(10_000)
            }
        }
        thread.start()
    }

    func stop() {
        let first = stopping.withLock { stopping -> Bool in
            defer { stopping = true }
            return !stopping
        }
        if first { done.wait() }
    }
}
