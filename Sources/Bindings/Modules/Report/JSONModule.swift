import CLua
import Engine

/// The `json` Lua module: JSON text to Lua values and back (RFC 8259), on Engine's ``JSON``.
enum JSONModule {
    static let module = LuaModule(
        name: "json",
        doc: """
            JSON text to Lua values and back (RFC 8259). json.encode(value [, {indent = n, \
            nan = "error" | "null", empty = "array" | "object"}]) and json.decode(text). Lua \
            tables with keys 1…n are arrays, tables with string keys objects (written with sorted \
            keys), an empty table is [] (or {} with empty = "object"). Integers and floats keep \
            their kind both ways (3 and 3.0 differ). JSON null is json.null. See ?json.encode.
            """,
        functions: [
            LuaFunctionSpec("encode", "json.encode(value [, {…}]) → text", options: [
                LuaOption("indent", .integer, default: "0", "spaces per level (0…16; 0: one line)"),
                LuaOption("nan", .choice(["error", "null"]), default: "\"error\"", "what NaN and ±inf become"),
                LuaOption("empty", .choice(["array", "object"]), default: "\"array\"", "what an empty table becomes"),
            ], at: 2, """
                The JSON text of value: nil, booleans, numbers, strings (UTF-8), tables and \
                json.null. A table whose keys are exactly 1…n is an array; one whose keys are all \
                strings is an object, written with its keys sorted (the same table always gives \
                the same text); an empty table is [] unless empty = "object". Lua integers are \
                written as integers, floats with the shortest digits that read back to the same \
                float (1.0 stays 1.0). indent = n writes one member per line indented n spaces \
                (as Python's json.dumps(indent=n)); compact by default. NaN and infinities are an \
                error naming where they are, or null with nan = "null". A report table is written \
                as its array of row objects. Errors, each naming the path (value.a[2].b): a table \
                inside itself (cycle), nesting deeper than 100, keys that are neither 1…n nor \
                strings, functions and other values JSON cannot hold, strings that are not UTF-8.
                """) { lua, options in
                try lua.checkArgumentCount(max: 2)
                if lua.type(1) == .none { throw lua.argumentError(1, "value", expected: "a value to encode") }
                let indent = try options.integer("indent", in: 0...16) ?? 0
                var encoder = LuaJSONEncoder(lua: lua)
                encoder.nonFinite = try options.choice("nan", ["error", "null"]) == "null" ? .null : .error
                encoder.emptyAsObject = try options.choice("empty", ["array", "object"]) == "object"
                lua.push(try encoder.encode(1).text(indent: indent))
                return 1
            },
            LuaFunctionSpec("decode", "json.decode(text) → value", """
                The Lua value of one JSON text: objects become tables with string keys, arrays \
                tables with keys 1…n, integers (no fraction or exponent, within 64 bits) Lua \
                integers, other numbers floats, null json.null (so arrays keep their length), \
                true/false booleans. An empty object and an empty array both become {} (encode \
                writes it back as [] unless empty = "object"). Errors say what is wrong and at \
                which byte: invalid JSON, text after the value, nesting deeper than 100.
                """) { lua in
                try lua.checkArgumentCount(max: 1)
                guard lua.type(1) == .string else { throw lua.argumentError(1, "text", expected: "a string of JSON text") }
                var length = 0
                guard let p = lua_tolstring(lua.state, 1, &length) else { throw lua.argumentError(1, "text", expected: "a string of JSON text") }
                let bytes = p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
                let value = try JSON.parse(bytes, maxDepth: LuaJSONEncoder.maximumDepth)
                try lua.push(json: value)
                return 1
            },
        ],
        setup: { lua in
            lua.push(object: JSONNullObject())
            lua.rawSet(-2, "null")
        })
}
