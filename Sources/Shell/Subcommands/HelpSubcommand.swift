import Bindings
import ShellKit

/// `prunelab help [subcommand]`: the usage of prunelab, or of one subcommand.
enum HelpSubcommand {
    static let subcommand = Subcommand(
        name: "help",
        summary: "show the usage of prunelab, or of one subcommand",
        usage: "usage: prunelab help [subcommand]\nWithout an argument, prints prunelab's usage and its subcommands.",
        run: run)

    @Sendable static func run(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first else {
            print(CommandLineOptions.usage(subcommands: Subcommands.table))
            return 0
        }
        guard arguments.count == 1, let found = Subcommands.table.find(name) else {
            let problem = arguments.count == 1 ? "no subcommand '\(name)'" + Suggestions.phrase(for: name, in: Subcommands.all.map(\.name)) : "expected one subcommand name, got \(arguments.count) arguments"
            Console.error("prunelab help: \(problem)\n\(subcommand.usage)")
            return 1
        }
        print(found.usage)
        return 0
    }
}
