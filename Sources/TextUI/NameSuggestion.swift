// "Did you mean ...?": the names a mistyped one is closest to.

/// A command or experiment name as typed, next to the names there are: which of them the
/// learner probably meant.
public enum NameSuggestion {
    /// The names closest to `typed` (at most three, closest first): those a few letters away
    /// (a letter missing, extra, wrong or two swapped counts as one or two), and those it begins.
    public static func closest(to typed: String, among names: [String]) -> [String] {
        let wanted = typed.lowercased()
        let scored = names.map { ($0, editDistance($0, wanted)) }
            .filter { $0.1 <= max(2, wanted.count / 3) || (wanted.count >= 2 && $0.0.hasPrefix(wanted)) }
        // A stable sort: names as far apart keep the order they are listed in.
        return scored.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }
            .prefix(3).map(\.element.0)
    }

    /// Levenshtein distance: the fewest letters to insert, delete or replace.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
