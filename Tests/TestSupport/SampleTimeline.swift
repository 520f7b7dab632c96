import Timeline
import Trace
import Wire

/// A small, exact handshake, for the English and the Chinese timeline tests: packets as
/// Ethernet frames built by hand, and a trace.
public func sampleTimeline() -> Timeline {
    let client = IPEndpoint(.v4(.loopback), 51000)
    let server = IPEndpoint(.v4(.loopback), 4545)
    func frame(_ from: IPEndpoint, _ to: IPEndpoint, _ flags: UInt8, seq: UInt32, ack: UInt32) -> [UInt8] {
        var ip: [UInt8] = [0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]
        ip += from.address.bytes + to.address.bytes
        var tcp: [UInt8] = [UInt8(from.port >> 8), UInt8(from.port & 0xff), UInt8(to.port >> 8), UInt8(to.port & 0xff)]
        tcp += withUnsafeBytes(of: seq.bigEndian, Array.init) + withUnsafeBytes(of: ack.bigEndian, Array.init)
        tcp += [0x50, flags, 0x02, 0x00, 0, 0, 0, 0]
        return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp
    }
    let t0: Int64 = 1_700_000_000_000_000_000
    func at(_ microseconds: Int64) -> Instant { Instant(nanosecondsSinceEpoch: t0 + microseconds * 1000) }
    let packets: [(timestamp: Instant, bytes: [UInt8], originalLength: Int, linkType: LinkType)] = [
        (at(10), frame(client, server, 0x02, seq: 100, ack: 0), 54, .ethernet),
        (at(20), frame(server, client, 0x12, seq: 900, ack: 101), 54, .ethernet),
        (at(30), frame(client, server, 0x10, seq: 101, ack: 901), 54, .ethernet),
    ]
    let trace = [
        SyscallRecord(sequence: 0, call: .accept, descriptor: 3, role: "server", entered: at(1), returned: at(40),
                      outcome: .returned(4), local: server, peer: client, detail: ""),
        SyscallRecord(sequence: 1, call: .connect, descriptor: 5, role: "client", entered: at(5), returned: at(25),
                      outcome: .returned(0), local: client, peer: server, detail: "to \(server)"),
    ]
    return Timeline.build(packets: packets, trace: trace)
}
