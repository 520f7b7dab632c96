import Foundation
import SockDiag
import Synchronization
import Trace
import Wire

/// Samples the kernel's state of a run's sockets on a thread of its own: at a steady rate,
/// and as soon as possible after each event it is told of (a call returned, a packet
/// captured), so that a state entered between two events is seen too.
///
/// Make it on the thread whose network namespace holds the sockets: the netlink socket and
/// the counter files belong to that namespace from then on.
public final class KernelSampler: Sendable {
    private struct KnownSocket {
        var learned: Instant
        /// A lookup has found it: when one no longer does, it is gone for good.
        var seen: Bool
    }

    /// A connection told of but never found is forgotten after this long (nanoseconds): its
    /// packet may have come before its socket, or from elsewhere.
    static let forgetUnseenAfter: Int64 = 2_000_000_000

    private struct State {
        var kept: [KernelSample] = []
        var taken = 0
        var longestGap: Int64 = 0
        var lastTime: Instant?
        var lastSignature: [SocketSignature] = []
        var lastCounters: NetstatCounters?
        var countersAtStart: NetstatCounters?
        var countersAtEnd: NetstatCounters?
        var problem: String?
        var stopping = false
        var started = false
        /// stop() has returned the recording: later calls (a program closing its sockets) are not sampled.
        var ended = false
        /// The connections told of (by calls, packets and full dumps), looked up one by one
        /// until they are gone, so that a long `watch` does not look up every connection it ever saw.
        var known: [KernelSocketKey: KnownSocket] = [:]
        var lastFullDump: Instant?
        var observers: [@Sendable ([KernelChange]) -> Void] = []
    }

    /// Two netlink sockets, so that a sample after a call never waits behind a full dump.
    private let table: SockDiagSocket
    private let fullTable: SockDiagSocket
    private let counterFiles: CounterFiles?
    private let selects: @Sendable (SocketDiagnosis) -> Bool
    private let families: [UInt8]
    public let interval: Duration
    private let state = Mutex(State())
    /// One request at a time on the netlink socket: answers to two would interleave.
    private let tableLock = Mutex(0)
    private let fullTableLock = Mutex(0)
    private let ports: Set<UInt16>
    /// How often the background thread's full dump looks for sockets no call or packet told
    /// of (a full dump walks the kernel's whole established hash: milliseconds).
    public static let fullDumpEvery: Int64 = 100_000_000
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Kept samples at most, so a long `watch` cannot grow without bound.
    public static let sampleLimit = 200_000

    /// - Parameters:
    ///   - ports: the run's ports: a socket is sampled when its own or its peer's port is one of them.
    ///   - interval: the background rate (1 ms by default).
    public init(ports: Set<UInt16>, interval: Duration = .milliseconds(1),
                families: [UInt8] = [SockDiagRequest.familyIPv4, SockDiagRequest.familyIPv6]) throws(KernelStateError) {
        table = try SockDiagSocket()
        fullTable = try SockDiagSocket()
        // The counters explain drops; without them (a /proc without net) the states still show.
        counterFiles = try? CounterFiles()
        // A socket bound and not (yet) listening or connecting is CLOSED: only a full dump
        // lists it, so it would come and go on the ladder every 100 ms. It has no TCP state
        // worth a mark; its LISTEN (or SYN-SENT) shows when it gets one.
        selects = { $0.rawState != TCPState.close.rawValue && (ports.contains($0.local.port) || ports.contains($0.remote.port)) }
        self.ports = ports
        self.families = families
        self.interval = max(.microseconds(100), interval)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds &* 1_000_000_000 &+ duration.components.attoseconds / 1_000_000_000
    }

    /// Starts sampling in the background, after one first sample taken now.
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        sample(full: true, withCounters: true)
        let thread = Thread { [self] in
            let nanoseconds = Int(Self.nanoseconds(interval))
            while !state.withLock({ $0.stopping || $0.problem != nil }) {
                _ = wake.wait(timeout: .now() + .nanoseconds(nanoseconds))
                if state.withLock({ $0.stopping }) { break }
                let due = state.withLock { state in
                    state.lastFullDump.map { Instant.now().nanoseconds(since: $0) >= Self.fullDumpEvery } ?? true
                }
                sample(full: due, withCounters: true)
            }
            finished.signal()
        }
        thread.name = "osilab kernel state"
        thread.start()
    }

    /// Calls `observer` with the changes of each new sample from now on, on the thread that
    /// took it (for output that shows them as they happen: `watch`, a server's `--capture`).
    public func observeChanges(_ observer: @escaping @Sendable ([KernelChange]) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Asks for a sample as soon as possible (after a call returned, a packet arrived).
    public func poke() {
        wake.signal()
    }

    /// Samples right after every call `tracer` records as returned, on the thread that made
    /// it (before the program's next step), and pokes the sampler when a call is entered.
    public func follow(_ tracer: TraceRecorder) {
        tracer.observe { [weak self] event in
            guard let self else { return }
            switch event {
            case .entered:
                self.poke()
            case .returned(let record):
                if let local = record.local, let peer = record.peer { self.learn(local, peer) }
                self.sample()
            }
        }
    }

    /// Tells the sampler of a connection (its two ends, in either order), so that each
    /// sample looks its sockets up directly: both sides' sockets when both are local.
    public func learn(_ one: IPEndpoint, _ other: IPEndpoint) {
        guard ports.contains(one.port) || ports.contains(other.port) else { return }
        let now = Instant.now()
        state.withLock { state in
            for key in [KernelSocketKey(local: one, remote: other), KernelSocketKey(local: other, remote: one)]
            where state.known[key] == nil {
                state.known[key] = KnownSocket(learned: now, seen: false)
            }
        }
    }

    /// The sockets the sampler looks up by their ends (the rest it finds by dumps).
    public var socketsFollowed: [KernelSocketKey] { state.withLock { $0.known.keys.sorted() } }

    /// Tells the sampler of a captured packet: its connection is learnt, and a sample taken soon.
    public func packetSeen(_ bytes: [UInt8], linkType: LinkType, originalLength: Int) {
        let decoded = decodePacket(bytes, linkType: linkType, originalLength: originalLength)
        if let source = decoded.sourceEndpoint, let destination = decoded.destinationEndpoint,
           case .tcp = decoded.transport {
            learn(source, destination)
        }
        poke()
    }

    /// Takes one sample now, on the calling thread: the listeners on the run's ports, then
    /// each known connection's sockets by their ends (tens of microseconds). With `full`,
    /// a dump of every socket instead, which finds sockets nothing told of (milliseconds:
    /// the background thread does it every ``fullDumpEvery`` nanoseconds).
    public func sample(full: Bool = false, withCounters: Bool = false) {
        let asked = Instant.now()
        guard let known = state.withLock({ $0.ended ? nil : Array($0.known.keys) }) else { return }
        let fullDumpDue = full
        let sockets: [SocketDiagnosis], time: Instant
        var missing: [KernelSocketKey] = []
        do throws(KernelStateError) {
            // The time is read before the lock is let go, so samples are stamped in the order they were taken.
            if full {
                (sockets, time) = try fullTableLock.withLock { _ throws(KernelStateError) -> ([SocketDiagnosis], Instant) in
                    (try fullTable.dump(families: families).filter(selects), Instant.now())
                }
            } else {
                (sockets, time) = try tableLock.withLock { _ throws(KernelStateError) -> ([SocketDiagnosis], Instant) in
                var found = try table.dump(families: families, states: TCPState.listenMask).filter(selects)
                for key in known.sorted() {
                    if let socket = try table.lookup(local: key.local, remote: key.remote) {
                        found.append(socket)
                    } else {
                        missing.append(key)
                    }
                }
                return (found, Instant.now())
                }
            }
        } catch {
            state.withLock { $0.problem = $0.problem ?? error.description }
            return
        }
        // The counters on the background thread's samples only (and the first and last): the
        // samples after calls must be quick, and a counter's growth is seen within 1 ms anyway.
        let counters = withCounters ? try? counterFiles?.read(only: NetstatCounters.explainerSet) : nil
        let signature = sockets.map(SocketSignature.init).sorted()
        let news = state.withLock { state -> (changes: [KernelChange], observers: [@Sendable ([KernelChange]) -> Void])? in
            for socket in sockets where socket.state != .listen {
                state.known[KernelSocketKey(local: socket.local, remote: socket.remote)] = KnownSocket(learned: asked, seen: true)
            }
            for key in missing {
                guard let known = state.known[key] else { continue }
                if known.seen || asked.nanoseconds(since: known.learned) > Self.forgetUnseenAfter { state.known[key] = nil }
            }
            if fullDumpDue { state.lastFullDump = asked }
            // A sample taken on a calling thread may finish after a later one of the
            // background thread: keep them in time order.
            if let last = state.lastTime, time < last { return nil }
            // A full dump reads the listeners first and takes milliseconds: a sample a calling
            // thread took meanwhile may have seen a later state (a third connection queued), and
            // the dump, stamped when it ends, would show the queue shrinking back.
            if fullDumpDue, let last = state.lastTime, asked < last { return nil }
            state.taken += 1
            if let last = state.lastTime { state.longestGap = max(state.longestGap, time.nanoseconds(since: last)) }
            state.lastTime = time
            if state.countersAtStart == nil { state.countersAtStart = counters }
            if let counters { state.countersAtEnd = counters }
            let explaining = counters
            let changed = state.kept.isEmpty || signature != state.lastSignature
                || (explaining != nil && explaining != state.lastCounters)
            guard changed, state.kept.count < Self.sampleLimit else { return nil }
            let sample = KernelSample(time: time, asked: asked, sockets: sockets, counters: explaining)
            let previous = state.kept.last
            state.kept.append(sample)
            state.lastSignature = signature
            state.lastCounters = explaining
            guard !state.observers.isEmpty else { return nil }
            let changes = KernelRecording(samples: (previous.map { [$0] } ?? []) + [sample]).changes.filter { $0.time == time }
            return (changes, state.observers)
        }
        if let news, !news.changes.isEmpty {
            for observer in news.observers { observer(news.changes) }
        }
    }

    /// Stops sampling (after one last sample) and returns everything seen.
    public func stop() -> KernelRecording {
        let running = state.withLock { state -> Bool in
            let running = state.started && !state.stopping
            state.stopping = true
            return running
        }
        if running {
            wake.signal()
            finished.wait()
            // The last sample: what the run left behind (TIME-WAIT, CLOSE-WAIT).
            state.withLock { $0.stopping = false }
            sample(withCounters: true)
        }
        return state.withLock { state in
            state.ended = true
            let lastTime = state.lastTime
            var samples = state.kept
            // Keep the very last sample too, so the recording ends when sampling ended.
            if let lastTime, let last = samples.last, last.time != lastTime {
                samples.append(KernelSample(time: lastTime, asked: lastTime, sockets: last.sockets, counters: last.counters))
            }
            return KernelRecording(
                samples: samples, taken: state.taken,
                intervalNanoseconds: Self.nanoseconds(interval),
                longestGapNanoseconds: state.longestGap, countersAtStart: state.countersAtStart,
                countersAtEnd: state.countersAtEnd, problem: state.problem)
        }
    }
}

/// The part of a socket whose change is worth a new sample: its state and queues, and the
/// `tcp_info` fields the lessons look at (timers and "last sent" ages change all the time).
private struct SocketSignature: Hashable, Comparable {
    var key: KernelSocketKey
    var state: UInt8
    var receiveQueue: UInt32
    var sendQueue: UInt32
    var info: [UInt64]

    init(_ socket: SocketDiagnosis) {
        key = KernelSocketKey(local: socket.local, remote: socket.remote)
        state = socket.rawState
        receiveQueue = socket.receiveQueue
        sendQueue = socket.sendQueue
        if let info = socket.tcpInfo {
            self.info = [UInt64(info.unacked), UInt64(info.retransmits), UInt64(info.totalRetransmits),
                         info.bytesAcked ?? 0, info.bytesReceived ?? 0, UInt64(info.congestionWindow),
                         UInt64(info.lost), UInt64(info.peerWindow ?? 0), UInt64(info.advertisedWindow ?? 0)]
        } else {
            info = []
        }
    }

    static func < (lhs: SocketSignature, rhs: SocketSignature) -> Bool {
        (lhs.key, lhs.state, lhs.receiveQueue, lhs.sendQueue) < (rhs.key, rhs.state, rhs.receiveQueue, rhs.sendQueue)
    }
}
