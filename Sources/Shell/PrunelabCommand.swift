#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine
import ShellKit

/// The `prunelab` command: a subcommand, or lua's command line (options, script, shell).
enum PrunelabCommand {
    static func main(_ arguments: [String]) -> Int32 {
        // Before any BLAS call: OpenBLAS's kernels for this CPU (PRUNELAB_BLAS_CORE).
        if let warning = BLASCore.chooseForThisMachine().warning { report(warning) }
        Memory.configureProcess()  // allocator thresholds, once, before any work
        if arguments.count >= 2, let subcommand = Subcommands.table.find(arguments[1]) {
            let rest = Array(arguments.dropFirst(2))
            if rest == ["-h"] || rest == ["--help"] {
                print(subcommand.usage)
                return 0
            }
            return subcommand.run(rest)
        }
        if arguments.count >= 2, let message = Subcommands.table.mistyped(arguments[1], fileExists: { access($0, F_OK) == 0 }) {
            Console.error(message + "; prunelab help lists the subcommands")
            return 2
        }

        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(parsing: arguments)
        } catch {
            report(error.message)
            Console.error(CommandLineOptions.usage(subcommands: Subcommands.table))
            return 1
        }
        if options.showHelp {
            print(CommandLineOptions.usage(subcommands: Subcommands.table))
            return 0
        }

        let session: Session
        do {
            session = try Session()
        } catch {
            report("\(error)")
            return 1
        }
        // Figures (fig:show(), auto-printed figure values) show in the terminal when it can draw them.
        TerminalDisplayer.install()
        let entersShell = options.interactive || (options.runsDefaultInput && Console.inputIsTerminal)
        if options.showVersion && !entersShell { print(Repl.versionLine) }
        session.setArgumentTable(arguments, scriptIndex: options.scriptIndex)

        do {
            for action in options.actions {
                switch action {
                case .execute(let code): try session.execute(code, chunkName: "=(command line)")
                case .require(let global, let module): try session.require(module, as: global)
                case .warningsOn: session.turnWarningsOn()
                }
            }
            switch options.script {
            case .file(let path) where entersShell:
                try session.runScriptKeepingLocals(path: path, arguments: options.scriptArguments)
            case .file(let path): try session.runScript(path: path, arguments: options.scriptArguments)
            case .standardInput: try session.runScript(path: nil, arguments: options.scriptArguments)
            case nil:
                if options.runsDefaultInput && !entersShell { try session.runScript(path: nil, arguments: []) }
            }
        } catch {
            report("\(error)")
            return 1
        }
        return entersShell ? Repl(session: session).run() : 0
    }

    /// Writes `prunelab: message` to standard error.
    static func report(_ message: String) {
        Console.error("prunelab: \(message)")
    }
}
