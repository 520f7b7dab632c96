import Capture
import Foundation
import KernelState
import Report
import SockDiag
import Sockets
import Synchronization
import Timeline
import Trace
import Wire

/// Records one experiment: the packets (if capturing), the system calls, and notes about
/// steps that send nothing (a rule lifted), all on one clock.
public final class ExperimentRecorder: Sendable {
    public let tracer: TraceRecorder
    private let background: BackgroundCapture?
    private let linkType: LinkType
    private let notes = Mutex<[TimelineNote]>([])
    /// Sampling the kernel's state of the experiment's sockets, or why it could not start.
    private let sampling: Result<KernelSampler, KernelStateError>?

    /// Starts capturing on `interface` with `filter`, unless `capture` is false, and samples
    /// the kernel's state of the sockets on `kernelPorts` (with or without the capture: the
    /// socket table needs no privilege). Open it on the thread whose network namespace
    /// should be captured.
    public init(filter: String, capture: Bool, interface: String = CaptureOptions.loopbackInterface,
                tracer: TraceRecorder = TraceRecorder(), kernelPorts: Set<UInt16> = [],
                kernelInterval: Duration = .milliseconds(1)) throws(CaptureError) {
        self.tracer = tracer
        if capture {
            let live = try LiveCapture(options: CaptureOptions(interface: interface, filter: filter))
            background = live.startInBackground()
            linkType = LinkType(rawValue: live.dataLink)
        } else {
            background = nil
            linkType = .ethernet
        }
        sampling = kernelPorts.isEmpty ? nil : KernelRecording.startSampling(ports: kernelPorts, tracer: tracer, interval: kernelInterval)
        if let background, case .success(let sampler)? = sampling { background.observe { packet in
            sampler.packetSeen(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        } }
    }

    /// What the kernel's socket table holds now for the experiment's sockets (nil when it
    /// is not sampled): for steps that wait for a state.
    public func kernelSnapshot() -> [SocketDiagnosis]? {
        guard case .success? = sampling, let table = try? SockDiagSocket() else { return nil }
        return try? table.dump()
    }

    public var isCapturing: Bool { background != nil }

    /// Adds a note to the timeline, stamped now.
    public func note(_ text: String) {
        let note = TimelineNote(time: Instant.now(), text: text)
        notes.withLock { $0.append(note) }
    }

    /// The packets captured so far (none without a capture).
    public var packets: [CapturedPacket] { background?.packets ?? [] }

    /// The TCP segments captured so far, decoded (not annotated).
    public var segments: [Segment] {
        packets.enumerated().compactMap { index, packet in
            Segment(decodePacket(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength),
                    number: index + 1, timestamp: packet.timestamp)
        }
    }

    /// Waits until `condition` holds for the segments captured so far, or `timeout`
    /// passes; returns whether it held. Without a capture it returns false at once.
    public func waitForSegments(timeout: Duration, _ condition: ([Segment]) -> Bool) -> Bool {
        guard background != nil else { return false }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if condition(segments) { return true }
            if clock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    /// Waits until no packet has arrived for `quiet` (or `limit` passes), stops the capture
    /// and returns the run and its timeline.
    public func finish(quiet: Duration = .milliseconds(60), limit: Duration = .seconds(1)) throws(CaptureError) -> (RecordedRun, Timeline) {
        var packets: [CapturedPacket] = []
        var statistics: CaptureStatistics?
        if let background {
            CapturedScenario.settle(background, quiet: quiet, limit: limit)
            (packets, statistics) = try background.stop()
        }
        let kernel = stopSampling()
        let run = RecordedRun(packets: packets, trace: tracer.snapshot(), statistics: statistics, linkType: linkType,
                              kernel: kernel)
        let timeline = Timeline.build(
            packets: packets.map { ($0.timestamp, $0.bytes, $0.originalLength, LinkType(rawValue: $0.dataLink)) },
            trace: run.trace, notes: notes.withLock { $0 }, kernel: kernel)
        return (run, timeline)
    }

    private func stopSampling() -> KernelRecording? {
        switch sampling {
        case .success(let sampler)?: sampler.stop()
        case .failure(let error)?: KernelRecording(failure: error)
        case nil: nil
        }
    }

    /// Stops the capture without collecting anything (after a failure).
    func abandon() {
        _ = try? background?.stop()
        _ = stopSampling()
    }

    /// Runs the experiment's steps, then finishes the recording (see ``finish(quiet:limit:)``).
    /// If a step throws, the capture is stopped and the error passed on.
    func record(_ steps: () throws -> Void) throws -> (RecordedRun, Timeline) {
        do {
            try steps()
        } catch {
            abandon()
            throw error
        }
        return try finish()
    }
}

/// A piece of an experiment running on a thread of its own (the server while the client
/// connects), whose result is collected with a time limit.
final class BackgroundTask<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)
    /// What it is, in the run's language ("the server's accept()").
    let name: String
    let say: ExperimentStrings

    init(_ name: String, say: ExperimentStrings, _ body: @escaping @Sendable () throws -> T) {
        self.name = name
        self.say = say
        let thread = Thread { [self] in
            let outcome = Result { try body() }
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.name = "osilab \(name)"
        thread.start()
    }

    /// Waits for the result.
    /// - Throws: ``ExperimentError/hung(_:)`` after `timeout`, or what the task threw.
    func wait(timeout: Duration) throws -> T {
        guard done.wait(timeout: .now() + timeout.seconds) == .success else {
            throw ExperimentError.hung(say(.taskDidNotFinish, name, formatSeconds(timeout)))
        }
        done.signal()
        guard let outcome = result.withLock({ $0 }) else { throw ExperimentError.hung(name) }
        return try outcome.get()
    }

    var isFinished: Bool { result.withLock { $0 != nil } }
}

/// `1.5 s`, `300 ms`: a setting in words.
func formatSeconds(_ duration: Duration) -> String {
    let seconds = duration.seconds
    if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
    if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
    return String(format: "%.1f s", seconds)
}

/// Seconds with two decimals, for sentences: `1.02 s`, `3.00 s`.
func secondsText(_ nanoseconds: Int64) -> String {
    String(format: "%.2f s", Double(nanoseconds) / 1e9)
}

extension Socket {
    /// How many received bytes wait to be read (ioctl FIONREAD). Not traced: the
    /// experiments use it to know that data has arrived without reading it.
    func bytesWaiting() -> Int {
        var count: Int32 = 0
        guard ioctl(fileno, UInt(FIONREAD), &count) == 0 else { return 0 }
        return Int(count)
    }

    /// Waits until at least `count` bytes wait to be read, or `timeout` passes.
    func waitForBytes(_ count: Int, timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while bytesWaiting() < count {
            if clock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return true
    }
}

extension SyscallRecord {
    /// The error name if the call failed (`ECONNREFUSED`, `EAGAIN`), else nil.
    var errorName: String? {
        if case .failed(_, let name)? = outcome { return name }
        return nil
    }

    var errorNumber: Int32? {
        if case .failed(let number, _)? = outcome { return number }
        return nil
    }

    var returnedValue: Int? {
        if case .returned(let value)? = outcome { return value }
        return nil
    }
}

/// Reads one integer from /proc/sys (for the kernel settings an explanation quotes).
func kernelSetting(_ path: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/sys/" + path, encoding: .utf8) else { return nil }
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// A TcpExt counter from /proc/net/netstat (what `nstat -az TcpExt<name>` shows), for the
/// current network namespace (`file` names another view of it); nil if it cannot be read. A
/// thread that entered a namespace of its own reads `/proc/thread-self/net/netstat`: `/proc/net`
/// follows the process's main thread.
func kernelCounter(_ name: String, file: String = "/proc/net/netstat") -> Int? {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
    let lines = text.split(separator: "\n")
    for (index, line) in lines.enumerated() where line.hasPrefix("TcpExt:") && index + 1 < lines.count {
        let names = line.split(separator: " ")
        let values = lines[index + 1].split(separator: " ")
        guard values.first == "TcpExt:", names.count == values.count,
              let position = names.firstIndex(where: { $0 == name }) else { continue }
        return Int(values[position])
    }
    return nil
}

/// A TCP socket bound to a free port on 127.0.0.1, traced as the server, and its address.
/// Not yet listening: the experiment opens its capture on the port first, so that no packet
/// of the experiment goes unseen.
func loopbackListener(tracer: TraceRecorder, say: ExperimentStrings) throws -> (Socket, SocketAddress) {
    let listener = try Socket(family: .inet, type: .stream, tracer: tracer, role: "server")
    do {
        try listener.bind(to: .ipv4(.loopback, port: 0))
        let address = try listener.localAddress()
        guard address.port != nil else { throw ExperimentError.setup(say(.setupNoPort)) }
        return (listener, address)
    } catch {
        listener.close()
        throw error
    }
}

/// Where the TCP experiments play: a listener on a free loopback port, traced as the
/// server and not yet listening, and a recorder already capturing that port.
struct LoopbackStage {
    let listener: Socket
    let address: SocketAddress
    let recorder: ExperimentRecorder
    /// The run's sentences, in the language the settings chose.
    let say: ExperimentStrings

    /// Binds the listener first, so that the capture filter can name its port.
    init(_ settings: ExperimentSettings) throws {
        let tracer = TraceRecorder()
        say = ExperimentStrings(settings.language)
        (listener, address) = try loopbackListener(tracer: tracer, say: say)
        do {
            recorder = try ExperimentRecorder(filter: "tcp port \(address.port ?? 0)", capture: settings.capture, tracer: tracer,
                                              kernelPorts: [address.port ?? 0], kernelInterval: settings.kernelInterval)
        } catch {
            listener.close()
            throw error
        }
    }

    var tracer: TraceRecorder { recorder.tracer }
    var port: UInt16 { address.port ?? 0 }
    /// The listener's end, for the ladder's server column.
    var server: IPEndpoint { IPEndpoint(.v4(.loopback), port) }

    /// The outcome of a run on this stage, before its explanation.
    func outcome(_ name: String, _ recorded: (RecordedRun, Timeline), client: IPEndpoint? = nil,
                 scope: Ladder.Scope) -> ExperimentOutcome {
        ExperimentOutcome(name, run: recorded.0, timeline: recorded.1, client: client, server: server, scope: scope,
                          captured: recorder.isCapturing)
    }
}
