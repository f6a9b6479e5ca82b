/// "Did you mean …?" for mistyped names: subcommands, options, help names, Lua globals.
public enum Suggestions {
    /// The optimal string alignment distance between `a` and `b` (Levenshtein's insertions,
    /// deletions and substitutions, plus swaps of adjacent characters), case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }

    /// The candidates closest to `word` (at most `limit`, best first): those within a distance of
    /// one edit per three characters (at least 1, at most 3), or that start with `word`. Words of
    /// fewer than three characters (`-x`) get none: everything short is one edit away.
    public static func closest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        guard word.count >= 3 else { return [] }
        let allowed = max(1, min(3, word.count / 3))
        var scored: [(String, Int)] = []
        for candidate in Set(candidates) where candidate != word {
            let d = distance(word, candidate)
            if d <= allowed {
                scored.append((candidate, d))
            } else if candidate.lowercased().hasPrefix(word.lowercased()) {
                scored.append((candidate, allowed + 1))
            }
        }
        scored.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return Array(scored.prefix(limit).map(\.0))
    }

    /// " (did you mean 'a' or 'b'?)", or "" when nothing is close.
    public static func phrase(for word: String, in candidates: [String], quote: String = "'") -> String {
        let found = closest(to: word, in: candidates)
        guard !found.isEmpty else { return "" }
        let quoted = found.map { quote + $0 + quote }
        let list = quoted.count == 1 ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + (quoted.last ?? "")
        return " (did you mean \(list)?)"
    }
}
