import Wire

/// Where a socket is bound or connected: an IP address and port, or a Unix socket path.
///
/// Printed and parsed in the forms the lab uses everywhere: `127.0.0.1:4545`,
/// `[::1]:4545`, and `unix:/tmp/lab.sock`.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    case ip(IPEndpoint)
    case unix(path: String)

    public static func ipv4(_ address: IPv4Address, port: UInt16) -> SocketAddress {
        .ip(IPEndpoint(.v4(address), port))
    }

    public static func ipv6(_ address: IPv6Address, port: UInt16) -> SocketAddress {
        .ip(IPEndpoint(.v6(address), port))
    }

    /// The address with a numeric host and a port checked to be in 0...65535.
    public init(host: String, port: Int) throws(AddressError) {
        guard let address = IPAddress(host) else {
            throw AddressError(text: host, problem: .notNumericHost)
        }
        guard let port = UInt16(exactly: port) else {
            throw AddressError(text: String(port), problem: .portOutOfRange)
        }
        self = .ip(IPEndpoint(address, port))
    }

    /// Parses `a.b.c.d:port`, `[v6]:port` or `unix:/path`. The host must be numeric here;
    /// use ``HostAndPort`` and `getAddressInfo` for names such as `localhost`.
    public init(parsing text: String) throws(AddressError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw AddressError(text: text, problem: .emptyHost) }
            guard path.utf8.count < SocketAddress.maximumUnixPathLength else {
                throw AddressError(text: text, problem: .unixPathTooLong)
            }
            self = .unix(path: path)
            return
        }
        let parsed = try HostAndPort(parsing: text)
        guard let address = IPAddress(parsed.host) else {
            throw AddressError(text: text, problem: .notNumericHost)
        }
        self = .ip(IPEndpoint(address, parsed.port))
    }

    /// The IP address and port, or nil for a Unix socket.
    public var endpoint: IPEndpoint? {
        if case .ip(let endpoint) = self { return endpoint }
        return nil
    }

    public var port: UInt16? { endpoint?.port }

    public var family: AddressFamily {
        switch self {
        case .ip(let endpoint):
            if case .v4 = endpoint.address { return .inet }
            return .inet6
        case .unix: return .unix
        }
    }

    public var description: String {
        switch self {
        case .ip(let endpoint): endpoint.description
        case .unix(let path): "unix:" + path
        }
    }

    /// sun_path holds 108 bytes on Linux (104 on the BSDs), including the final NUL.
    public static let maximumUnixPathLength = 104
}

/// A host (numeric or a name) and a port, as typed by a user: `localhost:4545`,
/// `127.0.0.1:4545`, `[::1]:4545`.
public struct HostAndPort: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(AddressError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw AddressError(text: text, problem: .unclosedBracket)
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { throw AddressError(text: text, problem: .missingPort) }
            portText = rest.dropFirst()
            guard IPv6Address(host) != nil else { throw AddressError(text: text, problem: .malformedIPv6) }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw AddressError(text: text, problem: .missingPort)
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw AddressError(text: text, problem: .ipv6NeedsBrackets) }
        }
        guard !host.isEmpty else { throw AddressError(text: text, problem: .emptyHost) }
        guard !portText.isEmpty else { throw AddressError(text: text, problem: .missingPort) }
        guard portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AddressError(text: text, problem: .portNotANumber)
        }
        // Compare as a big number first so "99999999999999999999" is "out of range", not "not a number".
        guard portText.count <= 5, let value = Int(portText), let port = UInt16(exactly: value) else {
            throw AddressError(text: text, problem: .portOutOfRange)
        }
        if !host.contains(":"), !HostAndPort.isPlausibleHostName(host) {
            throw AddressError(text: text, problem: .malformedHost)
        }
        self.init(host: String(host), port: port)
    }

    /// Letters, digits, hyphens and dots, in labels of 1 to 63 characters (RFC 1123).
    static func isPlausibleHostName(_ host: Substring) -> Bool {
        guard host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Text that is not a usable socket address, and why.
public struct AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case missingPort, portNotANumber, portOutOfRange, emptyHost, malformedHost
        case malformedIPv6, ipv6NeedsBrackets, unclosedBracket, notNumericHost, unixPathTooLong
    }

    public var text: String
    public var problem: Problem

    public var description: String {
        let reason = switch problem {
        case .missingPort: "a port is missing (write host:port, e.g. 127.0.0.1:4545)"
        case .portNotANumber: "the port must be a decimal number"
        case .portOutOfRange: "the port must be between 0 and 65535"
        case .emptyHost: "the host is empty"
        case .malformedHost: "the host is neither an IP address nor a valid host name"
        case .malformedIPv6: "the text in brackets is not an IPv6 address"
        case .ipv6NeedsBrackets: "an IPv6 address with a port must be written in brackets, e.g. [::1]:4545"
        case .unclosedBracket: "the '[' has no matching ']'"
        case .notNumericHost: "the host must be a numeric IP address here (names need getaddrinfo)"
        case .unixPathTooLong: "a Unix socket path must be shorter than \(SocketAddress.maximumUnixPathLength) bytes"
        }
        return "'\(text)' is not a valid socket address: \(reason)"
    }
}
