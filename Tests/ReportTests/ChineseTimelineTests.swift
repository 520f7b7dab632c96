import Foundation
@testable import Report
import TextUI
@testable import Timeline
import Trace
import Wire
import TestSupport
import XCTest

/// The ladder, the handshake explanation and the step narration in Chinese: the same facts
/// and numbers, protocol and call names kept, and a ladder whose lifelines stay straight
/// however wide its Chinese notes are.
final class ChineseTimelineTests: XCTestCase {
    let j: UInt32 = 1000, k: UInt32 = 5000

    /// One segment of every role the tracker gives, with a wrong acknowledgment among them.
    func segmentsOfEveryRole() -> [AnnotatedSegment] {
        var talk = Conversation()
        var tracker = ConnectionTracker()
        var all: [AnnotatedSegment] = []
        func add(_ segment: Segment) { all.append(tracker.annotate(segment)) }
        add(talk.segment(fromClient: true, .syn, seq: j))
        add(talk.segment(fromClient: true, .syn, seq: j))                               // SYN again
        add(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))
        add(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 1))          // SYN-ACK again
        add(talk.segment(fromClient: true, .ack, seq: j + 1, ack: k + 1))
        add(talk.segment(fromClient: true, [.psh, .ack], seq: j + 1, ack: k + 1, length: 1))
        add(talk.segment(fromClient: true, [.psh, .ack], seq: j + 2, ack: k + 1, length: 5))
        add(talk.segment(fromClient: true, [.psh, .ack], seq: j + 2, ack: k + 1, length: 5))  // data again
        add(talk.segment(fromClient: false, .ack, seq: k + 1, ack: j + 7))
        add(talk.segment(fromClient: false, .ack, seq: k + 1, ack: j + 7, window: 0))
        add(talk.segment(fromClient: true, [.fin, .ack], seq: j + 7, ack: k + 1))
        add(talk.segment(fromClient: false, [.fin, .ack], seq: k + 1, ack: j + 8))
        add(talk.segment(fromClient: true, .ack, seq: j + 8, ack: k + 2))
        // A second client: refused; a third: a wrong SYN-ACK, then data with the final ACK, then a reset.
        talk.client = IPEndpoint(.v4(.loopback), 51001)
        add(talk.segment(fromClient: true, .syn, seq: j))
        add(talk.segment(fromClient: false, [.rst, .ack], seq: 0, ack: j + 1, window: 0))
        talk.client = IPEndpoint(.v4(.loopback), 51002)
        add(talk.segment(fromClient: true, .syn, seq: j))
        add(talk.segment(fromClient: false, [.syn, .ack], seq: k, ack: j + 2))
        add(talk.segment(fromClient: true, [.psh, .ack], seq: j + 1, ack: k + 1, length: 3))
        add(talk.segment(fromClient: true, [.rst, .ack], seq: j + 4, ack: k + 1))
        // Mid-stream: no handshake seen.
        talk.client = IPEndpoint(.v4(.loopback), 51003)
        add(talk.segment(fromClient: false, [.psh, .ack], seq: 77, ack: 88, length: 3))
        return all
    }

    func testTheEnglishTableGivesExactlyTheNotesTheLabAlwaysPrinted() {
        let segments = segmentsOfEveryRole()
        let roles = Set(segments.map { "\($0.role)" })
        XCTAssertGreaterThanOrEqual(roles.count, 14, "every role is covered: \(roles.sorted())")
        for segment in segments {
            XCTAssertEqual(PacketText.note(segment, numbers: .relative, strings: .timeline(.english)),
                           PacketText.note(segment, numbers: .relative), "role \(segment.role)")
        }
    }

    func testChineseNotesKeepTheProtocolNamesAndNumbers() throws {
        let notes = segmentsOfEveryRole().map { PacketText.note($0, numbers: .relative, strings: .timeline(.chinese)) }
        XCTAssertEqual(notes[0], "第 1 步：seq = J")
        XCTAssertEqual(notes[2], "第 2 步：seq = K，ack = J+1 ✓")
        XCTAssertEqual(notes[4], "第 3 步：ack = K+1 ✓")
        XCTAssertEqual(notes[1], "重发 SYN（第 2 份）：还没有收到 SYN-ACK")
        XCTAssertEqual(notes[6], "数据，5 字节")
        XCTAssertEqual(notes[10], "客户端先关闭，之后要在 TIME-WAIT 状态等待")
        XCTAssertEqual(notes[14], "被拒绝：端口 4545 上没有程序在监听")
        // In relative numbers the failed check counts from J as the line does (#16.4): J+1 is 1.
        XCTAssertEqual(notes[16], "第 2 步：seq = K，ack = J+1 ✗（应为 1，实为 2）")
        XCTAssertEqual(notes[17]?.hasSuffix("，由数据报文段捎带"), true, notes[17] ?? "")
        for note in notes.compactMap({ $0 }) {
            XCTAssertTrue(note.contains { DisplayWidth.of($0) == 2 }, "not translated: \(note)")
        }
    }

    func testTheStringTablesMatch() {
        XCTAssertEqual(Phrasebook.osilab.missing(TimelineText.self), [])
    }

    // MARK: The ladder with Chinese text

    /// The display columns of the two lifelines in a row, or nil for a row without both.
    func lifelines(_ line: String, bar: Character) -> [Int]? {
        var column = 0
        var found: [Int] = []
        for character in line {
            if character == bar { found.append(column) }
            column += DisplayWidth.of(character)
        }
        return found.count >= 2 ? Array(found.prefix(2)) : nil
    }

    func testALadderWithChineseNotesAndCallsKeepsEveryLifelineInItsColumn() {
        let t0 = Instant(nanosecondsSinceEpoch: 1_700_000_000_000_000_000)
        let long = "客户端先关闭，之后要在 TIME-WAIT 状态等待，这一行故意写得很长，好让它在备注栏里折成好几行。"
        let rows: [Ladder.Row] = [
            .call(side: .server, text: "调用 accept()", tone: .neutral),
            .call(side: .client, text: "connect() = 0，等了 160.8 µs，客户端这一侧的连接建立了", tone: .neutral),
            .arrow(direction: .clientToServer, label: "SYN seq=0", note: "第 1 步：seq = J", tone: .handshake),
            .arrow(direction: .serverToClient, label: "SYN-ACK seq=0 ack=1", note: "第 2 步：seq = K，ack = J+1 ✓", tone: .handshake),
            .arrow(direction: .clientToServer, label: "FIN-ACK seq=6 ack=6", note: long, tone: .teardown),
            .arrow(direction: .serverToClient, label: "一个很长的中文标签，宽到箭头上放不下，只好写在箭头上方", note: long, tone: .data),
            .call(side: .server, text: "accept() = fd 4，等了 2.31 ms，" + long, tone: .neutral),
            .arrow(direction: .clientToServer, label: "ACK ack=1", note: nil, tone: .data),
        ]
        let ladder = Ladder(client: "127.0.0.1:51000", server: "127.0.0.1:4545",
                            entries: rows.enumerated().map { Ladder.Entry(time: t0, row: $1, eventIndex: $0) },
                            language: .chinese)
        for width in [46, 50, 60, 72, 80, 100, 120] {
            for unicode in [true, false] {
                let lines = LadderRenderer(width: width, unicode: unicode).render(ladder).map(\.plainText)
                XCTAssertTrue(lines[0].hasPrefix("       客户端 127.0.0.1:51000") || lines[0].contains("客户端 127.0.0.1:51000"), lines[0])
                let columns = lines.dropFirst().compactMap { lifelines($0, bar: unicode ? "│" : "|") }
                XCTAssertEqual(columns.count, lines.count - 1, "every row has both lifelines:\n" + lines.joined(separator: "\n"))
                XCTAssertEqual(Set(columns.map { $0.description }).count, 1,
                               "width \(width): the lifelines move:\n" + lines.joined(separator: "\n"))
                // Nothing is wider than the ladder was asked to be, Chinese characters counted twice.
                for line in lines {
                    XCTAssertLessThanOrEqual(DisplayWidth.of(line.replacingOccurrences(of: " +$", with: "", options: .regularExpression)),
                                             width, "width \(width): \(line)")
                }
            }
        }
    }

    // MARK: A whole handshake in Chinese

    /// As in English (TimelineTests.testPlainLadderIsExact), the columns follow what the
    /// ladder holds, Chinese characters counted two columns: the calls' column is as wide as
    /// `connect() = 0，等了 20.0 us` (27), the notes' column as `第 2 步：seq = K，ack = J+1 [ok]` (32).
    func testTheChineseLadderIsExact() {
        let ladder = Ladder.make(from: sampleTimeline(), language: .chinese)
        let lines = LadderRenderer(width: 100, unicode: false).render(ladder).map(\.plainText)
        let expected = [
            "                客户端 127.0.0.1:51000                             服务器 127.0.0.1:4545",
            "        0                             |                           | 调用 accept()",
            "  +4.0 us              调用 connect() |                           |",
            "  +5.0 us                             |-- SYN seq=0 ------------->| 第 1 步：seq = J",
            " +10.0 us                             |<--- SYN-ACK seq=0 ack=1 --| 第 2 步：seq = K，ack = J+1 [ok]",
            "  +5.0 us connect() = 0，等了 20.0 us |                           |",
            "  +5.0 us                             |-- ACK ack=1 ------------->| 第 3 步：ack = K+1 [ok]",
            " +10.0 us                             |                           | accept() = fd 4，等了 39.0 us",
        ]
        XCTAssertEqual(lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }, expected,
                       "\n" + lines.joined(separator: "\n"))
    }

    func testTheExplanationSaysTheSameInChinese() throws {
        let findings = try XCTUnwrap(sampleTimeline().findings.first)
        let english = HandshakeExplanation.sentences(for: findings)
        let chinese = HandshakeExplanation.sentences(for: findings, language: .chinese)
        XCTAssertEqual(chinese.count, english.count, "one Chinese sentence for each English one")
        let text = chinese.joined(separator: "\n")
        XCTAssertTrue(text.contains("seq J = 100") && text.contains("seq K = 900") && text.contains("ack = 101，正好是 J+1"), text)
        XCTAssertTrue(text.contains("所以 connect() 在第 2 步返回"), text)
        XCTAssertTrue(text.contains("所以 accept() 在第 3 步返回"), text)
        XCTAssertTrue(text.contains("osilab experiment drop-final-ack"), "commands stay as they are")
        for sentence in chinese { XCTAssertTrue(sentence.contains { DisplayWidth.of($0) == 2 }, "not translated: \(sentence)") }
    }

    func testTheEnglishExplanationIsUnchanged() throws {
        let findings = try XCTUnwrap(sampleTimeline().findings.first)
        XCTAssertEqual(HandshakeExplanation.sentences(for: findings, numbers: .absolute), [
            "Step 1: the client's kernel sent SYN with seq J = 100. Step 2: the server's kernel answered SYN-ACK with its own seq K = 900 and ack = 101, which is J+1 as it must be.",
            "Step 3: the client's kernel answered with ack = 901 = K+1.",
            "connect() returned 5.0 µs after the SYN-ACK (step 2) arrived. So connect() returns at step 2.",
            "accept() returned 10.0 µs after the final ACK (step 3) arrived: only then did the server's kernel move the connection to the accept queue; it had been waiting since before the SYN. So accept() returns at step 3.",
            "The whole handshake took 20.0 µs (SYN to SYN-ACK 10.0 µs): on loopback everything happens within microseconds, and the order of nearby events is all the timestamps can show. For proof that accept() waits for step 3, hold the ACK back: osilab experiment drop-final-ack.",
        ])
    }

    func testEveryEventIsNarratedInChinese() {
        let timeline = sampleTimeline()
        let sentences = timeline.events.map { StepNarration.sentence(for: $0, language: .chinese) }
        XCTAssertEqual(sentences, [
            "服务器调用 accept()。它的 accept 队列里还没有已经建立的连接，所以这个调用阻塞了。",
            "客户端调用 connect()。它的内核发出 SYN，这个调用等待对方的回应。",
            "第 1 步：客户端的内核发出 SYN，带着它的初始序列号 J = 100。",
            "第 2 步：回应 SYN-ACK 的是服务器的内核，不是 accept()，它带着自己的 K = 900 和 ack = 101（正是 J+1，理应如此）。",
            "connect() 返回 0（等了 20.0 µs）：SYN-ACK 已经到达，客户端这一侧的连接建立了。",
            "第 3 步：客户端的内核用 ack = 901 确认（正是 K+1）；这是它在处理 SYN-ACK 时自己发出的。",
            "accept() 返回 fd 4（等了 39.0 µs）：最后的 ACK 把连接移入了 accept 队列，accept() 把它取走了。",
        ])
    }
}
