import Foundation
import Labs
import Sockets
import XCTest

final class RemoteLabTests: XCTestCase {
    func testSwiftClientAgainstSwiftServerRunsEcho() throws {
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.run("echo 你好 world").text, "你好 world\n")
        XCTAssertEqual(try client.run("pwd").text, FileManager.default.currentDirectoryPath + "\n")
    }

    func testCommandWithoutOutputAnswersHaveNoMessage() throws {
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        // `echo -n` prints nothing at all.
        XCTAssertEqual(try client.run("echo -n").text, "Have no message")
    }

    func testShellMetacharactersAreNotInterpreted() throws {
        let marker = "/tmp/osilab-pwned-\(UUID().uuidString)"
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        let reply = try client.run("echo hi; touch \(marker) && touch \(marker) | touch \(marker) $(touch \(marker)) `touch \(marker)` > \(marker)")
        XCTAssertEqual(reply.text, "hi; touch \(marker) && touch \(marker) | touch \(marker) $(touch \(marker)) `touch \(marker)` > \(marker)\n",
                       "with no shell, ; && | $() `` and > are plain words that echo prints")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "no shell may have run touch")
    }

    func testQuotesGroupWordsWithoutAShell() {
        XCTAssertEqual(try splitCommandLine("echo 'a  b' \"c d\" e").get(), ["echo", "a  b", "c d", "e"])
        XCTAssertEqual(try splitCommandLine("echo ''").get(), ["echo", ""])
        XCTAssertThrowsError(try splitCommandLine("echo 'open").get(), "an unclosed quote is refused")
    }

    func testCommandNotOnTheAllowListIsRefusedAsOutput() throws {
        let victim = "/tmp/osilab-remote-victim-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: victim, contents: Data("keep me".utf8))
        defer { try? FileManager.default.removeItem(atPath: victim) }
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        let reply = try client.run("rm -f \(victim)")
        XCTAssertTrue(reply.text.hasPrefix("osilab: not run: 'rm' is not on the allow-list"), reply.text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: victim), "a refused command must not run")
        XCTAssertEqual(try client.run("echo still here").text, "still here\n", "the connection goes on after a refusal")
        XCTAssertTrue(lab.log.contains { $0.contains("refused") && $0.contains("rm") }, "refusals are logged: \(lab.log)")
    }

    func testArgumentsThatWouldChangeTheMachineAreRefused() {
        let policy = CommandPolicy()
        XCTAssertNil(policy.refusal(for: ["date", "+%Y"]))
        XCTAssertNil(policy.refusal(for: ["date", "-u", "--iso-8601=seconds"]))
        XCTAssertNotNil(policy.refusal(for: ["date", "-s", "2020-01-01"]), "date -s sets the clock as root")
        XCTAssertNotNil(policy.refusal(for: ["date", "010100002020"]), "a bare date string sets the clock as root")
        XCTAssertNotNil(policy.refusal(for: ["date", "-us", "x"]), "-s hidden in a cluster of options")
        XCTAssertNil(policy.refusal(for: ["hostname", "-f"]))
        XCTAssertNotNil(policy.refusal(for: ["hostname", "newname"]), "hostname NAME renames the machine as root")
        XCTAssertNotNil(policy.refusal(for: ["sh", "-c", "id"]))
        XCTAssertNil(CommandPolicy(allowsAnyCommand: true).refusal(for: ["sh", "-c", "id"]))
    }

    func testAllowAnyCommandRunsOtherProgramsStillWithoutAShell() throws {
        let lab = try ServerUnderTest(RemoteCommandService(policy: CommandPolicy(allowsAnyCommand: true)))
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.run("printf %s-%s a;b c").text, "a;b-c")
        XCTAssertTrue(try client.run("no-such-program-xyz").text.hasPrefix("osilab: cannot run 'no-such-program-xyz'"))
    }

    func testNotesPythonClientAgainstSwiftServer() throws {
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let python = try TestProcess.python("ssh_client.py", [String(lab.port), "echo 你好", "whoami"])
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        let user = NSUserName()
        let size = user.utf8.count + 1
        // The notes' client prints the size, the running count after each recv, the count again,
        // then the text. "你好\n" is 7 bytes: each of the two characters takes three.
        XCTAssertEqual(python.output, "7\n7\n7\n你好\n\n\(size)\n\(size)\n\(size)\n\(user)\n\n")
        XCTAssertTrue(lab.log.contains { $0.contains("acknowledgement \"准备好接受数据了\"") }, "\(lab.log)")
    }

    func testNotesPythonClientSeesTheRefusalAsOutputAndGoesOn() throws {
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let python = try TestProcess.python("ssh_client.py", [String(lab.port), "cat /etc/passwd", "echo ok"])
        defer { python.stop() }
        XCTAssertEqual(python.waitForExit(), 0, python.errors)
        XCTAssertTrue(python.output.contains("osilab: not run: 'cat' is not on the allow-list"), python.output)
        XCTAssertTrue(python.output.hasSuffix("ok\n\n"), "the notes' client carries on: \(python.output)")
        XCTAssertFalse(python.output.contains("root:x:0:0"), "the file must not be read")
    }

    func testSwiftClientAgainstNotesPythonServer() throws {
        let python = try TestProcess.python("ssh_server.py", ["0"])
        defer { python.stop() }
        let port = try XCTUnwrap(python.announcedPort())
        let client = try RemoteClient(host: "localhost", port: port, timeout: .seconds(5))
        defer { client.close() }
        XCTAssertEqual(try client.run("echo 你好世界").text, "你好世界\n")
        XCTAssertEqual(try client.run("true").text, "Have no message")
        // Long enough that the notes' server's send arrives over several recv() calls.
        let reply = try client.run("seq 1 3000")
        XCTAssertEqual(reply.text, (1...3000).map(String.init).joined(separator: "\n") + "\n")
        if case .output(_, let calls) = reply { XCTAssertGreaterThanOrEqual(calls, 1) }
    }

    func testConsoleShowsOutputAndSizes() throws {
        let lab = try ServerUnderTest(RemoteCommandService())
        defer { lab.server.stop() }
        let scripted = ScriptedConsole(["echo one", "", "rm x", "echo two"])
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        XCTAssertTrue(client.run(console: scripted.console))
        XCTAssertEqual(scripted.output.first, "one\n")
        XCTAssertEqual(scripted.output.last, "two\n")
        XCTAssertTrue(scripted.remarks.contains("(4 bytes, as announced, in 1 recv() call)"), "\(scripted.remarks)")
    }
}
