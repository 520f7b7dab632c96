import Foundation
import Labs
import Sockets
import XCTest

/// The remote lab's allow-list against arguments that would read files, set the clock or
/// rename the machine, program by program.
final class AllowListTests: XCTestCase {
    /// Hostile arguments per allowed program, and the reason each is refused.
    static let hostile: [(words: [String], reason: LabMessage, why: String)] = [
        (["date", "--date=TZ=\"/etc/shadow\" now"], .refusalDateTimeZone, "TZ= in --date= opens the file"),
        (["date", "-d", "TZ=\"/etc/shadow\" now"], .refusalDateTimeZone, "TZ= after -d"),
        (["date", "-dTZ=\"/etc/shadow\""], .refusalDateTimeZone, "TZ= attached to -d"),
        (["date", "--date", "tz=\"/etc/shadow\""], .refusalDateTimeZone, "lower case tz= works in some versions"),
        (["date", "--date=  Tz =  \"/etc/shadow\" now"], .refusalDateTimeZone, "spaces around the ="),
        (["date", "--date=\tTZ=\"/etc/shadow\""], .refusalDateTimeZone, "a tab before TZ"),
        (["date", "-d", "now", "-d", "TZ=\"/x\""], .refusalDateTimeZone, "the second -d counts too"),
        (["date", "--date=\"2025-01-01\""], .refusalDateString, "quotes are not part of any date"),
        (["date", "--date=now\\"], .refusalDateString, "a backslash"),
        (["date", "--date=x=y"], .refusalDateString, "an environment-style string without TZ"),
        (["date", "--date=(comment) now"], .refusalDateString, "parser comments"),
        (["date", "-f", "/etc/shadow"], .refusalDateArgument, "-f reads dates from a file"),
        (["date", "-f/etc/shadow"], .refusalDateArgument, "-f attached"),
        (["date", "--file=/etc/shadow"], .refusalDateArgument, "--file"),
        (["date", "--fi=/etc/shadow"], .refusalDateArgument, "getopt takes --fi as --file"),
        (["date", "--f", "/etc/shadow"], .refusalDateArgument, "--f, also --file"),
        (["date", "-r", "/etc/shadow"], .refusalDateArgument, "-r stats a file"),
        (["date", "--ref=/etc/shadow"], .refusalDateArgument, "--ref is --reference"),
        (["date", "--se=2020-01-01"], .refusalDateArgument, "--se is --set"),
        (["date", "-s", "2020-01-01"], .refusalDateArgument, "-s sets the clock"),
        (["date", "-us", "x"], .refusalDateArgument, "-s in a cluster"),
        (["date", "--", "010100002020"], .refusalDateArgument, "an operand after -- sets the clock"),
        (["date", "010100002020"], .refusalDateArgument, "a bare operand sets the clock"),
        (["date", "--da=TZ=\"/etc/shadow\""], .refusalDateArgument, "--da is --date, matched whole"),
        (["date", "--resolution"], .refusalDateArgument, "an option not on the list"),
        (["hostname", "-F", "/etc/shadow"], .refusalHostnameArgument, "-F sets the name from a file"),
        (["hostname", "--file=/etc/shadow"], .refusalHostnameArgument, "--file"),
        (["hostname", "--fi", "/etc/shadow"], .refusalHostnameArgument, "--fi is --file"),
        (["hostname", "--fq"], .refusalHostnameArgument, "abbreviations are matched whole, even harmless ones"),
        (["hostname", "-b", "x"], .refusalHostnameArgument, "-b sets a name"),
        (["hostname", "evil"], .refusalHostnameArgument, "an operand renames the machine"),
        (["cat", "/etc/shadow"], .refusalNotAllowed, "not on the list"),
        (["/bin/date"], .refusalNotAllowed, "a path is not the allowed name"),
        (["env", "TZ=/etc/shadow", "date"], .refusalNotAllowed, "env is not on the list"),
    ]

    func testHostileArgumentsPerAllowedProgramAreRefusedWithTheirReason() {
        let policy = CommandPolicy()
        for (words, reason, why) in Self.hostile {
            let refusal = policy.refusal(for: words)
            XCTAssertEqual(refusal?.sentence.id, reason, "\(words) (\(why)): \(refusal?.description ?? "allowed")")
        }
    }

    /// What stays allowed: the programs that read no files, and dates without `=` or quotes.
    func testHarmlessArgumentsStillRun() {
        let policy = CommandPolicy()
        let harmless: [[String]] = [
            ["date"], ["date", "+%Y-%m-%d"], ["date", "-u", "--iso-8601=seconds"], ["date", "-d", "tomorrow"],
            ["date", "--date=2025-03-01 12:00 UTC", "+%s"], ["date", "-d@1700000000"], ["date", "--date", "next monday"],
            ["date", "-R"], ["echo", "-e", "TZ=x"], ["id", "-un"], ["ls", "-la", "/"], ["pwd"], ["uname", "-a"],
            ["whoami"], ["hostname", "-f"],
        ]
        for words in harmless {
            XCTAssertNil(policy.refusal(for: words), "\(words)")
        }
    }

    /// The premise, from GNU date itself: it opens the file `TZ="..."` names. A FIFO has a
    /// reader exactly when some process opened it, so open(O_WRONLY | O_NONBLOCK) succeeds
    /// only while date holds it (ENXIO otherwise).
    func testGNUDateOpensTheFileATZDateNames() throws {
        let fifo = try temporaryFolder(self) + "/zone"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let runner = CommandRunner(timeout: .seconds(2))
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? runner.run(["date", "--date=TZ=\"\(fifo)\" now"])
            done.signal()
        }
        var opened: Int32 = -1
        _ = waitUntil(timeout: .seconds(2)) {
            opened = open(fifo, O_WRONLY | O_NONBLOCK)
            return opened >= 0
        }
        if opened >= 0 { close(opened) }
        XCTAssertGreaterThanOrEqual(opened, 0, "GNU date should have opened the FIFO for reading")
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    }

    /// Through the lab: the request is answered with the refusal, the FIFO never gets a
    /// reader, and the answer is not the timeout marker a hanging date would produce.
    func testATZDateForAFIFOIsRefusedOverTheWire() throws {
        let fifo = try temporaryFolder(self) + "/zone"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let lab = try ServerUnderTest(RemoteCommandService(runner: CommandRunner(timeout: .seconds(3))))
        defer { lab.server.stop() }
        let client = try RemoteClient(host: "127.0.0.1", port: lab.port, timeout: .seconds(5))
        defer { client.close() }
        for command in ["date -d 'TZ=\"\(fifo)\" now'", "date '--date=TZ=\"\(fifo)\" now'"] {
            let reply = try client.run(command).text
            XCTAssertTrue(reply.hasPrefix("osilab: not run: a date with TZ= in it is not run here"), "\(command): \(reply)")
            XCTAssertFalse(reply.contains("was killed"), reply)
        }
        let probe = open(fifo, O_WRONLY | O_NONBLOCK)
        XCTAssertEqual(probe, -1, "nobody may hold the FIFO open")
        XCTAssertEqual(errno, ENXIO)
        if probe >= 0 { close(probe) }
    }

    /// A server started with TZ or a locale that is a path does not hand that path on.
    func testCommandsGetTZAndLocalesOnlyAsNames() throws {
        let saved: [(String, String?)] = ["TZ", "LC_TIME"].map { name in (name, getenv(name).map { String(cString: $0) }) }
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        let runner = CommandRunner(timeout: .seconds(2))
        func seen() throws -> String {
            text(try runner.run(["sh", "-c", "echo \"TZ=${TZ-unset} LC_TIME=${LC_TIME-unset}\""]).output)
        }
        for path in ["/etc/shadow", ":/etc/shadow", "../../etc/shadow"] {
            setenv("TZ", path, 1)
            setenv("LC_TIME", "/tmp/locale", 1)
            XCTAssertEqual(try seen(), "TZ=unset LC_TIME=unset\n", "TZ=\(path)")
        }
        setenv("TZ", "Asia/Shanghai", 1)
        setenv("LC_TIME", "zh_CN.UTF-8", 1)
        XCTAssertEqual(try seen(), "TZ=Asia/Shanghai LC_TIME=zh_CN.UTF-8\n")
    }
}
