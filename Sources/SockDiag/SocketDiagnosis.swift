import Wire

/// A TCP socket's state as the kernel numbers it (`include/net/tcp_states.h`).
///
/// `newSynRecv` is the request socket a listener creates for each SYN it answers: since
/// Linux 4.4 it lives in the established hash under this state, and `ss` shows it as
/// `SYN-RECV`.
public enum TCPState: UInt8, Sendable, Hashable, CaseIterable {
    case established = 1, synSent, synRecv, finWait1, finWait2, timeWait, close, closeWait, lastAck,
         listen, closing, newSynRecv

    /// The name `ss` prints (`ESTAB`, `SYN-SENT`, `TIME-WAIT`...); the request socket is `SYN-RECV`
    /// there too.
    public var ssName: String {
        switch self {
        case .established: "ESTAB"
        case .synSent: "SYN-SENT"
        case .synRecv, .newSynRecv: "SYN-RECV"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .timeWait: "TIME-WAIT"
        case .close: "UNCONN"
        case .closeWait: "CLOSE-WAIT"
        case .lastAck: "LAST-ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        }
    }

    /// The name RFC 9293 gives the state (`ESTABLISHED`, `SYN-RECEIVED`...), what the lessons use.
    public var rfcName: String {
        switch self {
        case .established: "ESTABLISHED"
        case .synSent: "SYN-SENT"
        case .synRecv, .newSynRecv: "SYN-RECEIVED"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .timeWait: "TIME-WAIT"
        case .close: "CLOSED"
        case .closeWait: "CLOSE-WAIT"
        case .lastAck: "LAST-ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        }
    }

    /// Every state, as the `idiag_states` bit mask of a dump request wants it.
    public static let allStatesMask: UInt32 = 0xFFF_FFFF
    /// Listeners only.
    public static let listenMask: UInt32 = 1 << 10
}

/// One socket as NETLINK_SOCK_DIAG describes it: `struct inet_diag_msg` and the attributes
/// that followed it.
public struct SocketDiagnosis: Sendable, Hashable {
    /// AF_INET (2) or AF_INET6 (10).
    public var family: UInt8
    /// nil when the kernel sent a state number this code does not know (kept in `rawState`).
    public var state: TCPState?
    public var rawState: UInt8
    public var local: IPEndpoint
    public var remote: IPEndpoint
    /// The interface the socket is bound to (0: none).
    public var interface: UInt32
    /// The kernel's identity for the socket, stable for its life (`idiag_cookie`).
    public var cookie: UInt64
    /// Which timer runs (`idiag_timer`: 0 none, 1 retransmit, 2 keepalive, 3 TIME-WAIT, 4 zero window probe).
    public var timer: UInt8
    /// Retransmissions of the running timer (`idiag_retrans`).
    public var timerRetransmits: UInt8
    /// Milliseconds until the timer fires (`idiag_expires`).
    public var expiresMilliseconds: UInt32
    /// `idiag_rqueue`: for a listener the accept queue's length, else bytes received and not yet read.
    public var receiveQueue: UInt32
    /// `idiag_wqueue`: for a listener the accept queue's limit (the backlog), else bytes not yet acknowledged.
    public var sendQueue: UInt32
    public var uid: UInt32
    public var inode: UInt32
    /// `INET_DIAG_INFO`, when asked for and sent (not for listeners' request sockets or TIME-WAIT).
    public var tcpInfo: TCPInfo?
    /// `INET_DIAG_SHUTDOWN`: bit 0 receive side shut, bit 1 send side.
    public var shutdown: UInt8?

    public init(family: UInt8, rawState: UInt8, local: IPEndpoint, remote: IPEndpoint, interface: UInt32 = 0,
                cookie: UInt64 = 0, timer: UInt8 = 0, timerRetransmits: UInt8 = 0, expiresMilliseconds: UInt32 = 0,
                receiveQueue: UInt32 = 0, sendQueue: UInt32 = 0, uid: UInt32 = 0, inode: UInt32 = 0,
                tcpInfo: TCPInfo? = nil, shutdown: UInt8? = nil) {
        self.family = family
        self.rawState = rawState
        self.state = TCPState(rawValue: rawState)
        self.local = local
        self.remote = remote
        self.interface = interface
        self.cookie = cookie
        self.timer = timer
        self.timerRetransmits = timerRetransmits
        self.expiresMilliseconds = expiresMilliseconds
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.uid = uid
        self.inode = inode
        self.tcpInfo = tcpInfo
        self.shutdown = shutdown
    }
}

/// The part of `struct tcp_info` osilab shows. The kernel's struct grows over the years: a
/// field past the length the kernel sent is nil, never read from beyond the attribute.
public struct TCPInfo: Sendable, Hashable {
    /// How many bytes of `tcp_info` the kernel sent.
    public var length: Int
    public var state: UInt8
    public var caState: UInt8
    /// Retransmissions of the current timer run (`tcpi_retransmits`).
    public var retransmits: UInt8
    public var probes: UInt8
    public var backoff: UInt8
    /// TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 window scaling, 8 ECN.
    public var options: UInt8
    public var sendWindowScale: UInt8
    public var receiveWindowScale: UInt8
    /// Microseconds.
    public var rto: UInt32
    public var ato: UInt32
    public var sendMSS: UInt32
    public var receiveMSS: UInt32
    /// Segments sent and not yet acknowledged.
    public var unacked: UInt32
    public var sacked: UInt32
    public var lost: UInt32
    public var retransmitting: UInt32
    public var lastDataSentMilliseconds: UInt32
    public var lastDataReceivedMilliseconds: UInt32
    public var lastAckReceivedMilliseconds: UInt32
    public var pathMTU: UInt32
    public var receiveSlowStartThreshold: UInt32
    /// Smoothed round-trip time and its variation, microseconds.
    public var rtt: UInt32
    public var rttVariance: UInt32
    public var slowStartThreshold: UInt32
    /// Congestion window, in segments.
    public var congestionWindow: UInt32
    public var advertisedMSS: UInt32
    public var reordering: UInt32
    public var receiveRTT: UInt32
    public var receiveSpace: UInt32
    public var totalRetransmits: UInt32
    public var bytesAcked: UInt64?
    public var bytesReceived: UInt64?
    public var segmentsOut: UInt32?
    public var segmentsIn: UInt32?
    public var minRTT: UInt32?
    public var bytesSent: UInt64?
    public var bytesRetransmitted: UInt64?
    /// The peer's advertised receive window, bytes (`tcpi_snd_wnd`, Linux 5.4+).
    public var peerWindow: UInt32?
    /// The window this side advertises, bytes (`tcpi_rcv_wnd`, Linux 6.2+).
    public var advertisedWindow: UInt32?

    public init(length: Int, state: UInt8 = 0, caState: UInt8 = 0, retransmits: UInt8 = 0, probes: UInt8 = 0,
                backoff: UInt8 = 0, options: UInt8 = 0, sendWindowScale: UInt8 = 0, receiveWindowScale: UInt8 = 0,
                rto: UInt32 = 0, ato: UInt32 = 0, sendMSS: UInt32 = 0, receiveMSS: UInt32 = 0, unacked: UInt32 = 0,
                sacked: UInt32 = 0, lost: UInt32 = 0, retransmitting: UInt32 = 0, lastDataSentMilliseconds: UInt32 = 0,
                lastDataReceivedMilliseconds: UInt32 = 0, lastAckReceivedMilliseconds: UInt32 = 0, pathMTU: UInt32 = 0,
                receiveSlowStartThreshold: UInt32 = 0, rtt: UInt32 = 0, rttVariance: UInt32 = 0,
                slowStartThreshold: UInt32 = 0, congestionWindow: UInt32 = 0, advertisedMSS: UInt32 = 0,
                reordering: UInt32 = 0, receiveRTT: UInt32 = 0, receiveSpace: UInt32 = 0, totalRetransmits: UInt32 = 0,
                bytesAcked: UInt64? = nil, bytesReceived: UInt64? = nil, segmentsOut: UInt32? = nil,
                segmentsIn: UInt32? = nil, minRTT: UInt32? = nil, bytesSent: UInt64? = nil,
                bytesRetransmitted: UInt64? = nil, peerWindow: UInt32? = nil, advertisedWindow: UInt32? = nil) {
        self.length = length
        self.state = state
        self.caState = caState
        self.retransmits = retransmits
        self.probes = probes
        self.backoff = backoff
        self.options = options
        self.sendWindowScale = sendWindowScale
        self.receiveWindowScale = receiveWindowScale
        self.rto = rto
        self.ato = ato
        self.sendMSS = sendMSS
        self.receiveMSS = receiveMSS
        self.unacked = unacked
        self.sacked = sacked
        self.lost = lost
        self.retransmitting = retransmitting
        self.lastDataSentMilliseconds = lastDataSentMilliseconds
        self.lastDataReceivedMilliseconds = lastDataReceivedMilliseconds
        self.lastAckReceivedMilliseconds = lastAckReceivedMilliseconds
        self.pathMTU = pathMTU
        self.receiveSlowStartThreshold = receiveSlowStartThreshold
        self.rtt = rtt
        self.rttVariance = rttVariance
        self.slowStartThreshold = slowStartThreshold
        self.congestionWindow = congestionWindow
        self.advertisedMSS = advertisedMSS
        self.reordering = reordering
        self.receiveRTT = receiveRTT
        self.receiveSpace = receiveSpace
        self.totalRetransmits = totalRetransmits
        self.bytesAcked = bytesAcked
        self.bytesReceived = bytesReceived
        self.segmentsOut = segmentsOut
        self.segmentsIn = segmentsIn
        self.minRTT = minRTT
        self.bytesSent = bytesSent
        self.bytesRetransmitted = bytesRetransmitted
        self.peerWindow = peerWindow
        self.advertisedWindow = advertisedWindow
    }
}
