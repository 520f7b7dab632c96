#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import SystemPackage
import Trace
import Wire

/// A Berkeley socket: one descriptor, owned by this object and closed exactly once.
///
/// Each method is one system call (or a documented loop over one), named after the C
/// function it makes, so what a learner reads here is what the kernel is asked to do.
/// If the socket has a ``TraceRecorder``, every call is recorded with the times it was
/// entered and returned, on the clock libpcap uses for packets.
///
/// A socket may be used from several threads (one receiving, one sending), and `close()`
/// is safe to call from any thread, even while another thread is blocked in accept() or
/// recv() on it: see ``close()`` for what happens then.
public final class Socket: Sendable, CustomStringConvertible {
    public let family: AddressFamily
    public let type: SocketType
    /// Shown in the trace: who owns this socket in a demo ("client", "server").
    public let role: String
    public let tracer: TraceRecorder?

    private struct State {
        var descriptor: Int32
        /// Calls using `descriptor` right now (close() counts itself while it wakes them).
        var callsInFlight = 0
        /// close() was called: no call may start, and whoever leaves last releases the number.
        var closing = false
        var blocking = true
        var timeout: Duration?
    }

    private let state: Mutex<State>

    /// Creates a socket. The corresponding C function is `socket`; Python's is `socket.socket()`.
    ///
    /// The descriptor is close-on-exec, so programs the lab starts (the remote-command
    /// server runs commands) never inherit a connection.
    /// - Throws: `EAFNOSUPPORT`, `EPROTONOSUPPORT` or `ESOCKTNOSUPPORT` when this kernel does
    ///   not offer the combination, `EMFILE` when the process is out of descriptors.
    public init(
        family: AddressFamily = .inet, type: SocketType = .stream, protocol number: Int32 = 0,
        tracer: TraceRecorder? = nil, role: String = ""
    ) throws(SocketError) {
        _ = ignoreBrokenPipeSignal
        self.family = family
        self.type = type
        self.tracer = tracer
        self.role = role
        let detail = "\(family), \(type)"
        let pending = tracer?.enter(.socket, descriptor: -1, role: role, detail: detail)
        let result = Syscall.run("socket") { c_socket(family.rawValue, type.rawValue, number) }
        let returned = Instant.now()
        switch result {
        case .success(let descriptor):
            if let pending {
                tracer?.complete(pending, outcome: .returned(Int(descriptor)), at: returned, descriptor: descriptor)
            }
            state = Mutex(State(descriptor: descriptor))
        case .failure(let errno):
            if let pending {
                tracer?.complete(pending, outcome: .failed(errno: errno.rawValue, name: ErrnoName.of(errno.rawValue)),
                                 at: returned)
            }
            throw SocketError(call: "socket", errno: errno)
        }
    }

    /// Takes ownership of a descriptor the kernel returned (from accept or socketpair).
    init(adopting descriptor: Int32, family: AddressFamily, type: SocketType, tracer: TraceRecorder?, role: String) {
        _ = ignoreBrokenPipeSignal
        self.family = family
        self.type = type
        self.tracer = tracer
        self.role = role
        state = Mutex(State(descriptor: descriptor))
    }

    deinit {
        // A socket nobody closed is closed here, so a forgotten close() cannot leak a
        // descriptor. (Python does the same when the socket object is collected.)
        let descriptor = state.withLock { $0.descriptor }
        if descriptor >= 0 { _ = Syscall.close(descriptor) }
    }

    // MARK: Identity

    /// The socket's file descriptor, or -1 once closed. Python's `fileno()`.
    ///
    /// On Unix a socket is a file descriptor like any open file: a small integer
    /// indexing the process's table of open files.
    public var fileno: Int32 { state.withLock { $0.closing ? -1 : $0.descriptor } }

    public var isClosed: Bool { state.withLock { $0.closing } }

    /// false after `setBlocking(false)`.
    public var isBlocking: Bool { state.withLock { $0.blocking } }

    /// The timeout set by ``setTimeout(_:)``, or nil for none.
    public var timeout: Duration? { state.withLock { $0.timeout } }

    public var description: String {
        let descriptor = fileno
        return "Socket(fd \(descriptor < 0 ? "closed" : String(descriptor)), \(family), \(type))"
    }

    /// Runs `body` with the descriptor, which stays open and ours until `body` returns.
    ///
    /// Reading the number under the lock and calling after releasing it is not enough: a
    /// close() in between frees the number, the next open() or accept() anywhere in the
    /// process is given it, and the call then sends on, or changes the flags of, an
    /// unrelated file. So every call is counted in flight, and close() only releases the
    /// number once none is (as SwiftNIO keeps a descriptor open while a call uses it).
    private func withDescriptor<T>(_ call: String, _ body: (Int32) throws(SocketError) -> T) throws(SocketError) -> T {
        let descriptor = state.withLock { state -> Int32 in
            guard !state.closing, state.descriptor >= 0 else { return -1 }
            state.callsInFlight += 1
            return state.descriptor
        }
        guard descriptor >= 0 else { throw SocketError(call: call, reason: .closedSocket) }
        let result = Result { () throws(SocketError) -> T in try body(descriptor) }
        let closedMeanwhile = leave()
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            // A call woken by close() (accept fails with EINVAL after shutdown) failed
            // because this program closed the socket: say that, not the errno.
            if closedMeanwhile {
                throw SocketError(call: error.call, reason: .closedSocket, bytesTransferred: error.bytesTransferred)
            }
            throw error
        }
    }

    /// Ends one use of the descriptor; the last use after close() releases it. Returns
    /// whether close() has been called.
    private func leave() -> Bool {
        let (last, closing) = state.withLock { state -> (Int32, Bool) in
            state.callsInFlight -= 1
            guard state.closing, state.callsInFlight == 0, state.descriptor >= 0 else { return (-1, state.closing) }
            let descriptor = state.descriptor
            state.descriptor = -1
            return (descriptor, true)
        }
        if last >= 0 { release(last) }
        return closing
    }

    // MARK: Tracing

    /// What to add to the trace once a call has returned.
    struct Completion {
        var value: Int
        var local: IPEndpoint? = nil
        var peer: IPEndpoint? = nil
        var detail: String? = nil
    }

    /// Runs one call, recording it in the trace if there is one. The return time is read
    /// straight after `body`, before `describe` asks the kernel for addresses.
    func traced<T>(
        _ call: SyscallName, descriptor: Int32, detail: String = "",
        describe: (T) -> Completion, _ body: () throws(SocketError) -> T
    ) throws(SocketError) -> T {
        guard let tracer else { return try body() }
        let pending = tracer.enter(call, descriptor: descriptor, role: role, detail: detail)
        do throws(SocketError) {
            let value = try body()
            let returned = Instant.now()
            let completion = describe(value)
            tracer.complete(pending, outcome: .returned(completion.value), at: returned,
                            local: completion.local, peer: completion.peer, resultDetail: completion.detail)
            return value
        } catch {
            let returned = Instant.now()
            let code = error.errno?.rawValue ?? -1
            let name = switch error.reason {
            case .timedOut: error.errno == .nowInProgress ? "EINPROGRESS (timeout)" : "EAGAIN (timeout)"
            case .wouldBlock: "EAGAIN"
            default: ErrnoName.of(code)
            }
            tracer.complete(pending, outcome: .failed(errno: code, name: name), at: returned)
            throw error
        }
    }

    /// Turns EAGAIN into "would block" or "timed out" depending on the socket's mode.
    private func failure(_ call: String, _ errno: Errno, transferred: Int = 0) -> SocketError {
        if errno == .resourceTemporarilyUnavailable || errno == .wouldBlock {
            return SocketError(call: call, reason: isBlocking ? .timedOut : .wouldBlock, bytesTransferred: transferred)
        }
        return SocketError(call: call, reason: .system(errno), bytesTransferred: transferred)
    }

    private func endpoints() -> (local: IPEndpoint?, peer: IPEndpoint?) {
        ((try? localAddress())?.endpoint, (try? peerAddress())?.endpoint)
    }

    // MARK: Setting up

    /// Gives the socket its address. The corresponding C function is `bind`; Python's `bind((host, port))`.
    ///
    /// Port 0 asks the kernel to choose a free port; ``localAddress()`` tells which.
    /// - Throws: `EADDRINUSE` when another socket holds the address, `EACCES` for ports
    ///   below 1024 without privilege, `EADDRNOTAVAIL` for an address this host does not have.
    public func bind(to address: SocketAddress) throws(SocketError) {
        try withDescriptor("bind") { (descriptor) throws(SocketError) in
            try traced(.bind, descriptor: descriptor, detail: address.description,
                       describe: { Completion(value: 0, local: (try? self.localAddress())?.endpoint) }) { () throws(SocketError) in
                let result = Syscall.run("bind") { address.withSockaddr { c_bind(descriptor, $0, $1) } }
                if case .failure(let errno) = result { throw SocketError(call: "bind", errno: errno) }
            }
        }
    }

    /// Makes this a listening socket. The corresponding C function is `listen`; Python's `listen(backlog)`.
    ///
    /// From this moment the kernel answers SYNs to this port with SYN-ACKs and completes
    /// handshakes by itself, with nobody calling accept(). On Linux `backlog` bounds the
    /// queue of *completed* connections waiting for accept() (capped by
    /// `net.core.somaxconn`); half-open ones wait in a separate SYN queue.
    public func listen(backlog: Int32 = 128) throws(SocketError) {
        try withDescriptor("listen") { (descriptor) throws(SocketError) in
            try traced(.listen, descriptor: descriptor, detail: "backlog=\(backlog)",
                       describe: { Completion(value: 0, local: (try? self.localAddress())?.endpoint) }) { () throws(SocketError) in
                let result = Syscall.run("listen") { c_listen(descriptor, backlog) }
                if case .failure(let errno) = result { throw SocketError(call: "listen", errno: errno) }
            }
        }
    }

    /// Takes the next completed connection from the accept queue, waiting for one if the
    /// queue is empty. The corresponding C function is `accept` (osilab calls Linux's
    /// `accept4` to make the new descriptor close-on-exec); Python's `accept()`.
    ///
    /// accept() sends nothing: the handshake was finished by the kernel before this call
    /// can return. It returns once the final ACK (step 3) has arrived.
    /// - Returns: a new socket for the connection, and the client's address.
    /// - Throws: ``SocketError/Reason/wouldBlock`` on a non-blocking socket with an empty
    ///   queue, ``SocketError/Reason/timedOut`` after the socket's timeout.
    public func accept(role: String? = nil) throws(SocketError) -> (Socket, SocketAddress) {
        return try withDescriptor("accept") { (descriptor) throws(SocketError) -> (Socket, SocketAddress) in
            let connectionRole = role ?? self.role
            return try traced(.accept, descriptor: descriptor, describe: { (connection: (Socket, SocketAddress)) in
                let local = (try? connection.0.localAddress())?.endpoint
                return Completion(value: Int(connection.0.fileno), local: local, peer: connection.1.endpoint,
                                  detail: "from \(connection.1)")
            }) { () throws(SocketError) -> (Socket, SocketAddress) in
                while true {
                    let (result, address) = receiveAddress { pointer, length in
                        Syscall.run("accept") { c_accept(descriptor, pointer, length) }
                    }
                    switch result {
                    case .success(let accepted):
                        let peer = address ?? .unix(path: "")
                        let socket = Socket(adopting: accepted, family: family, type: type, tracer: tracer, role: connectionRole)
                        return (socket, peer)
                    case .failure(.connectionAbort):
                        // A client reset before we took its connection; wait for the next.
                        continue
                    case .failure(let errno):
                        throw failure("accept", errno)
                    }
                }
            }
        }
    }

    /// Opens a connection to `address`. The corresponding C function is `connect`; Python's `connect((host, port))`.
    ///
    /// For TCP the kernel sends the SYN (step 1) and this call returns when the SYN-ACK
    /// (step 2) has arrived; the kernel then sends the final ACK (step 3) by itself.
    /// - Throws: `ECONNREFUSED` when the peer answers with RST (nothing listens there),
    ///   `ETIMEDOUT` when nobody answers at all, ``SocketError/Reason/timedOut`` after the
    ///   socket's timeout, `EINPROGRESS` on a non-blocking socket (the handshake goes on).
    public func connect(to address: SocketAddress) throws(SocketError) {
        try withDescriptor("connect") { (descriptor) throws(SocketError) in
            try traced(.connect, descriptor: descriptor, detail: "to \(address)", describe: { _ in
                let (local, peer) = self.endpoints()
                return Completion(value: 0, local: local, peer: peer ?? address.endpoint)
            }) { () throws(SocketError) in
                try connectNow(descriptor: descriptor, to: address)
            }
        }
    }

    private func connectNow(descriptor: Int32, to address: SocketAddress) throws(SocketError) {
        // Never repeated on EINTR: the SYN is out and the kernel goes on with the handshake;
        // a second connect() would fail with EALREADY, or EISCONN once it has finished.
        let result = Syscall.run("connect", retryOnInterrupt: false) { address.withSockaddr { c_connect(descriptor, $0, $1) } }
        guard case .failure(let errno) = result else { return }
        switch errno {
        case .interrupted where isBlocking, .alreadyInProcess where isBlocking:
            // Interrupted by a signal (EINTR), or restarted after one by SA_RESTART, which
            // Linux answers with EALREADY: either way the handshake goes on without us, so
            // wait for it as for a non-blocking connect.
            try waitForConnection(descriptor: descriptor, timeout: timeout)
        case .interrupted:
            // Non-blocking: the handshake goes on, as after EINPROGRESS.
            throw SocketError(call: "connect", errno: .nowInProgress)
        case .nowInProgress where isBlocking:
            // A blocking connect only reports EINPROGRESS when SO_SNDTIMEO expired.
            throw SocketError(call: "connect", reason: .timedOut)
        case .resourceTemporarilyUnavailable where type == .stream && family == .unix:
            // A Unix stream listener with a full backlog.
            throw failure("connect", errno)
        default:
            throw SocketError(call: "connect", errno: errno)
        }
    }

    /// Waits until an in-progress connect finishes, then reports its result (SO_ERROR).
    private func waitForConnection(descriptor: Int32, timeout: Duration?) throws(SocketError) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let milliseconds = timeout.map { Int32(clamping: $0.milliseconds) } ?? -1
        let ready = Syscall.run("poll") { c_poll(&entry, milliseconds) }
        switch ready {
        case .failure(let errno): throw SocketError(call: "connect", errno: errno)
        case .success(0): throw SocketError(call: "connect", reason: .timedOut)
        case .success: break
        }
        let pending = try pendingError()
        if pending != 0 { throw SocketError(call: "connect", errno: Errno(rawValue: pending)) }
        // Writable with no pending error should mean connected; if the error was already
        // taken by someone else, getpeername() is the proof either way.
        do throws(SocketError) {
            _ = try peerAddress()
        } catch {
            throw SocketError(call: "connect", reason: error.reason)
        }
    }

    /// Like ``connect(to:)`` but returns the error number instead of throwing: 0 on success.
    /// Python's `connect_ex`. On Linux a refused connection gives 111 (`ECONNREFUSED`);
    /// the 10061 some tutorials quote is Windows' `WSAECONNREFUSED`.
    public func connectEx(to address: SocketAddress) -> Int32 {
        do {
            try connect(to: address)
            return 0
        } catch {
            return error.errno?.rawValue ?? Errno.invalidArgument.rawValue
        }
    }

    // MARK: Moving data

    /// Sends some or all of `bytes` and returns how many were taken. The corresponding C
    /// function is `send`; Python's `send()`.
    ///
    /// The count can be smaller than `bytes.count` when the socket's send buffer is
    /// nearly full: the caller must send the rest (``sendAll(_:)`` does).
    @discardableResult
    public func send(_ bytes: some Collection<UInt8>, flags: Int32 = 0) throws(SocketError) -> Int {
        return try withDescriptor("send") { (descriptor) throws(SocketError) -> Int in
            let array = Array(bytes)
            return try traced(.send, descriptor: descriptor, detail: "\(array.count) bytes",
                              describe: { Completion(value: $0, detail: "\($0) of \(array.count) bytes") }) { () throws(SocketError) -> Int in
                try sendOnce(descriptor: descriptor, array[...], flags: flags)
            }
        }
    }

    private func sendOnce(descriptor: Int32, _ bytes: ArraySlice<UInt8>, flags: Int32) throws(SocketError) -> Int {
        let result = bytes.withUnsafeBytes { raw in
            Syscall.transfer("send", count: raw.count) { c_send(descriptor, raw.baseAddress, $0, flags) }
        }
        switch result {
        case .success(let count): return count
        case .failure(let errno): throw failure("send", errno)
        }
    }

    /// Sends every byte, calling send() as often as it takes. Python's `sendall()`.
    ///
    /// It is a plain loop over send(), not recursion: each call may take only part of
    /// the data, and the loop continues from where the last one stopped. On failure the
    /// error's `bytesTransferred` says how much went out first.
    public func sendAll(_ bytes: some Collection<UInt8>, flags: Int32 = 0) throws(SocketError) {
        let array = Array(bytes)
        var sent = 0
        while sent < array.count {
            do throws(SocketError) {
                sent += try send(array[sent...], flags: flags)
            } catch {
                throw SocketError(call: "sendall", reason: error.reason, bytesTransferred: sent)
            }
        }
    }

    /// Receives up to `maxBytes` bytes. The corresponding C function is `recv`; Python's `recv(bufsize)`.
    ///
    /// Returns whatever has arrived, at least one byte, waiting if nothing has. An empty
    /// result means the peer has closed its side (its FIN arrived): there will be no more.
    /// TCP keeps no message boundaries: one recv can return parts of several sends.
    public func recv(maxBytes: Int = 65536, flags: Int32 = 0) throws(SocketError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(0, maxBytes))
        let received = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(SocketError) -> Int in try recv(into: raw, flags: flags) }
        }
        buffer.removeSubrange(try received.get()...)
        return buffer
    }

    /// Receives into `buffer` and returns the count (0 means the peer closed). The form of
    /// ``recv(maxBytes:flags:)`` that does not allocate.
    public func recv(into buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0) throws(SocketError) -> Int {
        return try withDescriptor("recv") { (descriptor) throws(SocketError) -> Int in
            return try traced(.recv, descriptor: descriptor, detail: "up to \(buffer.count) bytes",
                              describe: { Completion(value: $0, detail: "\($0) bytes") }) { () throws(SocketError) -> Int in
                let result = Syscall.transfer("recv", count: buffer.count) { c_recv(descriptor, buffer.baseAddress, $0, flags) }
                switch result {
                case .success(let count): return count
                case .failure(let errno): throw failure("recv", errno)
                }
            }
        }
    }

    /// Sends one datagram to `address`. The corresponding C function is `sendto`; Python's `sendto()`.
    ///
    /// For UDP each call is one datagram, delivered whole or not at all.
    @discardableResult
    public func sendTo(_ bytes: some Collection<UInt8>, address: SocketAddress, flags: Int32 = 0) throws(SocketError) -> Int {
        return try withDescriptor("sendto") { (descriptor) throws(SocketError) -> Int in
            let array = Array(bytes)
            return try traced(.sendto, descriptor: descriptor, detail: "\(array.count) bytes to \(address)",
                              describe: { Completion(value: $0, peer: address.endpoint) }) { () throws(SocketError) -> Int in
                let result = array.withUnsafeBytes { raw in
                    address.withSockaddr { pointer, length in
                        Syscall.transfer("sendto", count: raw.count) { c_sendto(descriptor, raw.baseAddress, $0, flags, pointer, length) }
                    }
                }
                switch result {
                case .success(let count): return count
                case .failure(let errno): throw failure("sendto", errno)
                }
            }
        }
    }

    /// Receives one datagram and the address it came from. The corresponding C function is
    /// `recvfrom`; Python's `recvfrom(bufsize)`.
    ///
    /// A datagram longer than `maxBytes` is cut to fit and the rest is lost.
    public func recvFrom(maxBytes: Int = 65536, flags: Int32 = 0) throws(SocketError) -> ([UInt8], SocketAddress) {
        return try withDescriptor("recvfrom") { (descriptor) throws(SocketError) -> ([UInt8], SocketAddress) in
            var buffer = [UInt8](repeating: 0, count: max(0, maxBytes))
            return try traced(.recvfrom, descriptor: descriptor, detail: "up to \(maxBytes) bytes",
                              describe: { Completion(value: $0.0.count, peer: $0.1.endpoint, detail: "\($0.0.count) bytes from \($0.1)") }
            ) { () throws(SocketError) -> ([UInt8], SocketAddress) in
                let (result, address) = buffer.withUnsafeMutableBytes { raw in
                    receiveAddress { pointer, length in
                        Syscall.transfer("recvfrom", count: raw.count) {
                            c_recvfrom(descriptor, raw.baseAddress, $0, flags, pointer, length)
                        }
                    }
                }
                switch result {
                case .success(let count):
                    buffer.removeSubrange(count...)
                    return (buffer, address ?? .unix(path: ""))
                case .failure(let errno):
                    throw failure("recvfrom", errno)
                }
            }
        }
    }

    /// Sends `count` bytes of an open file, starting at `offset`, without copying them
    /// through this program. The corresponding C function is Linux's `sendfile`; Python's
    /// `socket.sendfile()`.
    ///
    /// The kernel moves the file's pages to the socket directly (zero-copy), which is why
    /// web servers use it for static files. Calls sendfile() until `count` bytes are sent
    /// or the file ends, and returns the total.
    @discardableResult
    public func sendFile(from file: Int32, offset: Int64 = 0, count: Int) throws(SocketError) -> Int {
        return try withDescriptor("sendfile") { (descriptor) throws(SocketError) -> Int in
            var position = off_t(offset)
            var total = 0
            while total < count {
                let chunk = try traced(.sendfile, descriptor: descriptor, detail: "\(count - total) bytes from fd \(file)",
                                       describe: { Completion(value: $0) }) { () throws(SocketError) -> Int in
                    #if canImport(Glibc)
                    let result = Syscall.transfer("sendfile", count: count - total, descriptorsAreOurs: false) {
                        c_sendfile(descriptor, file, &position, $0)
                    }
                    switch result {
                    case .success(let sent): return sent
                    case .failure(let errno): throw SocketError(call: "sendfile", reason: failure("sendfile", errno).reason,
                                                                bytesTransferred: total)
                    }
                    #else
                    throw SocketError(call: "sendfile", reason: .system(.notSupported))
                    #endif
                }
                if chunk == 0 { break }
                total += chunk
            }
            return total
        }
    }

    // MARK: Options and modes

    /// Sets how long a blocking receive or send may wait, or nil for no limit. The C calls are
    /// `setsockopt(SO_RCVTIMEO)` and `setsockopt(SO_SNDTIMEO)`: the kernel's own timeouts, and the
    /// socket stays blocking.
    ///
    /// Python's `settimeout()` looks the same but works differently: it sets `O_NONBLOCK` and
    /// waits in `poll()` before each call, never using SO_*TIMEO. So in Python a timed send() can
    /// return a partial count, and a `fileno()` handed elsewhere is non-blocking.
    ///
    /// On Linux the receive timeout also limits accept(), and the send timeout limits connect(),
    /// which then fails with `EINPROGRESS` (the handshake goes on). When it expires the call fails
    /// with ``SocketError/Reason/timedOut``.
    public func setTimeout(_ timeout: Duration?) throws(SocketError) {
        var value = timeval()
        if let timeout, timeout > .zero {
            let (seconds, attoseconds) = timeout.components
            value.tv_sec = Int(seconds)
            value.tv_usec = Int(attoseconds / 1_000_000_000_000)
            // A timeval of zero means "no timeout": round a tiny timeout up to 1 µs.
            if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        }
        try setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: value, call: "setsockopt(SO_RCVTIMEO)")
        try setOption(level: SOL_SOCKET, name: SO_SNDTIMEO, value: value, call: "setsockopt(SO_SNDTIMEO)")
        state.withLock { $0.timeout = timeout }
    }

    /// Switches between blocking (the default) and non-blocking mode. Python's
    /// `setblocking()`; the C call is `fcntl(F_SETFL, O_NONBLOCK)`.
    ///
    /// A non-blocking accept() or recv() with nothing ready fails at once with
    /// `EAGAIN`/`EWOULDBLOCK` (``SocketError/Reason/wouldBlock``; Python raises
    /// `BlockingIOError`) instead of waiting.
    public func setBlocking(_ blocking: Bool) throws(SocketError) {
        try withDescriptor("fcntl") { (descriptor) throws(SocketError) in
            let flags = Syscall.run("fcntl") { fcntl(descriptor, F_GETFL) }
            guard case .success(let current) = flags else {
                if case .failure(let errno) = flags { throw SocketError(call: "fcntl", errno: errno) }
                return
            }
            let updated = blocking ? current & ~Int32(O_NONBLOCK) : current | Int32(O_NONBLOCK)
            if case .failure(let errno) = Syscall.run("fcntl", { fcntl(descriptor, F_SETFL, updated) }) {
                throw SocketError(call: "fcntl", errno: errno)
            }
            state.withLock { $0.blocking = blocking }
        }
    }

    /// Lets bind() reuse a port whose earlier connections are still in TIME-WAIT. Linux
    /// checks the flag on both sockets: the TIME-WAIT socket keeps the flag of the socket it
    /// came from, so the old server must have set it too. It never lets a second socket
    /// listen on a port another one listens on (that is SO_REUSEPORT). The
    /// corresponding C call is `setsockopt(SOL_SOCKET, SO_REUSEADDR)`.
    public func setReuseAddress(_ enabled: Bool) throws(SocketError) {
        try setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: Int32(enabled ? 1 : 0), call: "setsockopt(SO_REUSEADDR)")
    }

    /// Lets several sockets of one user bind and listen on the same address and port; the
    /// kernel spreads incoming connections over the listeners by a hash of the 4-tuple.
    /// Every socket sharing the port must set it before bind(). The corresponding C call is
    /// `setsockopt(SOL_SOCKET, SO_REUSEPORT)` (Linux 3.9 and later).
    public func setReusePort(_ enabled: Bool) throws(SocketError) {
        try setOption(level: SOL_SOCKET, name: Int32(SO_REUSEPORT), value: Int32(enabled ? 1 : 0), call: "setsockopt(SO_REUSEPORT)")
    }

    /// Sends small writes at once instead of waiting to fill a segment (Nagle's algorithm
    /// off). The corresponding C call is `setsockopt(IPPROTO_TCP, TCP_NODELAY)`.
    public func setNoDelay(_ enabled: Bool) throws(SocketError) {
        try setOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: Int32(enabled ? 1 : 0),
                      call: "setsockopt(TCP_NODELAY)")
    }

    #if os(Linux)
    /// Linux only: accept() returns a connection only once its first data arrives; a bare
    /// final ACK is not enough. The corresponding C call is `setsockopt(IPPROTO_TCP, TCP_DEFER_ACCEPT)`.
    public func setDeferAccept(seconds: Int32) throws(SocketError) {
        try setOption(level: Int32(IPPROTO_TCP), name: TCP_DEFER_ACCEPT, value: seconds,
                      call: "setsockopt(TCP_DEFER_ACCEPT)")
    }
    #endif

    /// With `seconds` = 0, close() discards unsent data and sends RST instead of FIN.
    /// The corresponding C call is `setsockopt(SOL_SOCKET, SO_LINGER)`.
    public func setLinger(seconds: Int32?) throws(SocketError) {
        var value = linger()
        value.l_onoff = seconds == nil ? 0 : 1
        value.l_linger = seconds ?? 0
        try setOption(level: SOL_SOCKET, name: SO_LINGER, value: value, call: "setsockopt(SO_LINGER)")
    }

    /// Sets SO_RCVBUF: how many bytes the kernel may hold for this socket before the
    /// receive window closes. Linux doubles the value for its own bookkeeping.
    public func setReceiveBufferSize(_ bytes: Int32) throws(SocketError) {
        try setOption(level: SOL_SOCKET, name: SO_RCVBUF, value: bytes, call: "setsockopt(SO_RCVBUF)")
    }

    /// Sets SO_SNDBUF: how many unsent or unacknowledged bytes the kernel may hold.
    public func setSendBufferSize(_ bytes: Int32) throws(SocketError) {
        try setOption(level: SOL_SOCKET, name: SO_SNDBUF, value: bytes, call: "setsockopt(SO_SNDBUF)")
    }

    /// Any socket option whose value is a plain C value. The corresponding C function is `setsockopt`.
    public func setOption<Value: BitwiseCopyable>(level: Int32, name: Int32, value: Value, call: String = "setsockopt") throws(SocketError) {
        try withDescriptor(call) { (descriptor) throws(SocketError) in
            var value = value
            let result = Syscall.run("setsockopt") {
                setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Value>.size))
            }
            if case .failure(let errno) = result { throw SocketError(call: call, errno: errno) }
        }
    }

    /// Reads an integer socket option. The corresponding C function is `getsockopt`.
    public func intOption(level: Int32, name: Int32, call: String = "getsockopt") throws(SocketError) -> Int32 {
        return try withDescriptor(call) { (descriptor) throws(SocketError) -> Int32 in
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            let result = Syscall.run("getsockopt") { getsockopt(descriptor, level, name, &value, &length) }
            if case .failure(let errno) = result { throw SocketError(call: call, errno: errno) }
            return value
        }
    }

    /// The error of a finished non-blocking connect (0 if none), cleared by reading it.
    /// The corresponding C call is `getsockopt(SOL_SOCKET, SO_ERROR)`.
    public func pendingError() throws(SocketError) -> Int32 {
        try intOption(level: SOL_SOCKET, name: SO_ERROR, call: "getsockopt(SO_ERROR)")
    }

    /// Waits until the socket is readable (data, a connection to accept, or the peer's FIN)
    /// or `timeout` passes; returns whether it is readable. The corresponding C function is `poll`.
    public func waitUntilReadable(timeout: Duration?) throws(SocketError) -> Bool {
        try waitFor(events: Int16(POLLIN), timeout: timeout)
    }

    /// Waits until the socket can take more data, or `timeout` passes.
    public func waitUntilWritable(timeout: Duration?) throws(SocketError) -> Bool {
        try waitFor(events: Int16(POLLOUT), timeout: timeout)
    }

    private func waitFor(events: Int16, timeout: Duration?) throws(SocketError) -> Bool {
        return try withDescriptor("poll") { (descriptor) throws(SocketError) -> Bool in
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let milliseconds = timeout.map { Int32(clamping: max(0, $0.milliseconds)) } ?? -1
            switch Syscall.run("poll", { c_poll(&entry, milliseconds) }) {
            case .success(let ready): return ready > 0
            case .failure(let errno): throw SocketError(call: "poll", errno: errno)
            }
        }
    }

    // MARK: Addresses

    /// The address of the other end. The corresponding C function is `getpeername`; Python's `getpeername()`.
    /// - Throws: `ENOTCONN` when the socket is not connected.
    public func peerAddress() throws(SocketError) -> SocketAddress {
        return try withDescriptor("getpeername") { (descriptor) throws(SocketError) -> SocketAddress in
            let (result, address) = receiveAddress { pointer, length in Syscall.run("getpeername") { getpeername(descriptor, pointer, length) } }
            if case .failure(let errno) = result { throw SocketError(call: "getpeername", errno: errno) }
            guard let address else { throw SocketError(call: "getpeername", reason: .system(.addressFamilyNotSupported)) }
            return address
        }
    }

    /// This socket's own address (with the port the kernel chose, after bind to port 0 or
    /// connect). The corresponding C function is `getsockname`; Python's `getsockname()`.
    public func localAddress() throws(SocketError) -> SocketAddress {
        return try withDescriptor("getsockname") { (descriptor) throws(SocketError) -> SocketAddress in
            let (result, address) = receiveAddress { pointer, length in Syscall.run("getsockname") { getsockname(descriptor, pointer, length) } }
            if case .failure(let errno) = result { throw SocketError(call: "getsockname", errno: errno) }
            guard let address else { throw SocketError(call: "getsockname", reason: .system(.addressFamilyNotSupported)) }
            return address
        }
    }

    // MARK: Ending

    /// Closes one or both directions while keeping the descriptor. The corresponding C
    /// function is `shutdown`; Python's `shutdown(how)`.
    ///
    /// `shutdown(.write)` makes TCP send a FIN: the peer's recv() returns 0 (end of file)
    /// while this side can still receive its reply. Also wakes a thread blocked in recv()
    /// or accept() on this socket.
    public func shutdown(_ direction: ShutdownDirection) throws(SocketError) {
        try withDescriptor("shutdown") { (descriptor) throws(SocketError) in
            try traced(.shutdown, descriptor: descriptor, detail: direction.description,
                       describe: { Completion(value: 0) }) { () throws(SocketError) in
                if case .failure(let errno) = Syscall.run("shutdown", { c_shutdown(descriptor, direction.rawValue) }) {
                    throw SocketError(call: "shutdown", errno: errno)
                }
            }
        }
    }

    /// Releases the descriptor. The corresponding C function is `close`; Python's `close()`.
    ///
    /// The kernel finishes the connection (FIN, or RST if unread data was waiting) after
    /// we are gone. Closing twice is harmless here: the descriptor is released exactly once.
    ///
    /// From the moment close() is called no call can start on this socket (it fails with
    /// ``SocketError/Reason/closedSocket``). If another thread is inside a call right now,
    /// the descriptor cannot be released yet (its number would be reused under that call),
    /// and close() must not wait for it either: a thread blocked in accept() or recv() may
    /// wait forever, and on Linux close() alone does not wake it. So close() wakes it with
    /// `shutdown(SHUT_RDWR)` (accept() then fails, recv() returns 0), returns at once, and
    /// the last call to leave releases the descriptor. close() never blocks.
    public func close() {
        let (now, busy) = state.withLock { state -> (Int32, Int32) in
            guard !state.closing else { return (-1, -1) }
            state.closing = true
            if state.callsInFlight == 0 {
                let descriptor = state.descriptor
                state.descriptor = -1
                return (descriptor, -1)
            }
            // close() is a user too while it wakes the others, so the number stays ours
            // until its shutdown() has returned.
            state.callsInFlight += 1
            return (-1, state.descriptor)
        }
        if now >= 0 { release(now) }
        guard busy >= 0 else { return }
        let pending = tracer?.enter(.shutdown, descriptor: busy, role: role, detail: "\(ShutdownDirection.both) (close while a call is in flight)")
        let woken = Syscall.run("shutdown") { c_shutdown(busy, ShutdownDirection.both.rawValue) }
        if let pending {
            let outcome: SyscallOutcome = switch woken {
            case .success: .returned(0)
            case .failure(let errno): .failed(errno: errno.rawValue, name: ErrnoName.of(errno.rawValue))
            }
            tracer?.complete(pending, outcome: outcome, at: Instant.now())
        }
        _ = leave()
    }

    /// The close() itself, once nothing uses the descriptor.
    private func release(_ descriptor: Int32) {
        let pending = tracer?.enter(.close, descriptor: descriptor, role: role)
        let error = Syscall.close(descriptor)
        let returned = Instant.now()
        if let pending {
            let outcome: SyscallOutcome = error.map { .failed(errno: $0.rawValue, name: ErrnoName.of($0.rawValue)) } ?? .returned(0)
            tracer?.complete(pending, outcome: outcome, at: returned)
        }
    }

    // MARK: Pairs

    /// Two sockets connected to each other, for talking between threads or to a child
    /// process. The corresponding C function is `socketpair`; Python's `socket.socketpair()`.
    ///
    /// Linux offers socketpair for AF_UNIX only.
    public static func pair(
        family: AddressFamily = .unix, type: SocketType = .stream, tracer: TraceRecorder? = nil, role: String = ""
    ) throws(SocketError) -> (Socket, Socket) {
        _ = ignoreBrokenPipeSignal
        var descriptors: [Int32] = [-1, -1]
        let pending = tracer?.enter(.socketpair, descriptor: -1, role: role, detail: "\(family), \(type)")
        let result = Syscall.run("socketpair") { c_socketpair(family.rawValue, type.rawValue, &descriptors) }
        let returned = Instant.now()
        if case .failure(let errno) = result {
            if let pending {
                tracer?.complete(pending, outcome: .failed(errno: errno.rawValue, name: ErrnoName.of(errno.rawValue)), at: returned)
            }
            throw SocketError(call: "socketpair", errno: errno)
        }
        if let pending {
            tracer?.complete(pending, outcome: .returned(0), at: returned, resultDetail: "fds \(descriptors[0]), \(descriptors[1])")
        }
        return (Socket(adopting: descriptors[0], family: family, type: type, tracer: tracer, role: role),
                Socket(adopting: descriptors[1], family: family, type: type, tracer: tracer, role: role))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a tiny timeout still waits.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let fraction = attoseconds / 1_000_000_000_000_000
        let remainder = attoseconds % 1_000_000_000_000_000
        return seconds * 1000 + fraction + (remainder > 0 ? 1 : 0)
    }
}
