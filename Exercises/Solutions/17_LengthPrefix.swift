// Exercise 17, length-prefix: the reference solution. Follows lesson 10, "Message boundaries, 粘包 and framing".

/// A message framed for a byte stream: its UTF-8 length as 4 bytes, big-endian, then its bytes.
public func frame(_ message: String) -> [UInt8] {
    let body = Array(message.utf8)
    let length = UInt32(body.count)
    return [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + body
}

/// Turns a byte stream, cut into chunks anywhere, back into the framed messages.
public struct MessageReader {
    /// Bytes received but not yet part of a whole message.
    private var buffered: [UInt8] = []

    public init() {}

    /// Adds the next chunk of the stream and returns every message it completed.
    public mutating func feed(_ chunk: [UInt8]) -> [String] {
        buffered += chunk
        var messages: [String] = []
        var start = 0
        while buffered.count - start >= 4 {
            let length = buffered[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard buffered.count - start - 4 >= length else { break }
            let body = buffered[(start + 4)..<(start + 4 + length)]
            // Decoded only now, whole: a chunk may have ended inside a character.
            messages.append(String(decoding: body, as: UTF8.self))
            start += 4 + length
        }
        buffered.removeFirst(start)
        return messages
    }
}
