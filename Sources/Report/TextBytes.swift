import TextUI
import Timeline
import Wire

// Text written straight into a byte buffer, for the per-packet lines of `osilab read` and
// `osilab watch`.
//
// Why not `String`: building each line with interpolation, `joined` and the `description`
// of every number and address cost about two thirds of `osilab read`'s time on a
// million-packet capture (profiled with perf: allocation, reference counting, UTF-8
// bookkeeping and integer-to-text conversions through generic code). The same text appended
// as UTF-8 bytes to one reusable buffer needs no allocation per packet. The `String` forms
// (`PacketText.note`, `PacketLines.line`) are built from these writers, so the wording lives
// in one place.

extension Array where Element == UInt8 {
    /// Appends a literal's UTF-8 bytes (one copy, no `String` made).
    @inline(__always)
    mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a string's UTF-8 bytes, for the rare, wordy cases (errors, ICMP, IPv6).
    mutating func appendString(_ text: String) {
        append(contentsOf: text.utf8)
    }

    @inline(__always)
    mutating func appendByte(_ ascii: Unicode.Scalar) {
        append(UInt8(ascii: ascii))
    }

    /// Appends `value` in decimal, at least `width` digits (zero-padded on the left).
    mutating func appendDecimal(_ value: UInt64, width: Int = 1) {
        // Digits are produced from the right into a small stack buffer, then copied once:
        // a UInt64 has at most 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining > 0 && start > 0
            while 20 - start < width && start > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0")
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    @inline(__always)
    mutating func appendDecimal(_ value: some BinaryInteger, width: Int = 1) {
        if value < 0 {
            appendByte("-")
            appendDecimal(UInt64(value.magnitude), width: width)
        } else {
            appendDecimal(UInt64(value), width: width)
        }
    }

    /// `127.0.0.1:4545` or `[::1]:4545`, as `IPEndpoint.description` writes them.
    mutating func appendEndpoint(_ endpoint: IPEndpoint) {
        switch endpoint.address {
        case .v4(let address):
            appendDecimal(UInt64(address.a))
            appendByte(".")
            appendDecimal(UInt64(address.b))
            appendByte(".")
            appendDecimal(UInt64(address.c))
            appendByte(".")
            appendDecimal(UInt64(address.d))
        case .v6(let address):
            // IPv6's zero compression is fiddly and rarer on a busy loopback; reuse it.
            appendByte("[")
            appendString(address.description)
            appendByte("]")
        }
        appendByte(":")
        appendDecimal(UInt64(endpoint.port))
    }
}
