#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CLua
import Engine

/// How similarity warnings reach a Lua user: each result keeps them in `r.warnings`, and each
/// distinct message is also written once per session to stderr, as
/// `prunelab: warning: sim.svcca: only 300 datapoints for 100 neurons …` (so a loop over many
/// layers does not repeat the same line).
enum SimWarnings {
    static let registryKey = "prunelab.sim.warned"

    static func report(_ lua: Lua, _ warnings: [String]) {
        guard !warnings.isEmpty else { return }
        if luaL_getsubtable(lua.state, plua_registryindex(), registryKey) == 0 {}  // pushes the table
        let table = lua.top
        for warning in warnings {
            let line = "\(lua.callee): \(warning)"
            if lua.rawGet(table, line) == .nil {
                writeToStandardError("prunelab: warning: \(line)\n")
                lua.push(true)
                lua.rawSet(table, line)
            }
            lua.pop(1)
        }
        lua.pop(1)
    }

    /// Writes to file descriptor 2 (no C `stderr` global, which Swift 6 treats as shared state).
    static func writeToStandardError(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }
}
