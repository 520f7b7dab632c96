#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SockDiag
import Wire

/// Why the kernel's socket table could not be read.
public enum KernelStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed: which, and errno.
    case call(String, errno: Int32)
    /// The kernel's answer could not be read (see ``SockDiagError``).
    case reply(SockDiagError)
    /// A counters file could not be read.
    case counters(String, NetstatCounters.ParseError)
    /// This system has no NETLINK_SOCK_DIAG (macOS): the state view is Linux-only.
    case unsupported

    public var description: String {
        switch self {
        case .call(let name, let errno): "\(name) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        case .reply(let problem): "the socket table's answer could not be read: \(problem)"
        case .counters(let file, let problem): "\(file) could not be read: \(problem)"
        case .unsupported: "the kernel-state view needs Linux (NETLINK_SOCK_DIAG)"
        }
    }
}

/// A NETLINK_SOCK_DIAG socket: asks the kernel for its TCP socket table, as `ss` does. It
/// answers about the network namespace of the thread that made it, and needs no privilege.
public final class SockDiagSocket: Sendable {
    private let descriptor: Int32

    public init() throws(KernelStateError) {
        #if os(Linux)
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), SockDiagRequest.netlinkProtocol)
        guard fd >= 0 else { throw .call("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno: errno) }
        descriptor = fd
        #else
        throw .unsupported
        #endif
    }

    deinit { close(descriptor) }

    /// Every TCP socket of these families in `states` (by default any), with `tcp_info`
    /// where the kernel has one.
    public func dump(families: [UInt8] = [SockDiagRequest.familyIPv4, SockDiagRequest.familyIPv6],
                     states: UInt32 = TCPState.allStatesMask, sequence: UInt32 = 1) throws(KernelStateError) -> [SocketDiagnosis] {
        var sockets: [SocketDiagnosis] = []
        for family in families {
            try transmit(SockDiagRequest.dump(family: family, sequence: sequence, states: states))
            // One dump answers in several datagrams; NLMSG_DONE ends it.
            while true {
                let reply = try receive()
                sockets += reply.sockets
                if let problem = reply.problem { throw .reply(problem) }
                if reply.done { break }
            }
        }
        return sockets
    }

    /// The one socket with these two ends, or nil when the kernel has none.
    public func lookup(local: IPEndpoint, remote: IPEndpoint, sequence: UInt32 = 1) throws(KernelStateError) -> SocketDiagnosis? {
        try transmit(SockDiagRequest.lookup(local: local, remote: remote, sequence: sequence))
        let reply = try receive()
        if case .kernel(let code)? = reply.problem, code == ENOENT { return nil }
        if let problem = reply.problem { throw .reply(problem) }
        // The kernel's lookup falls back to a listener on the local port when no connection
        // has these ends (inet_lookup): that is not the socket asked for.
        return reply.sockets.first { $0.local == local && $0.remote == remote }
    }

    private func transmit(_ request: [UInt8]) throws(KernelStateError) {
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw .call("send(NETLINK_SOCK_DIAG)", errno: errno) }
    }

    private func receive() throws(KernelStateError) -> SockDiagReply {
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0 {
                if errno == EINTR { continue }
                throw .call("recv(NETLINK_SOCK_DIAG)", errno: errno)
            }
            var reply = SockDiagReply.parse(Array(buffer[0..<received]))
            if received == 0 { reply.done = true }
            return reply
        }
    }
}

/// The kernel's protocol counters of one network namespace: `/proc/net/netstat` and
/// `/proc/net/snmp`, opened by the thread whose namespace they describe, re-read on demand.
public final class CounterFiles: Sendable {
    private let descriptors: [(name: String, fd: Int32)]

    public init() throws(KernelStateError) {
        var opened: [(String, Int32)] = []
        // thread-self: a thread that entered another network namespace sees that namespace's counters.
        for name in ["netstat", "snmp"] {
            let path = "/proc/thread-self/net/\(name)"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                for (_, fd) in opened { close(fd) }
                throw .call("open(\(path))", errno: code)
            }
            opened.append((name, fd))
        }
        descriptors = opened
    }

    deinit { for (_, fd) in descriptors { close(fd) } }

    /// - Parameter only: just these counters (all of them when nil).
    public func read(only: Set<String>? = nil) throws(KernelStateError) -> NetstatCounters {
        var counters = NetstatCounters()
        for (name, fd) in descriptors {
            var text: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 8192)
            var offset: off_t = 0
            while true {
                let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .call("read(/proc/net/\(name))", errno: errno)
                }
                if count == 0 { break }
                text += chunk[0..<count]
                offset += off_t(count)
            }
            do {
                try counters.merge(String(decoding: text, as: UTF8.self), only: only)
            } catch {
                throw .counters("/proc/net/\(name)", error)
            }
        }
        return counters
    }
}
