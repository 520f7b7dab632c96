import Foundation
@testable import LessonKit
import Workspace

extension ProgressStore {
    /// A store in a fresh temporary XDG_STATE_HOME, never the real home.
    static func temporary() -> ProgressStore {
        ProgressStore.standard(environment: ["XDG_STATE_HOME": makeTemporaryDirectory("state").path])
    }
}

func makeTemporaryDirectory(_ label: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("osilab-\(label)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension LabEnvironment {
    /// Commands `handshake` and `doctor` exist, anything else does not; capture allowed.
    static func forTests(executable: String = "/bin/false", canCapture: Bool = true, canUseNetns: Bool = true) -> LabEnvironment {
        LabEnvironment(
            executable: executable,
            commandCheck: { arguments in
                guard let first = arguments.first else { return .invalid(message: "empty") }
                return ["handshake", "doctor"].contains(first) ? .available : .missing(command: first)
            },
            canCapture: canCapture, canUseNetns: canUseNetns)
    }
}

/// Renders Markdown source at a width, as plain text.
func rendered(_ markdown: String, width: Int = 40) -> String {
    MarkdownRenderer(width: width).render(MarkdownParser.parse(markdown)).plainText
}
