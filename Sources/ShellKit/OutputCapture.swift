import Bindings
import CLua

/// Where a notebook or kernel session's output goes while a cell runs, instead of the
/// process's standard output: what Lua code writes (`print`, `io.write`, `io.stdout:write`,
/// `io.stderr:write`, `help`) arrives as (stream name, text); `io.read` asks ``input`` for a
/// line when it is set (the kernel's input_request), and reads standard input otherwise.
///
/// The capture is Lua-level: text written by Swift code straight to the process's descriptors
/// (a training progress bar on standard error) still goes there.
public final class OutputSink: @unchecked Sendable {
    /// Receives each piece of text: ("stdout" | "stderr", text). Set by the front end; called on
    /// the thread that runs the cell.
    public var write: (String, String) -> Void = { _, _ in }
    /// Reads one line of input for `io.read` (the prompt it shows), nil at end of input; nil
    /// here keeps Lua's own `io.read`.
    public var input: ((String) -> String?)?

    public init() {}

    /// Replaces `print`, `io.write`, `io.stdout`, `io.stderr`, `help` (and `io.read` when
    /// ``input`` is set) in the session's globals by versions that write here.
    public func install(in session: Session) throws {
        let lua = session.lua
        let base = lua.top
        defer { lua.setTop(base) }
        try session.runtime.load(Self.source, chunkName: "=(prunelab capture)")
        lua.push(function: "emit") { [self] lua in
            let name = lua.string(1) ?? "stdout"
            let text = lua.string(2) ?? ""
            if !text.isEmpty { self.write(name, text) }
            return 0
        }
        if input != nil {
            lua.push(function: "input") { [self] lua in
                guard let line = self.input?(lua.string(1) ?? "") else { return 0 }
                lua.push(line)
                return 1
            }
        } else {
            lua.pushNil()
        }
        lua.push(function: "help") { [self] lua in
            self.write("stdout", Help.text(lua, for: 1) + "\n")
            return 0
        }
        try lua.protectedCall(arguments: 3, results: 0)
    }

    /// The Lua side: wrappers that turn their arguments into text as Lua's own functions do.
    static let source = #"""
    local emit, input, help_text = ...
    local select, tostring, type, concat, tonumber = select, tostring, type, table.concat, tonumber
    local function pieces(fname, ...)
      local parts = {}
      for i = 1, select("#", ...) do
        local v = select(i, ...)
        local t = type(v)
        if t == "number" then v = tostring(v)
        elseif t ~= "string" then
          error("bad argument #" .. i .. " to '" .. fname .. "' (string expected, got " .. t .. ")", 3)
        end
        parts[#parts + 1] = v
      end
      return concat(parts)
    end
    print = function(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
      emit("stdout", concat(parts, "\t") .. "\n")
    end
    local function proxy(real, name)
      local p = {}
      function p.write(self, ...) emit(name, pieces("write", ...)); return self end
      function p.flush(self) return self end
      function p.setvbuf() return true end
      return setmetatable(p, {
        __index = function(_, k)
          local f = real[k]
          if type(f) == "function" then return function(_, ...) return f(real, ...) end end
          return f
        end,
        __tostring = function() return tostring(real) end,
        __name = "FILE*",
      })
    end
    io.stdout = proxy(io.stdout, "stdout")
    io.stderr = proxy(io.stderr, "stderr")
    io.write = function(...) emit("stdout", pieces("write", ...)); return io.stdout end
    local real_help = help
    help = function(...) return help_text(...) end
    if input then
      io.read = function(fmt, ...)
        local line = input("")
        if line == nil then return nil end
        fmt = fmt or "l"
        if type(fmt) == "string" then fmt = fmt:gsub("^%*", "") end
        if type(fmt) == "number" then return line:sub(1, fmt)
        elseif fmt == "n" then return tonumber(line)
        elseif fmt == "L" or fmt == "a" then return line .. "\n"
        else return line end
      end
    end
    """#
}
