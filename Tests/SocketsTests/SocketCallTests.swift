import Foundation
import Sockets
import SystemPackage
import Trace
import Wire
import XCTest

/// A listening TCP socket on loopback, on a port the kernel picks.
func makeListener(_ family: AddressFamily = .inet, backlog: Int32 = 16, tracer: TraceRecorder? = nil) throws -> (Socket, SocketAddress) {
    let listener = try Socket(family: family, type: .stream, tracer: tracer, role: "server")
    try listener.setReuseAddress(true)
    let loopback: SocketAddress = family == .inet6 ? .ipv6(.loopback, port: 0) : .ipv4(.loopback, port: 0)
    try listener.bind(to: loopback)
    try listener.listen(backlog: backlog)
    return (listener, try listener.localAddress())
}

/// A TCP connection on 127.0.0.1 and the listener it came through: the client's socket and
/// the server's end from accept(). The caller closes all three; on failure nothing stays open.
func makeConnection(clientTracer: TraceRecorder? = nil, clientRole: String = "") throws -> (listener: Socket, client: Socket, connection: Socket) {
    let (listener, address) = try makeListener()
    var client: Socket?
    do {
        let connecting = try Socket(family: .inet, type: .stream, tracer: clientTracer, role: clientRole)
        client = connecting
        try connecting.connect(to: address)
        let (connection, _) = try listener.accept()
        return (listener, connecting, connection)
    } catch {
        client?.close()
        listener.close()
        throw error
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound (so nobody else takes it) but never listening.
func closedPort() throws -> (Socket, SocketAddress) {
    let holder = try Socket(family: .inet, type: .stream)
    try holder.bind(to: .ipv4(.loopback, port: 0))
    return (holder, try holder.localAddress())
}

final class SocketCallTests: XCTestCase {
    var descriptorsAtStart = 0

    override func setUp() {
        descriptorsAtStart = openDescriptorCount()
    }

    override func tearDown() {
        XCTAssertEqual(openDescriptorCount(), descriptorsAtStart,
                       "a socket was left open: every test must close what it opens")
    }

    func testConnectAcceptSendRecvOverIPv4() throws {
        let (listener, address) = try makeListener()
        defer { listener.close() }
        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        let (connection, peer) = try listener.accept()
        defer { connection.close() }

        XCTAssertEqual(try client.localAddress(), peer, "accept() returns the client's address")
        XCTAssertEqual(try connection.peerAddress(), peer, "getpeername on the server side names the client")
        XCTAssertEqual(try client.peerAddress(), address, "getpeername on the client names the server")

        try client.sendAll(Array("hello".utf8))
        XCTAssertEqual(try connection.recv(maxBytes: 1024), Array("hello".utf8))
        try connection.sendAll(Array("HELLO".utf8))
        XCTAssertEqual(try client.recv(maxBytes: 1024), Array("HELLO".utf8))
    }

    func testIPv6Loopback() throws {
        let (listener, address) = try makeListener(.inet6)
        defer { listener.close() }
        guard case .ip(let endpoint) = address, case .v6(let v6) = endpoint.address else {
            return XCTFail("expected an IPv6 address, got \(address)")
        }
        XCTAssertEqual(v6, .loopback)
        XCTAssertTrue(address.description.hasPrefix("[::1]:"), "IPv6 addresses print in brackets: \(address)")
        let client = try Socket(family: .inet6, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        let (connection, _) = try listener.accept()
        defer { connection.close() }
        try client.sendAll([1, 2, 3])
        XCTAssertEqual(try connection.recv(maxBytes: 16), [1, 2, 3])
    }

    func testRefusedConnectThrowsAndConnectExReturns111() throws {
        let (holder, address) = try closedPort()
        defer { holder.close() }

        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        XCTAssertThrowsError(try client.connect(to: address)) { error in
            let error = error as? SocketError
            XCTAssertEqual(error?.call, "connect")
            XCTAssertEqual(error?.errno, .connectionRefused)
            XCTAssertTrue(error?.description.contains("ECONNREFUSED (errno 111)") ?? false, "\(String(describing: error))")
        }

        let second = try Socket(family: .inet, type: .stream)
        defer { second.close() }
        XCTAssertEqual(second.connectEx(to: address), 111, "connect_ex on Linux returns ECONNREFUSED = 111, not Windows' 10061")
        XCTAssertEqual(Errno.connectionRefused.rawValue, 111)
    }

    func testAddressInUse() throws {
        let (listener, address) = try makeListener()
        defer { listener.close() }
        let second = try Socket(family: .inet, type: .stream)
        defer { second.close() }
        XCTAssertThrowsError(try second.bind(to: address)) { error in
            let error = error as? SocketError
            XCTAssertEqual(error?.call, "bind")
            XCTAssertEqual(error?.errno, .addressInUse)
            XCTAssertTrue(error?.description.contains("SO_REUSEADDR") ?? false, "the message explains the usual cure")
        }
    }

    func testReceiveTimeoutIsItsOwnError() throws {
        let (listener, client, connection) = try makeConnection()
        defer { listener.close(); client.close(); connection.close() }

        try client.setTimeout(.milliseconds(150))
        XCTAssertEqual(client.timeout, .milliseconds(150))
        let start = Instant.now()
        XCTAssertThrowsError(try client.recv(maxBytes: 10)) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .timedOut)
        }
        let waited = Instant.now().nanoseconds(since: start)
        XCTAssertGreaterThanOrEqual(waited, 100_000_000, "recv must wait about the timeout before giving up")

        // accept() honours the receive timeout too.
        try listener.setTimeout(.milliseconds(50))
        XCTAssertThrowsError(try listener.accept()) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .timedOut)
        }
    }

    func testNonBlockingAcceptAndRecvWouldBlock() throws {
        let (listener, address) = try makeListener()
        defer { listener.close() }
        try listener.setBlocking(false)
        XCTAssertFalse(listener.isBlocking)
        XCTAssertThrowsError(try listener.accept()) { error in
            let error = error as? SocketError
            XCTAssertEqual(error?.reason, .wouldBlock, "an empty accept queue on a non-blocking socket is EAGAIN")
            XCTAssertEqual(error?.errno, .resourceTemporarilyUnavailable)
        }

        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        XCTAssertTrue(try listener.waitUntilReadable(timeout: .seconds(2)), "the completed connection makes the listener readable")
        let (connection, _) = try listener.accept()
        defer { connection.close() }
        try connection.setBlocking(false)
        XCTAssertThrowsError(try connection.recv(maxBytes: 10)) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .wouldBlock)
        }
    }

    func testNonBlockingSendMayBePartial() throws {
        let (listener, client, connection) = try makeConnection()
        defer { listener.close(); client.close(); connection.close() }

        // Nobody reads: a non-blocking send of 8 MiB can only take what fits in the buffers.
        let payload = [UInt8](repeating: 0x41, count: 8 << 20)
        try client.setBlocking(false)
        let taken = try client.send(payload)
        XCTAssertGreaterThan(taken, 0)
        XCTAssertLessThan(taken, payload.count, "send() took only part of the data: the caller must send the rest")
        XCTAssertThrowsError(try client.send(payload)) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .wouldBlock, "with full buffers a non-blocking send is EAGAIN")
        }
    }

    func testSendAllLoopsOverPartialSends() throws {
        let tracer = TraceRecorder()
        let (listener, client, connection) = try makeConnection(clientTracer: tracer, clientRole: "client")
        defer { listener.close(); client.close(); connection.close() }

        // A send timeout makes a blocking send() return early with a partial count when the
        // slow reader below cannot keep up, so sendAll() has to loop.
        try client.setTimeout(.milliseconds(100))
        let payload = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let received = Mutex<[UInt8]>([])
        let reader = Thread {
            var all: [UInt8] = []
            all.reserveCapacity(payload.count)
            while all.count < payload.count, let chunk = try? connection.recv(maxBytes: 65536), !chunk.isEmpty {
                all += chunk
                usleep(2_000)
            }
            received.withLock { $0 = all }
        }
        reader.start()
        try client.sendAll(payload)
        let deadline = Date().addingTimeInterval(30)
        while received.withLock({ $0.count }) < payload.count, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(received.withLock { $0 }, payload, "every byte arrives, in order")
        let sends = tracer.snapshot().filter { $0.call == .send }
        XCTAssertGreaterThan(sends.count, 1, "sendAll needed several send() calls (trace: \(sends.map(\.detail)))")
        let counts = sends.compactMap { record -> Int? in
            if case .returned(let count) = record.outcome { return count }
            return nil
        }
        XCTAssertEqual(counts.reduce(0, +), payload.count, "the partial counts add up to the whole payload")
    }

    func testUDPKeepsDatagramBoundaries() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        defer { receiver.close() }
        try receiver.bind(to: .ipv4(.loopback, port: 0))
        let address = try receiver.localAddress()
        let sender = try Socket(family: .inet, type: .datagram)
        defer { sender.close() }
        for message in ["one", "two", "three"] {
            XCTAssertEqual(try sender.sendTo(Array(message.utf8), address: address), message.utf8.count)
        }
        // The sender was bound implicitly by its first sendto(), to the wildcard address.
        let senderPort = try sender.localAddress().port
        for expected in ["one", "two", "three"] {
            let (bytes, from) = try receiver.recvFrom(maxBytes: 1024)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), expected,
                           "each recvfrom returns exactly one datagram, never two run together")
            XCTAssertEqual(from, .ipv4(.loopback, port: senderPort ?? 0))
        }
    }

    func testSocketPairCarriesBytesBothWays() throws {
        let (left, right) = try Socket.pair()
        defer { left.close(); right.close() }
        XCTAssertEqual(left.family, .unix)
        try left.sendAll(Array("ping".utf8))
        XCTAssertEqual(try right.recv(maxBytes: 16), Array("ping".utf8))
        try right.sendAll(Array("pong".utf8))
        XCTAssertEqual(try left.recv(maxBytes: 16), Array("pong".utf8))
        try left.shutdown(.write)
        XCTAssertEqual(try right.recv(maxBytes: 16), [], "after shutdown(SHUT_WR) the peer reads end of file")
    }

    func testUnixStreamSocket() throws {
        let path = NSTemporaryDirectory() + "osilab-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        let address = try SocketAddress(parsing: "unix:" + path)
        let listener = try Socket(family: .unix, type: .stream)
        defer { listener.close() }
        try listener.bind(to: address)
        try listener.listen()
        XCTAssertEqual(try listener.localAddress(), address)
        let client = try Socket(family: .unix, type: .stream)
        defer { client.close() }
        try client.connect(to: address)
        let (connection, _) = try listener.accept()
        defer { connection.close() }
        try client.sendAll(Array("local".utf8))
        XCTAssertEqual(try connection.recv(maxBytes: 16), Array("local".utf8))
    }

    func testSequencedPacketKeepsBoundariesOnUnixSockets() throws {
        // SOCK_SEQPACKET is alive and well: a connection that keeps message boundaries.
        let (left, right) = try Socket.pair(family: .unix, type: .sequencedPacket)
        defer { left.close(); right.close() }
        try left.sendAll(Array("first".utf8))
        try left.sendAll(Array("second".utf8))
        XCTAssertEqual(try right.recv(maxBytes: 64), Array("first".utf8))
        XCTAssertEqual(try right.recv(maxBytes: 64), Array("second".utf8))
    }

    func testGetAddressInfoResolvesLocalhost() throws {
        let answers = try getAddressInfo(host: "localhost", port: 4545, type: .stream)
        XCTAssertFalse(answers.isEmpty)
        XCTAssertTrue(answers.allSatisfy { $0.address.port == 4545 })
        XCTAssertTrue(answers.contains { $0.address == .ipv4(.loopback, port: 4545) },
                      "localhost resolves to 127.0.0.1 (got \(answers))")
        XCTAssertThrowsError(try getAddressInfo(host: "no-such-host.invalid", port: 1)) { error in
            guard case .resolution = (error as? SocketError)?.reason else {
                return XCTFail("a name that does not resolve is a resolution error, got \(error)")
            }
        }
    }

    func testCreateConnectionTriesEachAddress() throws {
        // The server listens on IPv4 only; localhost may resolve to ::1 first, which is refused.
        let (listener, address) = try makeListener(.inet)
        defer { listener.close() }
        let client = try createConnection(host: "localhost", port: address.port!, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertEqual(try client.peerAddress(), address)
        XCTAssertEqual(client.timeout, .seconds(2), "the timeout stays set on the socket, as in Python")
        let (connection, _) = try listener.accept()
        connection.close()
    }

    func testSendFileSendsAFileWithoutCopyingItThroughUs() throws {
        let path = NSTemporaryDirectory() + "osilab-sendfile-\(getpid()).bin"
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(content)), "cannot write \(path)")
        defer { unlink(path) }
        let file = open(path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(file, 0)
        defer { Foundation.close(file) }

        let (left, right) = try Socket.pair()
        defer { left.close(); right.close() }
        let reader = Mutex<[UInt8]>([])
        let thread = Thread {
            var all: [UInt8] = []
            while let chunk = try? right.recv(maxBytes: 65536), !chunk.isEmpty { all += chunk }
            reader.withLock { $0 = all }
        }
        thread.start()
        XCTAssertEqual(try left.sendFile(from: file, offset: 0, count: content.count), content.count)
        try left.shutdown(.write)
        let deadline = Date().addingTimeInterval(10)
        while reader.withLock({ $0.count }) < content.count, Date() < deadline { usleep(5_000) }
        XCTAssertEqual(reader.withLock { $0 }, content)
    }

    func testClosedSocketIsClosedOnceAndRefusesUse() throws {
        let socket = try Socket(family: .inet, type: .stream)
        let descriptor = socket.fileno
        XCTAssertGreaterThanOrEqual(descriptor, 0, "fileno() is the descriptor number")
        socket.close()
        socket.close()
        XCTAssertTrue(socket.isClosed)
        XCTAssertEqual(socket.fileno, -1)
        XCTAssertThrowsError(try socket.send([1])) { error in
            XCTAssertEqual((error as? SocketError)?.reason, .closedSocket)
        }
    }

    func testUnsupportedSocketTypeIsAnError() throws {
        // SOCK_RDM is offered on Linux only by RDS and TIPC, never by plain IPv4.
        XCTAssertThrowsError(try Socket(family: .inet, type: .reliableDatagram)) { error in
            let error = error as? SocketError
            XCTAssertEqual(error?.call, "socket")
            XCTAssertNotNil(error?.errno)
        }
    }
}

/// A value behind a lock, for handing results back from a reader thread.
final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
