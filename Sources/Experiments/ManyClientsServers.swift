import Foundation
import Sockets
import Synchronization
import Trace

extension ManyClients {
    /// How a server shares itself between clients.
    public enum Variant: String, CaseIterable, Sendable {
        /// The notes' server: accept one client, serve it until it leaves, then accept the next.
        case iterative
        /// A thread per connection: the main thread only accepts.
        case threads
        /// One thread that waits in poll() for whichever socket is ready.
        case poll
    }

    /// What a server counted while it ran: its own calls and the connections it held.
    public struct Tally: Sendable, Hashable {
        /// Connections accept() returned.
        public var accepted = 0
        /// accept() calls made, including any that found nothing.
        public var acceptCalls = 0
        /// poll() calls made, and how many of them returned with nothing ready (the timeout).
        public var pollCalls = 0
        public var idlePolls = 0
        /// Connections accepted and not yet closed by the server, now and at most.
        public var inService = 0
        public var maxInService = 0
        /// Connections the server closed after the client had left.
        public var finished = 0
        /// The kernel thread ids (gettid) that served a connection or accepted one.
        public var threadIDs: Set<Int32> = []
        /// When the last connection was closed.
        public var lastClose: Instant?
        /// The first thing that went wrong in the server, if anything did.
        public var failure: String?

        public var threads: Int { threadIDs.count }
    }

    /// One of the three servers, on a free port of 127.0.0.1, serving the notes' uppercase
    /// echo (every chunk comes back upper-cased, until the client closes) to at most
    /// `expected` clients, then stopping by itself.
    public final class Server: Sendable {
        public let variant: Variant
        public let port: UInt16
        private let listener: Socket
        private let expected: Int
        private let tally = Mutex(Tally())
        private let stopping = Mutex(false)
        private let done = DispatchSemaphore(value: 0)
        /// How long a connection may stay silent before the server gives up on it.
        static let idleLimit: Duration = .seconds(5)

        public init(_ variant: Variant, expected: Int, backlog: Int32 = ManyClients.backlog) throws {
            self.variant = variant
            self.expected = expected
            listener = try Socket(family: .inet, type: .stream)
            do {
                try listener.setReuseAddress(true)
                try listener.bind(to: .ipv4(.loopback, port: 0))
                port = try listener.localAddress().port ?? 0
                try listener.listen(backlog: backlog)
            } catch {
                listener.close()
                throw error
            }
            let thread = Thread { [self] in
                nameThisThread("osilab server")
                switch variant {
                case .iterative: runIterative()
                case .threads: runThreads()
                case .poll: runPoll()
                }
                done.signal()
            }
            thread.name = "osilab server"
            thread.start()
        }

        /// What the server has counted so far.
        public var counts: Tally { tally.withLock { $0 } }

        /// Waits until accept() has returned `count` connections, or `timeout` passes.
        public func waitUntilAccepted(_ count: Int, timeout: Duration) -> Bool {
            poll(timeout) { $0.accepted >= count }
        }

        /// Waits until the server has served `expected` clients and stopped, or `timeout` passes.
        @discardableResult
        public func waitUntilFinished(timeout: Duration) -> Bool {
            guard done.wait(timeout: .now() + timeout.seconds) == .success else { return false }
            done.signal()
            return true
        }

        /// Stops the server (if it still runs) and closes its listening socket.
        public func stop() {
            stopping.withLock { $0 = true }
            // A blocked accept() only wakes when its socket is shut; the poll loop notices the
            // flag within one poll timeout and must not have its descriptor closed under it.
            if variant != .poll { listener.close() }
            _ = waitUntilFinished(timeout: .seconds(2))
            listener.close()
        }

        private var shouldStop: Bool { stopping.withLock { $0 } }

        private func poll(_ timeout: Duration, _ condition: (Tally) -> Bool) -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while !condition(counts) {
                if clock.now >= deadline { return false }
                Thread.sleep(forTimeInterval: 0.001)
            }
            return true
        }

        private func note(_ change: (inout Tally) -> Void) {
            tally.withLock { change(&$0) }
        }

        private func opened() {
            note {
                $0.accepted += 1
                $0.inService += 1
                $0.maxInService = max($0.maxInService, $0.inService)
                $0.threadIDs.insert(currentThreadID())
            }
        }

        private func closed(_ connection: Socket) {
            connection.close()
            note {
                $0.inService -= 1
                $0.finished += 1
                $0.lastClose = Instant.now()
            }
        }

        private func failed(_ error: any Error) {
            guard !shouldStop else { return }
            note { if $0.failure == nil { $0.failure = "\(error)" } }
        }

        /// Serves one connection with blocking calls until the client closes: the inner
        /// loop of the notes' server.
        private func serveBlocking(_ connection: Socket) {
            note { $0.threadIDs.insert(currentThreadID()) }
            do {
                try connection.setTimeout(Self.idleLimit)
                while true {
                    let data = try connection.recv(maxBytes: 1024)
                    if data.isEmpty { break }
                    try connection.sendAll(ManyClients.upper(data))
                }
            } catch {
                failed(error)
            }
            closed(connection)
        }

        private func runIterative() {
            while counts.accepted < expected && !shouldStop {
                note { $0.acceptCalls += 1 }
                do {
                    let (connection, _) = try listener.accept()
                    opened()
                    serveBlocking(connection)
                } catch {
                    failed(error)
                    return
                }
            }
        }

        private func runThreads() {
            let handlers = DispatchGroup()
            while counts.accepted < expected && !shouldStop {
                note { $0.acceptCalls += 1 }
                do {
                    let (connection, _) = try listener.accept()
                    opened()
                    handlers.enter()
                    let thread = Thread { [self] in
                        nameThisThread("osilab handler")
                        serveBlocking(connection)
                        handlers.leave()
                    }
                    thread.name = "osilab handler"
                    thread.start()
                } catch {
                    failed(error)
                    break
                }
            }
            // Every handler ends within its idle limit.
            _ = handlers.wait(timeout: .now() + Self.idleLimit.seconds + 1)
        }

        /// One thread, no blocking call but poll(): the listener and every connection are
        /// non-blocking, and poll() says which of them has something to do.
        private func runPoll() {
            var connections: [Socket] = []
            var outboxes: [[UInt8]] = []
            defer { for connection in connections { connection.close() } }
            do {
                try listener.setBlocking(false)
            } catch {
                failed(error)
                return
            }
            let clock = ContinuousClock()
            var lastActivity = clock.now
            while counts.finished < expected && !shouldStop {
                let listening = counts.accepted < expected
                var entries: [pollfd] = []
                if listening { entries.append(pollfd(fd: listener.fileno, events: Int16(POLLIN), revents: 0)) }
                for (connection, outbox) in zip(connections, outboxes) {
                    entries.append(pollfd(fd: connection.fileno, events: Int16(outbox.isEmpty ? POLLIN : POLLIN | POLLOUT), revents: 0))
                }
                note { $0.pollCalls += 1 }
                let ready = entries.withUnsafeMutableBufferPointer { buffer in
                    Glibc.poll(buffer.baseAddress, nfds_t(buffer.count), 250)
                }
                if ready < 0 {
                    if errno == EINTR { continue }
                    note { if $0.failure == nil { $0.failure = "poll: errno \(errno)" } }
                    return
                }
                if ready == 0 {
                    note { $0.idlePolls += 1 }
                    // Bounded like the blocking servers: silent clients are dropped after the idle limit.
                    if clock.now - lastActivity > Self.idleLimit { return }
                    continue
                }
                lastActivity = clock.now
                var offset = 0
                if listening {
                    offset = 1
                    if entries[0].revents & Int16(POLLIN) != 0 {
                        note { $0.acceptCalls += 1 }
                        do {
                            let (connection, _) = try listener.accept()
                            try connection.setBlocking(false)
                            connections.append(connection)
                            outboxes.append([])
                            opened()
                        } catch where error.reason == .wouldBlock {
                            // Another wake-up took it (or the client reset): nothing to do.
                        } catch {
                            failed(error)
                        }
                    }
                }
                // Walk the entries polled this round; connections accepted just now wait for the next.
                var gone: Set<Int> = []
                for index in 0..<(entries.count - offset) {
                    let events = entries[index + offset].revents
                    guard events != 0, index < connections.count else { continue }
                    let connection = connections[index]
                    do {
                        if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                            let data = try connection.recv(maxBytes: 1024)
                            if data.isEmpty {
                                gone.insert(index)
                                continue
                            }
                            outboxes[index] += ManyClients.upper(data)
                        }
                        if !outboxes[index].isEmpty {
                            let sent = try connection.send(outboxes[index])
                            outboxes[index].removeFirst(sent)
                        }
                    } catch where error.reason == .wouldBlock {
                        // Not ready after all; poll() will say when.
                    } catch {
                        failed(error)
                        gone.insert(index)
                    }
                }
                for index in gone.sorted(by: >) {
                    closed(connections.remove(at: index))
                    outboxes.remove(at: index)
                }
            }
        }
    }

    /// Python's `bytes.upper()`: only the ASCII letters a to z change.
    public static func upper(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (0x61...0x7a).contains($0) ? $0 - 0x20 : $0 }
    }
}

/// Names the calling thread for the kernel (/proc/PID/task/TID/comm, `ps -L`, `top -H`),
/// so that its threads can be told apart from the runtime's. The kernel keeps 15 bytes.
func nameThisThread(_ name: String) {
    // What prctl(PR_SET_NAME) does, without a variadic C call Swift cannot import.
    try? String(name.utf8.prefix(15)).map { Data($0.utf8) }?.write(to: URL(fileURLWithPath: "/proc/thread-self/comm"))
}

/// The kernel's id for the calling thread, as /proc/self/task lists it (0 if unreadable).
///
/// Read from the kernel rather than pthread_self(): a pthread_t can be reused as soon as its
/// thread has ended, a thread id cannot while the thread lives.
func currentThreadID() -> Int32 {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
          let last = target.split(separator: "/").last else { return 0 }
    return Int32(last) ?? 0
}
