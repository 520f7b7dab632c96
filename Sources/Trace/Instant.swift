#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment on the wall clock (CLOCK_REALTIME), in nanoseconds since the Unix epoch.
///
/// libpcap stamps packets from the same clock, which is what lets osilab put a
/// packet and a `connect()` return on one time line. A monotonic clock would be
/// better for measuring, but it could not be compared with packet timestamps.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public init(seconds: Int64, nanoseconds: Int64) {
        nanosecondsSinceEpoch = seconds &* 1_000_000_000 &+ nanoseconds
    }

    /// The current wall-clock time. The corresponding C function is `clock_gettime(CLOCK_REALTIME)`.
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Instant(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))
    }

    public var seconds: Int64 { nanosecondsSinceEpoch / 1_000_000_000 }
    public var nanosecondsOfSecond: Int64 { nanosecondsSinceEpoch % 1_000_000_000 }

    /// Nanoseconds from `earlier` to this instant (negative if `earlier` is later).
    public func nanoseconds(since earlier: Instant) -> Int64 {
        nanosecondsSinceEpoch &- earlier.nanosecondsSinceEpoch
    }

    public func adding(nanoseconds: Int64) -> Instant {
        Instant(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ nanoseconds)
    }

    /// `seconds.nanoseconds`, the way `tcpdump -tt --nano` prints a timestamp.
    public var description: String {
        let fraction = String(nanosecondsOfSecond)
        return "\(seconds)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}

extension Instant {
    /// Seconds east of UTC in the local time zone, now: what turns an instant into the
    /// time of day on the learner's clock. The corresponding C function is `localtime_r`.
    public static func localUTCOffset() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return parts.tm_gmtoff
    }
}

/// Formats a span of nanoseconds for people: `850 ns`, `12.4 µs`, `3.20 ms`, `1.500 s`.
public func formatDuration(nanoseconds: Int64) -> String {
    let sign = nanoseconds < 0 ? "-" : ""
    let magnitude = nanoseconds.magnitude
    func fixed(_ value: UInt64, unit: UInt64, decimals: Int) -> String {
        let whole = value / unit
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let fraction = (value % unit) * scale / unit
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    switch magnitude {
    case ..<1_000: return "\(sign)\(magnitude) ns"
    case ..<1_000_000: return sign + fixed(magnitude, unit: 1_000, decimals: 1) + " µs"
    case ..<1_000_000_000: return sign + fixed(magnitude, unit: 1_000_000, decimals: 2) + " ms"
    default: return sign + fixed(magnitude, unit: 1_000_000_000, decimals: 3) + " s"
    }
}
