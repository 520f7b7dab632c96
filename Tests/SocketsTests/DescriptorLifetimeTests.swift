import Foundation
import Sockets
import Synchronization
import XCTest

/// A descriptor number is reused by the very next open(), socket() or accept() anywhere in the
/// process. These tests close a socket while another thread is using it, hand its number to an
/// unrelated file straight away, and check with plain C calls (not the Socket class) that the
/// late call never reached that file.
final class DescriptorLifetimeTests: XCTestCase {
    var descriptorsAtStart = 0

    override func setUp() {
        descriptorsAtStart = openDescriptorCount()
    }

    override func tearDown() {
        // Fewer is no leak: an earlier test's pipes (a Process it ran) may close meanwhile.
        XCTAssertLessThanOrEqual(openDescriptorCount(), descriptorsAtStart, "a descriptor was left open")
    }

    /// An unrelated connected pair made with socketpair() directly, as any other code would.
    private func rawPair() -> (Int32, Int32)? {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0 else { return nil }
        return (descriptors[0], descriptors[1])
    }

    /// Bytes waiting to be read on `descriptor`, without reading them (FIONREAD).
    private func pendingBytes(_ descriptor: Int32) -> Int32 {
        var count: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &count) == 0 ? count : -1
    }

    func testCloseWhileAnotherThreadCallsNeverReachesTheFileThatReusesTheNumber() throws {
        let marker = Array("STALE".utf8)
        let started = Date()
        var iterations = 0
        var reused = 0
        while iterations < 2000, Date().timeIntervalSince(started) < 5 {
            iterations += 1
            let (socket, peer) = try Socket.pair()
            defer { peer.close() }
            let number = socket.fileno
            let calling = Mutex(0)
            let finished = DispatchSemaphore(value: 0)
            // Sends the marker and sets O_NONBLOCK, over and over, until the socket is closed:
            // a late send would put the marker into the unrelated pair, a late fcntl would
            // make it non-blocking.
            let caller = Thread {
                while true {
                    do {
                        try socket.send(marker, flags: Int32(MSG_DONTWAIT))
                        calling.withLock { $0 += 1 }
                        try socket.setBlocking(false)
                    } catch let error as SocketError where error.reason == .closedSocket {
                        break
                    } catch {
                        calling.withLock { $0 += 1 }  // a full buffer (EAGAIN): keep calling
                    }
                }
                finished.signal()
            }
            caller.start()
            while calling.withLock({ $0 }) == 0 { sched_yield() }
            socket.close()
            guard let (first, second) = rawPair() else { return XCTFail("socketpair failed: errno \(errno)") }
            if first == number || second == number { reused += 1 }
            let ended = finished.wait(timeout: .now() + 5)
            XCTAssertEqual(ended, .success, "the calling thread must notice the close")
            for descriptor in [first, second] {
                XCTAssertEqual(pendingBytes(descriptor), 0,
                               "fd \(descriptor) (the closed socket was fd \(number)) received a send meant for the closed socket")
                let flags = fcntl(descriptor, F_GETFL)
                XCTAssertNotEqual(flags, -1, "fd \(descriptor) was closed by a call meant for the closed socket")
                XCTAssertEqual(flags & O_NONBLOCK, 0,
                               "fd \(descriptor) was made non-blocking by a call meant for the closed socket (fd \(number))")
            }
            Glibc.close(first)
            Glibc.close(second)
            if testRun?.failureCount ?? 0 > 0 { break }
        }
        XCTAssertGreaterThan(reused, 0,
                             "in \(iterations) rounds the unrelated pair never got the closed socket's number: the test proved nothing")
    }

    func testCloseWakesAThreadBlockedInAccept() throws {
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(to: .ipv4(.loopback, port: 0))
        try listener.listen()
        let outcome = Mutex<SocketError.Reason?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let acceptor = Thread {
            entered.signal()
            do {
                let (connection, _) = try listener.accept()
                connection.close()
            } catch let error as SocketError {
                outcome.withLock { $0 = error.reason }
            } catch {}
            finished.signal()
        }
        acceptor.start()
        entered.wait()
        // Let the thread get into accept(); if it is not there yet it will find the socket closed,
        // which must end the same way.
        usleep(50_000)
        listener.close()
        XCTAssertEqual(finished.wait(timeout: .now() + 5), .success,
                       "close() must wake a thread blocked in accept() (it wakes it with shutdown)")
        XCTAssertEqual(outcome.withLock { $0 }, .closedSocket, "the woken accept() reports the socket as closed")
    }

    func testCloseWakesAThreadBlockedInRecvAndReleasesTheDescriptorAfterIt() throws {
        let (socket, peer) = try Socket.pair()
        defer { peer.close() }
        let number = socket.fileno
        let finished = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let received = Mutex<[UInt8]?>(nil)
        let reader = Thread {
            entered.signal()
            received.withLock { $0 = try? socket.recv(maxBytes: 16) }
            finished.signal()
        }
        reader.start()
        entered.wait()
        usleep(50_000)
        socket.close()
        XCTAssertTrue(socket.isClosed)
        XCTAssertEqual(finished.wait(timeout: .now() + 5), .success, "close() must wake a thread blocked in recv()")
        // After the last call has left, the number is really free: fcntl on it fails with EBADF
        // (unless another test thread has been given it since, which this suite does not do).
        XCTAssertEqual(fcntl(number, F_GETFD), -1, "the descriptor is released once the woken recv() has returned")
        XCTAssertEqual(received.withLock { $0 } ?? [], [], "the woken recv() sees end of file or a closed socket, never data")
    }
}
