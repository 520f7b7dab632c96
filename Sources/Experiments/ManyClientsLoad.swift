import Foundation
import Sockets
import Synchronization
import Trace

extension ManyClients {
    /// How one client's visit went.
    public struct ClientResult: Sendable, Hashable {
        public var number: Int
        /// Both lines came back upper-cased, byte for byte.
        public var repliesCorrect: Bool
        /// What failed, if something did.
        public var failure: String?
        /// When its connect() returned, when its first reply was complete, and its last.
        public var connected: Instant?
        public var firstReply: Instant?
        public var served: Instant?
    }

    /// `count` clients, each on a thread of its own: connect, wait at the gate, send a line,
    /// wait for the upper-cased reply, pause (a person typing), send a second line, wait for
    /// its reply, close. Every wait is bounded by a socket timeout.
    public final class Clients: Sendable {
        public let count: Int
        private let gate = DispatchSemaphore(value: 0)
        private let finished = DispatchGroup()
        private let results = Mutex<[ClientResult]>([])
        private let connections = Mutex(0)
        /// How long a client waits for the gate, for a reply, or for connect().
        static let patience: Duration = .seconds(10)

        public init(port: UInt16, count: Int = ManyClients.clientCount, pause: Duration = ManyClients.pause) {
            self.count = count
            for number in 1...max(1, count) {
                finished.enter()
                let thread = Thread { [self] in
                    let result = visit(number, port: port, pause: pause)
                    results.withLock { $0.append(result) }
                    finished.leave()
                }
                thread.name = "osilab client \(number)"
                thread.start()
            }
        }

        /// How many clients' connect() has returned.
        public var connected: Int { connections.withLock { $0 } }

        /// Waits until every client's connect() has returned, or `timeout` passes.
        public func waitUntilConnected(timeout: Duration) -> Bool {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while connected < count {
                if clock.now >= deadline { return false }
                Thread.sleep(forTimeInterval: 0.001)
            }
            return true
        }

        /// Lets every client send its first line.
        public func release() {
            for _ in 0..<count { gate.signal() }
        }

        /// Waits for every client to end (or `timeout`); returns the results, in client order.
        public func results(timeout: Duration) -> [ClientResult] {
            _ = finished.wait(timeout: .now() + timeout.seconds)
            return results.withLock { $0 }.sorted { $0.number < $1.number }
        }

        /// The line client `number` sends as its `part`th message.
        public static func line(_ number: Int, part: Int) -> [UInt8] {
            Array("client \(number) says hello, line \(part)\n".utf8)
        }

        private func visit(_ number: Int, port: UInt16, pause: Duration) -> ClientResult {
            var result = ClientResult(number: number, repliesCorrect: false)
            var socket: Socket?
            defer { socket?.close() }
            do {
                let client = try Socket(family: .inet, type: .stream)
                socket = client
                try client.setTimeout(Self.patience)
                try client.connect(to: .ipv4(.loopback, port: port))
                result.connected = Instant.now()
                connections.withLock { $0 += 1 }
                guard gate.wait(timeout: .now() + Self.patience.seconds) == .success else {
                    result.failure = "never released"
                    return result
                }
                var correct = true
                for part in 1...2 {
                    let line = Self.line(number, part: part)
                    try client.sendAll(line)
                    let reply = try readReply(client, length: line.count)
                    correct = correct && reply == ManyClients.upper(line)
                    if part == 1 {
                        result.firstReply = Instant.now()
                        Thread.sleep(forTimeInterval: pause.seconds)
                    }
                }
                result.served = Instant.now()
                result.repliesCorrect = correct
            } catch {
                result.failure = "\(error)"
            }
            return result
        }

        /// Reads until `length` bytes have come: a reply may arrive in pieces.
        private func readReply(_ client: Socket, length: Int) throws -> [UInt8] {
            var reply: [UInt8] = []
            // Bounded: each recv returns at least a byte, times out, or returns b"" (closed).
            while reply.count < length {
                let piece = try client.recv(maxBytes: length - reply.count)
                if piece.isEmpty { break }
                reply += piece
            }
            return reply
        }
    }
}
