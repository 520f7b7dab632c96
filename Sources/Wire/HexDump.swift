// A hex dump as data: each line knows which layer section every byte belongs to, so the
// terminal code can colour the bytes by layer without this module knowing about colours.

/// One line of a hex dump.
public struct HexLine: Sendable, Hashable {
    /// Offset of the line's first byte in the packet.
    public var offset: Int
    public var bytes: [UInt8]
    /// For each byte, the index (into the sections passed to `hexDump`) of the innermost
    /// section holding it, or nil when no section does.
    public var sections: [Int?]
    /// The plain text of the line: `0000  45 00 00 3c ...  E..<`, columns padded so lines align.
    public var text: String
}

/// Lays `bytes` out `bytesPerLine` to a line, marking each byte with the section holding it.
/// Where sections overlap (a decode error over the header it is about), the smallest wins,
/// as it is the most specific.
public func hexDump(_ bytes: [UInt8], marking sections: [LayerSection] = [], bytesPerLine: Int = 16) -> [HexLine] {
    let width = max(1, bytesPerLine)
    var owner = [Int?](repeating: nil, count: bytes.count)
    var ownerSize = [Int](repeating: Int.max, count: bytes.count)
    for (index, section) in sections.enumerated() {
        let lower = max(0, section.bytes.lowerBound), upper = min(bytes.count, section.bytes.upperBound)
        guard lower < upper else { continue }
        for position in lower..<upper where section.bytes.count <= ownerSize[position] {
            owner[position] = index
            ownerSize[position] = section.bytes.count
        }
    }
    let offsetDigits = max(4, String(max(bytes.count - 1, 0), radix: 16).count)
    var lines: [HexLine] = []
    var start = 0
    while start < bytes.count {
        let end = min(start + width, bytes.count)
        let chunk = Array(bytes[start..<end])
        var offsetText = String(start, radix: 16)
        offsetText = String(repeating: "0", count: max(0, offsetDigits - offsetText.count)) + offsetText
        var hex = ""
        for column in 0..<width {
            if column > 0 { hex += column % 8 == 0 ? "  " : " " }
            hex += column < chunk.count ? hex2(chunk[column]) : "  "
        }
        let ascii = String(chunk.map { (0x20...0x7e).contains($0) ? Character(Unicode.Scalar($0)) : "." })
        lines.append(HexLine(offset: start, bytes: chunk, sections: Array(owner[start..<end]),
                             text: offsetText + "  " + hex + "  " + ascii))
        start = end
    }
    return lines
}
