import Capture
import Foundation
import Sockets
import Synchronization
import XCTest

/// Closing a live capture while another thread is inside pcap_dispatch (and a third asks for
/// pcap_stats). pcap_close unmaps the ring pcap_dispatch reads, so closing too early is a
/// crash, not a wrong number: these tests pass by finishing. Needs root, like LiveCaptureTests.
final class CaptureCloseTests: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertEqual(geteuid(), 0, "live capture tests need root: run ./scripts/test (it uses sudo)")
    }

    /// A UDP receiver on loopback and a thread sending it datagrams until told to stop (at
    /// most 2,000,000 of them, for at most 60 s), so packets flow while the capture is closed.
    private final class Traffic: Sendable {
        let receiver: Socket
        let port: UInt16
        private let stopping = Mutex(false)
        private let done = DispatchSemaphore(value: 0)

        init() throws {
            receiver = try Socket(family: .inet, type: .datagram)
            try receiver.setReceiveBufferSize(1 << 16)
            try receiver.setBlocking(false)
            try receiver.bind(to: .ipv4(.loopback, port: 0))
            guard case .ip(let endpoint) = try receiver.localAddress() else {
                throw SocketError(call: "getsockname", reason: .invalidArgument("not an IP address"))
            }
            port = endpoint.port
            let sender = try Socket(family: .inet, type: .datagram)
            let target = SocketAddress.ipv4(.loopback, port: port)
            let thread = Thread { [self] in
                var sent = 0
                let started = Date()
                while sent < 2_000_000, !stopping.withLock({ $0 }), Date().timeIntervalSince(started) < 60 {
                    _ = try? sender.sendTo([UInt8](repeating: 0x61, count: 32), address: target)
                    sent += 1
                    if sent % 32 == 0 {
                        // Nobody else reads the receiver: drain it so sendto keeps succeeding,
                        // and pause so the sender does not take a whole core.
                        while (try? receiver.recv(maxBytes: 64)) != nil {}
                        usleep(500)
                    }
                }
                sender.close()
                done.signal()
            }
            thread.start()
        }

        func stop() {
            stopping.withLock { $0 = true }
            done.wait()
            receiver.close()
        }
    }

    func testCloseFromAnotherThreadWhilePacketsFlowWaitsForTheLoop() throws {
        let baseline = openDescriptorCount()
        let traffic = try Traffic()
        let withTraffic = openDescriptorCount()
        let started = Date()
        var rounds = 0
        while rounds < 30, Date().timeIntervalSince(started) < 20 {
            rounds += 1
            let live = try LiveCapture(options: CaptureOptions(filter: "udp port \(traffic.port)"))
            let seen = Mutex(0)
            let loopEnded = DispatchSemaphore(value: 0)
            let runner = Thread {
                try? live.run { _ in seen.withLock { $0 += 1 } }
                loopEnded.signal()
            }
            runner.start()
            // pcap_stats from a third thread all along, up to and after the close.
            let statsEnded = DispatchSemaphore(value: 0)
            let reader = Thread {
                var reads = 0
                while reads < 100_000, !live.isClosed {
                    _ = live.statistics()
                    reads += 1
                }
                _ = live.statistics()
                statsEnded.signal()
            }
            reader.start()
            let deadline = Date().addingTimeInterval(3)
            while seen.withLock({ $0 }) < 5, Date() < deadline { usleep(1_000) }
            XCTAssertGreaterThanOrEqual(seen.withLock { $0 }, 5, "round \(rounds): packets were flowing while the capture was closed")

            live.close()
            // close() returned: the capture's descriptor must be gone already (it waited for
            // the loop to leave pcap_dispatch, which then closed the handle).
            XCTAssertEqual(openDescriptorCount(), withTraffic, "round \(rounds): close() returned before the handle was closed")
            XCTAssertEqual(loopEnded.wait(timeout: .now() + 5), .success, "round \(rounds): the capture loop did not end")
            XCTAssertEqual(statsEnded.wait(timeout: .now() + 5), .success)
            XCTAssertEqual(live.statistics().received, 0, "after close() the kernel's counters are gone with the handle")
            live.close()
            if testRun?.failureCount ?? 0 > 0 { break }
        }
        traffic.stop()
        XCTAssertEqual(openDescriptorCount(), baseline, "a capture or socket descriptor leaked")
    }

    func testAHandlerMayCloseItsOwnCapture() throws {
        let baseline = openDescriptorCount()
        let traffic = try Traffic()
        let withTraffic = openDescriptorCount()
        let live = try LiveCapture(options: CaptureOptions(filter: "udp port \(traffic.port)"))
        let seen = Mutex(0)
        let loopEnded = DispatchSemaphore(value: 0)
        let runner = Thread {
            try? live.run { _ in
                // On the loop's own thread close() cannot wait for the loop: it must return.
                if seen.withLock({ $0 += 1; return $0 }) == 3 { live.close() }
            }
            loopEnded.signal()
        }
        runner.start()
        XCTAssertEqual(loopEnded.wait(timeout: .now() + 10), .success, "closing from the handler ends the run")
        XCTAssertGreaterThanOrEqual(seen.withLock { $0 }, 3)
        XCTAssertEqual(openDescriptorCount(), withTraffic, "the loop closed the handle on its way out")
        traffic.stop()
        XCTAssertEqual(openDescriptorCount(), baseline)
    }
}
