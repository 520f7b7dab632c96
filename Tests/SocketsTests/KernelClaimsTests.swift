import Foundation
import Sockets
import SystemPackage
import XCTest

/// Claims lessons 7 and 8 make about the kernel and about CPython, each checked on a real run:
/// the errno of a raw system call, poll() on the peer, or strace of python3.
final class KernelClaimsTests: XCTestCase {
    // MARK: Lesson 7: a blocking connect() whose SO_SNDTIMEO runs out

    /// `__inet_stream_connect()` returns EINPROGRESS when the send timeout expires, because the
    /// handshake goes on; EAGAIN would be the would-block errno, which is not what happens here.
    func testBlockingConnectWhoseSendTimeoutRunsOutFailsWithEINPROGRESS() throws {
        let (listener, address) = try makeListener(backlog: 0)
        defer { listener.close() }
        // backlog 0: one finished connection fills the accept queue; the next SYN is dropped.
        let first = try Socket(family: .inet, type: .stream)
        defer { first.close() }
        try first.connect(to: address)

        let raw = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(raw, 0)
        defer { Glibc.close(raw) }
        var limit = timeval(tv_sec: 0, tv_usec: 300_000)
        XCTAssertEqual(setsockopt(raw, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size)), 0)
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = (address.port ?? 0).bigEndian
        target.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(raw, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let code = errno
        XCTAssertEqual(result, -1, "connect() to a full accept queue must not succeed")
        XCTAssertEqual(code, EINPROGRESS, "SO_SNDTIMEO expiry in a blocking connect() is EINPROGRESS, got \(ErrnoName.of(code))")

        // osilab's Socket reports the same errno behind its .timedOut reason.
        let client = try Socket(family: .inet, type: .stream)
        defer { client.close() }
        try client.setTimeout(.milliseconds(300))
        XCTAssertThrowsError(try client.connect(to: address)) { error in
            let failure = error as? SocketError
            XCTAssertEqual(failure?.reason, .timedOut)
            XCTAssertEqual(failure?.errno, .nowInProgress)
        }
    }

    // MARK: Lesson 8: close() and the last reference

    /// close() sends the FIN only when the last descriptor for the socket goes; shutdown()
    /// acts on the socket itself, whatever descriptors remain.
    func testCloseSendsFinOnlyWithTheLastDescriptorWhileShutdownActsAtOnce() throws {
        let (listener, client, connection) = try makeConnection()
        defer { listener.close(); connection.close() }
        let copy = dup(client.fileno)
        XCTAssertGreaterThanOrEqual(copy, 0)
        client.close()
        XCTAssertFalse(readable(connection.fileno, milliseconds: 300),
                       "a duplicated descriptor keeps the connection open: no FIN after the first close()")
        Glibc.close(copy)
        XCTAssertTrue(readable(connection.fileno, milliseconds: 2000), "closing the last descriptor sends the FIN")
        XCTAssertEqual(try connection.recv(maxBytes: 16), [], "recv() after the FIN returns empty")

        let (listener2, client2, connection2) = try makeConnection()
        defer { listener2.close(); connection2.close(); client2.close() }
        let copy2 = dup(client2.fileno)
        defer { Glibc.close(copy2) }
        try client2.shutdown(.write)
        XCTAssertTrue(readable(connection2.fileno, milliseconds: 2000), "shutdown(SHUT_WR) sends the FIN although a copy is open")
        XCTAssertEqual(try connection2.recv(maxBytes: 16), [])
    }

    // MARK: Lesson 8: who holds TIME-WAIT, and for how long

    /// The side that sent the first FIN keeps TIME-WAIT for TCP_TIMEWAIT_LEN (60 s); `ss -tano`
    /// shows the kernel's timer.
    func testTheSideThatClosedFirstHoldsTimeWaitForSixtySeconds() throws {
        let (listener, client, connection) = try makeConnection()
        defer { listener.close() }
        let clientPort = try client.localAddress().port ?? 0
        client.close()
        XCTAssertTrue(readable(connection.fileno, milliseconds: 2000))
        XCTAssertEqual(try connection.recv(maxBytes: 16), [])
        connection.close()
        XCTAssertTrue(waitFor(state: "time-wait", port: clientPort).contains("127.0.0.1:\(clientPort) "),
                      "the client, which closed first, is in TIME-WAIT")
        let line = waitFor(state: "time-wait", port: clientPort)
        let timer = line.range(of: #"timewait,(\d+)sec"#, options: .regularExpression).map { String(line[$0]) } ?? ""
        let seconds = Int(timer.dropFirst("timewait,".count).dropLast("sec".count)) ?? 0
        XCTAssertTrue((50...60).contains(seconds), "TIME-WAIT lasts 60 s on Linux; ss showed \(line)")
        let listenerPort = try listener.localAddress().port ?? 0
        let serverSide = ss(["-tanH", "state", "time-wait", "sport", "=", ":\(listenerPort)"])
        XCTAssertFalse(serverSide.contains("127.0.0.1:\(listenerPort) "), "the server, which closed second, holds no TIME-WAIT: \(serverSide)")
    }

    // MARK: Lesson 8: three ways to get b"" that are not the peer's FIN

    func testEmptyResultsThatAreNotEndOfStream() throws {
        let (listener, client, connection) = try makeConnection()
        defer { listener.close(); client.close(); connection.close() }
        _ = try client.send(Array("hi".utf8))
        XCTAssertTrue(readable(connection.fileno, milliseconds: 2000))
        // recv(0) returns 0 bytes although two are waiting, and takes none of them.
        var nothing = [UInt8](repeating: 0, count: 1)
        let zero = nothing.withUnsafeMutableBytes { Glibc.recv(connection.fileno, $0.baseAddress, 0, 0) }
        XCTAssertEqual(zero, 0, "recv() of 0 bytes returns 0 with data waiting")
        XCTAssertEqual(try connection.recv(maxBytes: 16), Array("hi".utf8), "the data is still there")

        // After this side's own shutdown(SHUT_RD), recv() returns 0 at once, no FIN needed.
        try connection.shutdown(.read)
        XCTAssertEqual(try connection.recv(maxBytes: 16), [], "recv() after shutdown(SHUT_RD) returns empty")
        XCTAssertFalse(readable(client.fileno, milliseconds: 100), "SHUT_RD sent nothing to the peer")

        // An empty UDP datagram arrives as a 0-byte datagram with its sender.
        let receiver = try Socket(family: .inet, type: .datagram)
        let sender = try Socket(family: .inet, type: .datagram)
        defer { receiver.close(); sender.close() }
        try receiver.bind(to: .ipv4(.loopback, port: 0))
        try receiver.setTimeout(.seconds(2))
        XCTAssertEqual(try sender.sendTo([], address: try receiver.localAddress()), 0)
        let (bytes, from) = try receiver.recvFrom(maxBytes: 16)
        XCTAssertEqual(bytes, [], "an empty datagram is received as 0 bytes")
        XCTAssertNotNil(from.port, "with the sender's address")
    }

    // MARK: Lesson 5: what a raw socket reads

    /// An IPv4 raw socket reads the IP header with each packet; an IPv6 one never does.
    func testIPv4RawSocketsReadTheIPHeaderAndIPv6OnesDoNot() throws {
        // CI is root; a learner running the suite learns what a raw socket needs instead.
        guard getuid() == 0 else {
            XCTAssertThrowsError(try Socket(family: .inet, type: .raw, protocol: Int32(IPPROTO_ICMP)),
                                 "without CAP_NET_RAW socket(AF_INET, SOCK_RAW) fails with EPERM")
            return
        }
        let v4 = try Socket(family: .inet, type: .raw, protocol: Int32(IPPROTO_ICMP))
        defer { v4.close() }
        try v4.setTimeout(.seconds(2))
        // Echo request, id 0, seq 1; the checksum worked by hand: ~(0x0800 + 0x0001) = 0xf7fe.
        // The kernel builds the IPv4 header for us (no IP_HDRINCL).
        let echo: [UInt8] = [8, 0, 0xf7, 0xfe, 0, 0, 0, 1]
        _ = try v4.sendTo(echo, address: .ipv4(.loopback, port: 0))
        let (packet, _) = try v4.recvFrom(maxBytes: 256)
        XCTAssertEqual(packet.first, 0x45, "IPv4, 20-byte header: the raw socket read the IP header")
        XCTAssertEqual(packet.count, 20 + 8)

        let v6 = try Socket(family: .inet6, type: .raw, protocol: Int32(IPPROTO_ICMPV6))
        defer { v6.close() }
        try v6.setTimeout(.seconds(2))
        // The kernel fills in the ICMPv6 checksum itself (RFC 3542).
        let echo6: [UInt8] = [128, 0, 0, 0, 0, 0, 0, 1]
        _ = try v6.sendTo(echo6, address: .ipv6(.loopback, port: 0))
        let (message, _) = try v6.recvFrom(maxBytes: 256)
        let type: UInt8 = message.first ?? 0
        XCTAssertTrue(type == 128 || type == 129, "the first byte is the ICMPv6 type, not an IPv6 header (0x6_)")
        XCTAssertEqual(message.count, 8)
    }

    /// The lesson quotes this machine's value, which is the kernel's default.
    func testPingGroupRangeIsTheKernelDefaultThatAllowsNoGroup() throws {
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ping_group_range", encoding: .utf8)
        let fields: [Substring] = text.split(whereSeparator: \.isWhitespace)
        let bounds: [Int] = fields.compactMap { Int($0) }
        XCTAssertEqual(bounds, [1, 0], "net.ipv4.ping_group_range; lesson 5 says `1 0` here")
    }

    // MARK: Lesson 7: CPython's settimeout() is O_NONBLOCK and poll()

    func testPythonSettimeoutSetsNonBlockingAndPollsWithoutSocketTimeouts() throws {
        let script = """
            import os, socket
            l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
            s = socket.socket(); s.settimeout(0.5)
            s.connect(l.getsockname())
            try:
                s.recv(10)
            except TimeoutError:
                pass
            taken = s.send(b"x" * 20_000_000)
            print(s.fileno(), os.get_blocking(s.fileno()), taken)
            """
        let traceFile = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-settimeout-\(getpid()).strace")
        defer { try? FileManager.default.removeItem(at: traceFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["strace", "-f", "-qq", "-o", traceFile.path,
                             "-e", "trace=ioctl,fcntl,poll,ppoll,setsockopt,connect", "python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, "strace and python3 must run (scripts/setup --tests installs strace)")
        let fields = printed.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(fields.count, 3, "python printed: \(printed)")
        let descriptor = fields.first ?? "?"
        XCTAssertEqual(fields.dropFirst().first, "False", "os.get_blocking() on a socket in timeout mode: the descriptor is non-blocking")
        // Nobody reads, so the buffers hold far less than 20 MB: a non-blocking send takes what fits.
        let taken = Int(fields.last ?? "") ?? 0
        XCTAssertTrue(taken > 0 && taken < 20_000_000, "send() in timeout mode returned a partial count, not \(taken)")
        let trace = (try? String(contentsOf: traceFile, encoding: .utf8)) ?? ""
        let lines = trace.split(separator: "\n").map(String.init)
        let setsNonBlocking = lines.contains {
            $0.contains("ioctl(\(descriptor), FIONBIO, [1])") || ($0.contains("fcntl(\(descriptor), F_SETFL") && $0.contains("O_NONBLOCK"))
        }
        XCTAssertTrue(setsNonBlocking, "settimeout() sets O_NONBLOCK (FIONBIO or F_SETFL):\n\(trace)")
        XCTAssertTrue(lines.contains { $0.contains("connect(\(descriptor),") && $0.contains("EINPROGRESS") },
                      "the timed connect() is a non-blocking connect:\n\(trace)")
        XCTAssertTrue(lines.contains { $0.contains("poll([{fd=\(descriptor), events=POLLIN}], 1, 500)") && $0.contains("Timeout") },
                      "recv() waited in poll() for the 500 ms:\n\(trace)")
        XCTAssertFalse(trace.contains("SO_RCVTIMEO") || trace.contains("SO_SNDTIMEO"), "CPython never uses SO_*TIMEO:\n\(trace)")
    }

    /// The `ss -tano` line of the socket on this local port in this state, once it is there (2 s at most).
    private func waitFor(state: String, port: UInt16) -> String {
        for _ in 0..<20 {
            let text = ss(["-tanoH", "state", state, "sport", "=", ":\(port)"])
            if !text.isEmpty { return text }
            usleep(100_000)
        }
        return ""
    }

    private func ss(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ss"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return "" }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the descriptor becomes readable (data, FIN or error) within the time.
    private func readable(_ descriptor: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) == 1
    }
}
