import Foundation
import Report

/// The handshake recorded for the lessons (Lessons/captures), loaded as a learner sees it.
public func recordedRun() throws -> RecordedRun {
    var folder = URL(fileURLWithPath: #filePath)
    while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
        folder.deleteLastPathComponent()
    }
    let captures = folder.appendingPathComponent("Lessons/captures")
    return try RecordedRun.load(capturePath: captures.appendingPathComponent("handshake.pcap").path,
                                tracePath: captures.appendingPathComponent("handshake.trace.json").path)
}
