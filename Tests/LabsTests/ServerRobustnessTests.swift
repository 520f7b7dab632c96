import Foundation
import Labs
import Sockets
import Synchronization
import XCTest

final class ServerRobustnessTests: XCTestCase {
    // MARK: Many clients

    func testFiftyConcurrentEchoClientsAreAllServed() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for number in 0..<50 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let client = try EchoClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
                    defer { client.close() }
                    for round in 0..<10 {
                        let line = "client \(number) round \(round) 你好"
                        let reply = try client.send(line).text
                        if reply != line.uppercased() { failures.withLock { $0.append("\(line) -> \(reply)") } }
                    }
                } catch {
                    failures.withLock { $0.append("client \(number): \(error)") }
                }
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "50 clients doing 10 round trips each hung")
        XCTAssertEqual(failures.withLock { $0 }, [])
        lab.eventually("all 50 connections should end") { lab.server.openConnections == 0 }
        XCTAssertEqual(lab.server.summary.connections, 50)
        XCTAssertGreaterThan(lab.server.summary.mostAtOnce, 1, "clients must be served at the same time, not one by one")
    }

    func testManyConcurrentRemoteAndFilesClients() throws {
        let root = try FileRoot.prepare(at: try temporaryFolder(self) + "/served")
        let downloads = try temporaryFolder(self)
        let remote = try ServerUnderTest(RemoteCommandService())
        defer { remote.server.stop() }
        let files = try ServerUnderTest(FileService(root: root))
        defer { files.server.stop() }
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for number in 0..<20 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let client = try RemoteClient(host: "127.0.0.1", port: remote.port, timeout: .seconds(10))
                    defer { client.close() }
                    for round in 0..<3 {
                        let reply = try client.run("echo \(number) \(round)").text
                        if reply != "\(number) \(round)\n" { failures.withLock { $0.append("remote: \(reply)") } }
                    }
                } catch { failures.withLock { $0.append("remote \(number): \(error)") } }
            }
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let client = try FilesClient(host: "127.0.0.1", port: files.port, timeout: .seconds(10))
                    defer { client.close() }
                    let folder = downloads + "/\(number)"
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    for name in ["lines.txt", "你好.txt"] {
                        guard case .saved(_, let bytes, _) = try client.get(name, into: folder),
                              bytes == FileRoot.samples.first(where: { $0.name == name })?.content.count else {
                            failures.withLock { $0.append("files \(number): \(name) not saved whole") }
                            continue
                        }
                    }
                } catch { failures.withLock { $0.append("files \(number): \(error)") } }
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "concurrent remote and files clients hung")
        XCTAssertEqual(failures.withLock { $0 }, [])
    }

    func testAStalledClientDoesNotDelayOthers() throws {
        let lab = try ServerUnderTest(EchoService())
        defer { lab.server.stop() }
        // Connects and never sends: the notes' server would wait in its recv() forever and serve nobody else.
        let stalled = try rawClient(port: lab.port)
        defer { stalled.close() }
        // And one that sends a request and never reads the answers.
        let deaf = try rawClient(port: lab.port)
        defer { deaf.close() }
        try deaf.sendAll([UInt8](repeating: 0x61, count: 100_000))

        // The stalled clients hold their connections for the whole idle timeout (10 s); a
        // server that served one client at a time would make this client time out first.
        let client = try EchoClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertEqual(try client.send("still served").text, "STILL SERVED", "a stalled client must not delay another one")
    }

    func testIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        var limits = testLimits
        limits.idleTimeout = .milliseconds(300)
        let lab = try ServerUnderTest(EchoService(), limits: limits)
        defer { lab.server.stop() }
        let silent = try rawClient(port: lab.port)
        defer { silent.close() }
        XCTAssertEqual(try silent.recv(maxBytes: 10), [], "the server should close a silent connection (recv returns 0)")
        lab.eventually("the log should say why") { lab.log.contains { $0.contains("timed out: no request for 300 ms") } }
    }

    func testConnectionsBeyondTheLimitAreClosedAtOnceAndLogged() throws {
        var limits = testLimits
        limits.maxConnections = 2
        limits.maxConnectionsPerPeer = 2
        let lab = try ServerUnderTest(EchoService(), limits: limits)
        defer { lab.server.stop() }
        let first = try rawClient(port: lab.port)
        defer { first.close() }
        let second = try rawClient(port: lab.port)
        defer { second.close() }
        lab.eventually("two connections should be open") { lab.server.openConnections == 2 }
        let third = try rawClient(port: lab.port)
        defer { third.close() }
        XCTAssertEqual(try third.recv(maxBytes: 10), [], "a connection over the limit is closed at once, not left hanging")
        lab.eventually("the refusal should be logged") { lab.log.contains { $0.contains("refused: the server already serves 2") } }
        try first.sendAll(Array("ok".utf8))
        XCTAssertEqual(try receive(2, from: first), Array("OK".utf8), "connections within the limit go on")
    }

    // MARK: One client against the others

    func testOneClientAddressCannotTakeEverySlot() throws {
        // Six slots; one address may hold half of them.
        let lab = try ServerUnderTest(EchoService(), limits: ServerLimits(maxConnections: 6, idleTimeout: .seconds(10), ioTimeout: .seconds(3)))
        defer { lab.server.stop() }
        var held: [Socket] = []
        defer { for socket in held { socket.close() } }
        for _ in 0..<3 { held.append(try rawClient(port: lab.port)) }
        lab.eventually("three connections from 127.0.0.1 should be served") { lab.server.openConnections == 3 }
        let fourth = try rawClient(port: lab.port)
        defer { fourth.close() }
        XCTAssertEqual(try fourth.recv(maxBytes: 10), [], "a fourth connection from the same address is closed at once")
        lab.eventually("the refusal should name the address and the limit") {
            lab.log.contains { $0.contains("refused: 127.0.0.1 already has 3 connections open") }
        }
        // Every 127.x.y.z is this machine's loopback: another client address, with slots left for it.
        let other = try rawClient(port: lab.port, from: "127.0.0.2")
        defer { other.close() }
        try other.sendAll(Array("fresh".utf8))
        XCTAssertEqual(try receive(5, from: other), Array("FRESH".utf8), "a client from another address is still served")
        try held[0].sendAll(Array("ok".utf8))
        XCTAssertEqual(try receive(2, from: held[0]), Array("OK".utf8), "the first address's connections go on")
        held.removeFirst().close()
        lab.eventually("a closed connection frees its address's slot") { lab.server.openConnections == 3 }
        let again = try rawClient(port: lab.port)
        defer { again.close() }
        try again.sendAll(Array("again".utf8))
        XCTAssertEqual(try receive(5, from: again), Array("AGAIN".utf8), "once a slot is free the address is served again")
    }

    func testClientReadingATrickleIsCutAtTheAnswerDeadline() throws {
        let folder = try temporaryFolder(self)
        // Larger than what the kernel buffers for the connection (some MiB on loopback), so
        // the server is still sending when the deadline comes.
        let size = 8 << 20
        try Data(repeating: 0x42, count: size).write(to: URL(fileURLWithPath: folder + "/big.bin"))
        let root = try FileRoot.prepare(at: folder)
        // 1 s for an answer, plus its time at the slowest rate allowed (1 MiB/s): 9 s for 8 MiB.
        let lab = try ServerUnderTest(FileService(root: root), limits: ServerLimits(idleTimeout: .seconds(10), ioTimeout: .seconds(1)))
        defer { lab.server.stop() }
        let socket = try Socket(family: .inet, type: .stream, role: "test client")
        defer { socket.close() }
        // A small receive buffer keeps the kernel from taking the whole file at once for us.
        try socket.setReceiveBufferSize(4096)
        try socket.setTimeout(.seconds(5))
        try socket.connect(to: .ipv4(.loopback, port: lab.port))
        try socket.sendAll(Array("get big.bin".utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), String(size))
        try socket.sendAll(Array("ack".utf8))
        // 16 KiB a second would take over eight minutes for the file; each read makes the
        // server's sends progress, which once restarted their timeout. At the deadline the
        // server resets the connection, so what the kernel still holds is dropped.
        var received = 0
        var closed = false
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(20) {
            guard let piece = try? socket.recv(maxBytes: 4096), !piece.isEmpty else {
                closed = true
                break
            }
            received += piece.count
            Thread.sleep(forTimeInterval: 0.25)
        }
        XCTAssertTrue(closed, "the server should give up on a client that takes \(size) bytes at 16 KiB/s; it had sent \(received)")
        XCTAssertLessThan(received, size)
        lab.eventually("the log should say the answer was not taken in time") {
            lab.log.contains { $0.contains("timed out: the client did not take the whole answer within 9 s") }
        }
    }

    // MARK: Bad input

    struct BadInput {
        var name: String
        var bytes: [UInt8]
        /// What the answer must start with.
        var answer: String
        /// Whether the server closes the connection after answering.
        var closes: Bool
    }

    func checkBadInputs(_ service: any LabService, _ inputs: [BadInput], acknowledgementNeeded: Bool,
                        goodRequest: String, goodAnswer: String) throws {
        let lab = try ServerUnderTest(service)
        defer { lab.server.stop() }
        let baseline = openDescriptorCount()
        for input in inputs {
            let socket = try rawClient(port: lab.port)
            try socket.sendAll(input.bytes)
            var answer = try receiveAnswer(socket)
            if acknowledgementNeeded && !input.closes && Announcement(answer).map({ if case .size = $0 { true } else { false } }) == true {
                try socket.sendAll(Array("ack".utf8))
                answer = try receiveAnswer(socket)
            }
            XCTAssertTrue(text(answer).hasPrefix(input.answer), "\(input.name): the answer was \(ByteText.quoted(answer, limit: 200))")
            if input.closes {
                XCTAssertEqual(try receiveUntilClosed(socket), [], "\(input.name): the server should close after its answer")
            }
            socket.close()
            lab.eventually("\(input.name): the connection's descriptor should be released") {
                openDescriptorCount() == baseline
            }
            // The server must still answer the next client.
            let next = try rawClient(port: lab.port)
            defer { next.close() }
            try next.sendAll(Array(goodRequest.utf8))
            var reply = try receiveAnswer(next)
            if case .size? = Announcement(reply) {
                try next.sendAll(Array("ack".utf8))
                reply = try receiveAnswer(next)
            }
            XCTAssertEqual(text(reply), goodAnswer, "after \(input.name) the server must still serve the next client")
        }
        lab.server.stop()
        XCTAssertEqual(lab.server.summary.abandoned, 0)
        for input in inputs where input.closes {
            XCTAssertTrue(lab.log.contains { $0.contains("protocol error") }, "\(input.name) should be logged as a protocol error: \(lab.log)")
        }
    }

    func testFileServerAnswersEveryBadRequestAndKeepsServing() throws {
        let root = try FileRoot.prepare(at: try temporaryFolder(self) + "/served")
        let inputs = [
            BadInput(name: "get with no name", bytes: Array("get".utf8), answer: "ERR 'get' needs a file name", closes: false),
            BadInput(name: "get and spaces", bytes: Array("get   ".utf8), answer: "ERR 'get' needs a file name", closes: false),
            BadInput(name: "unknown verb", bytes: Array("put x".utf8), answer: "ERR unknown command 'put'", closes: false),
            BadInput(name: "garbage", bytes: [0x00, 0x01, 0x02, 0x7F, 0x1B], answer: "ERR unknown command", closes: false),
            BadInput(name: "not UTF-8", bytes: [0x67, 0x65, 0x74, 0x20, 0xFF, 0xFE], answer: "ERR the request is not UTF-8 text", closes: false),
            BadInput(name: "missing file", bytes: Array("get nope.txt".utf8), answer: "ERR no such file: nope.txt", closes: false),
            BadInput(name: "a directory", bytes: Array("get .".utf8), answer: "ERR . is not a regular file", closes: false),
            BadInput(name: "1 MiB line", bytes: Array(repeating: 0x61, count: 1 << 20), answer: "ERR request longer than 4096 bytes", closes: true),
        ]
        try checkBadInputs(FileService(root: root), inputs, acknowledgementNeeded: true,
                           goodRequest: "get hello.txt", goodAnswer: text(FileRoot.samples[0].content))
    }

    func testRemoteServerAnswersEveryBadRequestAndKeepsServing() throws {
        let inputs = [
            BadInput(name: "not on the allow-list", bytes: Array("rm -rf /".utf8), answer: "osilab: not run: 'rm'", closes: false),
            BadInput(name: "garbage", bytes: [0x01, 0x02, 0x7F], answer: "osilab: not run:", closes: false),
            BadInput(name: "only spaces", bytes: Array("   ".utf8), answer: "osilab: not run: the command is empty", closes: false),
            BadInput(name: "unclosed quote", bytes: Array("echo 'a".utf8), answer: "osilab: cannot split the command", closes: false),
            BadInput(name: "not UTF-8", bytes: [0x65, 0x63, 0x68, 0x6F, 0x20, 0xC3, 0x28], answer: "osilab: the command is not UTF-8", closes: false),
            BadInput(name: "1 MiB line", bytes: Array(repeating: 0x61, count: 1 << 20), answer: "ERR request longer than 4096 bytes", closes: true),
        ]
        try checkBadInputs(RemoteCommandService(), inputs, acknowledgementNeeded: true,
                           goodRequest: "echo fine", goodAnswer: "fine\n")
    }

    func testARequestLongerThanTheFirstReadIsStillReadAsOne() throws {
        // The server no longer reads into a buffer of --max-request bytes at once: it reads
        // 4 KiB, then what else is queued. 30000 bytes in one segment must still be one
        // request (over a 20000-byte limit), not 4 KiB and then a second request.
        var limits = testLimits
        limits.maxRequestBytes = 20_000
        let root = try FileRoot.prepare(at: try temporaryFolder(self) + "/served")
        let lab = try ServerUnderTest(FileService(root: root), limits: limits)
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        defer { socket.close() }
        try socket.sendAll(Array(("get " + String(repeating: "a", count: 29_996)).utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), "ERR request longer than 20000 bytes; closing the connection")
        lab.eventually("the log should count the request whole") { lab.log.contains { $0.contains("request longer than 20000 bytes") } }
    }

    func testClientThatNeverAcknowledgesIsTimedOut() throws {
        var limits = testLimits
        limits.ioTimeout = .milliseconds(300)
        let lab = try ServerUnderTest(RemoteCommandService(), limits: limits)
        defer { lab.server.stop() }
        let socket = try rawClient(port: lab.port)
        defer { socket.close() }
        try socket.sendAll(Array("echo hi".utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), "3")
        XCTAssertEqual(try receiveUntilClosed(socket), [], "without an acknowledgement the server gives up and closes")
        lab.eventually("the log should say what was missing") {
            lab.log.contains { $0.contains("timed out: no acknowledgement within 300 ms") }
        }
    }

    func testClientVanishingMidTransferLeavesTheServerHealthy() throws {
        let folder = try temporaryFolder(self)
        let big = [UInt8](repeating: 0x42, count: 8 << 20)
        try Data(big).write(to: URL(fileURLWithPath: folder + "/big.bin"))
        let root = try FileRoot.prepare(at: folder)
        let lab = try ServerUnderTest(FileService(root: root))
        defer { lab.server.stop() }
        let baseline = openDescriptorCount()
        let socket = try rawClient(port: lab.port)
        try socket.sendAll(Array("get big.bin".utf8))
        XCTAssertEqual(text(try receiveAnswer(socket)), String(big.count))
        try socket.sendAll(Array("ack".utf8))
        XCTAssertEqual(try receive(1000, from: socket).count, 1000)
        // Vanish with unread data: close() then sends RST, and the server's sendfile fails.
        try socket.setLinger(seconds: 0)
        socket.close()
        lab.eventually("the server should notice and release the connection") {
            lab.server.openConnections == 0 && openDescriptorCount() == baseline
        }
        XCTAssertTrue(lab.log.contains { $0.contains("sending big.bin stopped after") }, "\(lab.log)")
        XCTAssertTrue(lab.log.contains { $0.contains("ended: connection reset by the client") }, "\(lab.log)")
        let client = try FilesClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .saved = try client.get("hello.txt", into: try temporaryFolder(self)) else { return XCTFail("not served") }
    }

    // MARK: Stopping

    func testStopClosesOpenConnectionsAndSummarises() throws {
        let lab = try ServerUnderTest(EchoService())
        let first = try rawClient(port: lab.port)
        defer { first.close() }
        let second = try rawClient(port: lab.port)
        defer { second.close() }
        try first.sendAll(Array("hi".utf8))
        XCTAssertEqual(try receive(2, from: first), Array("HI".utf8))
        lab.eventually("both connections should be open") { lab.server.openConnections == 2 }
        let summary = lab.server.stop()
        XCTAssertEqual(summary.connections, 2)
        XCTAssertEqual(summary.endings["server stopping"], 2, "\(summary)")
        XCTAssertEqual(summary.abandoned, 0, "stop() must close idle connections, not wait for them to time out")
        XCTAssertEqual(try first.recv(maxBytes: 10), [], "the client sees the server close")
        XCTAssertThrowsError(try rawClient(port: lab.port), "after stop() nothing listens on the port")
        XCTAssertEqual(lab.server.stop(), summary, "a second stop() returns the same summary")
    }

    func testStoppedServerReleasesEveryDescriptor() throws {
        let baseline = openDescriptorCount()
        let lab = try ServerUnderTest(RemoteCommandService())
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertEqual(try client.run("echo x").text, "x\n")
        lab.server.stop()
        client.close()
        XCTAssertTrue(waitUntil { openDescriptorCount() == baseline },
                      "descriptors leaked: \(openDescriptorCount()) open, \(baseline) before the server started")
    }
}
