import Foundation
import Labs
import Sockets
import XCTest

/// A size-first server that paces its bytes on purpose: each request is answered with
/// `steps`, a list of (bytes, pause after them); after the step marked `waitForAck`, it
/// reads the client's acknowledgement before going on.
final class DrippingServer {
    enum Step {
        case send([UInt8], pause: Duration = .zero)
        case waitForAcknowledgement
    }

    private let server: OneConnectionServer
    var port: UInt16 { server.port }

    init(_ answers: [[Step]]) throws {
        server = try OneConnectionServer(role: "dripping server", timeout: .seconds(10)) { connection in
            for steps in answers {
                guard let request = try? connection.recv(maxBytes: 4096), !request.isEmpty else { return }
                for step in steps {
                    switch step {
                    case .send(let bytes, let pause):
                        guard (try? connection.sendAll(bytes)) != nil else { return }
                        if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds)) }
                    case .waitForAcknowledgement:
                        guard let ack = try? connection.recv(maxBytes: 4096), !ack.isEmpty else { return }
                    }
                }
            }
            _ = try? connection.recv(maxBytes: 4096)
        }
    }

    /// The digits of `body.count` one at a time, `pause` apart, then the body after the acknowledgement.
    static func dripSize(_ body: [UInt8], pause: Duration) -> [Step] {
        Array(String(body.count).utf8).map { Step.send([$0], pause: pause) } + [.waitForAcknowledgement, .send(body)]
    }

    func stop() { server.stop() }
}

/// The size-first clients against servers that split and slow their answers, on loopback.
final class DrippingServerTests: XCTestCase {
    let ten = Array("0123456789".utf8)

    /// `1`, a pause longer than the old 50 ms, then `0`: the size is 10, not 1.
    func testASizeInPiecesWithPausesIsReadWholeAndTheClientStaysInStep() throws {
        let second = Array("second file\n".utf8)
        let server = try DrippingServer([
            DrippingServer.dripSize(ten, pause: .milliseconds(90)),
            DrippingServer.dripSize(second, pause: .milliseconds(90)),
        ])
        defer { server.stop() }
        let downloads = try temporaryFolder(self)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        guard case .saved(let path, let bytes, _) = try client.get("a.txt", into: downloads) else { return XCTFail("not saved") }
        XCTAssertEqual(bytes, 10)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(ten))
        guard case .saved(let path2, _, _) = try client.get("b.txt", into: downloads) else { return XCTFail("not saved") }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path2)), Data(second), "still in step for the next request")
    }

    func testTheRemoteClientReadsADrippedSizeWhole() throws {
        let server = try DrippingServer([DrippingServer.dripSize(ten, pause: .milliseconds(90))])
        defer { server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.run("date").text, "0123456789")
    }

    /// A byte of the answer every 700 ms, and a client with a 2 s timeout: no recv() ever waits
    /// 2 s, but the whole exchange would take 7 s. The client gives up at its deadline, says so,
    /// and deletes the partial copy.
    func testTheTimeoutIsTheWholeExchangeNotTheGapBetweenBytes() throws {
        let slow = ten.map { DrippingServer.Step.send([$0], pause: .milliseconds(700)) }
        let server = try DrippingServer([[.send(Array("10".utf8)), .waitForAcknowledgement] + slow])
        defer { server.stop() }
        let downloads = try temporaryFolder(self)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(2))
        defer { client.close() }
        XCTAssertThrowsError(try client.get("slow.txt", into: downloads)) { error in
            let failure = error as? LabClientError
            XCTAssertEqual(failure?.sentence.id, .clientDeadline, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("receiving slow.txt ("), "\(error)")
            XCTAssertTrue("\(error)".contains("the whole exchange took longer than 2 s (--timeout)"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: downloads), [], "a partial copy is deleted")
    }

    /// The same for the size itself: a digit every 150 ms (inside the quiet period) never ends.
    func testADeadlineEndsASizeThatNeverStops() throws {
        let digits = Array(repeating: DrippingServer.Step.send(Array("9".utf8), pause: .milliseconds(150)), count: 30)
        let server = try DrippingServer([digits])
        defer { server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: server.port, timeout: .seconds(1))
        defer { client.close() }
        XCTAssertThrowsError(try client.run("date")) { error in
            XCTAssertEqual((error as? LabClientError)?.sentence.id, .clientDeadline, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("waiting for the rest of the size"), "\(error)")
        }
    }

    /// `E`, a pause longer than the quiet period, then `RR gone`: a cut-off `ERR` is not a
    /// whole announcement, so the client waits for the rest (within the deadline).
    func testAnErrCutAfterItsFirstLetterIsWaitedFor() throws {
        let server = try DrippingServer([[.send(Array("E".utf8), pause: .milliseconds(400)), .send(Array("RR gone".utf8)),
                                          .waitForAcknowledgement]])
        defer { server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.run("date"), .refused("gone"))
    }

    /// A server that pauses longer than the quiet period inside its size and then sends the
    /// rest with the answer: the client cannot know the size was cut, but it sees bytes past
    /// the answer, says the answer was misread, and keeps no copy.
    func testBytesPastTheAnnouncedSizeStopTheClientInsteadOfReadingOutOfStep() throws {
        let server = try DrippingServer([[.send(Array("1".utf8), pause: .milliseconds(600)), .waitForAcknowledgement,
                                          .send(Array("0".utf8) + ten)]])
        defer { server.stop() }
        let downloads = try temporaryFolder(self)
        let client = try FilesClient(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertThrowsError(try client.get("x.txt", into: downloads)) { error in
            let failure = error as? LabClientError
            XCTAssertEqual(failure?.sentence.id, .clientOutOfStep, "\(error)")
            XCTAssertEqual(failure?.connectionLost, true)
            XCTAssertTrue("\(error)".contains("\"0123456789\""), "the unasked bytes are shown: \(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: downloads), [], "the 1-byte copy is not kept")
    }

    /// `--timeout` becomes a Duration; nan, inf and 1e300 would trap there.
    func testTheTimeoutOptionMustBeAReasonableNumberOfSeconds() throws {
        for value in ["nan", "inf", "1e300", "-1", "0"] {
            let client = try TestProcess(try builtOsilab(), ["client", "remote", "--port", "9", "--timeout=" + value], input: "")
            defer { client.stop() }
            XCTAssertEqual(client.waitForExit(), 64, "--timeout \(value): a usage error, not a crash: \(client.errors)")
            XCTAssertEqual(client.process.terminationReason, .exit)
            XCTAssertTrue(client.errors.contains("give a number of seconds from 0.001 to 86400"), client.errors)
        }
    }
}
