import Trace
import Wire

/// What the kernel's socket table held for a run's sockets at one moment.
public struct KernelSample: Sendable, Hashable {
    /// When the dump's answer had arrived (CLOCK_REALTIME, the packets' and calls' clock).
    /// What it shows held at some moment between ``asked`` and this.
    public var time: Instant
    /// When the dump was asked for.
    public var asked: Instant
    public var sockets: [SocketDiagnosis]
    /// The counters that explain drops and retransmissions (``NetstatCounters/explainers``).
    public var counters: NetstatCounters?

    public init(time: Instant, asked: Instant, sockets: [SocketDiagnosis], counters: NetstatCounters?) {
        self.time = time
        self.asked = asked
        self.sockets = sockets
        self.counters = counters
    }
}

/// A socket as the timeline follows it: by its two ends. The request socket a listener makes
/// for a SYN and the child that replaces it share their ends, so the server side reads
/// SYN-RECV → ESTABLISHED as one line, as the lessons tell it.
public struct KernelSocketKey: Sendable, Hashable, Comparable {
    public var local: IPEndpoint
    public var remote: IPEndpoint

    public init(local: IPEndpoint, remote: IPEndpoint) {
        self.local = local
        self.remote = remote
    }

    public static func < (lhs: KernelSocketKey, rhs: KernelSocketKey) -> Bool {
        (lhs.local, lhs.remote) < (rhs.local, rhs.remote)
    }
}

/// Something the kernel's state did between two samples.
public struct KernelChange: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A socket's state changed; `from` nil: it appeared, `to` nil: it is gone.
        case state(KernelSocketKey, from: TCPState?, to: TCPState?)
        /// A listener's accept queue changed length (`limit` is its backlog).
        case acceptQueue(listener: IPEndpoint, length: UInt32, limit: UInt32, previous: UInt32)
        /// A counter of ``NetstatCounters/explainers`` grew by `delta`.
        case counter(name: String, delta: Int64, total: Int64)
    }

    /// The sample that first showed the change.
    public var time: Instant
    /// The sample before it: the change happened between the two.
    public var since: Instant?
    public var kind: Kind

    public init(time: Instant, since: Instant?, kind: Kind) {
        self.time = time
        self.since = since
        self.kind = kind
    }
}

/// Every sample of the kernel's state taken during a run, and what changed between them.
public struct KernelRecording: Sendable {
    /// The samples that differ from the one before (the first and last are always kept).
    public var samples: [KernelSample]
    /// How many samples were taken in all, identical ones included.
    public var taken: Int
    /// The background rate between samples, in nanoseconds.
    public var intervalNanoseconds: Int64
    /// The longest gap between two samples actually seen: a state held for less than this
    /// may have been missed.
    public var longestGapNanoseconds: Int64
    /// The explaining counters (``NetstatCounters/explainers``) of the namespace at the start and at the end.
    public var countersAtStart: NetstatCounters?
    public var countersAtEnd: NetstatCounters?
    /// Why sampling stopped early (or never started), if it did.
    public var problem: String?
    /// The system has no NETLINK_SOCK_DIAG (macOS): nothing could be sampled.
    public var unsupported = false

    public init(samples: [KernelSample] = [], taken: Int = 0, intervalNanoseconds: Int64 = 1_000_000,
                longestGapNanoseconds: Int64 = 0, countersAtStart: NetstatCounters? = nil,
                countersAtEnd: NetstatCounters? = nil, problem: String? = nil) {
        self.samples = samples
        self.taken = taken
        self.intervalNanoseconds = intervalNanoseconds
        self.longestGapNanoseconds = longestGapNanoseconds
        self.countersAtStart = countersAtStart
        self.countersAtEnd = countersAtEnd
        self.problem = problem
    }

    /// Each counter's growth over the whole run (only those that grew).
    public var counterChanges: [String: Int64] {
        guard let start = countersAtStart, let end = countersAtEnd else { return [:] }
        return end.changes(since: start)
    }

    /// What changed from sample to sample, in time order: states (appearing, changing,
    /// gone), accept-queue lengths, and the explaining counters.
    public var changes: [KernelChange] {
        var changes: [KernelChange] = []
        var previousStates: [KernelSocketKey: TCPState] = [:]
        var previousQueues: [IPEndpoint: UInt32] = [:]
        var previousCounters: NetstatCounters?
        var previousTime: Instant?
        for sample in samples {
            var states: [KernelSocketKey: TCPState] = [:]
            var queues: [IPEndpoint: (UInt32, UInt32)] = [:]
            for socket in sample.sockets {
                guard let state = socket.state else { continue }
                let key = KernelSocketKey(local: socket.local, remote: socket.remote)
                // A request socket and its child can both be listed for a moment; the child wins.
                if let seen = states[key], seen != .newSynRecv, seen != .synRecv { continue }
                states[key] = state
                if state == .listen { queues[socket.local] = (socket.receiveQueue, socket.sendQueue) }
            }
            for key in Set(states.keys).union(previousStates.keys).sorted() {
                let before = previousStates[key], after = states[key]
                if Self.same(before, after) { continue }
                changes.append(KernelChange(time: sample.time, since: previousTime, kind: .state(key, from: before, to: after)))
            }
            for (listener, queue) in queues.sorted(by: { $0.key < $1.key }) {
                let before = previousQueues[listener]
                if let before, before == queue.0 { continue }
                // A new listener's empty queue is not news; a queue seen first non-empty is.
                if before == nil && queue.0 == 0 { continue }
                changes.append(KernelChange(time: sample.time, since: previousTime,
                                            kind: .acceptQueue(listener: listener, length: queue.0, limit: queue.1,
                                                               previous: before ?? 0)))
            }
            if let counters = sample.counters {
                if let previousCounters {
                    for name in NetstatCounters.explainers {
                        guard let now = counters[name], let before = previousCounters[name], now != before else { continue }
                        changes.append(KernelChange(time: sample.time, since: previousTime,
                                                    kind: .counter(name: name, delta: now &- before, total: now)))
                    }
                }
                previousCounters = counters
            }
            previousStates = states
            previousQueues = queues.mapValues(\.0)
            previousTime = sample.time
        }
        return changes
    }

    /// SYN-RECV before and after Linux 4.4 is the same state to a learner.
    private static func same(_ a: TCPState?, _ b: TCPState?) -> Bool {
        switch (a, b) {
        case (.synRecv?, .newSynRecv?), (.newSynRecv?, .synRecv?): true
        default: a == b
        }
    }

    /// The last sample taken at or before `time` (what the kernel held then, as far as seen).
    public func sample(atOrBefore time: Instant) -> KernelSample? {
        var low = 0, high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? samples[low - 1] : nil
    }

    /// How many state changes were seen, for the "what the sampling can miss" line.
    public var stateChangesSeen: Int {
        changes.reduce(0) { count, change in
            if case .state = change.kind { return count + 1 }
            return count
        }
    }
}
