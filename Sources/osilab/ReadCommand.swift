import ArgumentParser
import Capture
import Foundation
import TextUI
import Timeline
import Wire

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Annotate a capture file: one line per packet, with handshake steps and relative numbers.",
        discussion: """
            Reads pcap and pcapng files from tcpdump, Wireshark or osilab (osilab watch --write). \
            Each TCP segment is labelled: the handshake's three steps with their J/K arithmetic \
            checked, data, FIN, RST and retransmissions.
            """)

    @Argument(help: "The capture file to read.")
    var file: String

    @Flag(help: "After each packet, break it down by OSI layer with its bytes.")
    var layers = false

    @Flag(help: "Show raw 32-bit sequence numbers instead of numbers relative to each side's first.")
    var absolute = false


    func run() throws {
        let capture: CaptureFile
        do {
            capture = try CaptureFile(path: file)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        let linkType = LinkType(rawValue: capture.dataLink)
        var lines = PacketLines(numbers: absolute ? .absolute : .relative, utcOffsetSeconds: localUTCOffset())
        let output = StandardOutput()
        let showLayers = layers
        let (width, colour) = layerViewSettings()
        do {
            try capture.forEachPacket { header, bytes in
                output.write(lines.line(timestamp: header.timestamp, bytes: bytes, originalLength: header.originalLength,
                                        linkType: linkType))
                if showLayers {
                    for line in LayerView.render(bytes: Array(bytes), linkType: linkType, originalLength: header.originalLength,
                                                 title: "Packet \(lines.count)", width: width, colour: colour) {
                        output.write(line.rendered(colour ? .ansi : .plain))
                    }
                    output.write("")
                }
                return true
            }
        } catch {
            output.flush()
            printError(error.description)
            throw ExitCode(1)
        }
        output.write(lines.summary)
        output.flush()
    }
}

/// Seconds east of UTC for the local time zone, asked once.
func localUTCOffset() -> Int {
    var now = time(nil)
    var parts = tm()
    localtime_r(&now, &parts)
    return parts.tm_gmtoff
}

/// Lines to standard output through one large buffer: a capture of a million packets
/// must not cost a million write() calls.
final class StandardOutput {
    private var buffer: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
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
