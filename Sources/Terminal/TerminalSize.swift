#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The size of a terminal in character cells.
public struct TerminalSize: Hashable, Sendable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// What is assumed when nothing better is known.
    public static let fallback = TerminalSize(columns: 80, rows: 24)

    /// The size of the terminal on `descriptor`, asked with the `TIOCGWINSZ` ioctl; when
    /// that fails (not a terminal) or reports zero, `$COLUMNS` and `$LINES`; else 80x24.
    ///
    /// - Parameter environment: looks up an environment variable (defaults to `getenv`).
    public static func current(
        descriptor: Int32 = STDOUT_FILENO, environment: (String) -> String? = Terminal.environmentValue
    ) -> TerminalSize {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
        }
        return fromEnvironment(environment)
    }

    /// `$COLUMNS` and `$LINES` where they hold positive numbers, else the fallback's.
    public static func fromEnvironment(_ environment: (String) -> String?) -> TerminalSize {
        func number(_ name: String) -> Int? {
            guard let text = environment(name), let value = Int(text.trimmingSpaces), value > 0 else { return nil }
            return value
        }
        return TerminalSize(columns: number("COLUMNS") ?? fallback.columns, rows: number("LINES") ?? fallback.rows)
    }
}

extension String {
    var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
