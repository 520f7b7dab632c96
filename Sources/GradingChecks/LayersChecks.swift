// Checks for exercise 1, layers (lesson 1).

/// Grades `osiLayer(of:)` and `dataUnit(of:)`.
public enum LayersChecks {
    struct Placement {
        let name: String
        let layer: Int
        let why: CheckText
    }

    static let layerNames: [Int: CheckText] = [1: .layerPhysical, 2: .layerDataLink, 3: .layerNetwork, 4: .layerTransport,
                                               5: .layerSession, 6: .layerPresentation, 7: .layerApplication]

    static func layerName(_ layer: Int?) -> String {
        guard let layer else { return "nil" }
        return layerNames[layer].map { say(.layerNamed, "\(layer)", say($0)) } ?? say(.layerNotALayer, "\(layer)")
    }

    static func check(_ placements: [Placement], _ osiLayer: (String) -> Int?, _ site: CallSite) {
        for item in placements {
            let answer = osiLayer(item.name)
            if answer != item.layer {
                fail(say(.layerWrong, item.name, layerName(answer), layerName(item.layer), say(item.why)), site)
            }
        }
    }

    public static func physicalDevices(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        check([
            Placement(name: "repeater", layer: 1, why: .whyRepeater),
            Placement(name: "hub", layer: 1, why: .whyHub),
            Placement(name: "modem", layer: 1, why: .whyModem),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func dataLink(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = CheckText.whyDataLinkProtocol
        check([
            Placement(name: "PPP", layer: 2, why: why),
            Placement(name: "HDLC", layer: 2, why: why),
            Placement(name: "SDLC", layer: 2, why: why),
            Placement(name: "frame relay", layer: 2, why: why),
            Placement(name: "Ethernet", layer: 2, why: .whyEthernet),
            Placement(name: "STP", layer: 2, why: .whySTP),
            Placement(name: "switch", layer: 2, why: .whySwitch),
            Placement(name: "bridge", layer: 2, why: .whyBridge),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func network(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        check([
            Placement(name: "IP", layer: 3, why: .whyIP),
            Placement(name: "IPX", layer: 3, why: .whyIPX),
            Placement(name: "RIP", layer: 3, why: .whyRIP),
            Placement(name: "OSPF", layer: 3, why: .whyOSPF),
            Placement(name: "router", layer: 3, why: .whyRouter),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func transport(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = CheckText.whyTransport
        check([
            Placement(name: "TCP", layer: 4, why: why),
            Placement(name: "UDP", layer: 4, why: why),
            Placement(name: "SPX", layer: 4, why: .whySPX),
        ], osiLayer, CallSite(file: file, line: line))
    }

    public static func application(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let why = CheckText.whyApplication
        check(["Telnet", "FTP", "HTTP", "SNMP", "SMTP", "DNS", "NFS", "TFTP"].map {
            Placement(name: $0, layer: 7, why: why)
        }, osiLayer, CallSite(file: file, line: line))
    }

    public static func caseAndSpaces(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for (name, layer) in [("tcp", 4), ("  Router ", 3), ("Frame Relay", 2), ("hTTp\n", 7), ("HUB", 1)] {
            let answer = osiLayer(name)
            if answer != layer {
                fail(say(.layerCaseAndSpaces, showText(name), layerName(answer), layerName(layer)), site)
            }
        }
    }

    public static func unknownNames(_ osiLayer: (String) -> Int?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for name in ["", "TCPIP", "toaster", "http server", "layer 4"] {
            if let answer = osiLayer(name) {
                fail(say(.layerUnknownName, showText(name), "\(answer)"), site)
            }
        }
    }

    public static func dataUnits(_ dataUnit: (String) -> String?, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let expected: [(String, String?, CheckText)] = [
            ("hub", "bit", .whyUnitBit),
            ("modem", "bit", .whyUnitBit),
            ("PPP", "frame", .whyUnitFrame),
            ("Ethernet", "frame", .whyUnitFrame),
            ("IP", "packet", .whyUnitPacket),
            ("IPX", "packet", .whyUnitPacket),
            ("TCP", "segment", .whyUnitSegment),
            ("UDP", "datagram", .whyUnitDatagram),
            ("HTTP", "message", .whyUnitMessage),
            ("Telnet", "message", .whyUnitMessage),
            ("toaster", nil, .whyUnitUnknown),
        ]
        for (name, unit, why) in expected {
            let answer = dataUnit(name)
            if answer != unit {
                fail(say(.dataUnitWrong, name, answer.map { "\"\($0)\"" } ?? "nil", unit.map { "\"\($0)\"" } ?? "nil", say(why)),
                     site)
            }
        }
    }
}
