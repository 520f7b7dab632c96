import Capture
import Foundation
import TextUI
import Timeline
import Trace
import Wire

/// What `osilab read` and `osilab watch` print for each packet: its annotated line and,
/// with `--layers`, its breakdown by OSI layer.
public struct PacketPrinter {
    /// The lines so far: the packet count and, at the end, the summary.
    public private(set) var lines: PacketLines
    public let output = StandardOutput()
    private let linkType: LinkType
    private let layers: Bool
    private let width: Int
    private let colour: Bool
    private let say: LabStrings

    /// - Parameters:
    ///   - width, colour: how `--layers` draws (the terminal's width and whether it takes colour).
    ///   - language: the language of the notes, the summary and the `--layers` titles.
    public init(linkType: LinkType, absolute: Bool, layers: Bool, width: Int, colour: Bool, language: Language = .english) {
        lines = PacketLines(numbers: absolute ? .absolute : .relative, utcOffsetSeconds: Instant.localUTCOffset(),
                            language: language)
        self.linkType = linkType
        self.layers = layers
        self.width = width
        self.colour = colour
        say = LabStrings(language)
    }

    /// Adds one packet to the output, which is written out once its buffer is full.
    /// - Parameter bytes: the packet as libpcap lent it; nothing of it is kept.
    public mutating func add(_ header: PacketHeader, _ bytes: UnsafeRawBufferPointer) {
        lines.appendLine(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength,
                         linkType: linkType, invalidTimestamp: header.invalidTimestamp, to: &output.buffer)
        if layers {
            for line in LayerView.render(bytes: Array(bytes), linkType: linkType, originalLength: header.originalLength,
                                         title: say(.packetTitle, String(lines.count)), width: width, colour: colour) {
                output.write(line.rendered(colour ? .ansi : .plain))
            }
            output.write("")
        }
        output.flushIfFull()
    }
}

/// Lines to standard output through one large buffer: a capture of a million packets
/// must not cost a million write() calls.
public final class StandardOutput {
    /// Bytes not yet written. Packet lines are appended here directly (`appendLine(to:)`).
    public var buffer: [UInt8] = []

    public init() {
        buffer.reserveCapacity(1 << 16 + 4096)
    }

    public func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        flushIfFull()
    }

    /// Writes the buffer once it holds 64 KiB: few system calls, and a bounded buffer.
    public func flushIfFull() {
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
