#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Waiting for Ctrl-C (SIGINT) or `kill` (SIGTERM), so a server can stop cleanly.
public enum StopSignal {
    /// Blocks the calling thread until SIGINT or SIGTERM arrives, and returns its name.
    ///
    /// The signals are turned off (SIG_IGN) and watched by a dispatch source instead of a
    /// handler: a handler may run on any thread at any moment and may do almost nothing
    /// (only async-signal-safe calls), while the source's event runs as ordinary code. After
    /// the first signal the defaults come back, so a second Ctrl-C ends the process at once.
    public static func wait() -> String {
        final class Received: Sendable {
            let number = Atomic<Int32>(0)
            let arrived = DispatchSemaphore(value: 0)
        }
        let received = Received()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                received.number.store(number, ordering: .relaxed)
                received.arrived.signal()
            }
            source.resume()
            return source
        }
        received.arrived.wait()
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        return received.number.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "SIGINT"
    }
}
