import Foundation
import Sockets
import Synchronization
import SystemPackage
import Trace
import XCTest

/// What the syscall seam's hook was asked, call by call, and what it answers.
private final class ScriptedCalls: Sendable {
    private let seen = Mutex<[String]>([])
    private let script: @Sendable (_ call: String, _ earlierOfSameName: Int) -> SyscallFault

    init(_ script: @escaping @Sendable (_ call: String, _ earlierOfSameName: Int) -> SyscallFault) {
        self.script = script
    }

    var hook: SyscallSeam.Hook {
        { call in
            let earlier = self.seen.withLock { seen in
                defer { seen.append(call) }
                return seen.filter { $0 == call }.count
            }
            return self.script(call, earlier)
        }
    }

    func count(_ call: String) -> Int { seen.withLock { $0.filter { $0 == call }.count } }
}

/// The funnel every socket call goes through, driven by the debug-only seam: forced EINTR,
/// EAGAIN, partial sends and an interrupted connect, each on real sockets.
final class SyscallSeamTests: XCTestCase {
    var descriptorsAtStart = 0

    override func setUp() {
        descriptorsAtStart = openDescriptorCount()
    }

    override func tearDown() {
        XCTAssertEqual(openDescriptorCount(), descriptorsAtStart, "a descriptor was left open")
    }

    private let interruptions = 5

    func testForcedEINTRsAreRetriedByRecvAcceptAndRecvfrom() throws {
        let eintr = interruptions
        let calls = ScriptedCalls { _, earlier in earlier < eintr ? .fail(.interrupted) : .proceed }

        let tracer = TraceRecorder()
        let (left, right) = try Socket.pair(tracer: tracer)
        defer { left.close(); right.close() }
        try right.sendAll(Array("hi".utf8))
        let received = try SyscallSeam.with(calls.hook) { try left.recv(maxBytes: 16) }
        XCTAssertEqual(received, Array("hi".utf8), "after \(eintr) EINTRs recv() still returns the bytes")
        XCTAssertEqual(calls.count("recv"), eintr + 1, "each EINTR is followed by one more recv()")
        XCTAssertEqual(tracer.snapshot().filter { $0.call == .recv }.count, 1,
                       "the retries are the funnel's business: the trace shows one recv()")

        let (listener, address) = try makeListener()
        defer { listener.close() }
        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        let (connection, peer) = try SyscallSeam.with(calls.hook) { try listener.accept() }
        defer { connection.close() }
        XCTAssertEqual(peer, try client.localAddress(), "the retried accept() returns the client that connected")
        XCTAssertEqual(calls.count("accept"), eintr + 1, "accept() retried EINTR in the funnel, not in a loop of its own")

        let receiver = try Socket(family: .inet, type: .datagram)
        defer { receiver.close() }
        try receiver.bind(to: .ipv4(.loopback, port: 0))
        let sender = try Socket(family: .inet, type: .datagram)
        defer { sender.close() }
        try sender.bind(to: .ipv4(.loopback, port: 0))
        try sender.sendTo([7, 8, 9], address: try receiver.localAddress())
        let (datagram, source) = try SyscallSeam.with(calls.hook) { try receiver.recvFrom(maxBytes: 64) }
        XCTAssertEqual(datagram, [7, 8, 9])
        XCTAssertEqual(source, try sender.localAddress(), "recvfrom() still reports who sent the datagram")
        XCTAssertEqual(calls.count("recvfrom"), eintr + 1)
    }

    func testEAGAINIsItsOwnCaseAndIsNotRetried() throws {
        let (left, right) = try Socket.pair()
        defer { left.close(); right.close() }
        // Bytes are waiting, so only the seam can make recv() report EAGAIN.
        try right.sendAll([1])
        let calls = ScriptedCalls { call, _ in call == "recv" ? .fail(.resourceTemporarilyUnavailable) : .proceed }

        try left.setBlocking(false)
        XCTAssertThrowsError(try SyscallSeam.with(calls.hook) { try left.recv(maxBytes: 16) }) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .wouldBlock,
                           "EAGAIN on a non-blocking socket is 'would block' (Python's BlockingIOError), not a plain errno")
        }
        XCTAssertEqual(calls.count("recv"), 1, "EAGAIN is handed to the caller at once, never retried")

        try left.setBlocking(true)
        XCTAssertThrowsError(try SyscallSeam.with(calls.hook) { try left.recv(maxBytes: 16) }) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .timedOut,
                           "EAGAIN on a blocking socket means its SO_RCVTIMEO expired")
        }
        XCTAssertEqual(try left.recv(maxBytes: 16), [1], "without the seam the waiting byte is there")
    }

    func testPartialSendsAreCompletedBySendAll() throws {
        let tracer = TraceRecorder()
        let (left, right) = try Socket.pair(tracer: tracer)
        defer { left.close(); right.close() }
        let payload = (0..<100).map { UInt8($0) }
        let calls = ScriptedCalls { call, _ in call == "send" ? .shortTransfer(3) : .proceed }
        try SyscallSeam.with(calls.hook) { try left.sendAll(payload) }
        try left.shutdown(.write)

        var all: [UInt8] = []
        while all.count <= payload.count {
            let chunk = try right.recv(maxBytes: 256)
            if chunk.isEmpty { break }
            all += chunk
        }
        XCTAssertEqual(all, payload, "every byte arrives once, in order")
        // 100 bytes at 3 per send(): 33 sends of 3 and one of 1.
        XCTAssertEqual(calls.count("send"), 34)
        let counts = tracer.snapshot().filter { $0.call == .send }.compactMap { record -> Int? in
            if case .returned(let count) = record.outcome { return count }
            return nil
        }
        XCTAssertEqual(counts, Array(repeating: 3, count: 33) + [1], "the trace shows each partial send() as it happened")
    }

    func testInterruptedConnectWaitsForTheHandshakeInsteadOfConnectingAgain() throws {
        for interruption in [Errno.interrupted, .alreadyInProcess] {
            let (listener, address) = try makeListener()
            defer { listener.close() }
            let client = try Socket(family: .inet, type: .stream)
            defer { client.close() }
            // The real connect() runs (its SYN goes out), then the seam reports what a signal
            // would: EINTR, or EALREADY when SA_RESTART restarted the call.
            let calls = ScriptedCalls { call, earlier in
                call == "connect" && earlier == 0 ? .failAfterCall(interruption) : .proceed
            }
            try SyscallSeam.with(calls.hook) { try client.connect(to: address) }
            XCTAssertEqual(calls.count("connect"), 1,
                           "after \(ErrnoName.of(interruption.rawValue)) connect() must not be called again")
            XCTAssertEqual(calls.count("poll"), 1, "it waits for the socket to become writable")
            XCTAssertEqual(calls.count("getsockopt"), 1, "and reads the handshake's result with SO_ERROR")
            let (connection, peer) = try listener.accept()
            defer { connection.close() }
            XCTAssertEqual(peer, try client.localAddress(), "the one handshake reached the listener")
            try client.sendAll([42])
            XCTAssertEqual(try connection.recv(maxBytes: 4), [42])
        }
    }

    /// The real thing, no seam forcing anything: a connect() that blocks (the listener's accept
    /// queue is full, so the kernel drops the SYN and the client retransmits it after 1 s) is hit
    /// by a signal whose handler was installed without SA_RESTART, so the kernel returns EINTR.
    /// The seam only watches which calls are made.
    func testARealSignalDuringConnectIsWaitedOutNotConnectedAgain() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = 0  // no SA_RESTART: the blocked call fails with EINTR
        var previous = sigaction()
        XCTAssertEqual(sigaction(SIGUSR1, &action, &previous), 0)
        defer { sigaction(SIGUSR1, &previous, nil) }

        // backlog 0: Linux queues one finished connection and drops the SYNs after it.
        let (listener, address) = try makeListener(backlog: 0)
        defer { listener.close() }
        let first = try Socket(family: .inet, type: .stream)
        defer { first.close() }
        try first.connect(to: address)

        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        let calls = ScriptedCalls { _, _ in .proceed }
        let thread = Mutex<pthread_t?>(nil)
        let outcome = Mutex<Result<Void, SocketError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let connector = Thread {
            thread.withLock { $0 = pthread_self() }
            let result = SyscallSeam.with(calls.hook) { Result { () throws(SocketError) in try client.connect(to: address) } }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        connector.start()
        // Signal the thread until it has left connect() for poll(): proof that EINTR came.
        let deadline = Date().addingTimeInterval(5)
        while calls.count("poll") == 0, outcome.withLock({ $0 }) == nil, Date() < deadline {
            usleep(20_000)
            if let target = thread.withLock({ $0 }) { pthread_kill(target, SIGUSR1) }
        }
        // More than one poll() when a later signal interrupted the wait too (the funnel retries it).
        XCTAssertGreaterThanOrEqual(calls.count("poll"), 1, "the signal interrupted connect() and it went on to wait with poll()")
        // Make room in the accept queue; the retransmitted SYN then completes the handshake.
        let (firstConnection, _) = try listener.accept()
        defer { firstConnection.close() }
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success, "connect() finished once the queue had room")
        if case .failure(let error)? = outcome.withLock({ $0 }) { XCTFail("connect after EINTR failed: \(error)") }
        XCTAssertEqual(calls.count("connect"), 1, "connect() was not called a second time after EINTR")
        let (connection, peer) = try listener.accept()
        defer { connection.close() }
        XCTAssertEqual(peer, try client.localAddress(), "the interrupted handshake is the one the listener got")
    }

    /// EBADF, ENOTSOCK and EFAULT mean a bug in osilab: a debug build must stop at once and say
    /// which call. The trap is made in a child process (this test binary, running only the
    /// helper below), so this process survives to check how the child died.
    func testABugErrnoStopsADebugBuildWithTheCallNamed() throws {
        for code in ["EBADF", "ENOTSOCK", "EFAULT"] {
            let (status, text) = try runTrapHelper(code)
            // WIFSIGNALED: the low 7 bits hold the signal, and are neither 0 (exited) nor 0x7f (stopped).
            let signal = status & 0x7f
            XCTAssertTrue(signal != 0 && signal != 0x7f, "\(code) from recv() must trap in a debug build (status \(status)): \(text)")
            XCTAssertTrue(text.contains("recv failed with \(code)"), "the trap names the call and the errno: \(text)")
        }
    }

    /// Runs this test binary with only the helper below, and returns its wait status and output.
    /// posix_spawn directly: Foundation's Process keeps descriptors of its own open afterwards.
    private func runTrapHelper(_ code: String) throws -> (Int32, String) {
        var pipeEnds: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        let arguments = [CommandLine.arguments[0], "SocketsTests.SyscallSeamTests/testBugErrnoTrapHelper"]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" } + ["OSILAB_TRAP_HELPER=\(code)"]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/proc/self/exe", &actions, nil, &argv, &envp)
        Glibc.close(pipeEnds[1])
        defer { Glibc.close(pipeEnds[0]) }
        guard spawned == 0 else { throw SocketError(call: "posix_spawn", errno: Errno(rawValue: spawned)) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += chunk.prefix(count)
        }
        var status: Int32 = 0
        waitpid(child, &status, 0)
        return (status, String(decoding: output, as: UTF8.self))
    }

    /// Only does something in the child started above.
    func testBugErrnoTrapHelper() throws {
        guard let name = ProcessInfo.processInfo.environment["OSILAB_TRAP_HELPER"] else { return }
        let code: Errno = switch name {
        case "ENOTSOCK": .notSocket
        case "EFAULT": .badAddress
        default: .badFileDescriptor
        }
        let (left, right) = try Socket.pair()
        defer { left.close(); right.close() }
        let calls = ScriptedCalls { call, _ in call == "recv" ? .fail(code) : .proceed }
        _ = try? SyscallSeam.with(calls.hook) { try left.recv(maxBytes: 1) }
        XCTFail("recv() with \(name) returned instead of trapping")
    }

    func testInterruptedConnectNeverReportsAConnectionThatFailed() throws {
        let (holder, address) = try closedPort()
        defer { holder.close() }
        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        // The real connect() is refused and takes the error with it; the seam then says EINTR.
        // SO_ERROR is 0 afterwards, so only getpeername() can tell that nothing connected.
        let calls = ScriptedCalls { call, earlier in
            call == "connect" && earlier == 0 ? .failAfterCall(.interrupted) : .proceed
        }
        XCTAssertThrowsError(try SyscallSeam.with(calls.hook) { try client.connect(to: address) }) { error in
            XCTAssertEqual((error as? SocketError)?.call, "connect")
        }
        XCTAssertEqual(calls.count("connect"), 1)
    }

    func testACloseDuringTheCallKeepsTheNumberUntilTheCallHasLeft() throws {
        let (socket, peer) = try Socket.pair()
        defer { peer.close() }
        let number = socket.fileno
        let unrelated = Mutex<[Int32]>([])
        // Inside send(), after the descriptor was taken and before the kernel is asked:
        // close the socket and open an unrelated pair, exactly the window of the old race.
        let calls = ScriptedCalls { call, earlier in
            if call == "send" && earlier == 0 {
                socket.close()
                var descriptors: [Int32] = [-1, -1]
                if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 {
                    unrelated.withLock { $0 = descriptors }
                }
            }
            return .proceed
        }
        XCTAssertThrowsError(try SyscallSeam.with(calls.hook) { try socket.send(Array("STALE".utf8)) }) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .closedSocket, "the send was woken by close()'s shutdown")
        }
        let pair = unrelated.withLock { $0 }
        XCTAssertEqual(pair.count, 2, "socketpair failed")
        for descriptor in pair {
            XCTAssertNotEqual(descriptor, number, "the closed socket's number was handed out while send() still used it")
            var waiting: Int32 = 0
            XCTAssertEqual(ioctl(descriptor, UInt(FIONREAD), &waiting), 0)
            XCTAssertEqual(waiting, 0, "the unrelated pair received bytes meant for the closed socket")
            Glibc.close(descriptor)
        }
        XCTAssertEqual(fcntl(number, F_GETFD), -1, "once send() has left, the descriptor is released")
    }
}
