import Capture
import Foundation
import Report
import Sockets
import TextUI
import Timeline
import Trace
import Wire

/// The live handshake demo: a server and a client in one process, on loopback, captured.
///
/// The server calls accept() before the client connects, so accept() is seen waiting
/// through the whole handshake; the client sends its first data only after accept() has
/// returned, so the timeline stays unambiguous. Then one uppercase-echo round trip (the
/// notes' first program) and an orderly close, client first.
public struct HandshakeDemo: Sendable {
    public struct Options: Sendable {
        /// The server's port; 0 lets the kernel pick a free one.
        public var port: UInt16 = 0
        public var ipv6 = false
        public var message = "hello"
        /// How often the kernel's socket table is read between events.
        public var kernelInterval: Duration = .milliseconds(1)

        public init(port: UInt16 = 0, ipv6: Bool = false, message: String = "hello", kernelInterval: Duration = .milliseconds(1)) {
            self.port = port
            self.ipv6 = ipv6
            self.message = message
            self.kernelInterval = kernelInterval
        }
    }

    /// Why the demo stopped: something it waited for never happened.
    public enum DemoError: Error, CustomStringConvertible {
        case noPort, serverNeverAccepted, acceptDidNotReturn, serverDidNotFinish

        /// What hung, in `language`.
        public func message(in language: Language) -> String {
            let say = StringTable<ExperimentText>(language)
            let what: String = switch self {
            case .noPort: say(.demoNoPort)
            case .serverNeverAccepted: say(.demoNeverAccepted)
            case .acceptDidNotReturn: say(.demoAcceptDidNotReturn)
            case .serverDidNotFinish: say(.demoServerDidNotFinish)
            }
            return say(.demoHung, what)
        }

        public var description: String { message(in: .english) }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Runs the demo and returns what was captured and traced.
    /// - Throws: ``CaptureError`` (e.g. no privilege to capture), ``SocketError`` (e.g. the
    ///   port is taken), ``DemoError``.
    public func run() throws -> RecordedRun {
        let family: AddressFamily = options.ipv6 ? .inet6 : .inet
        let loopback: SocketAddress = options.ipv6 ? .ipv6(.loopback, port: options.port) : .ipv4(.loopback, port: options.port)

        // Bind before capturing so the filter can name the real port; the bind sends nothing.
        let tracer = TraceRecorder()
        let listener = try Socket(family: family, type: .stream, tracer: tracer, role: "server")
        defer { listener.close() }
        try listener.setReuseAddress(true)
        try listener.bind(to: loopback)
        guard let port = try listener.localAddress().port else { throw DemoError.noPort }

        let ipFilter = options.ipv6 ? "ip6" : "ip"
        return try CapturedScenario.run(filter: "\(ipFilter) and tcp port \(port)", tracer: tracer, kernelPorts: [port],
                                        kernelInterval: options.kernelInterval) { tracer in
            try exchange(listener: listener, family: family, port: port, tracer: tracer)
        }
    }

    private func exchange(listener: Socket, family: AddressFamily, port: UInt16, tracer: TraceRecorder) throws {
        try listener.listen(backlog: 8)

        let accepted = DispatchSemaphore(value: 0)
        let acceptEntered = DispatchSemaphore(value: 0)
        tracer.observe { event in
            if case .entered(let record) = event, record.call == .accept { acceptEntered.signal() }
        }
        let serverResult = ServerSide()
        let thread = Thread {
            serverResult.run(listener: listener, accepted: accepted)
        }
        thread.start()
        guard acceptEntered.wait(timeout: .now() + 5) == .success else {
            throw DemoError.serverNeverAccepted
        }
        // Let the server settle inside accept() so that its waiting is plain to see.
        Thread.sleep(forTimeInterval: 0.002)

        let serverAddress: SocketAddress = family == .inet6 ? .ipv6(.loopback, port: port) : .ipv4(.loopback, port: port)
        let client = try Socket(family: family, type: .stream, tracer: tracer, role: "client")
        defer { client.close() }
        try client.setTimeout(.seconds(5))
        try client.connect(to: serverAddress)
        guard accepted.wait(timeout: .now() + 5) == .success else {
            listener.close()
            throw DemoError.acceptDidNotReturn
        }
        try client.sendAll(Array(options.message.utf8))
        var reply: [UInt8] = []
        while reply.count < options.message.utf8.count {
            let chunk = try client.recv(maxBytes: 1024)
            if chunk.isEmpty { break }
            reply += chunk
        }
        client.close()
        guard serverResult.wait(timeout: 5) else { throw DemoError.serverDidNotFinish }
        if let error = serverResult.error { throw error }
    }
}

/// The server half of the demo, run on its own thread.
private final class ServerSide: @unchecked Sendable {
    private let lock = NSLock()
    private var failure: (any Error)?
    private let finished = DispatchSemaphore(value: 0)

    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    func run(listener: Socket, accepted: DispatchSemaphore) {
        defer { finished.signal() }
        do {
            try listener.setTimeout(.seconds(5))
            let (connection, _) = try listener.accept(role: "server")
            accepted.signal()
            defer { connection.close() }
            try connection.setTimeout(.seconds(5))
            while true {
                let data = try connection.recv(maxBytes: 1024)
                if data.isEmpty { break }
                try connection.sendAll(data.map { (97...122).contains($0) ? $0 - 32 : $0 })
            }
        } catch {
            lock.lock()
            failure = error
            lock.unlock()
            accepted.signal()
        }
    }

    func wait(timeout: Double) -> Bool {
        finished.wait(timeout: .now() + timeout) == .success
    }
}
