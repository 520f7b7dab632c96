import TextUI

/// The numbers the lab's options take, checked before any is used.
///
/// A number typed after an option reaches conversions that trap (`Duration.seconds(.nan)`,
/// `Int(1e30)`), arithmetic that overflows (`maxConnections * 3`), and allocations of its
/// size. Each option has a range that makes sense for a lab on one machine; a value outside
/// it, or not a finite number at all, is refused with a sentence naming the option, the
/// value and the range.
public enum NumberCheck {
    /// nil when `value` is a finite number of seconds within `range`; else what is wrong.
    public static func seconds(_ value: Double, option: String, in range: ClosedRange<Double>,
                               language: Language = .english) -> String? {
        guard value.isFinite, range.contains(value) else {
            return LabSay(language)(.problemSeconds, option, "\(value)", shown(range.lowerBound), shown(range.upperBound))
        }
        return nil
    }

    /// nil when `value` is within `range`; else what is wrong.
    public static func whole(_ value: Int, option: String, in range: ClosedRange<Int>,
                             language: Language = .english) -> String? {
        guard range.contains(value) else {
            return LabSay(language)(.problemWhole, option, String(value), String(range.lowerBound), String(range.upperBound))
        }
        return nil
    }

    /// `86400`, `0.001`: a bound as a learner would type it.
    private static func shown(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : "\(bound)"
    }
}

extension ServerLimits {
    /// `--max-connections`: each connection is a thread and up to three descriptors.
    public static let connectionsRange = 1...10_000
    /// `--max-request`: the notes read 1024; a request is held in memory while it is read.
    public static let requestBytesRange = 16...(1 << 20)
    /// `--idle-timeout`: up to a day.
    public static let idleSecondsRange = 0.001...86_400.0
    /// `--io-timeout`: up to an hour.
    public static let ioSecondsRange = 0.001...3_600.0
}

extension CommandRunner {
    /// `--command-timeout`: up to an hour.
    public static let secondsRange = 0.001...3_600.0
    /// `--max-output`: the output is held in memory before it is sent, size first.
    public static let outputBytesRange = 1...(64 << 20)
}

extension ClientOptions {
    /// `osilab client --timeout`: up to a day.
    public static let timeoutSecondsRange = 0.001...86_400.0
}

extension Duration {
    /// The seconds of a duration as a Double, for checking it against a range in seconds.
    var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
