import Foundation
import TextUI
import Workspace
import XCTest

/// Where osilab looks for its lab and what it says when it finds none; `nc` in doctor.
final class LabHomeSearchTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-labhome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("a/b"), withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func testNoLabNamesEveryFolderItLookedFrom() throws {
        let starts = [URL(fileURLWithPath: "/nonexistent/osilab/.build/debug"), scratch.appendingPathComponent("a/b")]
        XCTAssertThrowsError(try LabHome.locate(environment: [:], starts: starts)) { error in
            guard case .notFound(let searched)? = error as? LabHome.LocateError else {
                return XCTFail("not a notFound: \(error)")
            }
            // Folders that do not exist or that root may enter have no EACCES mark.
            XCTAssertEqual(searched, "  /nonexistent/osilab/.build/debug\n  \(self.scratch.path)/a/b")
            XCTAssertTrue("\(error)".hasPrefix("Cannot find the osilab folder (the one with Package.swift and Lessons/). "
                                               + "osilab looked in these folders and in every folder above them:\n\(searched)\n"
                                               + "Run osilab inside the lab's folder, or tell it where the lab is:\n"
                                               + "    export OSILAB_HOME=/path/to/osilab\n"), "\(error)")
        }
    }

    func testALabAboveALaterStartIsFound() throws {
        try Data().write(to: scratch.appendingPathComponent("Package.swift"))
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("Lessons"), withIntermediateDirectories: true)
        let home = try LabHome.locate(environment: [:], starts: [URL(fileURLWithPath: "/nonexistent"), scratch.appendingPathComponent("a/b")])
        XCTAssertEqual(home.root.path, scratch.standardizedFileURL.path)
    }

    /// The program's own folder comes first, read from /proc/self/exe (never `/proc/self`).
    func testTheSearchStartsAtTheProgramsFolder() throws {
        let starts = LabHome.searchStarts()
        #if os(Linux)
        let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        XCTAssertEqual(starts.first?.path, URL(fileURLWithPath: program).deletingLastPathComponent().path)
        #endif
        XCTAssertFalse(starts.contains { $0.path.hasPrefix("/proc") }, "\(starts)")
        XCTAssertEqual(Set(starts.map(\.path)).count, starts.count, "each folder once")
        XCTAssertTrue(starts.contains { $0.path == URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path })
    }

    func testDoctorChecksNcAndNamesTheDebianPackage() throws {
        for (language, detail) in [
            (Language.english, "a client you type into, for trying the lab servers by hand (osilab does not need it). "
                + "Install it with: sudo apt-get install -y netcat-openbsd"),
            (Language.chinese, "可以直接打字的客户端，用来亲手试实验室的服务器（osilab 不需要它）。安装方法：sudo apt-get install -y netcat-openbsd"),
        ] {
            let missing = EnvironmentCheck.run(environment: ["PATH": "/nonexistent"], language: language,
                                               privateNetworkCheck: { nil }, canCapture: { false }, canAdminister: { false }, isRoot: false)
            let nc = try XCTUnwrap(missing.items.first { $0.name == "nc" })
            XCTAssertFalse(nc.present)
            XCTAssertFalse(nc.required, "the lab runs without nc")
            XCTAssertEqual(nc.detail, detail)
        }
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\n".utf8).write(to: bin.appendingPathComponent("nc"))
        chmod(bin.appendingPathComponent("nc").path, 0o755)
        let present = EnvironmentCheck.run(environment: ["PATH": bin.path], privateNetworkCheck: { nil },
                                           canCapture: { false }, canAdminister: { false }, isRoot: false)
        XCTAssertEqual(present.items.first { $0.name == "nc" }?.present, true)
        XCTAssertTrue(present.text.contains("\nok       nc: a client you type into"), present.text)
    }
}
