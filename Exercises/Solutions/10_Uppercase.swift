// Exercise 10, uppercase: the reference solution. Follows lesson 9, "The notes' three programs".

/// The echo server's reply: `data` with the ASCII letters a-z made upper case, every other
/// byte unchanged (Python's `bytes.upper()`).
public func uppercaseReply(_ data: [UInt8]) -> [UInt8] {
    data.map { byte in
        // 'a' is 0x61 and 'A' is 0x41: the same letter, 32 apart.
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }
}
