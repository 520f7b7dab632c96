import Foundation
import Labs
import Report
import Workspace

/// The captures recorded for the lessons, in Lessons/captures: shown when live capture is not allowed.
enum RecordedCaptures {
    static func paths(name: String) throws -> (capture: String, trace: String) {
        let folder = try LabHome.locate().recordedCaptures
        return (folder.appendingPathComponent("\(name).pcap").path, folder.appendingPathComponent("\(name).trace.json").path)
    }

    static func load(name: String) throws -> RecordedRun {
        let (capture, trace) = try paths(name: name)
        return try RecordedRun.load(capturePath: capture, tracePath: trace)
    }
}
