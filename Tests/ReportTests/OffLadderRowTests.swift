import Capture
import Foundation
import Report
import TextUI
import Timeline
import Trace
import Wire
import XCTest

/// A connection that is not one of the ladder's two columns gets a row of its own: its note
/// in the reader's language, as the arrows' notes are.
final class OffLadderRowTests: XCTestCase {
    private func packets(_ name: String) throws -> [(timestamp: Instant, bytes: [UInt8], originalLength: Int, linkType: LinkType)] {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        folder.appendPathComponent("CaptureTests/Fixtures")
        let file = try CaptureFile(path: folder.appendingPathComponent(name).path)
        return try file.readAll().map { ($0.timestamp, $0.bytes, $0.originalLength, LinkType(rawValue: $0.dataLink)) }
    }

    func testAnOffLadderConnectionsNoteIsInChinese() throws {
        let first = try packets("handshake-ipv4.pcap")
        let second = try packets("refused.pcap")
        XCTAssertEqual(Set((first + second).map(\.linkType)).count, 1, "both fixtures share a link type")
        let timeline = Timeline.build(packets: first + second, trace: [])
        let segments = timeline.segments
        let client = try XCTUnwrap(segments.first?.client), server = try XCTUnwrap(segments.first?.server)
        let others = segments.filter { ConnectionKey($0.client, $0.server) != ConnectionKey(client, server) }
        XCTAssertFalse(others.isEmpty, "refused.pcap adds a connection of its own")
        for (language, stepOne) in [(Language.chinese, "第 1 步"), (.english, "step 1")] {
            let ladder = Ladder.make(from: timeline, client: client, server: server, language: language)
            let rows = ladder.entries.compactMap { entry -> String? in
                if case .other(let text) = entry.row { return text }
                return nil
            }
            XCTAssertEqual(rows.count, others.count, "one row per segment of the other connection")
            XCTAssertTrue(rows.contains { $0.contains(stepOne) }, "\(language): \(rows)")
        }
    }
}
