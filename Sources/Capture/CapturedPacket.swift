import Trace

/// One packet copied out of libpcap: a plain value that can cross threads.
///
/// libpcap lends each packet's bytes only until the next read, so a live capture copies
/// them here before handing the packet on.
public struct CapturedPacket: Sendable, Hashable {
    /// When the kernel saw the packet, on the same clock as the syscall trace.
    public var timestamp: Instant
    /// The bytes captured: at most the snap length.
    public var bytes: [UInt8]
    /// The packet's length on the wire, which is larger than `bytes.count` when the snap
    /// length cut it short.
    public var originalLength: Int
    /// The link-layer type, as libpcap's DLT_ value (1 = Ethernet, 0 = BSD loopback, ...).
    public var dataLink: Int32

    public init(timestamp: Instant, bytes: [UInt8], originalLength: Int, dataLink: Int32) {
        self.timestamp = timestamp
        self.bytes = bytes
        self.originalLength = originalLength
        self.dataLink = dataLink
    }

    public var isTruncated: Bool { bytes.count < originalLength }
}

/// The kernel's packet counters for a live capture, read at the end with `pcap_stats`.
public struct CaptureStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Packets that passed the filter (on Linux `lo` each packet is counted twice: once
    /// leaving and once arriving; libpcap shows it once).
    public var received: UInt32
    /// Packets the kernel dropped because the capture buffer was full: osilab read too slowly.
    public var dropped: UInt32
    /// Packets the interface or its driver dropped (not supported everywhere).
    public var droppedByInterface: UInt32
    /// Packets osilab actually read and handed on.
    public var delivered: Int

    public var description: String {
        "\(delivered) packets captured, \(received) received by filter, \(dropped) dropped by kernel"
            + (droppedByInterface > 0 ? ", \(droppedByInterface) dropped by interface" : "")
    }
}
