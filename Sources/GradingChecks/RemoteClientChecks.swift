// Checks for exercise 14, remote-client (lessons 9 and 10).
import Foundation
import Sockets
import Trace

/// Grades `runRemoteCommand(_:over:)`.
public enum RemoteClientChecks {
    public typealias Run = @Sendable (String, Socket) throws -> String

    /// How the grading's server behaves, and what it saw.
    struct Script: Sendable {
        var output: [UInt8]
        /// What to send as the size; by default the output's length.
        var sizeText: String?
        /// Send the output in pieces of this many bytes, with a pause between them.
        var piece = 65536
        /// Send only this many bytes of the output, then close.
        var closeAfter: Int?
    }

    enum ServerResult: Sendable {
        case served(command: [UInt8])
        case noAcknowledgement(command: [UInt8])
        case noCommand
    }

    /// The notes' remote-command server on the grading's end of the connection.
    static func serve(_ script: Script, on socket: Socket, clientDone: @escaping () -> Bool) -> ServerResult {
        let command = receiveSome(65536, from: socket, within: .milliseconds(1500), peerDone: clientDone)
        guard !command.isEmpty else { return .noCommand }
        do {
            try socket.sendAll(Array((script.sizeText ?? String(script.output.count)).utf8))
            let acknowledgement = receiveSome(1024, from: socket, within: .milliseconds(1500), peerDone: clientDone)
            guard !acknowledgement.isEmpty else {
                socket.close()
                return .noAcknowledgement(command: command)
            }
            let total = min(script.output.count, script.closeAfter ?? script.output.count)
            var offset = 0
            while offset < total {
                if offset > 0 { pause(.milliseconds(20)) }
                let end = min(total, offset + script.piece)
                try socket.sendAll(script.output[offset..<end])
                offset = end
            }
            if script.closeAfter != nil { try socket.shutdown(.write) }
        } catch {}
        return .served(command: command)
    }

    /// Runs the learner's client against the scripted server; returns its outcome after
    /// recording any protocol problems the server saw.
    static func exchange(_ run: @escaping Run, _ command: String, _ script: Script, _ site: CallSite) -> LearnerOutcome<String>? {
        let trace = TraceRecorder()
        let spin = SpinWatch(trace: trace)
        guard let connection = try? LoopbackConnection.make(trace: trace) else {
            fail(say(.couldNotConnectLoopback), site)
            return nil
        }
        defer { connection.close() }
        let theirs = connection.theirs
        let unblock = Unblocker()
        unblock.add(theirs)
        let learner = LearnerThread("runRemoteCommand(\(showText(command)), over:)") { try run(command, theirs) }
        let result = serve(script, on: connection.ours, clientDone: { learner.hasEnded })
        let advice: [SyscallName: String] = [.recv: say(.remoteRecvAdvice)]
        let outcome = finish(learner, trace: trace, unblock: unblock, site, advice: advice, spin: spin)
        switch result {
        case .noCommand:
            fail(say(.noCommand), site)
            return nil
        case .noAcknowledgement(let got):
            if got != Array(command.utf8) {
                fail(say(.commandStuck, showBytes(got), showText(command)), site)
            } else {
                fail(say(.noAcknowledgement, learner.hasEnded ? say(.yourFunctionReturned) : ""), site)
            }
            return nil
        case .served(let got):
            if got != Array(command.utf8) {
                fail(say(.wrongCommand, showBytes(got), showText(command)), site)
                return nil
            }
        }
        return outcome
    }

    static func expectOutput(_ run: @escaping Run, _ command: String, _ script: Script, _ site: CallSite) {
        let want = String(decoding: script.output, as: UTF8.self)
        switch exchange(run, command, script, site) {
        case .returned(let got)?:
            guard got != want else { return }
            if got.isEmpty {
                fail(say(.outputEmpty, "\(script.output.count)"), site)
            } else if got.unicodeScalars.count < want.unicodeScalars.count {
                fail(say(.outputPartial, "\(script.output.count)", "\(script.piece)", "\(got.utf8.count)", showText(got)), site)
            } else if got.contains("\u{FFFD}") {
                fail(say(.outputBrokenUTF8), site)
            } else {
                fail(say(.echoClientWrong, showText(command), showText(got), showText(want)), site)
            }
        case .threw(let error)?:
            fail(say(.runRemoteCommandThrew, describe(error)), site)
        case nil:
            break
        }
    }

    public static func shortOutput(_ run: @escaping Run, file: StaticString = #filePath, line: UInt = #line) {
        expectOutput(run, "id -un", Script(output: Array("root\n".utf8)), CallSite(file: file, line: line))
    }

    public static func noOutputMessage(_ run: @escaping Run, file: StaticString = #filePath, line: UInt = #line) {
        expectOutput(run, "true", Script(output: Array("Have no message".utf8)), CallSite(file: file, line: line))
    }

    public static func longOutputInPieces(_ run: @escaping Run, file: StaticString = #filePath, line: UInt = #line) {
        let output = Array(String(repeating: "总用量 4096 drwxr-xr-x lessons\n", count: 120).utf8)
        var script = Script(output: output)
        script.piece = 1000
        expectOutput(run, "ls -l", script, CallSite(file: file, line: line))
    }

    public static func serverClosesEarly(_ run: @escaping Run, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        var script = Script(output: Array(String(repeating: "x", count: 100).utf8))
        script.closeAfter = 40
        switch exchange(run, "cat big", script, site) {
        case .returned(let got)?:
            fail(say(.remoteClosedEarlyReturned, showText(got)), site)
        case .threw(let error)?:
            if (error as? SocketError)?.reason == .closedSocket {
                fail(say(.remoteClosedEarlyKeptCalling), site)
            } else if !String(describing: error).hasPrefix("closedEarly") {
                fail(say(.remoteClosedEarlyWrongError, describe(error)), site)
            }
        case nil:
            break
        }
    }

    public static func rejectsABadSize(_ run: @escaping Run, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        var script = Script(output: Array("ok".utf8))
        script.sizeText = "lots"
        let trace = TraceRecorder()
        let spin = SpinWatch(trace: trace)
        guard let connection = try? LoopbackConnection.make(trace: trace) else { return fail(say(.couldNotConnectLoopback), site) }
        defer { connection.close() }
        let theirs = connection.theirs
        let unblock = Unblocker()
        unblock.add(theirs)
        let learner = LearnerThread("runRemoteCommand(\"whoami\", over:)") { try run("whoami", theirs) }
        _ = serve(script, on: connection.ours, clientDone: { learner.hasEnded })
        try? connection.ours.shutdown(.write)
        switch finish(learner, trace: trace, unblock: unblock, site, spin: spin) {
        case .returned(let got)?:
            fail(say(.badSizeReturned, showText(got)), site)
        case .threw(let error)?:
            // The learner's RemoteCommandError prints as `badSize("lots")`.
            if !String(describing: error).hasPrefix("badSize") {
                fail(say(.badSizeWrongError, describe(error)), site)
            }
        case nil:
            break
        }
    }
}
