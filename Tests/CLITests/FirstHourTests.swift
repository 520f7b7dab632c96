import Foundation
import TextUI
import XCTest

/// What a newcomer's first hour tripped on (issue 21, items 8 and 9), run as the learner runs
/// the built osilab: a lab folder they may not enter, `nc` in doctor, `osilab edit` without
/// EDITOR, the first build's notice, and a capture file cut short.
final class FirstHourTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// No locale of the test runner's, no colour, progress kept out of the runner's home.
    func osilab(_ arguments: [String], environment extra: [String: String] = [:], timeout: TimeInterval = 60,
                file: StaticString = #filePath, line: UInt = #line) throws -> OsilabProcess.Result {
        var environment = ["XDG_STATE_HOME": scratch.appendingPathComponent("state").path,
                           "OSILAB_HOME": OsilabProcess.packageRoot.path, "COLUMNS": "80",
                           "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": "", "NO_COLOR": "1"]
        environment.merge(extra) { $1 }
        return try OsilabProcess.run(arguments, environment: environment, timeout: timeout, file: file, line: line)
    }

    /// A folder of stand-in programs, each a shell script that writes its first argument to
    /// `<name>.log` beside it and exits 0.
    func stubs(_ names: [String]) throws -> URL {
        let folder = scratch.appendingPathComponent("bin-\(names.joined(separator: "-"))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in names {
            let script = folder.appendingPathComponent(name)
            try Data("#!/bin/sh\nprintf '%s\\n' \"$1\" > '\(script.path).log'\n".utf8).write(to: script)
            chmod(script.path, 0o755)
        }
        return folder
    }

    // MARK: item 9: a lab folder the learner may not enter

    /// A lab (Package.swift, Lessons/ and osilab at .build/debug/osilab) inside `closed`, a
    /// folder only root may enter (mode 700, as `mktemp -d` makes), with the built osilab.
    func closedLab() throws -> (closed: URL, lab: URL, osilab: URL) {
        let manager = FileManager.default
        let closed = scratch.appendingPathComponent("closed")
        let lab = closed.appendingPathComponent("osilab")
        let debug = lab.appendingPathComponent(".build/debug")
        try manager.createDirectory(at: debug, withIntermediateDirectories: true)
        try manager.copyItem(at: OsilabProcess.packageRoot.appendingPathComponent("Package.swift"),
                             to: lab.appendingPathComponent("Package.swift"))
        try manager.copyItem(at: OsilabProcess.packageRoot.appendingPathComponent("Lessons"), to: lab.appendingPathComponent("Lessons"))
        try manager.copyItem(at: OsilabProcess.executable, to: debug.appendingPathComponent("osilab"))
        chmod(scratch.path, 0o755)
        chmod(closed.path, 0o700)
        return (closed, lab, debug.appendingPathComponent("osilab"))
    }

    /// Runs `program` as nobody (setpriv, as the suite's privilege-dropping tests do), from `/`.
    func asNobody(_ program: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> OsilabProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", program.path] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        var environment = ProcessInfo.processInfo.environment.merging(OsilabProcess.learnerEnvironment) { $1 }
        for (key, value) in ["OSILAB_HOME": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "OSILAB_LANG": "", "NO_COLOR": "1",
                             "COLUMNS": "80"].merging(extra, uniquingKeysWith: { $1 }) {
            environment[key] = value
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let printed = ReadAll(output.fileHandleForReading), complained = ReadAll(errors.fileHandleForReading)
        process.waitUntilExit()
        return OsilabProcess.Result(status: process.terminationStatus, output: printed.text(), error: complained.text())
    }

    func testALabFolderTheLearnerMayNotEnterIsNamedWithTheFix() throws {
        XCTAssertEqual(geteuid(), 0, "the test becomes nobody with setpriv, which needs root")
        let (closed, lab, program) = try closedLab()
        let searched = "  \(program.deletingLastPathComponent().path) (EACCES: \(closed.path))\n  /"

        let english = try asNobody(program, ["lessons"])
        XCTAssertEqual(english.status, 1, english.error)
        XCTAssertEqual(english.error, "Cannot find the osilab folder (the one with Package.swift and Lessons/). "
                       + "osilab looked in these folders and in every folder above them:\n\(searched)\n"
                       + "Run osilab inside the lab's folder, or tell it where the lab is:\n    export OSILAB_HOME=/path/to/osilab\n"
                       + "If a folder above ends in EACCES, you may not enter the folder named there: use a copy of the lab "
                       + "in a folder of your own, or ask its owner to let you in (`chmod o+x` on that folder).\n")
        XCTAssertFalse(english.error.contains("/proc/self"), "the folder of the program, not a fallback of the system's")

        let chinese = try asNobody(program, ["exercises", "--lang", "zh"])
        XCTAssertEqual(chinese.status, 2, chinese.error)
        XCTAssertEqual(chinese.error, "osilab: 找不到 osilab 的目录（里面有 Package.swift 和 Lessons/ 的那个）。"
                       + "osilab 在下面这些目录里找过，也找过它们上面的每一层目录：\n\(searched)\n"
                       + "请在实验室的目录里运行 osilab，或者告诉它实验室在哪里：\n    export OSILAB_HOME=/path/to/osilab\n"
                       + "如果上面某个目录后面写着 EACCES，说明你没有权限进入那里写的目录：把实验室复制到你自己的目录里再用，"
                       + "或者请它的主人让你进去（对那个目录执行 `chmod o+x`）。\n")
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese.error, allowed: ["export"]), [], chinese.error)

        // The fix it names works: once nobody may enter the folder, the same osilab finds its lab.
        chmod(closed.path, 0o711)
        let opened = try asNobody(program, ["lessons"])
        XCTAssertEqual(opened.status, 0, opened.error)
        XCTAssertTrue(opened.output.hasPrefix("Lessons\n"), opened.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: lab.appendingPathComponent("Lessons").path))
    }

    /// The suite's own privilege-dropping tests from a checkout in a mode-700 folder: they run
    /// a copy of osilab and its lab that nobody may read, and it works as from the checkout.
    func testTheTestsRunAsNobodyFromACheckoutInAClosedFolder() throws {
        XCTAssertEqual(geteuid(), 0, "the test becomes nobody with setpriv, which needs root")
        let (closed, lab, program) = try closedLab()
        XCTAssertFalse(ReadableCopy.othersCanReach(program, execute: true), "\(closed.path) is mode 700")
        let copy = try ReadableCopy.make(executable: program, from: lab)
        XCTAssertFalse(copy.path.hasPrefix(closed.path), copy.path)
        XCTAssertTrue(ReadableCopy.othersCanReach(copy, execute: true), copy.path)
        XCTAssertTrue(ReadableCopy.othersCanReach(copy.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Lessons/captures"), execute: true))

        let result = try asNobody(copy, ["handshake", "--recorded", "--plain"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("step 2: seq = K, ack = J+1 [ok]"), result.output)
        let failing = try asNobody(program, ["handshake", "--recorded", "--plain"])
        XCTAssertNotEqual(failing.status, 0, "from the closed folder itself nobody finds no lab: \(failing.output)")
    }

    // MARK: item 8: nc in doctor

    func testDoctorChecksNcAndNamesItsPackage() throws {
        let missing = try osilab(["doctor"], environment: ["PATH": "/nonexistent"])
        let line = try XCTUnwrap(missing.output.split(separator: "\n").first { $0.contains(" nc: ") }, missing.output)
        XCTAssertEqual(line, "missing  nc: a client you type into, for trying the lab servers by hand (osilab does not need it). "
                       + "Install it with: sudo apt-get install -y netcat-openbsd")
        let present = try osilab(["doctor"], environment: ["PATH": try stubs(["nc"]).path])
        XCTAssertTrue(present.output.contains("\nok       nc: a client you type into, for trying the lab servers by hand "
                                              + "(osilab does not need it)\n"), present.output)

        let chinese = try osilab(["doctor", "--lang", "zh"], environment: ["PATH": "/nonexistent", "COLUMNS": "100"])
        let squeezed = chinese.output.filter { !$0.isWhitespace }
        XCTAssertTrue(squeezed.contains("缺少nc：可以直接打字的客户端，用来亲手试实验室的服务器（osilab不需要它）。"
                                        + "安装方法：sudoapt-getinstall-ynetcat-openbsd"), chinese.output)
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese.output, allowed: ["nc", "ip", "install", "sysctl", "echo", "tee"]), [],
                       chinese.output)
    }

    // MARK: item 8: osilab edit without EDITOR

    func testEditWithoutEditorPrefersNanoAndSaysHowToQuitWhicheverItOpens() throws {
        let file = OsilabProcess.packageRoot.appendingPathComponent("Exercises/08_SendAll.swift").path
        let nanoOnly = try stubs(["nano", "vim"])
        let nano = try osilab(["edit", "send-all"], environment: ["PATH": nanoOnly.path, "EDITOR": "", "VISUAL": ""])
        XCTAssertEqual(nano.status, 0, nano.error)
        XCTAssertEqual(nano.error, "EDITOR is not set, so osilab opens nano. To choose your editor, set it, for example: export EDITOR=vim\n"
                       + "In nano, type as in any text box; Ctrl-O then Enter saves, and Ctrl-X quits (back to osilab).\n")
        XCTAssertEqual(try String(contentsOfFile: nanoOnly.appendingPathComponent("nano.log").path, encoding: .utf8), file + "\n",
                       "nano comes first when both are installed, and gets the exercise's file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: nanoOnly.appendingPathComponent("vim.log").path))

        let vimOnly = try stubs(["vim"])
        let vim = try osilab(["edit", "send-all"], environment: ["PATH": vimOnly.path, "EDITOR": "", "VISUAL": ""])
        XCTAssertEqual(vim.status, 0, vim.error)
        XCTAssertEqual(vim.error, "EDITOR is not set, so osilab opens vim. To choose your editor, set it, for example: export EDITOR=vim\n"
                       + "In vim, press i before you type; to save and quit, press Esc, then type :wq and press Enter "
                       + "(:q! and Enter quits without saving).\n"
                       + "nano is easier for a start: sudo apt-get install -y nano (scripts/setup installs it too).\n")
        XCTAssertTrue(vim.output.hasPrefix("Opening exercise 8, send-all: Exercises/08_SendAll.swift\n"), vim.output)
        XCTAssertEqual(try String(contentsOfFile: vimOnly.appendingPathComponent("vim.log").path, encoding: .utf8), file + "\n")

        let chinese = try osilab(["edit", "send-all", "--lang", "zh"], environment: ["PATH": vimOnly.path, "EDITOR": "", "VISUAL": ""])
        XCTAssertEqual(chinese.status, 0, chinese.error)
        let lines = chinese.error.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, ["EDITOR 没有设置，所以 osilab 用 vim 打开。想用别的编辑器，就设置它，例如：export EDITOR=vim",
                               "在 vim 里要先按 i 才能打字；保存并退出：按 Esc，再输入 :wq，按 Enter（输入 :q! 再按 Enter 是不保存就退出）。",
                               "刚开始用 nano 更容易：sudo apt-get install -y nano（scripts/setup 也会装它）。"])
        XCTAssertEqual(SentenceAudit.englishWords(in: chinese.error + chinese.output, allowed: ["vim", "nano", "export", "install", "Esc", "Enter", "Ctrl"]), [],
                       chinese.error + chinese.output)
        let nanoInChinese = try osilab(["edit", "send-all", "--lang", "zh"],
                                       environment: ["PATH": nanoOnly.path, "EDITOR": "", "VISUAL": ""])
        XCTAssertTrue(nanoInChinese.error.hasSuffix("\n在 nano 里直接打字就行；按 Ctrl-O 再按 Enter 保存，按 Ctrl-X 退出，回到 osilab。\n"),
                      nanoInChinese.error)
    }

    // MARK: item 8: the first build's notice

    /// `osilab check` on a lab with a stand-in manifest (its build fails in a second): the
    /// notice that the first build takes minutes comes before the first build only.
    func testCheckSaysTheFirstBuildTakesMinutesOnlyBeforeTheFirstBuild() throws {
        let manager = FileManager.default
        let lab = scratch.appendingPathComponent("lab")
        try manager.createDirectory(at: lab, withIntermediateDirectories: true)
        for entry in ["Lessons", "Exercises"] {
            try manager.copyItem(at: OsilabProcess.packageRoot.appendingPathComponent(entry), to: lab.appendingPathComponent(entry))
        }
        try Data("// a stand-in: LabHome looks for it, swift build stops at it\n".utf8).write(to: lab.appendingPathComponent("Package.swift"))
        defer { removeSwiftPMLocks(of: lab) }
        let notice = "Building the lab's tests (the first build takes a few minutes)..."

        let first = try osilab(["check", "send-all"], environment: ["OSILAB_HOME": lab.path], timeout: 120)
        XCTAssertEqual(first.status, 1, first.error)
        let firstLines = first.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(firstLines.prefix(2)), ["Checking exercise 8, send-all (Exercises/08_SendAll.swift)", notice], first.output)
        let chinese = try osilab(["check", "send-all", "--lang", "zh"], environment: ["OSILAB_HOME": lab.path], timeout: 120)
        XCTAssertEqual(chinese.output.split(separator: "\n").dropFirst().first, "正在编译实验室的测试（第一次编译要几分钟）……", chinese.output)

        // What `swift build --build-tests` leaves once it has built the tests.
        let debug = lab.appendingPathComponent(".build/debug")
        try manager.createDirectory(at: debug, withIntermediateDirectories: true)
        try Data().write(to: debug.appendingPathComponent("osilabPackageTests.xctest"))
        for language in ["en", "zh"] {
            let again = try osilab(["check", "send-all", "--lang", language], environment: ["OSILAB_HOME": lab.path], timeout: 120)
            XCTAssertEqual(again.status, 1, again.error)
            XCTAssertFalse(again.output.contains(notice) || again.output.contains("第一次编译"), again.output)
            let heading = (language == "en" ? first : chinese).output.split(separator: "\n").first
            XCTAssertEqual(again.output.split(separator: "\n").first, heading, "the heading stays")
        }
    }

    /// SwiftPM's lock files for a package, named after its path in the temporary folder.
    func removeSwiftPMLocks(of lab: URL) {
        let temporary = FileManager.default.temporaryDirectory
        let prefix = lab.path.replacingOccurrences(of: "/", with: "_")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    // MARK: item 8: a capture file cut short

    /// How many whole packets a classic pcap file holds, read from its record headers here
    /// (libpcap's own count is what is under test): a 24-byte file header, then per packet
    /// a 16-byte record header whose third field is the captured length.
    func wholePackets(in data: [UInt8]) -> Int {
        let littleEndian = data.prefix(4) == [0xd4, 0xc3, 0xb2, 0xa1] || data.prefix(4) == [0x4d, 0x3c, 0xb2, 0xa1]
        var offset = 24, count = 0
        while offset + 16 <= data.count {
            let field = data[(offset + 8)..<(offset + 12)].map(UInt32.init)
            let captured = Int(littleEndian ? field[0] | field[1] << 8 | field[2] << 16 | field[3] << 24
                                            : field[3] | field[2] << 8 | field[1] << 16 | field[0] << 24)
            guard offset + 16 + captured <= data.count else { break }
            offset += 16 + captured
            count += 1
        }
        return count
    }

    func testReadOfACutShortFileShowsWhatItReadAndHowMany() throws {
        let damaged = OsilabProcess.packageRoot.appendingPathComponent("Tests/CaptureTests/Fixtures/damaged.pcap")
        let bytes = Array(try Data(contentsOf: damaged))
        let whole = wholePackets(in: bytes)
        XCTAssertGreaterThan(whole, 1)

        let english = try osilab(["read", damaged.path])
        XCTAssertEqual(english.status, 1)
        let lines = english.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, whole + 1, "one line per packet read, then the summary: \(english.output)")
        XCTAssertTrue(lines.last?.hasPrefix("\(whole) packets, ") == true, english.output)
        let errors = english.error.split(separator: "\n").map(String.init)
        XCTAssertEqual(errors.count, 2, english.error)
        XCTAssertTrue(errors[0].hasPrefix("Cannot use the capture file \(damaged.path): truncated dump file"), english.error)
        XCTAssertEqual(errors[1], "The damage is in packet \(whole + 1): osilab read the \(whole) packets before it.")

        let chinese = try osilab(["read", damaged.path, "--lang", "zh"])
        let chineseErrors = chinese.error.split(separator: "\n").map(String.init)
        XCTAssertEqual(chineseErrors.last, "损坏出在第 \(whole + 1) 个报文：它前面的 \(whole) 个报文 osilab 已经读出来了。")
        XCTAssertTrue(chinese.output.split(separator: "\n").last?.hasPrefix("\(whole) 个报文，") == true, chinese.output)
        XCTAssertEqual(SentenceAudit.englishWords(in: chineseErrors.last ?? ""), [])

        // Cut inside the second packet, and inside the first.
        let firstLength = 16 + wholePacketLength(bytes)
        let one = scratch.appendingPathComponent("one.pcap"), none = scratch.appendingPathComponent("none.pcap")
        try Data(bytes.prefix(24 + firstLength + 20)).write(to: one)
        try Data(bytes.prefix(24 + 10)).write(to: none)
        XCTAssertEqual(wholePackets(in: Array(try Data(contentsOf: one))), 1)
        let readOne = try osilab(["read", one.path])
        XCTAssertEqual(readOne.error.split(separator: "\n").last, "The damage is in packet 2: osilab read the 1 packet before it.")
        XCTAssertTrue(readOne.output.split(separator: "\n").last?.hasPrefix("1 packet") == true, readOne.output)
        let readNone = try osilab(["read", none.path, "--lang", "zh"])
        XCTAssertEqual(readNone.error.split(separator: "\n").last, "文件的第一个报文就坏了，所以一个报文也没读出来。")
        let readNoneEnglish = try osilab(["read", none.path])
        XCTAssertEqual(readNoneEnglish.error.split(separator: "\n").last,
                       "The damage is in the file's first packet, so no packet could be read.")
    }

    /// The captured length of the first packet of a little-endian classic pcap file.
    func wholePacketLength(_ bytes: [UInt8]) -> Int {
        let field = bytes[32..<36].map(Int.init)
        return field[0] | field[1] << 8 | field[2] << 16 | field[3] << 24
    }
}
