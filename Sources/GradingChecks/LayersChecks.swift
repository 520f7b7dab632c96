// Checks for exercise 1, layers (lesson 1).

/// Grades `osiLayer(of:)` and `dataUnit(of:)`.
public enum LayersChecks {
    struct Placement {
        let name: String
        let layer: Int
        let why: String
    }

    static let layerNames = [1: "physical", 2: "data link", 3: "network", 4: "transport",
                             5: "session", 6: "presentation", 7: "application"]

    static func layerName(_ layer: Int?) -> String {
        guard let layer else { return "nil" }
        return layerNames[layer].map { "\(layer) (\($0))" } ?? "\(layer), which is not a layer (they go from 1 to 7)"
    }

    static func check(_ placements: [Placement], _ osiLayer: (String) -> Int?, _ site: CallSite) {
        for item in placements {
            let answer = osiLayer(item.name)
            if answer != item.layer {
                fail("osiLayer(of: \"\(item.name)\") returned \(layerName(answer)), but \(item.name) belongs to layer "
                     + "\(layerName(item.layer)): \(item.why)", site)
            }
        }
    }

    public static func physicalDevices(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        check([
            Placement(name: "repeater", layer: 1, why: "it regenerates the signal bit by bit and understands nothing of frames"),
            Placement(name: "hub", layer: 1, why: "it repeats every bit to every port, like a repeater with many ports"),
            Placement(name: "modem", layer: 1, why: "the notes' example of a DCE: it turns bits into signals on the line"),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func dataLink(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = "the notes name it among the data link protocols, which move frames between neighbours on one link"
        check([
            Placement(name: "PPP", layer: 2, why: why),
            Placement(name: "HDLC", layer: 2, why: why),
            Placement(name: "SDLC", layer: 2, why: why),
            Placement(name: "frame relay", layer: 2, why: why),
            Placement(name: "Ethernet", layer: 2, why: "it frames bits and addresses them with MAC addresses on one link"),
            Placement(name: "STP", layer: 2, why: "switches run it among themselves to switch off links that would make loops"),
            Placement(name: "switch", layer: 2, why: "it forwards frames by their MAC addresses"),
            Placement(name: "bridge", layer: 2, why: "it joins two links and forwards frames by MAC address"),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func network(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        check([
            Placement(name: "IP", layer: 3, why: "if you are talking about IP addresses, you are at layer 3"),
            Placement(name: "IPX", layer: 3, why: "Novell's counterpart of IP, with its own network addresses"),
            Placement(name: "RIP", layer: 3, why: "a routing protocol: routers use it to build the tables layer 3 routes by"),
            Placement(name: "OSPF", layer: 3, why: "a routing protocol: it serves layer 3's path finding"),
            Placement(name: "router", layer: 3, why: "it chooses the next hop for each packet by its IP address"),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func transport(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = "it delivers to a program on the host (ports), end to end, which is the transport layer's job"
        check([
            Placement(name: "TCP", layer: 4, why: why),
            Placement(name: "UDP", layer: 4, why: why),
            Placement(name: "SPX", layer: 4, why: "it was the transport that went with IPX in Novell networks"),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func application(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = "it is a protocol that programs speak to offer a service, on top of TCP or UDP"
        check(["Telnet", "FTP", "HTTP", "SNMP", "SMTP", "DNS", "NFS", "TFTP"].map {
            Placement(name: $0, layer: 7, why: why)
        }, osiLayer, CallSite(file: file, line: line))
    }

    public static func caseAndSpaces(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for (name, layer) in [("tcp", 4), ("  Router ", 3), ("Frame Relay", 2), ("hTTp\n", 7), ("HUB", 1)] {
            let answer = osiLayer(name)
            if answer != layer {
                fail("osiLayer(of: \(showText(name))) returned \(layerName(answer)) but should be \(layerName(layer)): "
                     + "compare names without regard to upper or lower case, and without the spaces or newline around them", site)
            }
        }
    }

    public static func unknownNames(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for name in ["", "TCPIP", "toaster", "http server", "layer 4"] {
            if let answer = osiLayer(name) {
                fail("osiLayer(of: \(showText(name))) returned \(answer), but that is not one of the names listed: "
                     + "return nil for a name you do not know rather than guessing", site)
            }
        }
    }

    public static func dataUnits(_ dataUnit: (String) -> String?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let expected: [(String, String?, String)] = [
            ("PPP", "frame", "layer 2's unit is the frame"),
            ("Ethernet", "frame", "layer 2's unit is the frame"),
            ("IP", "packet", "layer 3's unit is the packet"),
            ("IPX", "packet", "layer 3's unit is the packet"),
            ("TCP", "segment", "TCP's unit is the segment"),
            ("UDP", "datagram", "UDP's unit is the datagram, not the segment"),
            ("HTTP", "message", "from layer 5 up the notes simply say message"),
            ("Telnet", "message", "from layer 5 up the notes simply say message"),
            ("toaster", nil, "it is not a protocol osiLayer(of:) knows, so the answer is nil"),
        ]
        for (name, unit, why) in expected {
            let answer = dataUnit(name)
            if answer != unit {
                fail("dataUnit(of: \"\(name)\") returned \(answer.map { "\"\($0)\"" } ?? "nil"), "
                     + "expected \(unit.map { "\"\($0)\"" } ?? "nil"): \(why)", site)
            }
        }
    }
}
