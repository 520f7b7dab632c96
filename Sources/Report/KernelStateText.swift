import KernelState
import SockDiag
import TextUI
import Timeline
import Trace
import Wire

/// The id of a sentence about the kernel's own state of a run's sockets (states, queues,
/// counters, tcp_info). State names (`SYN-SENT`, `TIME-WAIT`) and counter names stay as
/// the kernel, `ss` and `nstat` spell them, in every language.
public enum KernelText: String, SentenceID {
    public static let namespace = "kernel"
    // Ladder marks
    case markChanged, markAppeared, markGone, markRequest, markQueue, markQueueFull, markCounter
    // Step narration
    case narrateChanged, narrateAppeared, narrateRequest, narrateGone, narrateQueueUp, narrateQueueDown
    case narrateQueueFull, narrateCounter
    // The summary under the ladder
    case summarySampled, summaryCounters, summaryProblem, summaryLinuxOnly, summaryNotSampled
    // tcp_info at a moment (step mode's layer key, --layers)
    case infoTitle, infoRTT, infoWindows, infoQueue, infoCounts, infoNone
    // Live lines (`watch --port`, a server's `--capture`)
    case liveSocket, liveListener
    // Options
    case intervalOutOfRange
}

public typealias KernelStrings = StringTable<KernelText>

/// Which side of the ladder a socket of the kernel's table belongs to.
struct KernelSides {
    var client: IPEndpoint?
    var server: IPEndpoint?
    /// Every client's connection number (for runs with several clients).
    var connections: [IPEndpoint: Int] = [:]
    var numbered = false

    init() {}

    init(timeline: Timeline, client: IPEndpoint? = nil, server: IPEndpoint? = nil) {
        let first = timeline.segments.first
        self.client = client ?? first?.client ?? timeline.findings.first?.client
        self.server = server ?? first?.server ?? timeline.findings.first?.server
        for segment in timeline.segments where connections[segment.client] == nil {
            connections[segment.client] = segment.connection
        }
    }

    /// The socket's side, or nil when it is not one of the run's connections.
    /// - Parameter everyClient: every connection to the server counts, not only the ladder's one.
    func side(of key: KernelSocketKey, everyClient: Bool) -> Ladder.Side? {
        guard let server else { return nil }
        let isListener = key.remote.port == 0 && key.local.port == server.port
        if isListener || key.local == server {
            return isListener || everyClient || key.remote == client ? .server : nil
        }
        if key.remote == server { return everyClient || key.local == client ? .client : nil }
        return nil
    }

    /// `[2] ` for connection 2 when the ladder numbers its connections.
    func prefix(_ key: KernelSocketKey) -> String {
        guard numbered else { return "" }
        let peer = key.local == server ? key.remote : key.local
        return connections[peer].map { "[\($0)] " } ?? ""
    }
}

extension TCPState {
    /// The name the ladder shows: RFC 9293's, except SYN-RECV, which is what `ss` and the
    /// kernel (`TCP_NEW_SYN_RECV`) call the request socket and what the lessons teach.
    public var label: String {
        switch self {
        case .synRecv, .newSynRecv: "SYN-RECV"
        default: rfcName
        }
    }
}

extension KernelRecording {
    /// Starts sampling the sockets on `ports` on the calling thread's network namespace,
    /// poked after every call `tracer` sees return; or, where that cannot be, the recording
    /// that says why (``KernelRecording/unsupported`` on macOS).
    public static func startSampling(ports: Set<UInt16>, tracer: TraceRecorder,
                                     interval: Duration = .milliseconds(1)) -> Result<KernelSampler, KernelStateError> {
        do {
            let sampler = try KernelSampler(ports: ports, interval: interval)
            sampler.follow(tracer)
            sampler.start()
            return .success(sampler)
        } catch {
            return .failure(error)
        }
    }

    /// The recording of a sampler that could not start.
    public init(failure: KernelStateError) {
        self.init(problem: failure.description)
        unsupported = failure == .unsupported
    }
}

/// The words for the kernel's state on the ladder, in step mode, and under the ladder.
public enum KernelStateText {
    /// The ladder's mark for a change: `SYN-SENT → ESTABLISHED`, `accept queue 1/8`.
    static func mark(_ change: KernelChange, _ say: KernelStrings) -> String {
        switch change.kind {
        case .state(_, let from, let to):
            switch (from, to) {
            case (nil, .newSynRecv?), (nil, .synRecv?): return say(.markRequest, "SYN-RECV")
            case (nil, let to?): return say(.markAppeared, to.label)
            case (let from?, nil): return say(.markGone, from.label)
            case (let from?, let to?): return say(.markChanged, from.label, to.label)
            case (nil, nil): return ""
            }
        case .acceptQueue(_, let length, let limit, _):
            // Linux lets the queue hold one more than the backlog before it counts as full
            // (sk_acceptq_is_full: length > backlog).
            return say(length > limit ? .markQueueFull : .markQueue, "\(length)", "\(limit)")
        case .counter(let name, let delta, _):
            return say(.markCounter, counterName(name), "\(delta)")
        }
    }

    /// `ListenOverflows`, `RetransSegs`: the name without its group, as `nstat` shows it after `TcpExt`.
    static func counterName(_ name: String) -> String {
        String(name.split(separator: ".").last ?? Substring(name))
    }

    /// One line for a change as it happens (`watch`, a server's `--capture`): whose socket
    /// (by its ends: a live view has no ladder columns) and the mark.
    public static func liveLine(_ change: KernelChange, language: Language) -> String {
        let say = KernelStrings(language)
        let mark = Self.mark(change, say)
        switch change.kind {
        case .state(let key, _, _) where key.remote.port == 0: return say(.liveListener, "\(key.local)", mark)
        case .state(let key, _, _): return say(.liveSocket, "\(key.local)", "\(key.remote)", mark)
        case .acceptQueue(let listener, _, _, _): return say(.liveListener, "\(listener)", mark)
        case .counter: return mark
        }
    }

    /// The step-mode sentence for a change.
    static func sentence(_ change: KernelChange, sides: KernelSides, _ say: KernelStrings, _ words: TimelineStrings) -> String {
        switch change.kind {
        case .state(let key, let from, let to):
            let who = sides.side(of: key, everyClient: true).map { words($0 == .client ? .sideClient : .sideServer) }
                ?? "\(key.local)"
            switch (from, to) {
            case (nil, .newSynRecv?), (nil, .synRecv?): return say(.narrateRequest, who)
            case (nil, let to?): return say(.narrateAppeared, who, to.label)
            case (let from?, nil): return say(.narrateGone, who, from.label)
            case (let from?, let to?): return say(.narrateChanged, who, from.label, to.label)
            case (nil, nil): return ""
            }
        case .acceptQueue(_, let length, let limit, let previous):
            if length > limit { return say(.narrateQueueFull, "\(length)", "\(limit)") }
            return say(length > previous ? .narrateQueueUp : .narrateQueueDown, "\(length)", "\(limit)")
        case .counter(let name, let delta, let total):
            return say(.narrateCounter, counterName(name), "\(delta)", "\(total)")
        }
    }

    /// What the sampling saw and could miss, and the counters that grew: lines for under the ladder.
    public static func summary(_ recording: KernelRecording?, language: Language) -> [String] {
        let say = KernelStrings(language)
        guard let recording else { return [] }
        if recording.unsupported { return [say(.summaryLinuxOnly)] }
        if recording.taken == 0 { return recording.problem.map { [say(.summaryNotSampled, $0)] } ?? [] }
        var lines = [say(.summarySampled, "\(recording.taken)", formatDuration(nanoseconds: recording.intervalNanoseconds),
                         formatDuration(nanoseconds: recording.longestGapNanoseconds), "\(recording.stateChangesSeen)")]
        let grew = recording.counterChanges.filter { NetstatCounters.explainers.contains($0.key) }
        if !grew.isEmpty {
            let list = grew.sorted { $0.key < $1.key }.map { "\(counterName($0.key)) +\($0.value)" }
            lines.append(say(.summaryCounters, list.joined(separator: ", ")))
        }
        if let problem = recording.problem { lines.append(say(.summaryProblem, problem)) }
        return lines
    }

    /// The lines about the sockets of the connection `client`–`server` at `time`: their
    /// state, queues and `tcp_info`, as the last sample before `time` saw them.
    public static func infoLines(_ recording: KernelRecording?, at time: Instant, client: IPEndpoint, server: IPEndpoint,
                                 language: Language) -> [String] {
        let say = KernelStrings(language)
        guard let recording, let sample = recording.sample(atOrBefore: time) else { return [] }
        let words = TimelineStrings.timeline(language)
        var lines: [String] = []
        for (side, local, remote) in [(words(.sideClient), client, server), (words(.sideServer), server, client)] {
            guard let socket = sample.sockets.first(where: { $0.local == local && $0.remote == remote }) else { continue }
            let state = socket.state?.label ?? "\(socket.rawState)"
            let age = formatDuration(nanoseconds: max(0, time.nanoseconds(since: sample.time)))
            lines.append(say(.infoTitle, side, "\(local)", state, age))
            lines.append("  " + say(.infoQueue, "\(socket.receiveQueue)", "\(socket.sendQueue)"))
            guard let info = socket.tcpInfo else {
                lines.append("  " + say(.infoNone))
                continue
            }
            lines.append("  " + say(.infoRTT, formatDuration(nanoseconds: Int64(info.rtt) * 1000),
                                    formatDuration(nanoseconds: Int64(info.rttVariance) * 1000),
                                    formatDuration(nanoseconds: Int64(info.rto) * 1000)))
            lines.append("  " + say(.infoWindows, "\(info.congestionWindow)",
                                    info.slowStartThreshold >= 0x7FFF_FFFF ? "∞" : "\(info.slowStartThreshold)",
                                    info.peerWindow.map(String.init) ?? "?", info.advertisedWindow.map(String.init) ?? "?"))
            lines.append("  " + say(.infoCounts, "\(info.unacked)", "\(info.totalRetransmits)",
                                    info.bytesAcked.map(String.init) ?? "?", info.bytesReceived.map(String.init) ?? "?"))
        }
        return lines
    }
}

/// The kernel-state events of `--json`: one object per change, and the sampling's summary.
enum KernelStateJSON {
    static func fields(_ change: KernelChange) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = []
        fields.append(("since", change.since.map { .string($0.description) } ?? .null))
        switch change.kind {
        case .state(let key, let from, let to):
            fields += [
                ("event", .string("kernel-state")), ("local", .string(key.local.description)),
                ("remote", .string(key.remote.description)),
                ("from", from.map { .string($0.ssName) } ?? .null), ("to", to.map { .string($0.ssName) } ?? .null),
            ]
        case .acceptQueue(let listener, let length, let limit, let previous):
            fields += [
                ("event", .string("kernel-accept-queue")), ("listener", .string(listener.description)),
                ("length", .int(Int(length))), ("limit", .int(Int(limit))), ("previous", .int(Int(previous))),
                ("full", .bool(length > limit)),
            ]
        case .counter(let name, let delta, let total):
            fields += [("event", .string("kernel-counter")), ("counter", .string(name)),
                       ("delta", .int(Int(delta))), ("total", .int(Int(total)))]
        }
        return fields
    }

    /// The summary's fields: how often the table was read and what grew.
    static func summary(_ recording: KernelRecording?) -> [(String, JSONValue)] {
        guard let recording, recording.taken > 0 else {
            return [("kernel_sampled", .bool(false))] + (recording?.problem.map { [("kernel_problem", .string($0))] } ?? [])
        }
        var fields: [(String, JSONValue)] = [
            ("kernel_sampled", .bool(true)), ("kernel_samples", .int(recording.taken)),
            ("kernel_interval_ns", .int(Int(recording.intervalNanoseconds))),
            ("kernel_longest_gap_ns", .int(Int(recording.longestGapNanoseconds))),
            ("kernel_state_changes", .int(recording.stateChangesSeen)),
        ]
        let grew = recording.counterChanges.filter { NetstatCounters.explainers.contains($0.key) }
        fields.append(("kernel_counters", .object(grew.sorted { $0.key < $1.key }.map { ($0.key, .int(Int($0.value))) })))
        if let problem = recording.problem { fields.append(("kernel_problem", .string(problem))) }
        return fields
    }
}
