import Report
import Timeline
import Trace
import Wire

// libFuzzer calls `LLVMFuzzerTestOneInput` with each input it tries. An input is read as a
// little capture, so that one input exercises both the decoder on a packet and the
// connection tracker across packets:
//
//   byte 0          which link type (index into `linkTypes`, modulo its count)
//   then, repeated: a 2-byte big-endian length; its top bit set means "the snap length cut
//                   this packet" (the original length is larger than the bytes); then that
//                   many bytes of packet (fewer if the input ends first).
//
// Seeds in this format are made from the fixture captures by make-seeds.py. Built and run
// by Benchmarks/fuzz.sh, which compiles the modules it needs with -sanitize=fuzzer,address.

/// Every link type the decoder knows, and one it does not (to reach the unknown path).
let linkTypes: [LinkType] = [
    .ethernet, .null, .loop, .raw, .rawOpenBSD, .linktypeRaw, .linuxSLL, .linuxSLL2, .ppp, .pppSerial,
    .pppEther, .ipv4, .ipv6, LinkType(rawValue: 147),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let linkType = linkTypes[Int(data[0]) % linkTypes.count]
    var lines = PacketLines(numbers: .relative, utcOffsetSeconds: 3600)
    var absolute = PacketLines(numbers: .absolute, utcOffsetSeconds: 0)
    var output: [UInt8] = []
    var offset = 1
    var number: Int64 = 0
    while offset + 2 <= size {
        let field = Int(data[offset]) << 8 | Int(data[offset + 1])
        offset += 2
        let length = min(field & 0x7fff, size - offset)
        let cut = field & 0x8000 != 0
        let bytes = UnsafeRawBufferPointer(start: data + offset, count: length)
        offset += length
        number += 1
        let timestamp = Instant(seconds: 1_700_000_000 + number, nanoseconds: number * 7)
        let originalLength = cut ? length + 1000 : length

        // Every public way in: the plain decoder, the pointer form, and the annotated lines.
        let packet = decodePacket(bytes, linkType: linkType, originalLength: originalLength)
        _ = packet.sourceEndpoint
        _ = packet.destinationEndpoint
        _ = packet.icmp
        if let segment = Segment(packet, number: Int(number), timestamp: timestamp) {
            _ = segment.sequenceLength
        }
        output.removeAll(keepingCapacity: true)
        lines.appendLine(timestamp: timestamp, bytes: bytes, originalLength: originalLength, linkType: linkType,
                         to: &output)
        _ = absolute.line(timestamp: timestamp, bytes: bytes, originalLength: originalLength, linkType: linkType)
    }
    _ = lines.summary
    return 0
}
