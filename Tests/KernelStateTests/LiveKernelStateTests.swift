import Foundation
import KernelState
import SockDiag
import Sockets
import Trace
import Wire
import XCTest

/// The sampler against real sockets on loopback, with `ss` (iproute2, reading the same
/// table through its own code) as the independent truth where it can say the same thing.
final class LiveKernelStateTests: XCTestCase {
    /// A listener on a port the kernel picks, with `backlog`.
    private func listener(backlog: Int32 = 8) throws -> (Socket, IPEndpoint) {
        let socket = try Socket(family: .inet, type: .stream, role: "server")
        try socket.bind(to: .ipv4(.loopback, port: 0))
        try socket.listen(backlog: backlog)
        return (socket, try XCTUnwrap(try socket.localAddress().endpoint, "getsockname() of an IPv4 socket"))
    }

    private func connected(to server: IPEndpoint) throws -> (Socket, IPEndpoint) {
        let client = try Socket(family: .inet, type: .stream, role: "client")
        try client.setTimeout(.seconds(3))
        try client.connect(to: .ip(server))
        return (client, try XCTUnwrap(try client.localAddress().endpoint, "getsockname() of a connected socket"))
    }

    /// `ss -tanH` lines for sockets with `port` at either end: state, Recv-Q, Send-Q, local, peer.
    private func ss(port: UInt16) throws -> [(state: String, recvQ: UInt32, sendQ: UInt32, local: String, peer: String)] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ss", "-tanH"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 5, let recvQ = UInt32(fields[1]), let sendQ = UInt32(fields[2]) else { return nil }
            guard fields[3].hasSuffix(":\(port)") || fields[4].hasSuffix(":\(port)") else { return nil }
            return (fields[0], recvQ, sendQ, fields[3], fields[4])
        }
    }

    private func dump(port: UInt16) throws -> [SocketDiagnosis] {
        try SockDiagSocket().dump().filter { $0.local.port == port || $0.remote.port == port }
    }

    func testTheTableAgreesWithSsOnEverySocketOfAConnection() throws {
        let (server, serverEnd) = try listener(backlog: 8)
        defer { server.close() }
        let (client, clientEnd) = try connected(to: serverEnd)
        defer { client.close() }
        let ours = try dump(port: serverEnd.port)
        let theirs = try ss(port: serverEnd.port)
        XCTAssertEqual(ours.count, theirs.count, "\(ours) vs \(theirs)")
        for line in theirs {
            let match = ours.first { "\($0.local)" == line.local && "\($0.remote)" == line.peer.replacingOccurrences(of: "*", with: "0") }
            guard let match else { XCTFail("ss shows \(line) and the dump does not"); continue }
            XCTAssertEqual(match.state?.ssName, line.state, "\(line)")
            XCTAssertEqual(match.receiveQueue, line.recvQ, "Recv-Q of \(line)")
            XCTAssertEqual(match.sendQueue, line.sendQ, "Send-Q of \(line)")
        }
        // By construction: the listener holds one finished connection of at most 8.
        let listening = try XCTUnwrap(ours.first { $0.state == .listen })
        XCTAssertEqual(listening.receiveQueue, 1)
        XCTAssertEqual(listening.sendQueue, 8)
        XCTAssertEqual(ours.first { $0.local == clientEnd }?.state, .established)
        XCTAssertEqual(ours.first { $0.local == serverEnd && $0.remote == clientEnd }?.state, .established)
    }

    func testTheAcceptQueueRisesAsClientsConnectAndFallsAsAcceptTakesThem() throws {
        let (server, serverEnd) = try listener(backlog: 5)
        defer { server.close() }
        func queue() throws -> (UInt32, UInt32)? {
            try dump(port: serverEnd.port).first { $0.state == .listen }.map { ($0.receiveQueue, $0.sendQueue) }
        }
        var clients: [Socket] = []
        defer { clients.forEach { $0.close() } }
        XCTAssertEqual(try queue()?.0, 0)
        for expected in 1...3 {
            clients.append(try connected(to: serverEnd).0)
            XCTAssertTrue(waitFor { (try? queue()?.0) == UInt32(expected) }, "queue after \(expected) connects")
            XCTAssertEqual(try queue()?.1, 5)
        }
        for expected in stride(from: 2, through: 0, by: -1) {
            let (accepted, _) = try server.accept()
            accepted.close()
            XCTAssertEqual(try queue()?.0, UInt32(expected), "queue after an accept()")
        }
    }

    func testTheSamplerSeesEveryStateOfBothSidesInOrder() throws {
        let (server, serverEnd) = try listener(backlog: 8)
        defer { server.close() }
        let sampler = try KernelSampler(ports: [serverEnd.port], interval: .microseconds(500))
        sampler.start()
        let (client, clientEnd) = try connected(to: serverEnd)
        // What the labs' tracer and capture do: tell the sampler of the connection.
        sampler.learn(clientEnd, serverEnd)
        XCTAssertTrue(waitFor { (try? self.dump(port: serverEnd.port).first { $0.state == .listen }?.receiveQueue) == 1 })
        sampler.poke()
        Thread.sleep(forTimeInterval: 0.01)
        let (accepted, _) = try server.accept()
        Thread.sleep(forTimeInterval: 0.01)
        // The client closes first: it will hold TIME-WAIT, the server sits in CLOSE-WAIT until it closes.
        client.close()
        XCTAssertTrue(waitFor { (try? self.dump(port: serverEnd.port).first { $0.local == serverEnd && $0.remote == clientEnd }?.state) == .closeWait })
        Thread.sleep(forTimeInterval: 0.01)
        accepted.close()
        XCTAssertTrue(waitFor { (try? self.dump(port: serverEnd.port).first { $0.local == clientEnd }?.state) == .timeWait })
        Thread.sleep(forTimeInterval: 0.01)
        let recording = sampler.stop()
        XCTAssertNil(recording.problem)
        XCTAssertGreaterThanOrEqual(recording.taken, recording.samples.count - 1)
        XCTAssertGreaterThan(recording.longestGapNanoseconds, 0)
        func states(_ key: KernelSocketKey) -> [TCPState?] {
            recording.changes.compactMap { change in
                if case .state(let changed, _, let to) = change.kind, changed == key { return .some(to) }
                return nil
            }
        }
        let clientStates = states(KernelSocketKey(local: clientEnd, remote: serverEnd))
        let serverStates = states(KernelSocketKey(local: serverEnd, remote: clientEnd))
        // On loopback SYN-SENT and FIN-WAIT-1 last microseconds (until the peer's kernel
        // answers): the sampler may or may not see them, but what it saw must come in the
        // order RFC 9293 gives.
        let fleeting: Set<TCPState?> = [.synSent, .finWait1]
        XCTAssertEqual(clientStates.filter { !fleeting.contains($0) }, [.established, .finWait2, .timeWait], "\(clientStates)")
        XCTAssertTrue(isSubsequence(clientStates, of: [.synSent, .established, .finWait1, .finWait2, .timeWait]), "\(clientStates)")
        XCTAssertEqual(serverStates.filter { $0 != .newSynRecv && $0 != .synRecv }, [.established, .closeWait, nil], "\(serverStates)")
        let queues = recording.changes.compactMap { change -> UInt32? in
            if case .acceptQueue(_, let length, let limit, _) = change.kind { XCTAssertEqual(limit, 8); return length }
            return nil
        }
        XCTAssertEqual(queues, [1, 0])
        // Each change is stamped after the sample before it: on the packets' clock, in order.
        let times = recording.changes.map(\.time)
        XCTAssertEqual(times, times.sorted())
    }

    func testTCPInfoAfterDataIsPlausible() throws {
        let (server, serverEnd) = try listener()
        defer { server.close() }
        let (client, clientEnd) = try connected(to: serverEnd)
        defer { client.close() }
        let (accepted, _) = try server.accept()
        defer { accepted.close() }
        let message = [UInt8](repeating: 65, count: 1000)
        try client.sendAll(message)
        var received = 0
        while received < message.count { received += try accepted.recv(maxBytes: 4096).count }
        XCTAssertTrue(waitFor { (try? self.dump(port: serverEnd.port).first { $0.local == clientEnd }?.tcpInfo?.unacked) == 0 })
        let table = try dump(port: serverEnd.port)
        let sender = try XCTUnwrap(table.first { $0.local == clientEnd }?.tcpInfo)
        let receiver = try XCTUnwrap(table.first { $0.local == serverEnd && $0.remote == clientEnd }?.tcpInfo)
        XCTAssertEqual(sender.state, TCPState.established.rawValue)
        XCTAssertGreaterThan(sender.rtt, 0, "an RTT is measured once data has been acknowledged")
        XCTAssertGreaterThanOrEqual(sender.rto, 200_000, "Linux's smallest RTO is 200 ms")
        // The client's bytes_acked counts its SYN too (the SYN-ACK's ack moves snd_una by one).
        XCTAssertEqual(sender.bytesAcked, UInt64(message.count) + 1)
        XCTAssertEqual(receiver.bytesReceived, UInt64(message.count))
        XCTAssertGreaterThan(sender.congestionWindow, 0)
        XCTAssertGreaterThan(try XCTUnwrap(sender.peerWindow), 0)
        XCTAssertGreaterThan(try XCTUnwrap(receiver.advertisedWindow), 0)
    }

    /// tcp_info of an idle connection as `ss -tin` prints it (its own parse of the same
    /// attribute): rto, rtt/rttvar, cwnd, bytes_acked and the windows must be what osilab read.
    func testTCPInfoAgreesWithSsOnAnIdleConnection() throws {
        let (server, serverEnd) = try listener()
        defer { server.close() }
        let (client, clientEnd) = try connected(to: serverEnd)
        defer { client.close() }
        let (accepted, _) = try server.accept()
        defer { accepted.close() }
        try client.sendAll(Array("hello".utf8))
        _ = try accepted.recv(maxBytes: 16)
        Thread.sleep(forTimeInterval: 0.05)
        let ours = try XCTUnwrap(try dump(port: serverEnd.port).first { $0.local == clientEnd }?.tcpInfo)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ss", "-tinH", "src", "\(clientEnd)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        func field(_ name: String) -> String? {
            text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                .first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
        }
        // ss prints rto in milliseconds (%g of microseconds / 1000).
        XCTAssertEqual(try XCTUnwrap(field("rto").flatMap(Double.init), text), Double(ours.rto) / 1000, accuracy: 0.001)
        let rtt = try XCTUnwrap(field("rtt"), text).split(separator: "/").compactMap { Double($0) }
        XCTAssertEqual(rtt.count, 2, text)
        // ss prints microseconds as milliseconds with three decimals.
        XCTAssertEqual(Int((rtt.first ?? 0) * 1000 + 0.5), Int(ours.rtt), text)
        XCTAssertEqual(Int((rtt.last ?? 0) * 1000 + 0.5), Int(ours.rttVariance), text)
        XCTAssertEqual(field("cwnd").flatMap(UInt32.init), ours.congestionWindow, text)
        XCTAssertEqual(field("bytes_acked").flatMap(UInt64.init), ours.bytesAcked, text)
        XCTAssertEqual(field("snd_wnd").flatMap(UInt32.init), ours.peerWindow, text)
    }

    /// A long `watch` sees thousands of connections: each is looked up only while it exists.
    func testTheSamplerForgetsAConnectionOnceItIsGone() throws {
        let (server, serverEnd) = try listener()
        defer { server.close() }
        let sampler = try KernelSampler(ports: [serverEnd.port], interval: .seconds(60))
        let (client, clientEnd) = try connected(to: serverEnd)
        let (accepted, _) = try server.accept()
        sampler.learn(clientEnd, serverEnd)
        sampler.sample()
        XCTAssertEqual(sampler.socketsFollowed.count, 2, "both sides' sockets, found: \(sampler.socketsFollowed)")
        // SO_LINGER 0: a reset, so neither side waits in TIME-WAIT and both leave the table.
        try client.setLinger(seconds: 0)
        client.close()
        accepted.close()
        XCTAssertTrue(waitFor { (try? self.dump(port: serverEnd.port).filter { $0.state != .listen }.isEmpty) == true })
        sampler.sample()
        XCTAssertEqual(sampler.socketsFollowed, [], "gone sockets are no longer looked up")
        // A connection told of whose socket never existed is kept a while (its packet may
        // come before its socket), then forgotten.
        sampler.learn(IPEndpoint(.v4(.loopback), 1), serverEnd)
        sampler.sample()
        XCTAssertEqual(sampler.socketsFollowed.count, 2, "\(sampler.socketsFollowed)")
        _ = sampler.stop()
    }

    private func isSubsequence(_ seen: [TCPState?], of order: [TCPState?]) -> Bool {
        var rest = order[...]
        for state in seen {
            guard let index = rest.firstIndex(of: state) else { return false }
            rest = rest[(index + 1)...]
        }
        return true
    }

    private func waitFor(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return condition()
    }
}
