import Labs
import TextUI

// Shared by the labs' fuzz targets (CommandFuzz, FilesFuzz); fuzz.sh compiles it into each.

/// Stops the run with `message` when `condition` fails. Not `precondition`: an -O build drops
/// its message, and the message is what says which promise the input broke.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Every way a refusal reaches a person or the wire.
func say(_ sentence: LabSentence) {
    for language in Language.allCases { _ = sentence.text(language) }
    _ = sentence.wire
    _ = sentence.description
}
