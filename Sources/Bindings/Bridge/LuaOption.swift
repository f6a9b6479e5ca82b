import Engine

/// One key of a function's options table: its name, type, default and doc. A function's list
/// of `LuaOption`s is the one place its options are written: it gives the known-keys check and
/// the type checks (``Lua/options(_:_:)``), the `{…}` part of the signature and the "Options:"
/// part of the help text.
public struct LuaOption: Sendable {
    /// What the option's value must be. Values of the simple kinds are checked when the table
    /// is read; `.described` ones are read (and checked) by the function itself.
    public enum Kind: Sendable, Equatable {
        case integer
        case number
        case string
        case boolean
        /// One of these strings.
        case choice([String])
        /// Anything else (a table, a function, an object, an integer or a list …): the words
        /// say what; the function checks it.
        case described(String)

        /// "an integer", "one of \"a\", \"b\"", …: what error messages say is expected.
        public var expected: String {
            switch self {
            case .integer: "an integer"
            case .number: "a number"
            case .string: "a string"
            case .boolean: "a boolean"
            case .choice(let choices): "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))"
            case .described(let words): words
            }
        }

        /// The value's kind in a signature when there is no default (`k`, `f`, `s`, `true`).
        var placeholder: String {
            switch self {
            case .integer: "n"
            case .number: "x"
            case .string: "\"…\""
            case .boolean: "true"
            case .choice(let choices): choices.map { "\"\($0)\"" }.joined(separator: " | ")
            case .described: "…"
            }
        }
    }

    public let key: String
    public let kind: Kind
    /// The default as Lua text (`1e-10`, `"flatten"`, `false`), or nil when absent means
    /// something the doc explains.
    public let defaultValue: String?
    /// One line: what the option does.
    public let doc: String
    /// How the value reads in the signature when it is not the default (`k`, `f`); nil: the
    /// default, else a placeholder from the kind.
    public let shown: String?
    /// Whether this option is an alternative to the one before it (the signature writes
    /// `dims = k | variance = f`).
    public let isAlternative: Bool

    public init(_ key: String, _ kind: Kind, default defaultValue: String? = nil, shown: String? = nil,
                alternative: Bool = false, _ doc: String) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.shown = shown
        self.isAlternative = alternative
        self.doc = doc
    }

    /// `key = default` as the signature shows it.
    public var signatureText: String {
        "\(key) = \(shown ?? defaultValue ?? kind.placeholder)"
    }

    /// Checks the value on top of the stack against `kind` (simple kinds only).
    func check(_ lua: Lua) throws {
        let ok: Bool
        switch kind {
        case .integer: ok = lua.integer(-1) != nil
        case .number: ok = lua.number(-1) != nil
        case .string: ok = lua.string(-1) != nil
        case .boolean: ok = lua.boolean(-1) != nil
        case .choice(let choices): ok = lua.string(-1).map(choices.contains) == true
        case .described: ok = true
        }
        guard ok else { throw LuaError("\(lua.callee): option '\(key)': expected \(kind.expected), got \(lua.describe(-1))") }
    }
}

extension Array where Element == LuaOption {
    /// The keys, in declaration order.
    public var keys: [String] { map(\.key) }

    /// `{a = 1, b = "x"}`: the options as a signature shows them.
    public var signatureText: String {
        "{" + enumerated().map { i, option in
            (i == 0 ? "" : option.isAlternative ? " | " : ", ") + option.signatureText
        }.joined() + "}"
    }

    /// The "Options:" block of a help text: one line per option.
    public var helpText: String {
        guard !isEmpty else { return "" }
        let width = Swift.min(map(\.key.count).max() ?? 0, 16)
        return "Options:\n" + map { option in
            let type: String
            switch option.kind {
            case .choice(let choices): type = choices.map { "\"\($0)\"" }.joined(separator: " | ")
            default: type = option.kind.expected
            }
            let fallback = option.defaultValue.map { ", default \($0)" } ?? ""
            return "  \(option.key.padding(to: width))  \(type)\(fallback) — \(option.doc)"
        }.joined(separator: "\n")
    }

    /// The option called `key`.
    public subscript(key: String) -> LuaOption? { first { $0.key == key } }
}

extension LuaFunctionSpec {
    /// A function with an options table at argument `index`: `signature` writes the options as
    /// `{…}` (replaced by `options`' keys and defaults), the help gets an "Options:" block, and
    /// `body` receives the table already checked (unknown keys and simple types).
    public init(_ name: String, _ signature: String, options: [LuaOption], at index: Int32, _ doc: String,
                _ body: @escaping @Sendable (Lua, Options) throws -> Int32) {
        self.init(name, signature.replacing("{…}", with: options.signatureText),
                  options.isEmpty ? doc : doc + "\n\n" + options.helpText) { lua in
            try body(lua, try lua.options(index, options))
        }
    }
}

extension Lua {
    /// The options table at `index`, checked against `options`: an unknown key or a value of
    /// the wrong simple type is an error naming the option.
    public func options(_ index: Int32, _ options: [LuaOption]) throws -> Options {
        let checked = try self.options(index, known: options.keys)
        guard let table = checked.index else { return checked }
        for option in options {
            rawGet(table, option.key)
            defer { pop(1) }
            if type(-1) != .nil { try option.check(self) }
        }
        return checked
    }
}
