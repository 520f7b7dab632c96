// Checks for exercise 6, connect-ex (lesson 7).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Sockets
import Synchronization
import Wire

/// Grades `probe(host:port:)` and `openPorts(on:among:)`.
public enum ConnectExChecks {
    public typealias Probe = @Sendable (IPv4Address, UInt16) -> Int32
    public typealias Scan = @Sendable (IPv4Address, [UInt16]) -> [UInt16]

    /// A listener that accepts and closes every connection in the background, so probes
    /// never fill its queue; and a port where nothing listens.
    final class Ports: Sendable {
        let listener: Socket
        let open: UInt16
        let closed: UInt16
        private let stopped = Mutex(false)

        init() throws {
            (listener, _) = try makeListener(trace: nil)
            open = try listener.localAddress().port ?? 0
            closed = try ListeningSocketChecks.freePort()
            let thread = Thread { [self] in
                while !stopped.withLock({ $0 }) {
                    guard (try? listener.waitUntilReadable(timeout: .milliseconds(50))) == true else { continue }
                    if let (connection, _) = try? listener.accept() { connection.close() }
                }
            }
            thread.start()
        }

        func stop() {
            stopped.withLock { $0 = true }
            pause(.milliseconds(60))
            listener.close()
        }
    }

    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T, _ site: CallSite) -> T? {
        let run = LearnerThread(name, body)
        if case .returned(let value)? = finish(run, trace: nil, unblock: nil, site) { return value }
        return nil
    }

    public static func openPort(_ probe: @escaping Probe, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let ports = try? Ports() else { return fail(say(.gradingNoListener), site) }
        defer { ports.stop() }
        let port = ports.open
        guard let code = run("probe(host: 127.0.0.1, port: \(port))", { probe(.loopback, port) }, site) else { return }
        if code != 0 {
            fail(code == -1 ? say(.openPortPlaceholder, "\(port)", "\(code)")
                 : say(.openPortErrno, "\(port)", "\(code)", ErrnoName.of(code)), site)
        }
    }

    public static func refusedPort(_ probe: @escaping Probe, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let port = try? ListeningSocketChecks.freePort() else { return fail(say(.gradingNoFreePort), site) }
        guard let code = run("probe(host: 127.0.0.1, port: \(port))", { probe(.loopback, port) }, site) else { return }
        switch code {
        case ECONNREFUSED:
            break
        case 10061:
            fail(say(.refusedWindows), site)
        case 0:
            fail(say(.refusedZero, "\(port)"), site)
        default:
            fail(code == -1 ? say(.refusedPlaceholder, "\(port)", "\(code)")
                 : say(.refusedErrno, "\(port)", "\(code)", ErrnoName.of(code)), site)
        }
    }

    public static func closesItsSockets(_ probe: @escaping Probe, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let ports = try? Ports() else { return fail(say(.gradingNoListener), site) }
        defer { ports.stop() }
        let (open, closed) = (ports.open, ports.closed)
        let before = openDescriptorCount()
        guard run(say(.callProbeTimes, "60"), { () -> Bool in
            for index in 0..<60 { _ = probe(.loopback, index % 4 == 0 ? open : closed) }
            return true
        }, site) != nil else { return }
        let after = openDescriptorCount()
        if after - before >= 30 {
            fail(say(.probesLeak, "\(after - before)"), site)
        }
    }

    public static func scansPorts(_ scan: @escaping Scan, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        guard let first = try? Ports(), let second = try? Ports() else { return fail(say(.gradingNoListeners), site) }
        defer {
            first.stop()
            second.stop()
        }
        let ports = [first.closed, second.open, first.open, second.closed]
        let expected = [second.open, first.open]
        guard let found = run("openPorts(on: 127.0.0.1, among: \(ports))", { scan(.loopback, ports) }, site) else { return }
        if found != expected {
            fail(say(.scanWrong, "\(ports)", "\(expected)", "\(found)"), site)
        }
    }
}
