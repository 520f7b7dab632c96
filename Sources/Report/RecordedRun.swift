import Capture
import Foundation
import KernelState
import SockDiag
import TextUI
import Timeline
import Trace
import Wire

/// Packets captured and system calls traced during one run of a lab or experiment.
public struct RecordedRun: Sendable {
    public var packets: [CapturedPacket]
    public var trace: [SyscallRecord]
    public var statistics: CaptureStatistics?
    public var linkType: LinkType
    /// The kernel's state of the run's sockets, sampled during it (nil: a saved run, or not sampled).
    public var kernel: KernelRecording?

    public init(packets: [CapturedPacket], trace: [SyscallRecord], statistics: CaptureStatistics?, linkType: LinkType,
                kernel: KernelRecording? = nil) {
        self.packets = packets
        self.trace = trace
        self.statistics = statistics
        self.linkType = linkType
        self.kernel = kernel
    }

    /// The packets, calls and kernel-state changes merged and annotated.
    public func timeline(includeSetup: Bool = false) -> Timeline {
        Timeline.build(
            packets: packets.map { ($0.timestamp, $0.bytes, $0.originalLength, LinkType(rawValue: $0.dataLink)) },
            trace: trace, includeSetup: includeSetup, kernel: kernel)
    }
}

/// Runs a piece of socket code while capturing its packets, on one clock.
public enum CapturedScenario {
    /// Opens the capture, runs `body` with a trace recorder, waits until the packets have
    /// stopped coming, and returns everything.
    ///
    /// - Parameters:
    ///   - filter: a BPF filter that selects the scenario's packets (e.g. `tcp port 4545`).
    ///   - quiet: the run ends once no packet has arrived for this long after `body` returned
    ///     (the kernel finishes a close after the program has moved on)...
    ///   - limit: ...or after this long at most.
    ///   - tracer: the recorder `body` should give its sockets (one made earlier can carry
    ///     calls made before the capture started, such as a bind).
    ///   - kernelPorts: sample the kernel's state of the sockets on these ports during the run
    ///     (empty: do not sample).
    /// - Throws: ``CaptureError`` when the capture cannot be opened (no privilege, ...), and
    ///   whatever `body` throws.
    public static func run(
        interface: String = CaptureOptions.loopbackInterface, filter: String,
        quiet: Duration = .milliseconds(60), limit: Duration = .seconds(2), tracer: TraceRecorder = TraceRecorder(),
        kernelPorts: Set<UInt16> = [], kernelInterval: Duration = .milliseconds(1), _ body: (TraceRecorder) throws -> Void
    ) throws -> RecordedRun {
        let capture = try LiveCapture(options: CaptureOptions(interface: interface, filter: filter))
        let background = capture.startInBackground()
        let sampling = kernelPorts.isEmpty ? nil : KernelRecording.startSampling(ports: kernelPorts, tracer: tracer, interval: kernelInterval)
        if case .success(let sampler)? = sampling { background.observe { packet in
            sampler.packetSeen(packet.bytes, linkType: LinkType(rawValue: packet.dataLink), originalLength: packet.originalLength)
        } }
        var bodyError: (any Error)?
        do {
            try body(tracer)
        } catch {
            bodyError = error
        }
        settle(background, quiet: quiet, limit: limit)
        let kernel = sampling.map { started in
            switch started {
            case .success(let sampler): sampler.stop()
            case .failure(let error): KernelRecording(failure: error)
            }
        }
        let (packets, statistics) = try background.stop()
        if let bodyError { throw bodyError }
        return RecordedRun(packets: packets, trace: tracer.snapshot(), statistics: statistics,
                           linkType: LinkType(rawValue: capture.dataLink), kernel: kernel)
    }

    /// Waits until no new packet has arrived for `quiet`, or `limit` has passed: the kernel
    /// finishes a close after the program has moved on, and the capture thread may lag a little.
    public static func settle(_ capture: BackgroundCapture, quiet: Duration, limit: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        var lastCount = capture.packets.count
        var lastChange = clock.now
        while clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
            let count = capture.packets.count
            if count != lastCount {
                lastCount = count
                lastChange = clock.now
            } else if clock.now - lastChange >= quiet {
                return
            }
        }
    }
}

extension RecordedRun {
    /// Loads a run saved with ``save(capturePath:tracePath:)``: a pcap file and its trace.
    public static func load(capturePath: String, tracePath: String) throws -> RecordedRun {
        let file = try CaptureFile(path: capturePath)
        let packets = try file.readAll()
        let data = try Data(contentsOf: URL(fileURLWithPath: tracePath))
        let trace = try JSONDecoder().decode([SyscallRecord].self, from: data)
        return RecordedRun(packets: packets, trace: trace, statistics: nil, linkType: LinkType(rawValue: file.dataLink))
    }

    /// Saves the packets as a pcap file (for tcpdump and Wireshark too) and the trace as JSON.
    public func save(capturePath: String, tracePath: String) throws {
        let writer = try CaptureWriter(path: capturePath, dataLink: linkType.rawValue)
        for packet in packets { writer.write(packet) }
        writer.close()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(trace).write(to: URL(fileURLWithPath: tracePath), options: .atomic)
    }
}
