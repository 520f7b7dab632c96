#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import Trace

/// One answer from getaddrinfo: enough to create a socket and connect it.
public struct AddressInfo: Hashable, Sendable, CustomStringConvertible {
    public var family: AddressFamily
    public var type: SocketType
    public var protocolNumber: Int32
    public var address: SocketAddress
    /// The official name of the host, when asked for with `canonicalName: true`.
    public var canonicalName: String?

    public var description: String { "\(family) \(type) \(address)" }
}

/// Resolves a host name (or numeric address) and port into socket addresses. The
/// corresponding C function is `getaddrinfo`; Python's `socket.getaddrinfo()`.
///
/// `localhost` usually gives both `::1` and `127.0.0.1`, in the order the system
/// prefers (RFC 6724, tuned by /etc/gai.conf).
/// - Parameters:
///   - family: `.unspecified` for both IPv4 and IPv6, or one of them.
///   - type: `.stream` for TCP, `.datagram` for UDP.
///   - passive: true for an address to bind a server to (a nil host then means "any").
public func getAddressInfo(
    host: String?, port: UInt16, family: AddressFamily = .unspecified, type: SocketType = .stream,
    passive: Bool = false, canonicalName: Bool = false, tracer: TraceRecorder? = nil, role: String = ""
) throws(SocketError) -> [AddressInfo] {
    var hints = addrinfo()
    hints.ai_family = family.rawValue
    hints.ai_socktype = type.rawValue
    hints.ai_flags = (passive ? AI_PASSIVE : 0) | (canonicalName ? AI_CANONNAME : 0) | AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    let pending = tracer?.enter(.getaddrinfo, descriptor: -1, role: role, detail: "\(host ?? "(any)") port \(port)")
    let code: Int32 = if let host {
        getaddrinfo(host, String(port), &hints, &list)
    } else {
        getaddrinfo(nil, String(port), &hints, &list)
    }
    defer { if let list { freeaddrinfo(list) } }
    guard code == 0 else {
        let message = String(cString: gai_strerror(code))
        if let pending { tracer?.complete(pending, outcome: .failed(errno: code, name: "EAI \(code)")) }
        throw SocketError(call: "getaddrinfo", reason: .resolution(code: code, message: message))
    }
    var results: [AddressInfo] = []
    var cursor = list
    while let entry = cursor {
        if let raw = entry.pointee.ai_addr {
            var storage = sockaddr_storage()
            let length = min(Int(entry.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: length))
            }
            let address = withUnsafePointer(to: &storage) {
                SocketAddress(storage: $0, length: socklen_t(length))
            }
            if let address {
                results.append(AddressInfo(
                    family: AddressFamily(rawValue: entry.pointee.ai_family),
                    type: SocketType(rawValue: entry.pointee.ai_socktype),
                    protocolNumber: entry.pointee.ai_protocol,
                    address: address,
                    canonicalName: entry.pointee.ai_canonname.map { String(cString: $0) }))
            }
        }
        cursor = entry.pointee.ai_next
    }
    if let pending { tracer?.complete(pending, outcome: .returned(results.count), resultDetail: results.map(\.address.description).joined(separator: ", ")) }
    return results
}

/// Resolves `host`, then tries each address in turn (IPv6 and IPv4 alike) until one
/// connects, and returns that connected TCP socket. Python's `socket.create_connection()`.
///
/// This is how a client should connect: it works whether the server listens on IPv4,
/// IPv6 or both, and it does not hard-code an address family.
/// - Parameters:
///   - timeout: limits each connection attempt, and stays set on the returned socket for
///     later receives and sends (as in Python). nil waits as long as the kernel does.
///   - sourceAddress: binds the socket to this address before connecting, if given.
/// - Throws: the error of the last attempt when none succeeded.
public func createConnection(
    host: String, port: UInt16, timeout: Duration? = nil, sourceAddress: SocketAddress? = nil,
    tracer: TraceRecorder? = nil, role: String = "client"
) throws(SocketError) -> Socket {
    let candidates = try getAddressInfo(host: host, port: port, type: .stream, tracer: tracer, role: role)
    var lastError = SocketError(call: "create_connection", reason: .resolution(code: 0, message: "no addresses for \(host)"))
    for candidate in candidates {
        do throws(SocketError) {
            let socket = try Socket(family: candidate.family, type: .stream, tracer: tracer, role: role)
            do throws(SocketError) {
                if let sourceAddress { try socket.bind(to: sourceAddress) }
                try socket.setTimeout(timeout)
                try socket.connect(to: candidate.address)
                return socket
            } catch {
                socket.close()
                throw error
            }
        } catch {
            lastError = error
        }
    }
    throw lastError
}
