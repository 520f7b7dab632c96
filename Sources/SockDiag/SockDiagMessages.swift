import Wire

/// Why a NETLINK_SOCK_DIAG reply could not be read, and where.
public enum SockDiagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A netlink header (16 bytes) or an `inet_diag_msg` (72 bytes) begins at `offset`, but
    /// only `available` bytes are left.
    case truncated(what: String, offset: Int, needed: Int, available: Int)
    /// `nlmsg_len` at `offset` is shorter than the header itself or runs past the reply.
    case badMessageLength(offset: Int, length: Int, available: Int)
    /// An attribute's `rta_len` at `offset` is shorter than its own header or runs past its message.
    case badAttributeLength(offset: Int, length: Int, available: Int)
    /// The kernel answered NLMSG_ERROR with this errno.
    case kernel(errno: Int32)
    /// A socket record of a family other than AF_INET and AF_INET6.
    case unknownFamily(UInt8, offset: Int)

    public var description: String {
        switch self {
        case .truncated(let what, let offset, let needed, let available):
            "\(what) at byte \(offset) needs \(needed) bytes, \(available) are left"
        case .badMessageLength(let offset, let length, let available):
            "the netlink message at byte \(offset) says it is \(length) bytes long, \(available) are left"
        case .badAttributeLength(let offset, let length, let available):
            "the attribute at byte \(offset) says it is \(length) bytes long, \(available) are left"
        case .kernel(let errno): "the kernel refused the request (errno \(errno))"
        case .unknownFamily(let family, let offset): "the socket record at byte \(offset) has address family \(family)"
        }
    }
}

/// The dump request `ss -tan` sends: every TCP socket of one family, with `tcp_info`.
public enum SockDiagRequest {
    /// The netlink protocol number of NETLINK_SOCK_DIAG.
    public static let netlinkProtocol: Int32 = 4
    /// SOCK_DIAG_BY_FAMILY.
    public static let messageType: UInt16 = 20
    static let flagRequest: UInt16 = 0x1
    static let flagDump: UInt16 = 0x300
    static let attributeInfo: UInt16 = 2
    static let attributeShutdown: UInt16 = 8
    static let ipprotoTCP: UInt8 = 6
    public static let familyIPv4: UInt8 = 2
    public static let familyIPv6: UInt8 = 10

    /// The 72 bytes of `nlmsghdr` + `inet_diag_req_v2` asking for every TCP socket of
    /// `family` in `states` (a bit per ``TCPState``; by default all: listeners, request
    /// sockets and TIME-WAIT included), each with its `tcp_info` when it has one.
    ///
    /// Asking for listeners alone is cheap (the kernel walks only its listening hash); any
    /// other state makes it walk the whole established hash, which on a large machine takes
    /// milliseconds even when it holds three sockets.
    public static func dump(family: UInt8, sequence: UInt32, states: UInt32 = TCPState.allStatesMask) -> [UInt8] {
        request(family: family, sequence: sequence, flags: flagRequest | flagDump, states: states, socket: nil)
    }

    /// The request for one socket, found by its two ends (a hash lookup in the kernel, as
    /// cheap as a dump of listeners): the kernel answers with its record, or NLMSG_ERROR
    /// ENOENT when it has no such socket (never made, or gone).
    public static func lookup(local: IPEndpoint, remote: IPEndpoint, sequence: UInt32) -> [UInt8] {
        let family: UInt8 = if case .v6 = local.address { familyIPv6 } else { familyIPv4 }
        return request(family: family, sequence: sequence, flags: flagRequest, states: TCPState.allStatesMask,
                       socket: (local, remote))
    }

    private static func request(family: UInt8, sequence: UInt32, flags: UInt16, states: UInt32,
                                socket: (local: IPEndpoint, remote: IPEndpoint)?) -> [UInt8] {
        var writer = NetlinkWriter()
        writer.host(UInt32(72))
        writer.host(messageType)
        writer.host(flags)
        writer.host(sequence)
        writer.host(UInt32(0))  // the kernel fills in our port id
        writer.u8(family)
        writer.u8(ipprotoTCP)
        // idiag_ext counts attributes from 1: bit (INET_DIAG_INFO - 1) asks for tcp_info.
        writer.u8(UInt8(1 << (attributeInfo - 1)))
        writer.u8(0)
        writer.host(states)
        // inet_diag_sockid: ports and addresses in network order; zeros for a dump.
        guard let socket else {
            writer.zeros(48)
            return writer.bytes
        }
        for port in [socket.local.port, socket.remote.port] {
            writer.u8(UInt8(port >> 8))
            writer.u8(UInt8(port & 0xFF))
        }
        for address in [socket.local.address, socket.remote.address] {
            let bytes = address.bytes
            writer.bytes += bytes
            writer.zeros(16 - bytes.count)
        }
        writer.host(UInt32(0))  // any interface
        writer.host(UInt32.max)  // INET_DIAG_NOCOOKIE: find it by its ends, not its cookie
        writer.host(UInt32.max)
        return writer.bytes
    }
}

/// What one `recv()` of a dump's answer held: socket records, and whether the dump is over.
public struct SockDiagReply: Sendable, Hashable {
    public var sockets: [SocketDiagnosis] = []
    /// NLMSG_DONE was among the messages: no more will come.
    public var done = false
    /// The first thing that could not be read. The walk stops there (the lengths after it
    /// cannot be trusted); the sockets before it are kept.
    public var problem: SockDiagError?

    static let headerLength = 16
    static let messageLength = 72
    static let typeError: UInt16 = 2
    static let typeDone: UInt16 = 3

    /// Reads every netlink message in `bytes` (one datagram of the kernel's answer).
    public static func parse(_ bytes: [UInt8]) -> SockDiagReply {
        let reader = NetlinkReader(bytes: bytes)
        var reply = SockDiagReply()
        var offset = 0
        while offset < bytes.count {
            let left = bytes.count - offset
            guard left >= headerLength, let length = reader.u32(offset), let type = reader.u16(offset + 4) else {
                reply.problem = .truncated(what: "a netlink header", offset: offset, needed: headerLength, available: left)
                return reply
            }
            guard length >= UInt32(headerLength), length <= UInt32(left) else {
                reply.problem = .badMessageLength(offset: offset, length: Int(length), available: left)
                return reply
            }
            let body = offset + headerLength
            let bodyLength = Int(length) - headerLength
            switch type {
            case typeDone:
                reply.done = true
                return reply
            case typeError:
                // A zero error is an acknowledgement; anything else is the kernel saying no.
                let code = reader.i32(body).map { $0 == Int32.min ? Int32.max : -$0 } ?? 0
                if code != 0 {
                    reply.problem = .kernel(errno: code)
                    reply.done = true
                    return reply
                }
            case SockDiagRequest.messageType:
                do {
                    reply.sockets.append(try socket(reader, at: body, length: bodyLength))
                } catch {
                    reply.problem = error
                    return reply
                }
            default:
                break  // NLMSG_NOOP and anything newer: nothing to read
            }
            // Messages are padded to four bytes; the padding of the last may be missing.
            offset += min(left, (Int(length) + 3) & ~3)
        }
        return reply
    }

    private static func socket(_ reader: NetlinkReader, at start: Int, length: Int) throws(SockDiagError) -> SocketDiagnosis {
        guard length >= messageLength,
              let family = reader.u8(start), let state = reader.u8(start + 1),
              let timer = reader.u8(start + 2), let retransmits = reader.u8(start + 3),
              let sourcePort = reader.u16BigEndian(start + 4), let destinationPort = reader.u16BigEndian(start + 6),
              let sourceBytes = reader.slice(start + 8, count: 16), let destinationBytes = reader.slice(start + 24, count: 16),
              let interface = reader.u32(start + 40), let cookieLow = reader.u32(start + 44),
              let cookieHigh = reader.u32(start + 48), let expires = reader.u32(start + 52),
              let receiveQueue = reader.u32(start + 56), let sendQueue = reader.u32(start + 60),
              let uid = reader.u32(start + 64), let inode = reader.u32(start + 68)
        else {
            throw .truncated(what: "a socket record (inet_diag_msg)", offset: start, needed: messageLength,
                             available: max(0, length))
        }
        let source: IPAddress, destination: IPAddress
        switch family {
        case SockDiagRequest.familyIPv4:
            source = .v4(IPv4Address(sourceBytes[sourceBytes.startIndex], sourceBytes[sourceBytes.startIndex + 1],
                                     sourceBytes[sourceBytes.startIndex + 2], sourceBytes[sourceBytes.startIndex + 3]))
            destination = .v4(IPv4Address(destinationBytes[destinationBytes.startIndex],
                                          destinationBytes[destinationBytes.startIndex + 1],
                                          destinationBytes[destinationBytes.startIndex + 2],
                                          destinationBytes[destinationBytes.startIndex + 3]))
        case SockDiagRequest.familyIPv6:
            guard let from = IPv6Address(bytes: sourceBytes), let to = IPv6Address(bytes: destinationBytes) else {
                throw .truncated(what: "an IPv6 address", offset: start + 8, needed: 16, available: sourceBytes.count)
            }
            source = .v6(from)
            destination = .v6(to)
        default:
            throw .unknownFamily(family, offset: start)
        }
        var diagnosis = SocketDiagnosis(
            family: family, rawState: state, local: IPEndpoint(source, sourcePort),
            remote: IPEndpoint(destination, destinationPort), interface: interface,
            cookie: UInt64(cookieHigh) << 32 | UInt64(cookieLow), timer: timer, timerRetransmits: retransmits,
            expiresMilliseconds: expires, receiveQueue: receiveQueue, sendQueue: sendQueue, uid: uid, inode: inode)
        // Attributes follow the record, each four-byte aligned.
        var offset = start + messageLength
        let end = start + length
        while offset < end {
            let left = end - offset
            guard left >= 4, let attributeLength = reader.u16(offset), let type = reader.u16(offset + 2) else {
                throw .truncated(what: "an attribute header", offset: offset, needed: 4, available: left)
            }
            guard attributeLength >= 4, Int(attributeLength) <= left else {
                throw .badAttributeLength(offset: offset, length: Int(attributeLength), available: left)
            }
            let payload = offset + 4, payloadLength = Int(attributeLength) - 4
            switch type & 0x3FFF {  // the top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER
            case SockDiagRequest.attributeInfo:
                if let bytes = reader.slice(payload, count: payloadLength) {
                    diagnosis.tcpInfo = TCPInfo(Array(bytes))
                }
            case SockDiagRequest.attributeShutdown:
                if payloadLength >= 1 { diagnosis.shutdown = reader.u8(payload) }
            default:
                break  // memory, congestion control, TOS...: osilab does not show them
            }
            offset += min(left, (Int(attributeLength) + 3) & ~3)
        }
        return diagnosis
    }
}

extension TCPInfo {
    /// Reads `struct tcp_info` as long as the kernel sent it; nil when even the fixed part
    /// osilab needs (up to `tcpi_total_retrans`, 104 bytes, Linux 2.6) is missing.
    public init?(_ bytes: [UInt8]) {
        let reader = NetlinkReader(bytes: bytes)
        guard bytes.count >= 104, let wscale = reader.u8(6) else { return nil }
        func u8(_ offset: Int) -> UInt8 { reader.u8(offset) ?? 0 }
        func u32(_ offset: Int) -> UInt32 { reader.u32(offset) ?? 0 }
        self.init(
            length: bytes.count, state: u8(0), caState: u8(1), retransmits: u8(2), probes: u8(3), backoff: u8(4),
            options: u8(5), sendWindowScale: wscale & 0x0F, receiveWindowScale: wscale >> 4,
            rto: u32(8), ato: u32(12), sendMSS: u32(16), receiveMSS: u32(20), unacked: u32(24), sacked: u32(28),
            lost: u32(32), retransmitting: u32(36), lastDataSentMilliseconds: u32(44),
            lastDataReceivedMilliseconds: u32(52), lastAckReceivedMilliseconds: u32(56), pathMTU: u32(60),
            receiveSlowStartThreshold: u32(64), rtt: u32(68), rttVariance: u32(72), slowStartThreshold: u32(76),
            congestionWindow: u32(80), advertisedMSS: u32(84), reordering: u32(88), receiveRTT: u32(92),
            receiveSpace: u32(96), totalRetransmits: u32(100),
            bytesAcked: reader.u64(120), bytesReceived: reader.u64(128), segmentsOut: reader.u32(136),
            segmentsIn: reader.u32(140), minRTT: reader.u32(148), bytesSent: reader.u64(200),
            bytesRetransmitted: reader.u64(208), peerWindow: reader.u32(228), advertisedWindow: reader.u32(232))
    }
}
