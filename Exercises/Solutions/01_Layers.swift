// Exercise 1, layers: the reference solution. Follows lesson 1, "The OSI reference model".

/// The OSI layer a protocol or a device works at: 1 (physical) to 7 (application), or nil
/// for a name this function does not know.
public func osiLayer(of name: String) -> Int? {
    switch simplified(name) {
    case "repeater", "hub", "modem":
        return 1
    case "bridge", "switch", "ppp", "hdlc", "sdlc", "stp", "frame relay", "ethernet":
        return 2
    case "router", "ip", "ipx", "rip", "ospf":
        return 3
    case "tcp", "udp", "spx":
        return 4
    case "telnet", "ftp", "http", "snmp", "smtp", "dns", "nfs", "tftp":
        return 7
    default:
        return nil
    }
}

/// What a protocol's unit of data is called: "bit", "frame", "packet", "segment", "datagram" or
/// "message"; nil for a name this function does not know.
public func dataUnit(of protocolName: String) -> String? {
    guard let layer = osiLayer(of: protocolName) else { return nil }
    switch (layer, simplified(protocolName)) {
    case (4, "udp"): return "datagram"
    case (4, _): return "segment"
    case (3, _): return "packet"
    case (2, _): return "frame"
    case (1, _): return "bit"
    default: return "message"
    }
}

/// Lower case, without spaces around it: "  TCP " and "tcp" are the same name.
private func simplified(_ name: String) -> String {
    name.trimmingSpaces().lowercased()
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var characters = Substring(self)
        while characters.first?.isWhitespace == true { characters.removeFirst() }
        while characters.last?.isWhitespace == true { characters.removeLast() }
        return String(characters)
    }
}
