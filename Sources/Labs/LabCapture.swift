import Capture
import Foundation
import KernelState
import Report
import SockDiag
import Synchronization
import TextUI
import Timeline
import Trace
import Wire

/// A live capture of one lab's port, beside a running server or client (`--capture`).
///
/// For a server, each packet is printed as it arrives, one annotated line each, between the
/// server's own log lines. For a client, the packets are kept and drawn as a ladder with the
/// client's socket calls when the session ends.
public final class LabCapture: Sendable {
    public let capture: LiveCapture
    private let background: BackgroundCapture
    public let port: UInt16
    public let isUDP: Bool
    /// The kernel's state of the lab's TCP sockets, sampled while capturing (or why not).
    private let sampling: Result<KernelSampler, KernelStateError>?

    /// Starts capturing the lab's traffic on `port`.
    /// - Parameter host: the address the lab uses; loopback addresses are captured on the
    ///   loopback interface, anything else on Linux's "any" pseudo-interface.
    public init(lab: LabName, port: UInt16, host: String) throws(CaptureError) {
        self.port = port
        isUDP = lab == .udpEcho
        // ICMP is included for UDP: a datagram to a closed port is answered by "port unreachable".
        let filter = isUDP ? "udp port \(port) or icmp or icmp6" : "tcp port \(port)"
        let interface = LabCapture.isLoopback(host) ? CaptureOptions.loopbackInterface : "any"
        capture = try LiveCapture(options: CaptureOptions(interface: interface, filter: filter))
        background = capture.startInBackground()
        sampling = isUDP ? nil : KernelRecording.startSampling(ports: [port], tracer: TraceRecorder())
        if case .success(let sampler)? = sampling {
            let linkType = LinkType(rawValue: capture.dataLink)
            background.observe { packet in
                sampler.packetSeen(packet.bytes, linkType: linkType, originalLength: packet.originalLength)
            }
        }
    }

    /// Samples the kernel's state after each call `tracer` records (a client's calls).
    public func follow(_ tracer: TraceRecorder) {
        if case .success(let sampler)? = sampling { sampler.follow(tracer) }
    }

    /// Prints each change of the kernel's state of the lab's sockets as it is seen, through `emit`.
    public func printKernelLive(prefix: String = "[kernel] ", language: Language = .english,
                                _ emit: @escaping @Sendable (String) -> Void) {
        guard case .success(let sampler)? = sampling else { return }
        sampler.observeChanges { changes in
            for change in changes { emit(prefix + KernelStateText.liveLine(change, language: language)) }
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        return IPAddress(host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host)?.isLoopback ?? false
    }

    /// Prints every packet from now on as one annotated line, its note in `language`, through `emit`.
    public func printLive(prefix: String = "[wire] ", language: Language = .english, _ emit: @escaping @Sendable (String) -> Void) {
        let lines = Mutex(PacketLines(numbers: .relative, utcOffsetSeconds: Instant.localUTCOffset(), language: language))
        let linkType = LinkType(rawValue: capture.dataLink)
        background.observe { packet in
            let line = lines.withLock { state in
                packet.bytes.withUnsafeBytes { raw in
                    state.line(timestamp: packet.timestamp, bytes: raw, originalLength: packet.originalLength, linkType: linkType)
                }
            }
            emit(prefix + line)
        }
    }

    /// Stops after the last packets have arrived, and returns them with `trace`.
    public func finish(trace: [SyscallRecord]) throws(CaptureError) -> RecordedRun {
        CapturedScenario.settle(background, quiet: .milliseconds(60), limit: .seconds(1))
        let kernel: KernelRecording? = switch sampling {
        case .success(let sampler)?: sampler.stop()
        case .failure(let error)?: KernelRecording(failure: error)
        case nil: nil
        }
        let (packets, statistics) = try background.stop()
        return RecordedRun(packets: packets, trace: trace, statistics: statistics, linkType: LinkType(rawValue: capture.dataLink),
                           kernel: kernel)
    }
}
