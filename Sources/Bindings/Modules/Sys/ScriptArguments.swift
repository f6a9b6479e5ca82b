import CLua
import Engine

/// `sys.args{epochs = 3, seed = 1}`: a script's command-line options, parsed against defaults.
enum ScriptArguments {
    /// One option: its Lua key, its command-line name (`max_datapoints` → `--max-datapoints`)
    /// and its default.
    struct Option {
        enum Value { case integer(Int), number(Double), string(String), boolean(Bool) }
        let key: String
        let value: Value
        var flag: String { "--" + String(key.map { $0 == "_" ? "-" : $0 }) }
        var usage: String {
            switch value {
            case .integer(let v): "\(flag) N (default \(v))"
            case .number(let v): "\(flag) X (default \(v))"
            case .string(let v): "\(flag) S (default \"\(v)\")"
            case .boolean(let v): "\(flag)/--no-\(flag.dropFirst(2)) (default \(v))"
            }
        }
    }

    static let spec = LuaFunctionSpec("args", "sys.args(defaults [, argv]) → options",
        """
        Parses a script's command line (the global arg, or the array argv) against a table of defaults: \
        local o = sys.args{epochs = 3, lr = 0.05, name = "run", verbose = false} accepts --epochs 5, \
        --lr=0.1, --name x, --verbose, --no-verbose (an option's type is its default's: integer, number, \
        string or boolean; max_datapoints is spelt --max-datapoints). Returns a new table of every \
        option, with the words that are not options in its array part. An unknown option or a value of \
        the wrong type is an error that names it and lists the options; --help prints them and sets \
        o.help = true (a script may then os.exit(0)).
        """) { lua in
        try lua.checkTable(1, "defaults")
        try lua.checkArgumentCount(max: 2)
        var options: [Option] = []
        var bad: String?
        lua.forEachEntry(1) { key, value in
            guard let name = lua.string(key), lua.type(key) == .string else { bad = bad ?? "a key \(lua.describe(key)) (keys must be option names)"; return }
            switch lua.type(value) {
            case .number:
                if lua.isInteger(value), let i = lua.integer(value) { options.append(Option(key: name, value: .integer(i))) }
                else { options.append(Option(key: name, value: .number(lua.number(value) ?? 0))) }
            case .string: options.append(Option(key: name, value: .string(lua.string(value) ?? "")))
            case .boolean: options.append(Option(key: name, value: .boolean(lua.truthy(value))))
            default: bad = bad ?? "option '\(name)' has a default \(lua.describe(value)) (expected a number, string or boolean)"
            }
        }
        if let bad { throw lua.argumentError(1, "defaults", expected: "option names with number, string or boolean defaults, but has \(bad)") }
        options.sort { $0.key < $1.key }
        let words = try argv(lua)
        let listing = "options: " + options.map(\.usage).joined(separator: ", ")
        var values: [String: Option.Value] = [:]
        var positional: [String] = []
        var help = false
        var i = 0
        var onlyPositional = false
        while i < words.count {
            let word = words[i]
            i += 1
            if onlyPositional || !word.hasPrefix("--") || word == "--" {
                if word == "--" && !onlyPositional { onlyPositional = true } else { positional.append(word) }
                continue
            }
            var name = String(word.dropFirst(2)), inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if name == "help" && !options.contains(where: { $0.key == "help" }) {
                help = true
                continue
            }
            let key = String(name.map { $0 == "-" ? "_" : $0 })
            var negated = false
            var option = options.first { $0.key == key }
            if option == nil, key.hasPrefix("no_"), let o = options.first(where: { $0.key == String(key.dropFirst(3)) }), case .boolean = o.value {
                option = o
                negated = true
            }
            guard let option else {
                throw lua.error("unknown option --\(name)\(Suggestions.phrase(for: "--" + name, in: options.map(\.flag), quote: "")); \(listing)")
            }
            if case .boolean = option.value {
                if negated {
                    guard inline == nil else { throw lua.error("\(word): --no-… takes no value") }
                    values[option.key] = .boolean(false)
                } else if let inline {
                    guard inline == "true" || inline == "false" else { throw lua.error("\(option.flag) expects true or false, got '\(inline)'") }
                    values[option.key] = .boolean(inline == "true")
                } else {
                    values[option.key] = .boolean(true)
                }
                continue
            }
            let text: String
            if let inline { text = inline } else {
                guard i < words.count else { throw lua.error("\(option.flag) needs a value; \(listing)") }
                text = words[i]
                i += 1
            }
            switch option.value {
            case .integer:
                guard let v = Int(text) else { throw lua.error("\(option.flag) expects an integer, got '\(text)'") }
                values[option.key] = .integer(v)
            case .number:
                guard let v = Double(text), v.isFinite else { throw lua.error("\(option.flag) expects a number, got '\(text)'") }
                values[option.key] = .number(v)
            case .string: values[option.key] = .string(text)
            case .boolean: break
            }
        }
        if help {
            let script = scriptName(lua)
            print("usage: prunelab \(script) [options]\n" + options.map { "  " + $0.usage }.joined(separator: "\n"))
        }
        lua.newTable(arrayCapacity: positional.count, fieldCapacity: options.count + 1)
        for option in options {
            switch values[option.key] ?? option.value {
            case .integer(let v): lua.push(v)
            case .number(let v): lua.push(v)
            case .string(let v): lua.push(v)
            case .boolean(let v): lua.push(v)
            }
            lua.rawSet(-2, option.key)
        }
        for (k, word) in positional.enumerated() {
            lua.push(word)
            lua.rawSet(-2, k + 1)
        }
        if help { lua.push(true); lua.rawSet(-2, "help") }
        return 1
    }

    /// The words to parse: argument 2 (an array of strings), else the global `arg` (1…#arg).
    static func argv(_ lua: Lua) throws -> [String] {
        if !lua.isNoneOrNil(2) { return try lua.checkStringArray(2, "argv") }
        defer { lua.pop(1) }
        guard lua.getGlobal("arg") == .table else { return [] }
        var words: [String] = []
        for i in stride(from: 1, through: lua.rawLength(-1), by: 1) {
            lua.rawGet(-1, i)
            defer { lua.pop(1) }
            guard let word = lua.string(-1) else { throw lua.error("arg[\(i)] is \(lua.describe(-1)), expected a string") }
            words.append(word)
        }
        return words
    }

    /// arg[0], the script's path, or "script.lua".
    static func scriptName(_ lua: Lua) -> String {
        defer { lua.pop(1) }
        guard lua.getGlobal("arg") == .table else { return "script.lua" }
        lua.rawGet(-1, 0)
        defer { lua.pop(1) }
        return lua.string(-1) ?? "script.lua"
    }
}
