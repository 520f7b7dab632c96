import TextUI

// The few sentences the capture labs add around Timeline's ladder and explanation (the
// capture's counters, step mode's keys), in English and Chinese, with the same mechanism.

/// The id of a sentence the labs show.
public enum LabText: String, CaseIterable, Sendable {
    case captureCounters, captureCountersInterface, captureDropped, packetTitle, packetTitleLabelled, labelWithNote
    case stepEvent, stepNothingCaptured, stepKeysLadder, stepKeysLayers, stepMore, stepNoPacket
}

/// The labs' sentences in one language.
public typealias LabStrings = StringTable<LabText>

/// The tables: English and Chinese.
public enum LabTables {
    public static let all: [Language: [LabText: String]] = [.english: english, .chinese: chinese]

    static let english: [LabText: String] = [
        .captureCounters: "Capture: {0} packets captured, {1} received by filter, {2} dropped by kernel.",
        .captureCountersInterface: "Capture: {0} packets captured, {1} received by filter, {2} dropped by kernel, {3} dropped by interface.",
        .captureDropped: "{0} The kernel dropped packets, so the ladder may be missing some.",
        .packetTitle: "Packet {0}",
        .packetTitleLabelled: "Packet {0}, {1}",
        .labelWithNote: "{0} ({1})",
        .stepEvent: "Event {0} of {1}: {2}",
        .stepNothingCaptured: "Nothing was captured.",
        .stepKeysLadder: "→ or space: next · ←: back · Home/End · l: this packet's layers · q: quit",
        .stepKeysLayers: "→ next · ← back · ↑↓ scroll · l: back to the ladder · q: quit",
        .stepMore: "… ↓ for more",
        .stepNoPacket: "(this event is a system call: no packet to break down)",
    ]

    static let chinese: [LabText: String] = [
        .captureCounters: "抓包统计：抓到 {0} 个报文，过滤器收到 {1} 个，内核丢弃 {2} 个。",
        .captureCountersInterface: "抓包统计：抓到 {0} 个报文，过滤器收到 {1} 个，内核丢弃 {2} 个，网卡丢弃 {3} 个。",
        .captureDropped: "{0}内核丢弃了一些报文，所以时间线上可能缺了几行。",
        .packetTitle: "第 {0} 个报文",
        .packetTitleLabelled: "第 {0} 个报文：{1}",
        .labelWithNote: "{0}（{1}）",
        .stepEvent: "第 {0}/{1} 个事件：{2}",
        .stepNothingCaptured: "什么都没有抓到。",
        .stepKeysLadder: "→ 或空格：下一步 · ←：上一步 · Home/End · l：这个报文的分层 · q：退出",
        .stepKeysLayers: "→ 下一步 · ← 上一步 · ↑↓ 滚动 · l：回到时间线 · q：退出",
        .stepMore: "… 按 ↓ 看更多",
        .stepNoPacket: "（这一步是系统调用，没有报文可以拆解）",
    ]
}
