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
    }

    private let table: SockDiagSocket
    private let counterFiles: CounterFiles?
    private let selects: @Sendable (SocketDiagnosis) -> Bool
    private let families: [UInt8]
    public let interval: Duration
    private let state = Mutex(State())
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
        // The counters explain drops; without them (a /proc without net) the states still show.
        counterFiles = try? CounterFiles()
        selects = { ports.contains($0.local.port) || ports.contains($0.remote.port) }
        self.families = families
        self.interval = max(.microseconds(100), interval)
    }

    /// Starts sampling in the background, after one first sample taken now.
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        sample()
        let thread = Thread { [self] in
            let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
            while !state.withLock({ $0.stopping || $0.problem != nil }) {
                _ = wake.wait(timeout: .now() + .nanoseconds(nanoseconds))
                if state.withLock({ $0.stopping }) { break }
                sample()
            }
            finished.signal()
        }
        thread.name = "osilab kernel state"
        thread.start()
    }

    /// Asks for a sample as soon as possible (after a call returned, a packet arrived).
    public func poke() {
        wake.signal()
    }

    /// Pokes the sampler after every call `tracer` records as returned.
    public func follow(_ tracer: TraceRecorder) {
        tracer.observe { [weak self] event in
            if case .returned = event { self?.poke() }
        }
    }

    /// Takes one sample now, on the calling thread (also what the background thread does).
    public func sample() {
        let asked = Instant.now()
        let sockets: [SocketDiagnosis]
        do {
            sockets = try table.dump(families: families).filter(selects)
        } catch {
            state.withLock { $0.problem = $0.problem ?? error.description }
            return
        }
        let time = Instant.now()
        let counters = try? counterFiles?.read()
        let signature = sockets.map(SocketSignature.init).sorted()
        state.withLock { state in
            state.taken += 1
            if let last = state.lastTime { state.longestGap = max(state.longestGap, time.nanoseconds(since: last)) }
            state.lastTime = time
            if state.countersAtStart == nil { state.countersAtStart = counters }
            if let counters { state.countersAtEnd = counters }
            let explaining = counters.map { all in
                NetstatCounters(values: all.values.filter { NetstatCounters.explainers.contains($0.key) })
            }
            let changed = state.kept.isEmpty || signature != state.lastSignature
                || (explaining != nil && explaining != state.lastCounters)
            guard changed, state.kept.count < Self.sampleLimit else { return }
            state.kept.append(KernelSample(time: time, asked: asked, sockets: sockets, counters: explaining))
            state.lastSignature = signature
            state.lastCounters = explaining
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
            sample()
        }
        return state.withLock { state in
            let lastTime = state.lastTime
            var samples = state.kept
            // Keep the very last sample too, so the recording ends when sampling ended.
            if let lastTime, let last = samples.last, last.time != lastTime {
                samples.append(KernelSample(time: lastTime, asked: lastTime, sockets: last.sockets, counters: last.counters))
            }
            return KernelRecording(
                samples: samples, taken: state.taken,
                intervalNanoseconds: Int64(interval.components.seconds) * 1_000_000_000 + interval.components.attoseconds / 1_000_000_000,
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
