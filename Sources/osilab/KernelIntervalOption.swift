import ArgumentParser
import Report
import TextUI

/// `--kernel-interval MS`: how often the kernel's socket table is read between events.
struct KernelIntervalOption: ParsableArguments {
    @Option(name: .customLong("kernel-interval"), help: ArgumentHelp(
        "How often the kernel's socket table (TCP states, queues, tcp_info) is read between events, in "
            + "milliseconds; it is also read after every call and packet. A state held for less may be missed.",
        valueName: "ms"))
    var milliseconds: Double = 1

    static let range = 0.1...1000.0

    func validate() throws {
        guard Self.range.contains(milliseconds) else {
            throw ValidationError(KernelStrings(typedLabLanguage())(.intervalOutOfRange, typed, "0.1", "1000"))
        }
    }

    /// The value as the learner typed it: `5000`, not `5000.0`.
    private var typed: String {
        milliseconds.rounded() == milliseconds && abs(milliseconds) < 1e15 ? String(Int64(milliseconds)) : "\(milliseconds)"
    }

    var duration: Duration { .microseconds(Int64(milliseconds * 1000)) }
}
