import CPcap
import Foundation
import Synchronization
import Trace

/// How to open a live capture.
public struct CaptureOptions: Sendable, Equatable {
    /// The interface to capture on; by default the loopback interface.
    public var interface: String
    /// A BPF filter in tcpdump syntax (`tcp port 4545`), or nil for every packet.
    public var filter: String?
    /// How many bytes of each packet to keep. The default keeps whole loopback packets.
    public var snapLength: Int32
    /// Deliver each packet as soon as it arrives instead of in batches (the lab shows
    /// packets next to system calls, so a batching delay would mislead).
    public var immediate: Bool
    /// The kernel's capture buffer, in bytes. A larger buffer survives bursts without drops.
    public var bufferSize: Int32
    /// Without immediate mode: the longest the kernel may hold packets before handing them
    /// over, in milliseconds (libpcap's read timeout). It must not be 0: with 0, Linux 6.18
    /// held a partly filled block until more packets came, so the last packets of a burst
    /// were never shown.
    public var batchTimeoutMilliseconds: Int32

    public init(
        interface: String = CaptureOptions.loopbackInterface, filter: String? = nil,
        snapLength: Int32 = 262_144, immediate: Bool = true, bufferSize: Int32 = 8 << 20,
        batchTimeoutMilliseconds: Int32 = 10
    ) {
        self.interface = interface
        self.filter = filter
        self.snapLength = snapLength
        self.immediate = immediate
        self.bufferSize = bufferSize
        self.batchTimeoutMilliseconds = max(1, batchTimeoutMilliseconds)
    }

    /// `lo` on Linux, `lo0` on macOS and the BSDs.
    public static var loopbackInterface: String {
        #if os(Linux)
        "lo"
        #else
        "lo0"
        #endif
    }
}

/// A pcap handle that may be touched from the capture thread and the thread stopping it.
/// libpcap allows pcap_breakloop and pcap_stats from another thread; everything else
/// happens on the reading thread. pcap_close frees the handle, so LiveCapture calls it
/// only once no thread is inside pcap_dispatch and under the lock pcap_stats takes.
struct PcapHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// A live capture on one interface, through libpcap.
///
/// Open it, then call ``run(limit:handler:)`` on a thread of your own (or use
/// ``startInBackground()``); call ``stop()`` from anywhere to end the run.
public final class LiveCapture: Sendable {
    public let options: CaptureOptions
    /// The link-layer type libpcap reports (`pcap_datalink`): Ethernet (1) for Linux `lo`.
    public let dataLink: Int32
    /// Whether timestamps have nanosecond precision (else microseconds, scaled up).
    public let nanosecondTimestamps: Bool

    private let handle: PcapHandle
    private let state = Mutex(State())

    private struct State {
        var stopRequested = false
        /// close() was called: no run may start; the handle goes as soon as no run is inside it.
        var closing = false
        /// pcap_close has been called: the handle is gone.
        var closed = false
        /// A thread is in ``runBorrowing(limit:caughtUp:handler:)``, and which one.
        var loopThread: pthread_t?
        /// close() calls waiting for the running loop to leave and close the handle.
        var closeWaiters: [DispatchSemaphore] = []
        var delivered = 0
    }

    /// Opens and activates the capture, and installs the filter.
    /// - Throws: ``CaptureError`` with kind `.permissionDenied` (with the fix in its message),
    ///   `.noSuchInterface`, `.badFilter` and so on.
    public init(options: CaptureOptions = CaptureOptions()) throws(CaptureError) {
        self.options = options
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pointer = pcap_create(options.interface, &errorBuffer) else {
            throw CaptureError(kind: .other, call: "pcap_create", message: errorText(errorBuffer),
                               subject: options.interface)
        }
        func fail(_ call: String, _ code: Int32) -> CaptureError {
            let message = String(cString: pcap_geterr(pointer))
            let detail = message.isEmpty ? String(cString: pcap_statustostr(code)) : message
            pcap_close(pointer)
            let kind: CaptureError.Kind = switch code {
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED: .permissionDenied
            case PCAP_ERROR_NO_SUCH_DEVICE: .noSuchInterface
            case PCAP_ERROR_IFACE_NOT_UP: .interfaceDown
            default: .other
            }
            return CaptureError(kind: kind, call: call, message: detail, subject: options.interface)
        }
        pcap_set_snaplen(pointer, options.snapLength)
        pcap_set_promisc(pointer, 0)
        pcap_set_immediate_mode(pointer, options.immediate ? 1 : 0)
        pcap_set_buffer_size(pointer, options.bufferSize)
        pcap_set_timeout(pointer, options.batchTimeoutMilliseconds)
        // Ask for nanoseconds; a platform without them keeps microseconds, which we scale.
        let wantsNano = pcap_set_tstamp_precision(pointer, Int32(PCAP_TSTAMP_PRECISION_NANO)) == 0
        let activation = pcap_activate(pointer)
        if activation < 0 { throw fail("pcap_activate", activation) }

        if let filter = options.filter, !filter.isEmpty {
            var program = bpf_program()
            if pcap_compile(pointer, &program, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 {
                let message = String(cString: pcap_geterr(pointer))
                pcap_close(pointer)
                throw CaptureError(kind: .badFilter(expression: filter), call: "pcap_compile", message: message,
                                   subject: options.interface)
            }
            let installed = pcap_setfilter(pointer, &program)
            pcap_freecode(&program)
            if installed != 0 { throw fail("pcap_setfilter", installed) }
        }
        if pcap_setnonblock(pointer, 1, &errorBuffer) != 0 {
            pcap_close(pointer)
            throw CaptureError(kind: .other, call: "pcap_setnonblock", message: errorText(errorBuffer),
                               subject: options.interface)
        }
        handle = PcapHandle(pointer: pointer)
        dataLink = pcap_datalink(pointer)
        nanosecondTimestamps = wantsNano && pcap_get_tstamp_precision(pointer) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    deinit {
        close()
    }

    /// Reads packets and hands each one, borrowed, to `handler` until ``stop()`` is called
    /// or `limit` packets have been delivered. The bytes are valid only during the call.
    ///
    /// Waits with poll() in short slices, so a stop request is noticed within 20 ms.
    ///
    /// - Parameter caughtUp: called each time the packets the kernel had ready have all been
    ///   handed over (after one packet when traffic is light, after thousands in a burst),
    ///   and every 20 ms while nothing arrives.
    ///   The place to flush output: flushing per packet costs a system call per packet,
    ///   which under a connection storm made the kernel drop a third of the packets.
    public func runBorrowing(
        limit: Int? = nil, caughtUp: () -> Void = {}, handler: (PacketHeader, UnsafeRawBufferPointer) -> Void
    ) throws(CaptureError) {
        // One loop at a time owns the handle; a closed capture has nothing to deliver.
        let entered = state.withLock { state -> Bool in
            guard !state.closing, state.loopThread == nil else { return false }
            state.loopThread = pthread_self()
            return true
        }
        guard entered else { return }
        defer { leaveLoop() }
        try withoutActuallyEscaping(handler) { (handler) throws(CaptureError) in
            try dispatchLoop(limit: limit, caughtUp: caughtUp, handler: handler)
        }
    }

    /// The loop is out of pcap_dispatch for good: if close() came meanwhile, the handle can go now.
    private func leaveLoop() {
        let waiters = state.withLock { state -> [DispatchSemaphore] in
            state.loopThread = nil
            guard state.closing, !state.closed else { return [] }
            state.closed = true
            pcap_close(handle.pointer)
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.signal() }
    }

    private func dispatchLoop(
        limit: Int?, caughtUp: () -> Void, handler: @escaping (PacketHeader, UnsafeRawBufferPointer) -> Void
    ) throws(CaptureError) {
        let descriptor = pcap_get_selectable_fd(handle.pointer)
        var context = DispatchContext(nanosecond: nanosecondTimestamps, remaining: limit, handler: handler)
        // Whether the last read found packets: if so, more may already be waiting, so read
        // again at once instead of sleeping in poll() (and only call `caughtUp` once a read
        // comes back empty). Under a storm this turns a poll and a flush per packet or two
        // into one per burst.
        var busy = false
        while !state.withLock({ $0.stopRequested || $0.closed }) {
            if let remaining = context.remaining, remaining <= 0 { break }
            if descriptor >= 0 && !busy {
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 20)
            }
            let result = withUnsafeMutablePointer(to: &context) { contextPointer in
                pcap_dispatch(handle.pointer, -1, { user, header, bytes in
                    guard let user, let header, let bytes else { return }
                    let context = UnsafeMutableRawPointer(user).assumingMemoryBound(to: DispatchContext.self)
                    context.pointee.deliver(header, bytes)
                }, UnsafeMutableRawPointer(contextPointer).assumingMemoryBound(to: UInt8.self))
            }
            if result == PCAP_ERROR {
                throw CaptureError(kind: .other, call: "pcap_dispatch", message: String(cString: pcap_geterr(handle.pointer)),
                                   subject: options.interface)
            }
            if result == PCAP_ERROR_BREAK { break }
            // Also when idle (a poll that found nothing): output queued by others gets out.
            if result == 0 { caughtUp() }
            busy = result > 0
            state.withLock { $0.delivered = context.delivered }
        }
        caughtUp()
        state.withLock { $0.delivered = context.delivered }
    }

    /// Like ``runBorrowing(limit:handler:)``, but hands over copied packets.
    public func run(limit: Int? = nil, handler: (CapturedPacket) -> Void) throws(CaptureError) {
        let link = dataLink
        try runBorrowing(limit: limit) { header, bytes in
            handler(CapturedPacket(timestamp: header.timestamp, bytes: Array(bytes),
                                   originalLength: header.originalLength, dataLink: link))
        }
    }

    /// Asks a running ``run(limit:handler:)`` to return. Safe from any thread.
    public func stop() {
        state.withLock { state in
            state.stopRequested = true
            // Under the lock: after close() the handle is freed memory.
            if !state.closed { pcap_breakloop(handle.pointer) }
        }
    }

    /// The kernel's counters so far. The corresponding C function is `pcap_stats`.
    ///
    /// After ``close()`` the counters are gone with the handle: all zero but `delivered`.
    public func statistics() -> CaptureStatistics {
        // pcap_stats runs under the lock that pcap_close also needs, so the handle cannot
        // be freed while the kernel's counters are being read.
        state.withLock { state in
            var stats = pcap_stat()
            guard !state.closed, pcap_stats(handle.pointer, &stats) == 0 else {
                return CaptureStatistics(received: 0, dropped: 0, droppedByInterface: 0, delivered: state.delivered)
            }
            return CaptureStatistics(received: stats.ps_recv, dropped: stats.ps_drop, droppedByInterface: stats.ps_ifdrop,
                                     delivered: state.delivered)
        }
    }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { state.withLock { $0.closing } }

    /// Releases the capture. Called by deinit if you do not. Safe from any thread.
    ///
    /// pcap_close frees the handle that pcap_dispatch is reading, so it must not run while a
    /// loop is inside it. If a loop is running, close() breaks it (pcap_breakloop, and the
    /// stop flag the loop checks at least every 20 ms) and waits until the loop has left; the
    /// loop closes the handle on its way out. Called from the loop's own thread (a packet
    /// handler closing the capture), close() cannot wait for itself: it returns, and the
    /// handle is closed when the loop returns.
    public func close() {
        enum Step { case done, wait(DispatchSemaphore) }
        let step = state.withLock { state -> Step in
            guard !state.closed else { return .done }
            state.stopRequested = true
            state.closing = true
            guard let loopThread = state.loopThread else {
                state.closed = true
                pcap_close(handle.pointer)
                return .done
            }
            pcap_breakloop(handle.pointer)
            if pthread_equal(loopThread, pthread_self()) != 0 { return .done }
            let waiter = DispatchSemaphore(value: 0)
            state.closeWaiters.append(waiter)
            return .wait(waiter)
        }
        if case .wait(let waiter) = step { waiter.wait() }
    }

    /// Runs the capture on a thread of its own, collecting packets until stopped.
    public func startInBackground() -> BackgroundCapture {
        BackgroundCapture(capture: self)
    }
}

/// One packet's capture header: when it was seen and how long it was.
public struct PacketHeader: Sendable {
    public var timestamp: Instant
    public var capturedLength: Int
    public var originalLength: Int
    /// Set when a capture file's record holds a fraction of a second that cannot be; then
    /// `timestamp` is the start of the recorded second (see ``InvalidTimestamp``).
    public var invalidTimestamp: InvalidTimestamp? = nil
}

/// The state pcap_dispatch's C callback reaches through its user pointer.
private struct DispatchContext {
    let nanosecond: Bool
    var remaining: Int?
    let handler: (PacketHeader, UnsafeRawBufferPointer) -> Void
    var delivered = 0

    init(nanosecond: Bool, remaining: Int?, handler: @escaping (PacketHeader, UnsafeRawBufferPointer) -> Void) {
        self.nanosecond = nanosecond
        self.remaining = remaining
        self.handler = handler
    }

    mutating func deliver(_ header: UnsafePointer<pcap_pkthdr>, _ bytes: UnsafePointer<UInt8>) {
        if let remaining, remaining <= 0 { return }
        let packetHeader = PacketHeader(header.pointee, nanosecond: nanosecond)
        handler(packetHeader, UnsafeRawBufferPointer(start: bytes, count: packetHeader.capturedLength))
        delivered += 1
        if let remaining { self.remaining = remaining - 1 }
    }
}

extension PacketHeader {
    init(_ header: pcap_pkthdr, nanosecond: Bool) {
        // With nanosecond precision libpcap stores nanoseconds in the tv_usec field.
        let fraction = Int64(header.ts.tv_usec) * (nanosecond ? 1 : 1000)
        timestamp = Instant(seconds: Int64(header.ts.tv_sec), nanoseconds: fraction)
        capturedLength = Int(header.caplen)
        originalLength = Int(header.len)
    }
}

/// A live capture running on its own thread, collecting copied packets.
public final class BackgroundCapture: Sendable {
    public let capture: LiveCapture
    private let collected = Mutex<[CapturedPacket]>([])
    private let failure = Mutex<CaptureError?>(nil)
    private let finished = Mutex(false)
    private let observers = Mutex<[@Sendable (CapturedPacket) -> Void]>([])
    private let done = DispatchSemaphore(value: 0)

    init(capture: LiveCapture) {
        self.capture = capture
        let thread = Thread { [self] in
            do throws(CaptureError) {
                try capture.run { packet in
                    self.collected.withLock { $0.append(packet) }
                    for observer in self.observers.withLock({ $0 }) { observer(packet) }
                }
            } catch {
                failure.withLock { $0 = error }
            }
            finished.withLock { $0 = true }
            done.signal()
        }
        thread.name = "osilab capture"
        thread.start()
    }

    /// Calls `observer` on the capture thread for each packet from now on.
    public func observe(_ observer: @escaping @Sendable (CapturedPacket) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// The packets captured so far.
    public var packets: [CapturedPacket] { collected.withLock { $0 } }

    /// Waits until `condition` holds for the packets so far, or `timeout` passes; returns
    /// whether it held. Loopback packets arrive within microseconds, but the capture
    /// thread may be a few milliseconds behind the program that sent them.
    public func waitUntil(timeout: Duration, _ condition: ([CapturedPacket]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if collected.withLock({ condition($0) }) { return true }
            usleep(2_000)
        }
        return collected.withLock { condition($0) }
    }

    /// Stops the capture, waits for its thread, and returns every packet and the kernel's counters.
    public func stop() throws(CaptureError) -> (packets: [CapturedPacket], statistics: CaptureStatistics) {
        capture.stop()
        done.wait()
        done.signal()
        let statistics = capture.statistics()
        if let error = failure.withLock({ $0 }) { throw error }
        return (packets, statistics)
    }
}
