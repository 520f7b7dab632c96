import CPcap
import Trace
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A capture file record whose fraction of a second cannot be: 1,000,000 or more in a
/// microsecond pcap, 1,000,000,000 or more in a nanosecond one. libpcap hands the field on
/// unchecked, as a signed 32-bit number scaled to nanoseconds, so such a time would roll
/// over into later seconds, or go negative from 2^31 on. tcpdump prints the recorded seconds
/// and the field's own digits; osilab says the same facts, and that the time is invalid.
public struct InvalidTimestamp: Sendable, Hashable {
    /// The record's seconds field.
    public var seconds: Int64
    /// The fraction field as the file holds it, an unsigned 32-bit number.
    public var fraction: UInt32
    /// True when the field counts nanoseconds (a nanosecond pcap), false for microseconds.
    public var isNanoseconds: Bool

    public init(seconds: Int64, fraction: UInt32, isNanoseconds: Bool) {
        self.seconds = seconds
        self.fraction = fraction
        self.isNanoseconds = isNanoseconds
    }

    /// The time the packet is placed at: the start of its recorded second, which is all of
    /// the time that is known.
    public var instant: Instant { Instant(seconds: seconds, nanoseconds: 0) }
}

/// A capture file opened for reading: classic pcap (micro- or nanosecond) or pcapng,
/// as written by tcpdump, Wireshark, dumpcap or osilab.
public final class CaptureFile {
    public let path: String
    /// The link-layer type of the packets (libpcap maps the file's LINKTYPE_ to a DLT_).
    public let dataLink: Int32
    private let handle: OpaquePointer

    /// Opens `path`. The corresponding C function is `pcap_open_offline_with_tstamp_precision`.
    public init(path: String) throws(CaptureError) {
        self.path = path
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pointer = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer) else {
            throw CaptureError(kind: .file(path: path), call: "pcap_open_offline", message: errorText(errorBuffer),
                               subject: path)
        }
        handle = pointer
        dataLink = pcap_datalink(pointer)
        fractionIsNanoseconds = Self.fractionUnit(of: pcap_file(pointer))
    }

    /// Whether the records' fraction fields count nanoseconds, from a classic pcap file's
    /// magic number. Nil for pcapng, whose times libpcap computes from one 64-bit count (the
    /// fraction cannot be out of range), and for a stream whose start cannot be read again.
    public let fractionIsNanoseconds: Bool?

    /// libpcap does not say which unit the file uses once it has scaled the times to the
    /// precision asked for, so the magic number is read again at offset 0 (`pread` leaves
    /// libpcap's position in the file alone).
    private static func fractionUnit(of file: UnsafeMutablePointer<FILE>?) -> Bool? {
        guard let file else { return nil }
        var magic: UInt32 = 0
        let count = withUnsafeMutableBytes(of: &magic) { pread(fileno(file), $0.baseAddress, 4, 0) }
        guard count == 4 else { return nil }
        switch magic {
        case 0xa1b2_c3d4, 0xd4c3_b2a1: return false
        case 0xa1b2_3c4d, 0x4d3c_b2a1: return true
        default: return nil
        }
    }

    /// The record's time as libpcap delivered it (nanoseconds asked for), checked: nil when
    /// it is a real time. The field was read as a signed 32-bit number and, in a microsecond
    /// file, multiplied by 1000; undoing that gives the field's own value.
    func invalidTimestamp(_ header: pcap_pkthdr) -> InvalidTimestamp? {
        let delivered = Int64(header.ts.tv_usec)
        guard delivered < 0 || delivered >= 1_000_000_000 else { return nil }
        // Without the magic number the unit is unknown; the value is then the one delivered.
        let nanoseconds = fractionIsNanoseconds ?? true
        let field = nanoseconds ? delivered : delivered / 1000
        return InvalidTimestamp(seconds: Int64(header.ts.tv_sec), fraction: UInt32(truncatingIfNeeded: field),
                                isNanoseconds: nanoseconds)
    }

    deinit {
        pcap_close(handle)
    }

    /// The snap length recorded in the file.
    public var snapLength: Int32 { pcap_snapshot(handle) }

    /// Calls `body` with each packet in turn, borrowed: the bytes are valid only during the
    /// call, which is what lets a million-packet file stream through in constant memory.
    /// Return false from `body` to stop early.
    /// - Throws: when the file is damaged part-way (the packets before the damage were
    ///   delivered, and the error's `packetsRead` counts them).
    public func forEachPacket(_ body: (PacketHeader, UnsafeRawBufferPointer) -> Bool) throws(CaptureError) {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var delivered = 0
        while true {
            let result = pcap_next_ex(handle, &header, &data)
            switch result {
            case 1:
                guard let header, let data else { continue }
                var packetHeader = PacketHeader(header.pointee, nanosecond: true)
                if let invalid = invalidTimestamp(header.pointee) {
                    packetHeader.timestamp = invalid.instant
                    packetHeader.invalidTimestamp = invalid
                }
                let bytes = UnsafeRawBufferPointer(start: data, count: packetHeader.capturedLength)
                delivered += 1
                if !body(packetHeader, bytes) { return }
            case PCAP_ERROR_BREAK:
                return
            default:
                throw CaptureError(kind: .file(path: path), call: "pcap_next_ex",
                                   message: String(cString: pcap_geterr(handle)), subject: path, packetsRead: delivered)
            }
        }
    }

    /// Every packet, copied.
    public func readAll() throws(CaptureError) -> [CapturedPacket] {
        var packets: [CapturedPacket] = []
        let link = dataLink
        try forEachPacket { header, bytes in
            packets.append(CapturedPacket(timestamp: header.timestamp, bytes: Array(bytes),
                                          originalLength: header.originalLength, dataLink: link))
            return true
        }
        return packets
    }
}

/// Writes packets to a classic pcap file with nanosecond timestamps, which tcpdump,
/// Wireshark and osilab read. The corresponding C functions are `pcap_dump_open` and `pcap_dump`.
public final class CaptureWriter {
    public let path: String
    private let dead: OpaquePointer
    private let dumper: OpaquePointer
    private var closed = false

    public init(path: String, dataLink: Int32, snapLength: Int32 = 262_144) throws(CaptureError) {
        self.path = path
        guard let dead = pcap_open_dead_with_tstamp_precision(dataLink, snapLength, UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw CaptureError(kind: .file(path: path), call: "pcap_open_dead", message: "out of memory", subject: path)
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let message = String(cString: pcap_geterr(dead))
            pcap_close(dead)
            throw CaptureError(kind: .file(path: path), call: "pcap_dump_open", message: message, subject: path)
        }
        self.dead = dead
        self.dumper = dumper
    }

    deinit {
        close()
    }

    public func write(_ packet: CapturedPacket) {
        packet.bytes.withUnsafeBytes { raw in
            write(timestamp: packet.timestamp, bytes: raw, originalLength: packet.originalLength)
        }
    }

    public func write(timestamp: Instant, bytes: UnsafeRawBufferPointer, originalLength: Int) {
        guard !closed, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var header = pcap_pkthdr()
        header.ts.tv_sec = Int(timestamp.seconds)
        // Nanosecond files keep nanoseconds in the microsecond field.
        header.ts.tv_usec = Int(timestamp.nanosecondsOfSecond)
        header.caplen = UInt32(bytes.count)
        header.len = UInt32(max(originalLength, bytes.count))
        pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), &header, base)
    }

    /// Writes buffered packets to disk now.
    public func flush() {
        if !closed { pcap_dump_flush(dumper) }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        pcap_dump_close(dumper)
        pcap_close(dead)
    }
}
