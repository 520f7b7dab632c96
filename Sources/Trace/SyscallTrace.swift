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
    /// Arguments worth showing, known when the call was entered: `backlog=5`, `up to 1024 bytes`.
    public var detail: String
    /// What the result means, known when it returned: `from 127.0.0.1:50000`, `5 of 8 bytes`.
    public var resultDetail: String = ""

    public init(
        sequence: Int, call: SyscallName, descriptor: Int32, role: String, entered: Instant, returned: Instant?,
        outcome: SyscallOutcome?, local: IPEndpoint?, peer: IPEndpoint?, detail: String, resultDetail: String = ""
    ) {
        self.sequence = sequence
        self.call = call
        self.descriptor = descriptor
        self.role = role
        self.entered = entered
        self.returned = returned
        self.outcome = outcome
        self.local = local
        self.peer = peer
        self.detail = detail
        self.resultDetail = resultDetail
    }

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
        local: IPEndpoint? = nil, peer: IPEndpoint? = nil, resultDetail: String? = nil
    ) {
        let now = returnTime ?? Instant.now()
        let (record, observers) = state.withLock { state in
            var record = state.records[pending.index]
            record.returned = now
            record.outcome = outcome
            if let descriptor { record.descriptor = descriptor }
            record.local = local ?? record.local
            record.peer = peer ?? record.peer
            if let resultDetail { record.resultDetail = resultDetail }
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

// Saved traces (the recorded captures that ship with the lessons) are JSON. Endpoints are
// written in the lab's text form, `127.0.0.1:4545` or `[::1]:4545`.
extension SyscallRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case sequence, call, descriptor, role, entered, returned, result, errno, error, local, peer, detail
        case resultDetail = "result_detail"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int.self, forKey: .sequence)
        call = SyscallName(rawValue: try container.decode(String.self, forKey: .call))
        descriptor = try container.decode(Int32.self, forKey: .descriptor)
        role = try container.decode(String.self, forKey: .role)
        entered = Instant(nanosecondsSinceEpoch: try container.decode(Int64.self, forKey: .entered))
        returned = try container.decodeIfPresent(Int64.self, forKey: .returned).map(Instant.init(nanosecondsSinceEpoch:))
        if let errno = try container.decodeIfPresent(Int32.self, forKey: .errno) {
            outcome = .failed(errno: errno, name: try container.decodeIfPresent(String.self, forKey: .error) ?? "errno \(errno)")
        } else {
            outcome = try container.decodeIfPresent(Int.self, forKey: .result).map(SyscallOutcome.returned)
        }
        local = try container.decodeIfPresent(String.self, forKey: .local).flatMap(IPEndpoint.init(parsing:))
        peer = try container.decodeIfPresent(String.self, forKey: .peer).flatMap(IPEndpoint.init(parsing:))
        detail = try container.decodeIfPresent(String.self, forKey: .detail) ?? ""
        resultDetail = try container.decodeIfPresent(String.self, forKey: .resultDetail) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(call.rawValue, forKey: .call)
        try container.encode(descriptor, forKey: .descriptor)
        try container.encode(role, forKey: .role)
        try container.encode(entered.nanosecondsSinceEpoch, forKey: .entered)
        try container.encodeIfPresent(returned?.nanosecondsSinceEpoch, forKey: .returned)
        switch outcome {
        case .returned(let value)?: try container.encode(value, forKey: .result)
        case .failed(let errno, let name)?:
            try container.encode(errno, forKey: .errno)
            try container.encode(name, forKey: .error)
        case nil: break
        }
        try container.encodeIfPresent(local?.description, forKey: .local)
        try container.encodeIfPresent(peer?.description, forKey: .peer)
        if !detail.isEmpty { try container.encode(detail, forKey: .detail) }
        if !resultDetail.isEmpty { try container.encode(resultDetail, forKey: .resultDetail) }
    }
}

extension IPEndpoint {
    /// Parses `127.0.0.1:4545` or `[::1]:4545`; nil for anything else.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard let address = IPAddress(host), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        self.init(address, port)
    }
}
