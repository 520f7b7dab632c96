// The one file of the sockets layer that converts between Swift values and the C
// library's socket structures, and the funnel every call goes through: read errno
// at once, retry EINTR where POSIX allows it, and never retry close().
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import SystemPackage
import Wire

enum Syscall {
    /// Runs `body` (a C call returning -1 on failure) and returns its result or the errno.
    /// EINTR means a signal arrived before anything happened, so the call is simply repeated.
    ///
    /// - Parameters:
    ///   - name: the C function, as errors and the test seam name it.
    ///   - retryOnInterrupt: false for calls that must not be repeated (close, connect).
    ///   - descriptorsAreOurs: false when a descriptor came from the caller (sendfile's file),
    ///     so that EBADF may be the caller's mistake rather than ours.
    @inline(__always)
    static func run<T: FixedWidthInteger>(
        _ name: String, retryOnInterrupt: Bool = true, descriptorsAreOurs: Bool = true, _ body: () -> T
    ) -> Result<T, Errno> {
        funnel(name, retryOnInterrupt: retryOnInterrupt, descriptorsAreOurs: descriptorsAreOurs, count: nil) { _ in body() }
    }

    /// Like ``run(_:retryOnInterrupt:descriptorsAreOurs:_:)`` for a call that moves up to
    /// `count` bytes: `body` is given the count to pass on, which the test seam may shorten
    /// (a partial send is then a real send of fewer bytes).
    @inline(__always)
    static func transfer(
        _ name: String, count: Int, descriptorsAreOurs: Bool = true, _ body: (Int) -> Int
    ) -> Result<Int, Errno> {
        funnel(name, retryOnInterrupt: true, descriptorsAreOurs: descriptorsAreOurs, count: count, body)
    }

    /// The one place that reads errno after a socket call: at once, before anything else
    /// can overwrite it.
    private static func funnel<T: FixedWidthInteger>(
        _ name: String, retryOnInterrupt: Bool, descriptorsAreOurs: Bool, count: Int?, _ body: (Int) -> T
    ) -> Result<T, Errno> {
        while true {
            var limit = count ?? 0
            var forced: Errno? = nil
            #if DEBUG
            if let hook = SyscallSeam.hook {
                switch hook(name) {
                case .proceed: break
                case .fail(let code): forced = code
                case .shortTransfer(let most): if count != nil { limit = min(limit, max(0, most)) }
                case .failAfterCall(let code):
                    _ = body(limit)
                    forced = code
                }
            }
            #endif
            let code: Errno
            if let forced {
                code = forced
            } else {
                let result = body(limit)
                if result != -1 { return .success(result) }
                code = Errno(rawValue: errno)
            }
            if retryOnInterrupt && code == .interrupted { continue }
            checkNotOurBug(name, code, descriptorsAreOurs: descriptorsAreOurs)
            return .failure(code)
        }
    }

    /// EBADF, ENOTSOCK and EFAULT cannot come from anything a learner does through Socket:
    /// Socket refuses calls once closed and passes only its own descriptor and buffers. They
    /// mean a bug in osilab, so a debug build stops right there, with the call in the backtrace
    /// (as SwiftNIO does); a release build reports the error like any other.
    private static func checkNotOurBug(_ name: String, _ code: Errno, descriptorsAreOurs: Bool) {
        let bug = code == .notSocket || code == .badAddress || (code == .badFileDescriptor && descriptorsAreOurs)
        if bug {
            assertionFailure("\(name) failed with \(ErrnoName.of(code.rawValue)): osilab passed a wrong descriptor or buffer")
        }
    }

    /// close() is never retried: on Linux the descriptor is gone even when close reports EINTR,
    /// and a retry could close a descriptor another thread has just been given.
    static func close(_ descriptor: Int32) -> Errno? {
        let result = run("close", retryOnInterrupt: false) {
            #if canImport(Glibc)
            Glibc.close(descriptor)
            #else
            Darwin.close(descriptor)
            #endif
        }
        if case .failure(let errno) = result { return errno }
        return nil
    }
}

#if DEBUG
/// What the test seam makes of one system call. Debug builds only.
public enum SyscallFault: Sendable, Equatable {
    /// Make the real call.
    case proceed
    /// Skip the call and fail with this errno, as if the kernel had returned it at once
    /// (EINTR from a signal before anything happened, EAGAIN from an empty queue).
    case fail(Errno)
    /// Make the real call, but pass at most this many bytes: a real partial send or short read.
    case shortTransfer(Int)
    /// Make the real call, then report this errno instead of its result, as a signal that
    /// arrives while connect() waits for the SYN-ACK does: the SYN is already out. The real
    /// result is dropped, so use it only for calls whose result is not a new descriptor.
    case failAfterCall(Errno)
}

/// A debug-only seam in the syscall funnel, after swift-system's mocking: a test installs
/// a hook for the calls made on its own thread (a task-local, so parallel tests and the lab's
/// other threads are untouched), and the hook decides, call by call, what happens. The
/// calls themselves stay real unless the hook says otherwise.
public enum SyscallSeam {
    /// Called with the C function's name (`send`, `recvfrom`, `connect`, ...) before each call.
    public typealias Hook = @Sendable (_ call: String) -> SyscallFault

    @TaskLocal static var hook: Hook?

    /// Runs `body` with `hook` consulted before every system call the sockets layer makes
    /// on this thread (or in this task).
    public static func with<R>(_ hook: @escaping Hook, _ body: () throws -> R) rethrows -> R {
        try $hook.withValue(hook) { try body() }
    }
}
#endif

extension SocketAddress {
    /// Calls `body` with this address as a C `sockaddr` and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch self {
        case .ip(let endpoint):
            switch endpoint.address {
            case .v4(let address):
                var storage = sockaddr_in()
                storage.sin_family = sa_family_t(AF_INET)
                storage.sin_port = endpoint.port.bigEndian
                storage.sin_addr.s_addr = address.value.bigEndian
                return withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            case .v6(let address):
                var storage = sockaddr_in6()
                storage.sin6_family = sa_family_t(AF_INET6)
                storage.sin6_port = endpoint.port.bigEndian
                withUnsafeMutableBytes(of: &storage.sin6_addr) { raw in
                    for (index, byte) in address.bytes.enumerated() { raw[index] = byte }
                }
                return withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            }
        case .unix(let path):
            var storage = sockaddr_un()
            storage.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            withUnsafeMutableBytes(of: &storage.sun_path) { raw in
                // The parser keeps paths shorter than sun_path; the last byte stays NUL.
                for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
            }
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
        }
    }

    /// Reads an address the kernel filled in; nil for a family the lab does not handle.
    init?(storage: UnsafePointer<sockaddr_storage>, length: socklen_t) {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            guard length >= socklen_t(MemoryLayout<sockaddr_in>.size) else { return nil }
            let address = storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            self = .ipv4(IPv4Address(bigEndianValue: UInt32(bigEndian: address.sin_addr.s_addr)),
                         port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            guard length >= socklen_t(MemoryLayout<sockaddr_in6>.size) else { return nil }
            var address = storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
            let bytes = withUnsafeBytes(of: &address.sin6_addr) { Array($0) }
            guard let ip = IPv6Address(bytes: bytes) else { return nil }
            self = .ipv6(ip, port: UInt16(bigEndian: address.sin6_port))
        case AF_UNIX:
            var address = storage.withMemoryRebound(to: sockaddr_un.self, capacity: 1) { $0.pointee }
            // An unnamed socket (the client end of a socketpair) has only the family field.
            let pathLength = Int(length) - MemoryLayout<sa_family_t>.size
            let path = withUnsafeBytes(of: &address.sun_path) { raw -> String in
                let usable = raw.prefix(max(0, min(pathLength, raw.count)))
                let bytes = usable.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            self = .unix(path: path)
        default:
            return nil
        }
    }
}

/// Calls `body` with room for any address and its length, then reads what the kernel wrote.
func receiveAddress<T: FixedWidthInteger>(
    _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Result<T, Errno>
) -> (result: Result<T, Errno>, address: SocketAddress?) {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, &length) }
    }
    guard case .success = result else { return (result, nil) }
    let address = withUnsafePointer(to: &storage) { SocketAddress(storage: $0, length: length) }
    return (result, address)
}

/// The number of descriptors this process has open (Linux: entries of /proc/self/fd).
/// Tests compare it before and after to prove that nothing leaks.
public func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in raw.prefix { $0 != 0 } }
        if !name.elementsEqual(".".utf8), !name.elementsEqual("..".utf8) { count += 1 }
    }
    // The directory stream itself holds one descriptor while we count.
    return count - 1
}

/// SIGPIPE would kill the whole process when a peer closes while we write; the lab wants
/// EPIPE instead. send() passes MSG_NOSIGNAL, but sendfile() and write() have no such flag.
let ignoreBrokenPipeSignal: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()

// The C functions the sockets layer calls, under names that cannot collide with the
// Socket methods named after them (inside Socket, `bind` means Socket.bind). Each is called
// only inside Syscall.run or Syscall.transfer, which alone read errno.

@inline(__always) func c_socket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 {
    #if canImport(Glibc)
    socket(family, type | Int32(SOCK_CLOEXEC.rawValue), proto)
    #else
    socket(family, type, proto)
    #endif
}

@inline(__always) func c_socketpair(_ family: Int32, _ type: Int32, _ descriptors: UnsafeMutablePointer<Int32>) -> Int32 {
    #if canImport(Glibc)
    socketpair(family, type | Int32(SOCK_CLOEXEC.rawValue), 0, descriptors)
    #else
    socketpair(family, type, 0, descriptors)
    #endif
}

@inline(__always) func c_bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    bind(fd, address, length)
}

@inline(__always) func c_listen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }

@inline(__always) func c_accept(
    _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
) -> Int32 {
    osilab_accept_cloexec(fd, address, length)
}

@inline(__always) func c_connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

#if canImport(Glibc)
let noSignalFlag = Int32(MSG_NOSIGNAL)
#else
let noSignalFlag: Int32 = 0  // Darwin uses SO_NOSIGPIPE instead; SIGPIPE is ignored process-wide.
#endif

@inline(__always) func c_send(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    send(fd, bytes, count, flags | noSignalFlag)
}

@inline(__always) func c_recv(_ fd: Int32, _ bytes: UnsafeMutableRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    recv(fd, bytes, count, flags)
}

@inline(__always) func c_sendto(
    _ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32,
    _ address: UnsafePointer<sockaddr>, _ length: socklen_t
) -> Int {
    sendto(fd, bytes, count, flags | noSignalFlag, address, length)
}

@inline(__always) func c_recvfrom(
    _ fd: Int32, _ bytes: UnsafeMutableRawPointer?, _ count: Int, _ flags: Int32,
    _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
) -> Int {
    recvfrom(fd, bytes, count, flags, address, length)
}

@inline(__always) func c_shutdown(_ fd: Int32, _ how: Int32) -> Int32 { shutdown(fd, how) }

@inline(__always) func c_poll(_ entry: UnsafeMutablePointer<pollfd>, _ milliseconds: Int32) -> Int32 {
    poll(entry, 1, milliseconds)
}

#if canImport(Glibc)
@inline(__always) func c_sendfile(_ out: Int32, _ input: Int32, _ offset: UnsafeMutablePointer<off_t>, _ count: Int) -> Int {
    sendfile(out, input, offset, count)
}
#endif
