import Foundation
import Labs
import Sockets
import Synchronization
import XCTest

/// `osilab serve echo | (sleep 999)`: the server's log goes to a pipe nobody reads.
final class UnreadLogTests: XCTestCase {
    func testServerWhoseLogNobodyReadsGoesOnServing() throws {
        let binary = try builtOsilab()
        let port = try unusedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "echo", "--port", String(port)]
        let unread = Pipe()
        process.standardOutput = unread
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-unread-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { (try? rawClient(port: port))?.close() != nil },
                      "the server never started listening on \(port)")

        // Each connection logs three lines (connected, the exchange, ended): 1500 of them
        // write far more than the 64 KiB a pipe holds.
        let wanted = 1500
        var answered = 0
        var failure = ""
        for number in 0..<wanted {
            do {
                let client = try rawClient(port: port, timeout: .seconds(3))
                defer { client.close() }
                try client.sendAll(Array("hi \(number)".utf8))
                let reply = try receive(3 + String(number).count, from: client)
                guard reply == Array("HI \(number)".utf8) else {
                    failure = "connection \(number) got \(text(reply))"
                    break
                }
                answered += 1
            } catch {
                failure = "connection \(number): \(error)"
                break
            }
        }
        XCTAssertEqual(answered, wanted, "the server stopped answering once its log could not be written: \(failure)")
        // Independent truth that the log really was blocked: the pipe holds what it can.
        var waiting: Int32 = 0
        XCTAssertEqual(ioctl(unread.fileHandleForReading.fileDescriptor, UInt(FIONREAD), &waiting), 0)
        XCTAssertGreaterThanOrEqual(waiting, 60_000, "the pipe should be full: nobody read it")

        // Ctrl-C must still end it, log blocked or not, and say what was lost where it can.
        process.interrupt()
        XCTAssertTrue(waitUntil(timeout: .seconds(15)) { !process.isRunning }, "the server did not stop on SIGINT")
        if !process.isRunning {
            XCTAssertEqual(process.terminationReason, .exit)
            XCTAssertEqual(process.terminationStatus, 0)
        }
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        XCTAssertTrue(errors.contains("log lines dropped: nobody was reading the log"), "standard error: \(errors)")
    }

    func testLinesThatFindTheQueueFullAreCountedAndTheCountWrittenWhenWritingResumes() {
        let blocked = DispatchSemaphore(value: 0)
        let stalled = DispatchSemaphore(value: 0)
        let written = Mutex<[String]>([])
        let writer = LineWriter(capacity: 10, droppedNotice: { "dropped \($0)" }) { text in
            // The first write stalls as a full pipe would, until the test lets it go.
            if written.withLock({ $0.isEmpty }) {
                stalled.signal()
                blocked.wait()
            }
            written.withLock { $0 += text.split(separator: "\n").map(String.init) }
        }
        // The writer takes the first line and stalls on it before the rest arrive, so that
        // what happens next does not depend on when its thread got to run.
        writer.enqueue("line 0")
        XCTAssertEqual(stalled.wait(timeout: .now() + 5), .success, "the writer thread never wrote")
        for number in 1..<100 { writer.enqueue("line \(number)") }
        blocked.signal()
        XCTAssertTrue(writer.finish(within: .seconds(5)), "the writer should drain once writing works again")
        let lines = written.withLock { $0 }
        let kept = lines.filter { $0.hasPrefix("line ") }
        let notices = lines.filter { $0.hasPrefix("dropped ") }
        XCTAssertEqual(notices.count, 1, "\(lines)")
        let dropped = Int(notices.first?.dropFirst("dropped ".count) ?? "") ?? -1
        // At most the queue (10) plus the line the writer held when it stalled got through.
        XCTAssertLessThanOrEqual(kept.count, 11, "\(lines)")
        XCTAssertEqual(kept.count + dropped, 100, "every line is written or counted: \(lines)")
        XCTAssertEqual(kept, kept.sorted { Int($0.dropFirst(5)) ?? 0 < Int($1.dropFirst(5)) ?? 0 }, "lines keep their order")
        XCTAssertEqual(lines.last, notices.first, "the count comes after the lines that were kept, which came first")
    }

    /// A port nothing listens on now (the kernel's pick for a socket closed at once).
    private func unusedPort() throws -> UInt16 {
        let socket = try Socket(family: .inet, type: .stream, role: "test")
        defer { socket.close() }
        try socket.bind(to: .ipv4(.loopback, port: 0))
        return try socket.localAddress().port ?? 0
    }
}
