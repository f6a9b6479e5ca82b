#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Bindings
import Engine

// Minimal runner; the full lua-like command line and the REPL replace it.
extension CommandLine {
    static func main() -> Int32 {
        do {
            let runtime = try Runtime()
            let args = Array(arguments.dropFirst())
            if args.count >= 2, args[0] == "-e" {
                try runtime.run(args[1], chunkName: "=(command line)")
            } else if let script = args.first {
                guard let file = fopen(script, "r") else {
                    fputs("prunelab: cannot open \(script)\n", stderr)
                    return 1
                }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = fread(&buffer, 1, buffer.count, file)
                    if n <= 0 { break }
                    bytes.append(contentsOf: buffer[0..<n])
                }
                fclose(file)
                let lua = runtime.lua
                lua.newTable()
                lua.push(script); lua.rawSet(-2, 0)
                for (i, a) in args.dropFirst().enumerated() { lua.push(a); lua.rawSet(-2, i + 1) }
                lua.setGlobal("arg")
                try runtime.load(String(decoding: bytes, as: UTF8.self), chunkName: "@" + script)
                for a in args.dropFirst() { lua.push(a) }
                try lua.protectedCall(arguments: Int32(args.count - 1), traceback: true)
            }
            return 0
        } catch {
            fputs("prunelab: \(error)\n", stderr)
            return 1
        }
    }
}
