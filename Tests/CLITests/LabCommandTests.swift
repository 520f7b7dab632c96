import ArgumentParser
import Foundation
import LessonKit
@testable import osilab
import XCTest

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class LabCommandCheckTests: XCTestCase {
    func testExistingCommandIsAvailable() {
        XCTAssertEqual(LabCommandCheck.check(["doctor"]), .available)
        XCTAssertEqual(LabCommandCheck.check(["lesson", "3"]), .available)
    }

    func testUnknownCommandIsMissingNotBroken() {
        XCTAssertEqual(LabCommandCheck.check(["frobnicate", "--fast"]), .missing(command: "frobnicate"),
                       "a command this osilab lacks is reported as not built yet")
    }

    func testBadOptionsOfAnExistingCommandAreInvalid() {
        guard case .invalid(let message) = LabCommandCheck.check(["doctor", "--bogus"]) else {
            return XCTFail("an unknown option must be reported as invalid")
        }
        XCTAssertTrue(message.contains("--bogus"), message)
    }
}

/// Every `run` in every real lesson names an osilab command that exists and accepts those
/// arguments (and `--facts FILE` when a prediction is checked against its facts). This
/// fails until every part of the lab the lessons use is built.
final class LessonCommandsExistTests: XCTestCase {
    func testEveryLessonCommandParses() throws {
        let library: LessonLibrary
        do {
            library = try LessonLibrary.load(from: packageRoot.appendingPathComponent("Lessons"))
        } catch {
            return XCTFail("the lessons do not load:\n\(error)")
        }
        XCTAssertFalse(library.lessons.isEmpty, "no lessons were found")
        for lesson in library.lessons {
            for lab in lesson.labs {
                let arguments = lab.arguments + (lab.observe != nil ? ["--facts", "/tmp/facts.json"] : [])
                let availability = LabCommandCheck.check(arguments)
                XCTAssertEqual(availability, .available, "\(lesson.file):\(lab.line): lab `\(lab.id)` runs `\(lab.run)`: \(availability)")
                if let server = lab.serverArguments {
                    XCTAssertEqual(LabCommandCheck.check(server + ["--quiet"]), .available,
                                   "\(lesson.file):\(lab.line): lab `\(lab.id)` starts the server `\(lab.server ?? "")`")
                }
            }
            for erratum in lesson.errata where erratum.run != nil {
                let availability = LabCommandCheck.check(erratum.arguments)
                XCTAssertEqual(availability, .available,
                               "\(lesson.file):\(erratum.line): erratum `\(erratum.id)` runs `\(erratum.run ?? "")`: \(availability)")
            }
        }
    }
}

final class HelpTests: XCTestCase {
    func testHelpShowsTheOverviewAndEverySubcommand() {
        let help = OSILab.helpMessage()
        XCTAssertTrue(help.contains("A teaching lab for the OSI model, TCP and the Berkeley socket API."), help)
        for name in ["start", "lessons", "lesson", "doctor"] {
            XCTAssertTrue(help.contains("  \(name) "), "`osilab --help` does not list `\(name)`:\n\(help)")
        }
        XCTAssertTrue(help.contains("(default)"), "the start command is marked as the default")
    }
}
