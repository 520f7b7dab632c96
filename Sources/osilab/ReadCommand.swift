import ArgumentParser
import Capture
import Foundation
import Report
import TextUI
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

    @OptionGroup var languageOption: LanguageOption

    func run() throws {
        let language = labLanguage(flag: languageOption.language)
        let capture: CaptureFile
        do {
            capture = try CaptureFile(path: file)
        } catch {
            printError(error.describe(in: language))
            throw ExitCode(1)
        }
        let (width, colour) = layerViewSettings()
        var printer = PacketPrinter(linkType: LinkType(rawValue: capture.dataLink), absolute: absolute, layers: layers,
                                    width: width, colour: colour, language: language)
        do {
            try capture.forEachPacket { header, bytes in
                printer.add(header, bytes)
                return true
            }
        } catch {
            // What was read before the damage, summed up as a whole file would be; the error
            // (on standard error) then says how many packets that was and where it stopped.
            printer.output.write(printer.lines.summary)
            printer.output.flush()
            printError(error.describe(in: language))
            throw ExitCode(1)
        }
        printer.output.write(printer.lines.summary)
        printer.output.flush()
    }
}
