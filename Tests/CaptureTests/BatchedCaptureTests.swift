import Capture
import Foundation
import Sockets
import Synchronization
import XCTest

/// Live capture without immediate mode, as `osilab watch` uses it: packets come in blocks
/// that the kernel hands over when full or after `batchTimeoutMilliseconds`. Needs root.
final class BatchedCaptureTests: XCTestCase {
    override func setUpWithError() throws {
        XCTAssertEqual(geteuid(), 0, "live capture tests need root: run ./scripts/test (it uses sudo)")
    }

    /// The last packets of a burst must arrive without more traffic to push them out: with a
    /// read timeout of 0, Linux 6.18 kept a partly filled block until more packets came, and
    /// `osilab watch` never showed the end of a conversation.
    func testTheEndOfABurstArrivesWithoutMoreTraffic() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        defer { receiver.close() }
        try receiver.bind(to: .ipv4(.loopback, port: 0))
        let address = try receiver.localAddress()
        let port = try XCTUnwrap(address.port)

        let live = try LiveCapture(options: CaptureOptions(filter: "udp dst port \(port)", immediate: false))
        let seen = Mutex(0)
        let caughtUp = Mutex(0)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? live.runBorrowing(caughtUp: { caughtUp.withLock { $0 += 1 } }) { _, _ in seen.withLock { $0 += 1 } }
            finished.signal()
        }
        thread.start()
        defer {
            live.stop()
            if finished.wait(timeout: .now() + 5) == .timedOut { XCTFail("the capture did not stop within 5 s: it hung") }
            live.close()
        }
        // Packets sent in the first milliseconds after a capture opens may not reach it yet.
        Thread.sleep(forTimeInterval: 0.5)

        let sender = try Socket(family: .inet, type: .datagram)
        defer { sender.close() }
        let burst = 300
        for index in 0..<burst {
            _ = try sender.sendTo(Array("datagram \(index)".utf8), address: address)
        }
        let deadline = Date().addingTimeInterval(3)
        while seen.withLock({ $0 }) < burst && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }

        XCTAssertEqual(seen.withLock { $0 }, burst,
                       "every datagram of the burst reached the batched capture within 3 s, with no traffic after it")
        XCTAssertGreaterThan(caughtUp.withLock { $0 }, 0,
                             "caughtUp was called once the burst was read (osilab watch flushes its output there)")
        XCTAssertEqual(live.statistics().dropped, 0)
    }
}
