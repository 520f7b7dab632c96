import Labs
import TextUI

// libFuzzer target for the remote lab's request path: the bytes a client sends as one
// command line, through the same steps RemoteCommandService takes (UTF-8, then
// splitCommandLine, then CommandPolicy), and the same bytes as a server's answer through
// the client's RemoteOutput.shown.
//
//   byte 0     bit 0 chooses the policy: 0 the default allow-list, 1 --allow-any-command
//   the rest   the request, exactly as it would arrive
//
// Seeds: Benchmarks/fuzz/corpus/commands/. Built and run by Benchmarks/fuzz.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let policy = CommandPolicy(allowsAnyCommand: data[0] & 1 == 1)
    let request = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    if let text = String(validating: request, as: UTF8.self) {
        switch splitCommandLine(text) {
        case .failure(let refusal):
            say(refusal.sentence)
        case .success(let words):
            if let refusal = policy.refusal(for: words) {
                say(refusal.sentence)
            } else {
                // What the policy lets through is what it promises: a program, at most 64
                // words, and without --allow-any-command only one of the harmless programs.
                invariant(!words.isEmpty, "an empty command was allowed")
                invariant(words.count <= 64, "a command of \(words.count) words was allowed")
                if !policy.allowsAnyCommand {
                    invariant(CommandPolicy.harmlessCommands.contains(words[0]),
                                 "a program outside the allow-list was allowed")
                }
            }
        }
    }
    // The client shows whatever the server sent, in either language.
    for language in Language.allCases { _ = RemoteOutput.shown(request, language: language) }
    return 0
}
