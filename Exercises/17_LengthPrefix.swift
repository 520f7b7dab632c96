// Exercise 17 of osilab: length-prefix. Do it after lesson 10, "Message boundaries, 粘包 and framing",
// and exercise read-exactly.
// Check it with `osilab check length-prefix` (or `swift test --filter LengthPrefixTests`);
// `osilab hint length-prefix` gives a hint at a time.

/// Frames one message for a TCP byte stream, with a length prefix.
///
/// **What to do:** return the message's length in bytes, UTF-8 bytes not characters, as a
/// 4-byte unsigned number in network byte order (big-endian, Python's `struct.pack("!I", n)`),
/// followed by the message's UTF-8 bytes. "5" becomes `00 00 00 01 35`; "中" is three
/// bytes in UTF-8, so it becomes `00 00 00 03 e4 b8 ad`.
///
/// **Why it matters:** TCP keeps no message boundaries (粘包, "sticky packets"). With a
/// length in front, the receiver always knows where a message ends, with no delimiter to
/// escape and no acknowledgement round trip as in the notes' remote command exchange.
public func frame(_ message: String) -> [UInt8] {
    // TODO: put the 4-byte big-endian byte count in front of the UTF-8 bytes.
    return Array(message.utf8)
}

/// Reads length-prefixed messages from a byte stream that arrives in arbitrary chunks.
///
/// **What to do:** `feed` gets the next chunk of the stream, as one recv() returned it.
/// Chunks are cut anywhere: several messages can come in one chunk, one message can be
/// spread over many, and a cut can fall inside the 4-byte length or inside a character.
/// Keep the bytes that do not yet make a whole message for the next call; return every
/// message the new chunk completes, decoded from UTF-8 only when all its bytes are there,
/// in order (an empty array when none is complete yet).
///
/// **Why it matters:** this is the receiving half of framing, the fix for lesson 10's
/// sticky packets and split characters. Whatever the network does to the chunks, the
/// messages come out exactly as they were sent.
public struct MessageReader {
    /// Bytes received but not yet part of a whole message.
    private var buffered: [UInt8] = []

    public init() {}

    public mutating func feed(_ chunk: [UInt8]) -> [String] {
        // TODO: add the chunk to `buffered`; while it holds a whole message (4-byte length,
        // then that many bytes), take it out, decode it and add it to the result.
        return [String(decoding: chunk, as: UTF8.self)]
    }
}
