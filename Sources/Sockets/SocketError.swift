import SystemPackage

/// Why a socket call failed: which call, the errno, and a sentence a learner can act on.
///
/// Timeouts and "would block" have their own reasons because on Linux both arrive
/// as the same errno (`EAGAIN`, which equals `EWOULDBLOCK`): only the socket's mode
/// tells them apart, and the lesson is about that difference.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The call returned -1 with this errno.
        case system(Errno)
        /// A blocking call gave up after the socket's timeout (SO_RCVTIMEO / SO_SNDTIMEO, or
        /// the timeout given to `createConnection`).
        case timedOut
        /// The socket is non-blocking and the call would have had to wait (`EAGAIN`/`EWOULDBLOCK`).
        /// Python raises `BlockingIOError` here.
        case wouldBlock
        /// The socket was already closed by this program.
        case closedSocket
        /// A name could not be resolved: a `getaddrinfo` error code and its message.
        case resolution(code: Int32, message: String)
        /// The call was given an address it cannot use (e.g. an IPv6 address on an IPv4 socket).
        case invalidArgument(String)
    }

    /// The C function that failed, e.g. `connect`.
    public var call: String
    public var reason: Reason
    /// For calls that move data (`sendAll`): how many bytes went through before the failure.
    public var bytesTransferred: Int

    public init(call: String, reason: Reason, bytesTransferred: Int = 0) {
        self.call = call
        self.reason = reason
        self.bytesTransferred = bytesTransferred
    }

    public init(call: String, errno: Errno) {
        self.init(call: call, reason: .system(errno))
    }

    /// The errno behind this error, if there was one. Timeouts and would-block report `EAGAIN`.
    public var errno: Errno? {
        switch reason {
        case .system(let errno): errno
        case .timedOut, .wouldBlock: .resourceTemporarilyUnavailable
        case .closedSocket: .badFileDescriptor
        case .resolution, .invalidArgument: nil
        }
    }

    public var description: String {
        switch reason {
        case .system(let errno):
            let name = ErrnoName.of(errno.rawValue)
            var text = "\(call)() failed: \(name) (errno \(errno.rawValue)): \(errno)"
            if let hint = ErrnoName.hint(errno.rawValue, call: call) { text += ". " + hint }
            return text
        case .timedOut:
            return "\(call)() timed out: nothing arrived before the socket's timeout"
        case .wouldBlock:
            return "\(call)() would block: the socket is non-blocking and nothing is ready yet (EAGAIN/EWOULDBLOCK)"
        case .closedSocket:
            return "\(call)() on a socket that this program already closed"
        case .resolution(let code, let message):
            return "\(call)() could not resolve the name: \(message) (EAI code \(code))"
        case .invalidArgument(let message):
            return "\(call)(): \(message)"
        }
    }
}

/// Symbolic names and learner-facing hints for the errno values socket code meets.
public enum ErrnoName {
    /// `ECONNREFUSED` for 111 on Linux, and so on; `errno N` when the lab does not know the name.
    public static func of(_ code: Int32) -> String {
        names[code] ?? "errno \(code)"
    }

    private static let names: [Int32: String] = {
        var table: [Int32: String] = [:]
        let known: [(Errno, String)] = [
            (.notPermitted, "EPERM"), (.noSuchFileOrDirectory, "ENOENT"), (.interrupted, "EINTR"),
            (.ioError, "EIO"), (.badFileDescriptor, "EBADF"), (.resourceTemporarilyUnavailable, "EAGAIN"),
            (.noMemory, "ENOMEM"), (.permissionDenied, "EACCES"), (.badAddress, "EFAULT"),
            (.invalidArgument, "EINVAL"), (.tooManyOpenFiles, "EMFILE"), (.brokenPipe, "EPIPE"),
            (.notSocket, "ENOTSOCK"), (.messageTooLong, "EMSGSIZE"), (.protocolNotSupported, "EPROTONOSUPPORT"),
            (.socketTypeNotSupported, "ESOCKTNOSUPPORT"), (.notSupported, "EOPNOTSUPP"),
            (.addressFamilyNotSupported, "EAFNOSUPPORT"), (.addressInUse, "EADDRINUSE"),
            (.addressNotAvailable, "EADDRNOTAVAIL"), (.networkDown, "ENETDOWN"),
            (.networkUnreachable, "ENETUNREACH"), (.connectionAbort, "ECONNABORTED"),
            (.connectionReset, "ECONNRESET"), (.noBufferSpace, "ENOBUFS"), (.socketIsConnected, "EISCONN"),
            (.socketNotConnected, "ENOTCONN"), (.timedOut, "ETIMEDOUT"), (.connectionRefused, "ECONNREFUSED"),
            (.noRouteToHost, "EHOSTUNREACH"), (.alreadyInProcess, "EALREADY"), (.nowInProgress, "EINPROGRESS"),
            (.protocolWrongTypeForSocket, "EPROTOTYPE"), (.addressRequired, "EDESTADDRREQ"),
            (.noSuchProcess, "ESRCH"), (.fileExists, "EEXIST"), (.notDirectory, "ENOTDIR"),
            (.isDirectory, "EISDIR"), (.fileNameTooLong, "ENAMETOOLONG"), (.tooManySymbolicLinkLevels, "ELOOP"),
            (.noSuchAddressOrDevice, "ENXIO"),
        ]
        for (errno, name) in known { table[errno.rawValue] = name }
        return table
    }()

    /// A sentence that tells a learner what usually causes this errno in this call, or nil.
    public static func hint(_ code: Int32, call: String) -> String? {
        switch Errno(rawValue: code) {
        case .connectionRefused:
            return "Nothing is listening on that address and port: the peer's kernel answered the SYN with RST"
        case .addressInUse:
            return "Another socket already holds this address and port (a running server, or a recently closed "
                + "connection in TIME_WAIT: set SO_REUSEADDR before bind() to reuse it)"
        case .permissionDenied where call == "bind":
            return "Ports below 1024 need root (or CAP_NET_BIND_SERVICE); pick a port from 1024 to 65535"
        case .connectionReset:
            return "The peer reset the connection (it closed with unread data, or crashed)"
        case .brokenPipe:
            return "The peer has closed its end; nothing more can be sent on this connection"
        case .socketNotConnected:
            return "The socket is not connected: connect() (client) or accept() (server) first"
        case .timedOut:
            return "The peer never answered; the kernel gave up after its retransmissions"
        case .networkUnreachable, .noRouteToHost:
            return "No route leads to that address from this machine"
        case .addressNotAvailable:
            return "That address does not belong to any interface of this machine"
        case .tooManyOpenFiles:
            return "This process has run out of file descriptors: sockets are being opened and not closed"
        default:
            return nil
        }
    }
}
