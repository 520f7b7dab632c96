import ArgumentParser
import Capture
import Foundation
import TextUI
import Timeline
import Wire

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annotate live traffic of any program (nc, curl, the notes' Python scripts) until Ctrl-C.",
        discussion: """
            Captures on the loopback interface by default and prints one labelled line per packet. \
            Needs root or the capture capabilities (see osilab doctor). At the end it prints the \
            kernel's counters: packets received by the filter and dropped.
            """)

    @Option(help: "Only packets to or from this port.")
    var port: UInt16?

    @Option(help: "The interface to capture on (default: the loopback interface).")
    var interface: String = CaptureOptions.loopbackInterface

    @Option(help: ArgumentHelp("A capture filter in tcpdump syntax, e.g. 'tcp port 4545'.", valueName: "expression"))
    var filter: String?

    @Option(help: ArgumentHelp("Also save the packets to this pcap file (tcpdump and Wireshark open it).", valueName: "file"))
    var write: String?

    @Option(help: "Stop after this many packets.")
    var count: Int?

    @Option(help: ArgumentHelp("Keep at most this many bytes of each packet (the snap length).", valueName: "bytes"))
    var snapLength: Int32 = 262_144

    @Flag(help: "After each packet, break it down by OSI layer with its bytes.")
    var layers = false

    @Flag(help: "Show raw 32-bit sequence numbers instead of relative ones.")
    var absolute = false


    func validate() throws {
        if let count, count <= 0 { throw ValidationError("--count must be at least 1.") }
        if snapLength < 14 || snapLength > 262_144 { throw ValidationError("--snap-length must be between 14 and 262144 bytes.") }
    }

    var combinedFilter: String? {
        let portFilter = port.map { "port \($0)" }
        switch (portFilter, filter) {
        case let (port?, expression?): return "(\(port)) and (\(expression))"
        case let (port?, nil): return port
        case let (nil, expression?): return expression
        case (nil, nil): return nil
        }
    }

    func run() throws {
        let capture: LiveCapture
        do {
            capture = try LiveCapture(options: CaptureOptions(interface: interface, filter: combinedFilter, snapLength: snapLength))
        } catch {
            printError(error.description)
            if case .permissionDenied = error.kind, let recorded = try? RecordedCaptures.paths(name: "handshake").capture {
                printError("\nMeanwhile, a capture recorded for the lessons can be read without privilege:\n    osilab read \(recorded)")
            }
            throw ExitCode(2)
        }
        let writer: CaptureWriter?
        do {
            writer = try write.map { try CaptureWriter(path: $0, dataLink: capture.dataLink) }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let stopper = SignalStopper { capture.stop() }
        defer { stopper.cancel() }

        let linkType = LinkType(rawValue: capture.dataLink)
        var lines = PacketLines(numbers: absolute ? .absolute : .relative, utcOffsetSeconds: localUTCOffset())
        let output = StandardOutput()
        let showLayers = layers
        let (width, colour) = layerViewSettings()
        printError("Capturing on \(interface)" + (combinedFilter.map { " (filter: \($0))" } ?? "") + "; press Ctrl-C to stop.")
        do {
            try capture.runBorrowing(limit: count) { header, bytes in
                writer?.write(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength)
                output.write(lines.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength,
                                        linkType: linkType))
                if showLayers {
                    for line in LayerView.render(bytes: Array(bytes), linkType: linkType, originalLength: header.originalLength,
                                                 title: "Packet \(lines.count)", width: width, colour: colour) {
                        output.write(line.rendered(colour ? .ansi : .plain))
                    }
                    output.write("")
                }
                // Live lines are for watching: show each as soon as it is known.
                output.flush()
            }
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        writer?.close()
        print(lines.summary)
        print("Capture: \(capture.statistics()).")
        if let write { print("Saved to \(write); read it again with: osilab read \(write)") }
    }
}

/// Turns Ctrl-C (SIGINT) and SIGTERM into a call, instead of killing the process, so a
/// capture can stop cleanly and print its counters.
final class SignalStopper {
    private let sources: [any DispatchSourceSignal]

    init(_ action: @escaping @Sendable () -> Void) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
