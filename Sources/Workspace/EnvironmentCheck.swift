import Foundation
import Sandbox
import TextUI

/// What the lab needs from the machine, checked without changing anything.
public struct EnvironmentCheck: Sendable {
    public struct Item: Sendable {
        public var name: String
        public var present: Bool
        public var required: Bool
        /// What it is for, and how to get it when it is missing.
        public var detail: String
    }

    public var items: [Item]

    public var allRequiredPresent: Bool { items.allSatisfy { $0.present || !$0.required } }

    /// The report in English, one item a line (a multi-line detail hangs under the first).
    public var text: String {
        let say = DoctorStrings(.english)
        return items.map { item in
            let mark = say(item.present ? .markPresent : (item.required ? .markMissingRequired : .markMissing))
            let padded = mark + String(repeating: " ", count: max(0, 7 - mark.count))
            return padded + "  " + say(.itemLine, item.name, item.detail.replacingOccurrences(of: "\n", with: "\n         "))
        }.joined(separator: "\n")
    }

    /// The report in `language`, for a terminal `width` columns wide. English is exactly
    /// ``text`` (one line per item, whatever the width); other languages are wrapped to the
    /// width, each item's text hanging under its first line and commands kept whole and
    /// copyable (a long one continues on the next line after ` \`, as a shell reads it).
    public func text(in language: Language, width: Int) -> String {
        guard language != .english else { return text }
        let say = DoctorStrings(language)
        let marks = items.map { item in
            say(item.present ? .markPresent : (item.required ? .markMissingRequired : .markMissing))
        }
        let markWidth = marks.map(DisplayWidth.of).max() ?? 0
        let indent = String(repeating: " ", count: markWidth + 2)
        var lines: [String] = []
        for (item, mark) in zip(items, marks) {
            let first = mark + String(repeating: " ", count: markWidth - DisplayWidth.of(mark) + 2)
            for (index, paragraph) in item.detail.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let paragraph = String(paragraph)
                if index == 0 {
                    lines += TextWrapper.wrap(say(.itemLine, item.name, paragraph), width: width, firstPrefix: first, restPrefix: indent)
                } else if paragraph.hasPrefix("    ") {
                    lines += Self.command(paragraph.drop { $0 == " " }, width: width, prefix: indent + "    ")
                } else {
                    lines += TextWrapper.wrap(paragraph, width: width, firstPrefix: indent, restPrefix: indent)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A command broken at spaces into lines that fit `width`, each but the last ending in
    /// ` \` and the later ones indented two more columns. A word too long for any line is
    /// cut, as the wrapper cuts it (there is nothing better to do with it).
    static func command(_ command: Substring, width: Int, prefix: String) -> [String] {
        let words = command.split(separator: " ").map(String.init)
        let continued = prefix + "  "
        var lines: [String] = []
        var line = prefix
        var lineHasWord = false
        for (index, word) in words.enumerated() {
            let isLast = index == words.count - 1
            let candidate = line + (lineHasWord ? " " : "") + word
            // Room for the closing backslash unless this is the last word.
            if !lineHasWord || DisplayWidth.of(candidate) + (isLast ? 0 : 2) <= width {
                line = candidate
                lineHasWord = true
            } else {
                lines.append(line + " \\")
                line = continued + word
            }
        }
        lines.append(line)
        return lines.flatMap { DisplayWidth.of($0) <= width ? [$0] : TextWrapper.wrap($0, width: width) }
    }

    /// Looks for the tools and privileges each part of the lab uses.
    /// - Parameters:
    ///   - language: the language of the items' names and details.
    ///   - privateNetworkCheck: why a private network cannot be made here, or nil
    ///     (a parameter so that tests can give other answers).
    ///   - canCapture, canAdminister, isRoot: this process's privileges (parameters for the same reason).
    public static func run(environment: [String: String] = ProcessInfo.processInfo.environment,
                           language: Language = .english,
                           privateNetworkCheck: () -> Refusal? = Refusal.check,
                           canCapture: () -> Bool = LivePrivilege.canCapture,
                           canAdminister: () -> Bool = LivePrivilege.canAdministerNetwork,
                           isRoot: Bool = geteuid() == 0) -> EnvironmentCheck {
        let say = DoctorStrings(language)
        let root = isRoot
        var items: [Item] = []
        func tool(_ name: String, required: Bool, purpose: DoctorText, package: String?) {
            let found = findExecutable(name, environment: environment) != nil
            let detail = found ? say(purpose)
                : package.map { say(.installWithApt, say(purpose), "sudo apt-get install -y \($0)") } ?? say(.installSwift, say(purpose))
            items.append(Item(name: name, present: found, required: required, detail: detail))
        }
        tool("swift", required: true, purpose: .purposeSwift, package: nil)
        tool("python3", required: false, purpose: .purposePython, package: "python3")
        tool("nc", required: false, purpose: .purposeNc, package: "netcat-openbsd")
        tool("tcpdump", required: false, purpose: .purposeTcpdump, package: "tcpdump")
        tool("ip", required: false, purpose: .purposeIP, package: "iproute2")
        tool("nft", required: false, purpose: .purposeNft, package: "nftables")
        tool("ss", required: false, purpose: .purposeSS, package: "iproute2")
        let capture = canCapture()
        let administer = canAdminister()
        items.append(Item(
            name: say(.captureName), present: capture, required: false,
            detail: say(capture ? (root ? .captureAsRoot : .captureCapabilities) : .captureMissing)))
        let refusal = privateNetworkCheck()
        let mode: String
        switch (capture, administer, refusal) {
        case (true, true, _): mode = say(.privateAsRoot)
        case (_, _, nil): mode = say(.privateAvailable)
        case (_, _, let refusal?): mode = say(.privateRefused, refusal.describe(in: language))
        }
        items.append(Item(name: say(.privateName), present: refusal == nil, required: false, detail: mode))
        return EnvironmentCheck(items: items)
    }

    /// The full path of `name` on PATH, or nil.
    public static func findExecutable(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        // Tools in sbin (ip, nft, ss) are often missing from a normal user's PATH.
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// The id of a sentence `osilab doctor` says.
public enum DoctorText: String, SentenceID {
    public static let namespace = "doctor"
    case markPresent, markMissing, markMissingRequired, itemLine
    case purposeSwift, purposePython, purposeNc, purposeTcpdump, purposeIP, purposeNft, purposeSS, installWithApt, installSwift
    case captureName, captureAsRoot, captureCapabilities, captureMissing
    case privateName, privateAsRoot, privateAvailable, privateRefused
}

/// The doctor's sentences in one language.
public typealias DoctorStrings = StringTable<DoctorText>
