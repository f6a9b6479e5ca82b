import Bindings
/// The command line of `prunelab`, parsed the way `lua` parses its own:
///
///     prunelab [options] [script [args]]
///
/// Options are read left to right until the first argument that is not an option (the script),
/// `--` (the next argument, if any, is the script) or `-` (the script is standard input).
/// `-e` and `-l` take their argument attached (`-eprint(1)`) or as the next word, which must not
/// itself start with `-`.
public struct CommandLineOptions: Equatable, Sendable {
    /// An `-e`, `-l` or `-W` option, run in the order given, before the script.
    public enum Action: Equatable, Sendable {
        /// `-e code`: run `code`.
        case execute(String)
        /// `-l mod` or `-l name=mod`: `name = require(mod)`.
        case require(global: String, module: String)
        /// `-W`: turn warnings on.
        case warningsOn
    }

    /// Where the script comes from.
    public enum Script: Equatable, Sendable {
        case file(String)
        /// `-` (not after `--`): standard input.
        case standardInput
    }

    public var actions: [Action] = []
    /// `-i`: enter the shell after running the rest.
    public var interactive = false
    /// `-v` (also implied by `-i`): print the version.
    public var showVersion = false
    /// `-h` or `--help`: print usage and exit.
    public var showHelp = false
    /// The script, if one was named.
    public var script: Script?
    /// Index in the full argument vector of the script name (`arg[0]`); the number of arguments
    /// when there is no script. `arg[i - scriptIndex]` is argument `i`, as in lua.
    public var scriptIndex: Int = 0
    /// The arguments after the script (`arg[1…]` and `...`).
    public var scriptArguments: [String] = []

    /// True when nothing but options was given: no script, no `-e`, no `-v`. lua then starts its
    /// REPL on a terminal and otherwise runs standard input as a script.
    public var runsDefaultInput: Bool {
        script == nil && !showVersion && !actions.contains { if case .execute = $0 { return true } else { return false } }
    }

    public init() {}

    /// A usage error, reported with the usage text and exit status 1.
    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        public init(message: String) { self.message = message }
    }

    /// Parses `arguments` (the full vector, `arguments[0]` being the program).
    public init(parsing arguments: [String]) throws(UsageError) {
        var i = 1
        scriptIndex = arguments.count
        while i < arguments.count {
            let word = arguments[i]
            guard word.hasPrefix("-") else { finish(arguments, scriptAt: i, stdin: false); return }
            switch word {
            case "--":
                finish(arguments, scriptAt: i + 1, stdin: false)
                return
            case "-":
                finish(arguments, scriptAt: i, stdin: true)
                return
            case "-h", "--help":
                showHelp = true
            case "-i":
                interactive = true
                showVersion = true
            case "-v":
                showVersion = true
            case "-W":
                actions.append(.warningsOn)
            default:
                let option = String(word.prefix(2))
                guard option == "-e" || option == "-l" else {
                    throw UsageError(message: "unrecognized option '\(word)'" + Suggestions.phrase(for: word, in: ["--help", "-h", "-i", "-v", "-W", "-e", "-l", "--"]))
                }
                var value = String(word.dropFirst(2))
                if value.isEmpty {
                    i += 1
                    guard i < arguments.count, !arguments[i].hasPrefix("-") else {
                        throw UsageError(message: "'\(option)' needs argument")
                    }
                    value = arguments[i]
                }
                if option == "-e" {
                    actions.append(.execute(value))
                } else {
                    let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    if parts.count == 2 {
                        guard !parts[0].isEmpty, !parts[1].isEmpty else {
                            throw UsageError(message: "'-l' expects mod or name=mod, got '\(value)'")
                        }
                        actions.append(.require(global: String(parts[0]), module: String(parts[1])))
                    } else {
                        actions.append(.require(global: value, module: value))
                    }
                }
            }
            i += 1
        }
    }

    private mutating func finish(_ arguments: [String], scriptAt index: Int, stdin: Bool) {
        scriptIndex = index
        guard index < arguments.count else { return }
        script = stdin ? .standardInput : .file(arguments[index])
        scriptArguments = Array(arguments[(index + 1)...])
    }

    /// The usage text (`prunelab -h`), followed by the subcommands in `subcommands`.
    public static func usage(subcommands: SubcommandTable) -> String {
        """
        usage: prunelab [options] [script [args]]
               prunelab <subcommand> [args]
        Options:
          -e code    run the Lua code 'code'
          -l mod     require module 'mod' into global 'mod'
          -l g=mod   require module 'mod' into global 'g'
          -i         enter the interactive shell after running the script and options
          -v         show the version
          -W         turn Lua warnings on
          -h, --help show this help
          --         stop handling options
          -          stop handling options and run standard input
        With no arguments: the interactive shell on a terminal, else standard input as a script.
        In the shell, :save FILE writes the session as a cell script and :run FILE runs one;
        a top-level local persists from line to line. Notebooks: prunelab notebook run
        script.lua -o out.ipynb|.html|.md; Jupyter: prunelab kernel install.
        Subcommands (prunelab help <subcommand> for its usage):
        \(subcommands.listing)
        """
    }
}
