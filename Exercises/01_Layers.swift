// Exercise 1 of osilab: layers. Do it after lesson 1, "The OSI reference model".
// Check it with `osilab check layers` (or `swift test --filter LayersTests`);
// `osilab hint layers` gives a hint at a time.

/// Says at which OSI layer a protocol or a device does its work.
///
/// **What to do:** return the layer's number, from 1 (physical) to 7 (application), for
/// each of these names, whatever their case and with any spaces around them ("  tcp "
/// is "TCP"); return nil for every other name.
///
/// - protocols from the notes: TCP, UDP, SPX, IP, IPX, RIP, OSPF, PPP, HDLC, SDLC, STP,
///   frame relay, Ethernet, Telnet, FTP, HTTP, SNMP, SMTP, DNS, NFS, TFTP
/// - devices: repeater, hub, modem, bridge, switch, router
///
/// **Why it matters:** when something breaks, the first question is "at which layer?".
/// A switch cannot fix a routing problem, and a firewall rule on ports cannot see MAC
/// addresses. Knowing where each piece sits tells you where to look.
public func osiLayer(of name: String) -> Int? {
    // TODO: compare a simplified form of `name` (lower case, no spaces around it) with
    // the names above, and return each one's layer.
    return nil
}

/// Names a protocol's unit of data, the word for the pieces it hands to the layer below.
///
/// **What to do:** for the protocols that `osiLayer(of:)` knows, return "frame" (layer 2),
/// "packet" (layer 3), "segment" (TCP and SPX), "datagram" (UDP) or "message" (layers 5
/// to 7). Return nil for names that `osiLayer(of:)` does not know.
///
/// **Why it matters:** the words tell a reader which header is meant: "the segment was
/// lost" is about TCP, "the frame was dropped" is about the link.
public func dataUnit(of protocolName: String) -> String? {
    // TODO: use osiLayer(of:), then pick the word for that layer; layer 4 needs one more
    // question: is it UDP?
    return nil
}
