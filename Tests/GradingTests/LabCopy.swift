import Foundation
import Grading
import Workspace
import XCTest

/// A copy of this checkout's sources (never its .build) in a temporary folder, made a git
/// checkout of its own, as a learner's clone would be.
struct LabCopy {
    let root: URL
    var home: LabHome { LabHome(root: root) }

    /// Copies everything but build folders and git metadata. `only`, when given, limits the
    /// copy to those top-level entries (a lab without sources, for tests that build nothing).
    init(only: [String]? = nil) throws {
        let source = CatalogueTests.root
        root = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-lab-\(UUID().uuidString)")
        let manager = FileManager.default
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        for entry in try manager.contentsOfDirectory(atPath: source.path) {
            if entry.hasPrefix(".build") || entry == ".git" || entry == ".swiftpm" || entry == "Package.resolved" { continue }
            if let only, !only.contains(entry) { continue }
            try manager.copyItem(at: source.appendingPathComponent(entry), to: root.appendingPathComponent(entry))
        }
        if only != nil, !manager.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            try Data("// a stand-in: LabHome looks for it\n".utf8).write(to: root.appendingPathComponent("Package.swift"))
        }
        try git("init", "-q")
        try git("add", "-A")
        try git("-c", "user.name=osilab", "-c", "user.email=osilab@localhost", "commit", "-q", "-m", "The lab as cloned")
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "git", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: output])
        }
        return output
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(path))
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Removes the copy, and the lock files SwiftPM left for its build in the temporary
    /// folder (named after the copy's path, with `_` for `/`).
    func remove() {
        let manager = FileManager.default
        try? manager.removeItem(at: root)
        let temporary = manager.temporaryDirectory
        let prefix = root.path.replacingOccurrences(of: "/", with: "_")
        for name in (try? manager.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix(prefix) {
            try? manager.removeItem(at: temporary.appendingPathComponent(name))
        }
    }
}
