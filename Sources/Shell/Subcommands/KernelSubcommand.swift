#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine
import ShellKit

/// `prunelab kernel …`: the Jupyter kernel, and installing its kernelspec.
enum KernelSubcommand {
    static let usage = """
        usage: prunelab kernel -f CONNECTION_FILE
               prunelab kernel install [--user | --prefix DIR]
        The first form runs a Jupyter kernel (messaging protocol 5.3 over ZeroMQ) for the
        connection file Jupyter gives it; every message is signed with HMAC-SHA256.
        'install' writes the kernelspec "prunelab (Lua 5.4)" (kernel.json, pointing at this
        binary) to ~/.local/share/jupyter/kernels/prunelab (--user, the default) or to
        DIR/share/jupyter/kernels/prunelab (--prefix DIR; use JUPYTER_PATH=DIR/share/jupyter).
        """

    static let subcommand = Subcommand(name: "kernel", summary: "a Jupyter kernel (kernel -f FILE), or install its kernelspec",
                                       usage: usage, run: run)

    @Sendable static func run(_ arguments: [String]) -> Int32 {
        if arguments.first == "install" { return install(Array(arguments.dropFirst())) }
        guard arguments.count == 2, arguments[0] == "-f" || arguments[0] == "--connection-file" else {
            Console.error("prunelab kernel: expected -f CONNECTION_FILE or install, got \(arguments.isEmpty ? "nothing" : arguments.joined(separator: " "))\n\(usage)")
            return 2
        }
        do {
            return try JupyterKernel(connectionFile: arguments[1]).run()
        } catch {
            Console.error("\(error)")
            return 1
        }
    }

    static func install(_ arguments: [String]) -> Int32 {
        var base: String
        if arguments.isEmpty || arguments == ["--user"] {
            if let data = Settings.current.nonEmpty(.jupyterData) {
                base = data
            } else if let home = Settings.current[.home] {
                base = home + "/.local/share/jupyter"
            } else {
                Console.error("prunelab kernel install: HOME is not set; use --prefix DIR")
                return 1
            }
        } else if arguments.count == 2, arguments[0] == "--prefix" {
            base = arguments[1] + "/share/jupyter"
        } else {
            Console.error("prunelab kernel install: expected --user or --prefix DIR, got \(arguments.joined(separator: " "))\n\(usage)")
            return 2
        }
        if base.hasSuffix("/") { base.removeLast() }
        let directory = base + "/kernels/prunelab"
        guard let binary = executablePath() else {
            Console.error("prunelab kernel install: cannot find this program's path (/proc/self/exe)")
            return 1
        }
        let spec = JSON.object([
            ("argv", .array([.string(binary), .string("kernel"), .string("-f"), .string("{connection_file}")])),
            ("display_name", .string(NotebookFormat.kernelDisplayName)),
            ("language", .string("lua")),
            ("interrupt_mode", .string("signal")),
            ("metadata", .object([])),
        ])
        do {
            try makeDirectories(directory)
            try FileIO.writeAtomically(directory + "/kernel.json", Array((spec.text(indent: 1) + "\n").utf8))
        } catch {
            Console.error("prunelab kernel install: \(error)")
            return 1
        }
        print("installed kernelspec prunelab (\(NotebookFormat.kernelDisplayName)) in \(directory)")
        return 0
    }

    /// The absolute path of the running binary.
    static func executablePath() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { p -> Int in
                guard let base = p.baseAddress else { return -1 }
                return readlink("/proc/self/exe", base, p.count - 1)
            }
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer.prefix(n), as: UTF8.self)
    }

    /// `mkdir -p path`.
    static func makeDirectories(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0, errno != EEXIST {
                throw KernelError("cannot create \(partial): \(String(cString: strerror(errno)))")
            }
        }
    }
}
