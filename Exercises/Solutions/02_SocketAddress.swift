// Exercise 2, socket-address: the reference solution. Follows lesson 3, "What a socket is".
import Sockets
import Wire

/// Why text is not a usable `host:port` address.
public enum SocketAddressProblem: Error, Equatable, Sendable {
    case missingPort, emptyHost, portNotANumber, portOutOfRange
    case ipv6NeedsBrackets, unclosedBracket, malformedIPv6
}

/// Splits `host:port` or `[IPv6]:port` into a host and a port, checking both.
public func parseSocketAddress(_ text: String) throws(SocketAddressProblem) -> HostAndPort {
    let host: Substring
    let portText: Substring
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]") else { throw .unclosedBracket }
        host = text[text.index(after: text.startIndex)..<close]
        let rest = text[text.index(after: close)...]
        guard rest.first == ":" else { throw .missingPort }
        portText = rest.dropFirst()
        guard !host.isEmpty else { throw .emptyHost }
        guard IPv6Address(host) != nil else { throw .malformedIPv6 }
    } else {
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort }
        host = text[..<colon]
        portText = text[text.index(after: colon)...]
        if host.contains(":") { throw .ipv6NeedsBrackets }
    }
    guard !host.isEmpty else { throw .emptyHost }
    guard !portText.isEmpty else { throw .missingPort }
    // Only the ASCII digits 0-9: Int("+80") would accept the sign, and Character.isNumber
    // accepts digits of other scripts.
    guard portText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
        throw .portNotANumber
    }
    // Five digits at most before converting, so a huge number cannot overflow Int.
    guard portText.count <= 5, let value = Int(portText), let port = UInt16(exactly: value) else {
        throw .portOutOfRange
    }
    return HostAndPort(host: String(host), port: port)
}
