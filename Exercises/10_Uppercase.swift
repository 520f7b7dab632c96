// Exercise 10 of osilab: uppercase. Do it after lesson 9, "The notes' three programs".
// Check it with `osilab check uppercase` (or `swift test --filter UppercaseTests`);
// `osilab hint uppercase` gives a hint at a time.

/// The reply of the notes' echo server: the bytes it received, in upper case.
///
/// **What to do:** return `data` with every ASCII lower-case letter (a to z, the bytes
/// 0x61 to 0x7a) turned into its upper-case letter (0x41 to 0x5a), and every other byte
/// left exactly as it was. This is what Python's `bytes.upper()` does in the notes'
/// server (`conn.send(data.upper())`).
///
/// **Why it matters:** the server works on bytes, not on text. Bytes from the network
/// need not be valid UTF-8 at all, and a recv() can end in the middle of a character, so
/// the server must not decode them. It also keeps the reply exactly as long as the
/// request, which is what lets a client know how much to wait for. (`String.uppercased()`
/// changes "ß" into "SS": one byte more, and a client counting bytes would wait forever.)
public func uppercaseReply(_ data: [UInt8]) -> [UInt8] {
    // TODO: change the bytes of "a" to "z" into those of "A" to "Z"; keep every other byte.
    return data
}
