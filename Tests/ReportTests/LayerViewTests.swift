import Foundation
@testable import Report
import TextUI
import Timeline
import Wire
import TestSupport
import XCTest

final class LayerViewTests: XCTestCase {
    /// An Ethernet frame carrying a UDP datagram with 4 bytes of data ("ping").
    let frame: [UInt8] = [
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,                 // Ethernet: dst, src, IPv4
        0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,   // IPv4, protocol 17
        0x11, 0xc1, 0x11, 0xc2, 0, 12, 0, 0,                                      // UDP 4545 -> 4546, length 12
        0x70, 0x69, 0x6e, 0x67,                                                   // "ping"
    ]

    func testPlainBreakdownNamesEachLayerAndMarksItsBytes() {
        let lines = LayerView.render(bytes: frame, linkType: .ethernet, originalLength: frame.count, title: "Packet 1",
                                     colour: false).map(\.plainText)
        let text = lines.joined(separator: "\n")
        XCTAssertEqual(lines.first, "Packet 1: 46 bytes captured")
        XCTAssertTrue(text.contains("├─ Layer 2 Data link: Ethernet II  [bytes 0–13]"), text)
        XCTAssertTrue(text.contains("Layer 3 Network: IPv4  {bytes 14–33}"), text)
        XCTAssertTrue(text.contains("Layer 4 Transport: UDP  <bytes 34–41>"), text)
        XCTAssertTrue(text.contains("Layer 7 Application"), text)
        XCTAssertTrue(text.contains("Source port") && text.contains("4545"), text)
        XCTAssertTrue(lines.contains("0000  [02 00 00 00 00 02 02 00 00 00 00 01 08 00] {45 00}"), text)
        XCTAssertTrue(lines.contains { $0.hasPrefix("0020  {00 01} <11 c1 11 c2 00 0c 00 00> (70 69 6e 67)") }, text)
        XCTAssertFalse(text.contains("\u{1B}["), "plain output has no escape codes")
    }

    func testColourBreakdownUsesOneColourPerLayer() {
        let lines = LayerView.render(bytes: frame, linkType: .ethernet, originalLength: frame.count, title: "Packet 1",
                                     colour: true)
        let firstHex = lines.first { $0.plainText.hasPrefix("0000") }
        let colours = Set(firstHex?.spans.compactMap(\.style.foreground) ?? [])
        XCTAssertEqual(colours, [.blue, .green], "data-link bytes in blue, network bytes in green")
        XCTAssertFalse(firstHex?.plainText.contains("[") ?? true, "with colour, no brackets")
    }

    func testATruncatedPacketShowsTheProblem() {
        let cut = Array(frame.prefix(20))
        let text = LayerView.render(bytes: cut, linkType: .ethernet, originalLength: frame.count, title: "Packet 9", colour: false)
            .map(\.plainText).joined(separator: "\n")
        XCTAssertTrue(text.contains("20 bytes captured of 46 on the wire"), text)
        XCTAssertTrue(text.contains("Problem:"), text)
        XCTAssertTrue(text.contains("!"), "the problem's bytes are marked in plain mode")
    }
}
