#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Terminal: the I/O side of the text interface. Whether a descriptor is a terminal, its
// size, raw mode that is always restored, keys, and drawing whole screens.

/// Small facts about the process's terminal.
public enum Terminal {
    /// Whether `descriptor` is a terminal. The corresponding C function is `isatty`.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// The value of an environment variable, from `getenv`.
    @Sendable public static func environmentValue(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Writes all of `text` to `descriptor`, retrying short writes and interruptions.
    /// The corresponding C function is `write`.
    public static func write(_ text: String, to descriptor: Int32 = STDOUT_FILENO) {
        var bytes = Array(text.utf8)
        writeAll(&bytes, descriptor)
    }

    static func writeAll(_ bytes: inout [UInt8], _ descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(descriptor, pointer, remaining)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return  // the terminal went away: nothing sensible left to do
                }
                remaining -= written
                pointer += written
            }
        }
    }
}

/// Escape sequences the screen uses (ECMA-48 and the xterm extensions every terminal has).
public enum ControlSequence {
    public static let enterAlternateScreen = "\u{1B}[?1049h"
    public static let leaveAlternateScreen = "\u{1B}[?1049l"
    public static let hideCursor = "\u{1B}[?25l"
    public static let showCursor = "\u{1B}[?25h"
    public static let clearScreen = "\u{1B}[2J"
    public static let clearToEndOfLine = "\u{1B}[K"
    public static let resetStyle = "\u{1B}[0m"

    /// Moves the cursor to a 1-based row and column.
    public static func moveTo(row: Int, column: Int) -> String {
        "\u{1B}[\(row);\(column)H"
    }
}

/// The C library's `write`, which `Terminal.write` would otherwise hide.
func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
