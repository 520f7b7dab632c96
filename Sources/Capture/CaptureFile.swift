import CPcap
import Trace

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
                let packetHeader = PacketHeader(header.pointee, nanosecond: true)
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
