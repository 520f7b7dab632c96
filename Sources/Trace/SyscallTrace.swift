import Synchronization
import Wire

/// The name of a system call, as the C library spells it.
///
/// An open set: the lab records the calls below, and anything else can be named
/// with a string literal.
public struct SyscallName: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let socket: SyscallName = "socket"
    public static let socketpair: SyscallName = "socketpair"
    public static let bind: SyscallName = "bind"
    public static let listen: SyscallName = "listen"
    public static let accept: SyscallName = "accept"
    public static let connect: SyscallName = "connect"
    public static let close: SyscallName = "close"
    public static let shutdown: SyscallName = "shutdown"
    public static let send: SyscallName = "send"
    public static let recv: SyscallName = "recv"
    public static let sendto: SyscallName = "sendto"
    public static let recvfrom: SyscallName = "recvfrom"
    public static let sendfile: SyscallName = "sendfile"
    public static let getpeername: SyscallName = "getpeername"
    public static let getsockname: SyscallName = "getsockname"
    public static let setsockopt: SyscallName = "setsockopt"
    public static let getaddrinfo: SyscallName = "getaddrinfo"
    public static let poll: SyscallName = "poll"
}

/// How a system call ended.
public enum SyscallOutcome: Hashable, Sendable, CustomStringConvertible {
    /// It returned this non-negative value (a descriptor, a byte count, or 0).
    case returned(Int)
    /// It returned -1 and set errno. `name` is the symbolic name (`ECONNREFUSED`).
    case failed(errno: Int32, name: String)

    public var isSuccess: Bool {
        if case .returned = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .returned(let value): "= \(value)"
        case .failed(let errno, let name): "= -1 \(name) (\(errno))"
        }
    }
}

/// One system call made by the lab: when it was entered, when (and how) it returned.
public struct SyscallRecord: Hashable, Sendable {
    /// Position in the order calls were entered, starting at 0.
    public var sequence: Int
    public var call: SyscallName
    /// The socket's descriptor (-1 for calls that have none, such as getaddrinfo).
    public var descriptor: Int32
    /// Who made the call in the demo: "client", "server", or whatever the caller set.
    public var role: String
    public var entered: Instant
    /// nil while the call is still blocked.
    public var returned: Instant?
    public var outcome: SyscallOutcome?
    /// The socket's own address and its peer's, when known after the call.
    public var local: IPEndpoint?
    public var peer: IPEndpoint?
    /// Arguments worth showing, such as `backlog=5` or `1024 bytes`.
    public var detail: String

    public var isPending: Bool { returned == nil }

    /// How long the call blocked, if it has returned.
    public var blockedNanoseconds: Int64? { returned.map { $0.nanoseconds(since: entered) } }
}

/// A change to the trace: a call was entered, or a call returned.
public enum TraceEvent: Sendable {
    case entered(SyscallRecord)
    case returned(SyscallRecord)

    public var record: SyscallRecord {
        switch self {
        case .entered(let record), .returned(let record): record
        }
    }
}

/// A thread-safe log of system calls, shared by every socket that is given it.
///
/// Records are appended when a call is entered and completed when it returns, so
/// a call that is still blocked (an `accept()` waiting for the final ACK) is
/// visible as pending in a snapshot.
public final class TraceRecorder: Sendable {
    public typealias Observer = @Sendable (TraceEvent) -> Void

    private struct State {
        var records: [SyscallRecord] = []
        var observers: [Observer] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// A handle to a call that has been entered and not yet returned.
    public struct Pending: Sendable {
        fileprivate let index: Int
    }

    /// Records that `call` was entered now.
    public func enter(_ call: SyscallName, descriptor: Int32, role: String, detail: String = "") -> Pending {
        let now = Instant.now()
        let (pending, record, observers) = state.withLock { state in
            let record = SyscallRecord(
                sequence: state.records.count, call: call, descriptor: descriptor, role: role,
                entered: now, returned: nil, outcome: nil, local: nil, peer: nil, detail: detail)
            state.records.append(record)
            return (Pending(index: record.sequence), record, state.observers)
        }
        for observer in observers { observer(.entered(record)) }
        return pending
    }

    /// Records that the call returned now, with this outcome.
    /// - Parameter at: when the call returned; pass the time read right after the call, so
    ///   that work done afterwards (such as asking for the peer's address) is not counted.
    public func complete(
        _ pending: Pending, outcome: SyscallOutcome, at returnTime: Instant? = nil, descriptor: Int32? = nil,
        local: IPEndpoint? = nil, peer: IPEndpoint? = nil, detail: String? = nil
    ) {
        let now = returnTime ?? Instant.now()
        let (record, observers) = state.withLock { state in
            var record = state.records[pending.index]
            record.returned = now
            record.outcome = outcome
            if let descriptor { record.descriptor = descriptor }
            record.local = local ?? record.local
            record.peer = peer ?? record.peer
            if let detail { record.detail = detail }
            state.records[pending.index] = record
            return (record, state.observers)
        }
        for observer in observers { observer(.returned(record)) }
    }

    /// Every call recorded so far, in the order they were entered.
    public func snapshot() -> [SyscallRecord] {
        state.withLock { $0.records }
    }

    /// Calls `observer` for each later event, on the thread that made the call.
    public func observe(_ observer: @escaping Observer) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Forgets every record (observers stay).
    public func reset() {
        state.withLock { $0.records.removeAll() }
    }
}
