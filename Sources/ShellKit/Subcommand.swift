import Bindings

/// An ad-hoc tool run as `prunelab <name> args…`, such as `prunelab svcca a.npy b.npy`.
///
/// Subcommands are listed in one array, `Subcommands.all` in `Sources/Shell/Subcommands.swift`.
/// A registered name takes precedence over a script file of the same name (as git's
/// subcommands do). `prunelab help` lists them; `prunelab help <name>` and
/// `prunelab <name> --help` (or `-h`, as the only argument) print ``usage``.
public struct Subcommand: Sendable {
    /// The word after `prunelab` that selects this tool.
    public let name: String
    /// One line for `prunelab help`.
    public let summary: String
    /// The full usage text: synopsis, arguments and options.
    public let usage: String
    /// Runs the tool on the arguments after its name; returns the exit status (0 = success).
    /// Writes its results to standard output and its errors to standard error; never traps.
    public let run: @Sendable ([String]) -> Int32

    public init(name: String, summary: String, usage: String, run: @escaping @Sendable ([String]) -> Int32) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.run = run
    }
}

/// Finding and describing subcommands.
public struct SubcommandTable: Sendable {
    /// The registered subcommands, in listing order.
    public let subcommands: [Subcommand]

    public init(_ subcommands: [Subcommand]) { self.subcommands = subcommands }

    /// The subcommand called `name`, if any.
    public func find(_ name: String) -> Subcommand? {
        subcommands.first { $0.name == name }
    }

    /// When `word` (the first argument, not an option) is neither a subcommand nor an existing
    /// file but looks like a mistyped subcommand (`svca`), the one-line error to print.
    public func mistyped(_ word: String, fileExists: (String) -> Bool) -> String? {
        guard find(word) == nil, !word.hasPrefix("-"), !word.contains("/"), !word.contains("."), !fileExists(word) else { return nil }
        let phrase = Suggestions.phrase(for: word, in: subcommands.map(\.name))
        guard !phrase.isEmpty else { return nil }
        return "prunelab: '\(word)' is neither a subcommand nor a file\(phrase)"
    }

    /// The `subcommands:` section of the usage text: one line per subcommand, aligned.
    public var listing: String {
        let width = subcommands.map(\.name.count).max() ?? 0
        return subcommands.map { "  " + $0.name.padded(to: width) + "  " + $0.summary }.joined(separator: "\n")
    }
}

extension String {
    /// `self` followed by spaces up to `width` characters.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
