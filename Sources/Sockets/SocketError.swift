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

    /// The errno behind this error, if there was one. Timeouts and would-block report `EAGAIN`,
    /// except a connect() whose SO_SNDTIMEO ran out: Linux reports `EINPROGRESS` there, because
    /// the handshake goes on (`__inet_stream_connect`).
    public var errno: Errno? {
        switch reason {
        case .system(let errno): errno
        case .timedOut where call == "connect": .nowInProgress
        case .timedOut, .wouldBlock: .resourceTemporarilyUnavailable
        case .closedSocket: .badFileDescriptor
        case .resolution, .invalidArgument: nil
        }
    }

    /// What went wrong, in English: see ``message(in:)``.
    public var description: String { message(in: .english) }
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
}
