#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts `body` on a new operating-system thread and returns at once. The corresponding
/// C function is `pthread_create`.
///
/// The lab servers give each connection a thread of its own that blocks in recv() and
/// send(), like the notes' Python code but for many clients at once. They use real threads
/// rather than Swift tasks on purpose: a task that blocks in recv() holds one of the few
/// threads of Swift concurrency's cooperative pool, and enough of them stall every task in
/// the process.
/// - Returns: false when the system refused to create a thread (EAGAIN: out of threads or
///   memory); the caller must then clean up what `body` would have.
func startThread(stackBytes: Int = 512 * 1024, _ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    // A connection thread needs little stack: its buffers live on the heap.
    pthread_attr_setstacksize(&attributes, stackBytes)
    // Detached: nobody calls pthread_join; the servers count their threads with a DispatchGroup.
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let box = Unmanaged.passRetained(Box(body))
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t? = nil
    #endif
    let result = pthread_create(&thread, &attributes, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, box.toOpaque())
    if result != 0 {
        box.release()
        return false
    }
    return true
}

/// Raises this process's soft limit on open descriptors (RLIMIT_NOFILE) towards `wanted`,
/// never above the hard limit, and returns the limit now in force. The corresponding C
/// functions are `getrlimit` and `setrlimit`.
///
/// Every connection is a descriptor, and many systems still start processes with a soft
/// limit of 1024, which a server with hundreds of clients (and the pipes of the commands
/// it runs) can reach. Raising the soft limit up to the hard one needs no privilege.
@discardableResult
func raiseOpenFileLimit(toAtLeast wanted: Int) -> Int {
    var limit = rlimit()
    #if canImport(Glibc)
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    let resource = RLIMIT_NOFILE
    #endif
    guard getrlimit(resource, &limit) == 0 else { return -1 }
    let wantedLimit = rlim_t(max(0, wanted))
    if limit.rlim_cur < wantedLimit {
        var raised = limit
        raised.rlim_cur = min(wantedLimit, limit.rlim_max)
        if setrlimit(resource, &raised) == 0 { limit = raised }
    }
    return Int(clamping: limit.rlim_cur)
}
