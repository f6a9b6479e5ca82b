import ShellKit

/// The registry of `prunelab <subcommand>` tools.
enum Subcommands {
    /// Every subcommand, in the order `prunelab help` lists them. To add one, define a
    /// `Subcommand` in its own file (e.g. `Sources/Shell/Subcommands/SimSubcommand.swift`) and
    /// add it here.
    static let all: [Subcommand] = [
        HelpSubcommand.subcommand,
        SimSubcommand.sim,
        SimSubcommand.svcca,
        SweepSubcommand.subcommand,
        CompareSubcommand.subcommand,
        NotebookSubcommand.subcommand,
        KernelSubcommand.subcommand,
    ]

    static let table = SubcommandTable(all)
}
