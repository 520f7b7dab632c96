import ArgumentParser
import Capture
import Foundation
import KernelState
import Report
import Sandbox
import Synchronization
import TextUI
import Wire

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annotate live traffic of any program (nc, curl, the notes' Python scripts) until Ctrl-C.",
        discussion: """
            Captures on the loopback interface by default and prints one labelled line per packet. \
            At the end it prints the kernel's counters: packets received by the filter and dropped.

            Without root, watch your own programs in a private network (a user and network \
            namespace osilab makes; no sudo):
              osilab watch -- python3 server.py     runs one command there and watches it to the end
              osilab shell                          a shell in the private network 'lab' (start servers \
            and clients there, in as many terminals as you like)
              osilab watch --network lab            watches that network from another terminal
            Watching this machine's own lo needs root or the capture capabilities (see osilab doctor).
            """)

    @Option(help: "Only packets to or from this port.")
    var port: PortArgument?

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

    @OptionGroup var kernelInterval: KernelIntervalOption

    @OptionGroup var languageOption: LanguageOption

    /// The language of the notes, the summary and the messages (the packets' tokens and
    /// libpcap's own words stay as they are).
    var language: Language { labLanguage(flag: languageOption.language) }

    @OptionGroup var network: NamedNetworkOption

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "After --, a program to run in a private network of its own while its packets are watched.",
        valueName: "command"))
    var command: [String] = []

    func validate() throws {
        try checkPort(port)
        let say = ToolStrings(language)
        if let count, count <= 0 { throw ValidationError(say(.watchCountAtLeastOne)) }
        if snapLength < 14 || snapLength > 262_144 { throw ValidationError(say(.watchSnapLengthRange)) }
    }

    var combinedFilter: String? {
        let portFilter = port?.number.map { "port \($0)" }
        switch (portFilter, filter) {
        case let (port?, expression?): return "(\(port)) and (\(expression))"
        case let (port?, nil): return port
        case let (nil, expression?): return expression
        case (nil, nil): return nil
        }
    }

    func run() throws {
        let language = language
        let say = ToolStrings(language)
        let requested = network.requested ?? (command.isEmpty ? nil : .fresh)
        if requested == nil && NetworkPlace.current() == .machine && !LivePrivilege.canCapture() {
            // A private network made now would be empty: the programs to watch are outside it.
            printError(say(.watchNeedsPrivilege, interface, PrivateNetwork.defaultName, ownExecutable(),
                           CaptureError.setcapCommand(executable: ownExecutable())))
            throw ExitCode(2)
        }
        try prepareLiveRun(needs: [.capture], requested: requested, language: language)
        let capture: LiveCapture
        do {
            // Not immediate mode: with it, libpcap on Linux uses a ring of fixed slots as large
            // as the interface's MTU (64 KiB on lo), so the default 8 MiB buffer holds only
            // about 128 packets and a connection storm overflowed it (a third of the packets
            // dropped). Without it, packets are packed into blocks that the kernel hands over
            // when full or after 10 ms (`batchTimeoutMilliseconds`): tens of thousands of packets
            // fit, and a person watching cannot see the delay. (The handshake demo keeps
            // immediate mode: it sets packets beside system calls as they happen.)
            capture = try LiveCapture(options: CaptureOptions(
                interface: interface, filter: combinedFilter, snapLength: snapLength, immediate: false))
        } catch {
            printError(error.describe(in: language))
            if case .permissionDenied = error.kind, let recorded = try? RecordedCaptures.paths(name: "handshake").capture {
                printError("\n" + say(.watchRecordedInstead, recorded))
            }
            throw ExitCode(2)
        }
        let writer: CaptureWriter?
        do {
            writer = try write.map { try CaptureWriter(path: $0, dataLink: capture.dataLink) }
        } catch let error as CaptureError {
            printError(error.describe(in: language))
            throw ExitCode(1)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let stopper = SignalStopper { capture.stop() }
        defer { stopper.cancel() }

        // With a port to follow, the kernel's state of its TCP sockets shows between the packets.
        let sampler = port?.number.flatMap { number -> KernelSampler? in
            try? KernelSampler(ports: [number], interval: kernelInterval.duration)
        }
        let kernelLines = Mutex<[String]>([])
        if let sampler {
            sampler.observeChanges { changes in
                let lines = changes.map { "[kernel] " + KernelStateText.liveLine($0, language: language) }
                kernelLines.withLock { $0 += lines }
            }
            sampler.start()
        }
        let linkType = LinkType(rawValue: capture.dataLink)

        let (width, colour) = layerViewSettings()
        var printer = PacketPrinter(linkType: LinkType(rawValue: capture.dataLink), absolute: absolute, layers: layers,
                                    width: width, colour: colour, language: language)
        let output = printer.output
        let program = try command.isEmpty ? nil : startWatched(command, language: language, then: { capture.stop() })
        switch (combinedFilter, program) {
        case (nil, nil): printError(say(.watchCapturing, interface))
        case (let filter?, nil): printError(say(.watchCapturingFiltered, interface, filter))
        case (nil, _?): printError(say(.watchCapturingWhile, interface, commandForDisplay))
        case (let filter?, _?): printError(say(.watchCapturingFilteredWhile, interface, filter, commandForDisplay))
        }
        do {
            // Live lines are for watching, so each is shown as soon as it is known: the output
            // is flushed whenever the capture has caught up with the kernel, which is after
            // every packet when a person is typing into nc, and once per burst under load
            // (a write per packet there cost a third of the packets in a connection storm).
            // Kernel-state lines wait for the capture thread, which owns the output: between packets.
            func drainKernelLines() {
                for line in kernelLines.withLock({ lines in defer { lines = [] }; return lines }) { output.write(line) }
            }
            try capture.runBorrowing(limit: count, caughtUp: { drainKernelLines(); output.flush() }) { header, bytes in
                writer?.write(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength)
                if let sampler {
                    drainKernelLines()
                    sampler.packetSeen(Array(bytes), linkType: linkType, originalLength: header.originalLength)
                }
                printer.add(header, bytes)
            }
            let recording = sampler?.stop()
            drainKernelLines()
            output.flush()
            for line in KernelStateText.summary(recording, language: language) { print(line) }
        } catch {
            printError(error.describe(in: language))
            throw ExitCode(1)
        }
        writer?.close()
        print(printer.lines.summary)
        let statistics = capture.statistics()
        let counters = LabStrings(language)
        print(statistics.droppedByInterface > 0
            ? counters(.captureCountersInterface, "\(statistics.delivered)", "\(statistics.received)", "\(statistics.dropped)",
                       "\(statistics.droppedByInterface)")
            : counters(.captureCounters, "\(statistics.delivered)", "\(statistics.received)", "\(statistics.dropped)"))
        if let write { print(say(.watchSaved, write)) }
        if let program {
            let exit = program.finished()
            if exit != .exited(0) { throw ExitCode(exit.shellStatus) }
        }
    }

    /// The watched command as one short line: words with spaces quoted, a long script cut.
    var commandForDisplay: String {
        let line = command.map { word in
            word.contains(where: { $0 == " " || $0 == "\n" || $0 == "'" }) ? "'" + word + "'" : word
        }.joined(separator: " ").replacingOccurrences(of: "\n", with: "⏎")
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    /// Starts the program to watch, sharing the terminal, and calls `then` a moment after it
    /// ends (the kernel sends the last ACK of a close after the program has gone).
    func startWatched(_ command: [String], language: Language, then stop: @escaping @Sendable () -> Void) throws -> WatchedProgram {
        guard let name = command.first else { throw ExitCode(2) }
        switch ChildProcess.spawn(name, Array(command.dropFirst())) {
        case .failure(let failure):
            printError(ToolStrings(language)(.watchCannotRun, "\(failure)"))
            throw ExitCode(127)
        case .success(let pid):
            let program = WatchedProgram(pid: pid)
            Thread.detachNewThread {
                program.waitForExit()
                usleep(200_000)
                stop()
            }
            return program
        }
    }
}

/// The program `osilab watch -- CMD` runs, and how it ended.
final class WatchedProgram: Sendable {
    let pid: pid_t
    private let exit = Mutex<ChildProcess.Exit?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) { self.pid = pid }

    func waitForExit() {
        let ended = (try? ChildProcess.wait(for: pid).get()) ?? .exited(1)
        exit.withLock { $0 = ended }
        done.signal()
    }

    /// Waits for the program (if the capture stopped first) and says how it ended.
    func finished() -> ChildProcess.Exit {
        done.wait()
        done.signal()
        return exit.withLock { $0 } ?? .exited(1)
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
