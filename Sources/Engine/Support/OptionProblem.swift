/// A wrong user setting, as data: each face (Lua options tables, command-line flags) words it
/// with its own ``OptionWording``, so no face has to parse another's message.
public enum OptionProblem: Sendable, Equatable {
    /// `option` holds a value outside what it accepts: "option 'dims': expected an integer ≥ 1, got 0".
    case invalidValue(option: String, expected: String, given: String)
    /// `option` was given for a measure (or mode) it does not apply to.
    case notApplicable(option: String, to: String)
    /// More than one of mutually exclusive options was given.
    case exclusive(choices: [String], given: [String])
    /// `option` applies only when `setting` has `value`, and it has `actual`.
    case needsSetting(option: String, setting: String, value: String, actual: String)

    /// The problem as a sentence (no function prefix), naming settings as `wording` does.
    public func text(in wording: OptionWording) -> String {
        switch self {
        case .invalidValue(let option, let expected, let given):
            return "\(wording.subject(option)): expected \(expected), got \(given)"
        case .notApplicable(let option, let target):
            return "\(wording.subject(option)) does not apply to \(target)"
        case .exclusive(let choices, let given):
            return "give one of \(wording.listPrefix)\(choices.map(wording.listed).joined(separator: ", ")), not \(given.map(wording.listed).joined(separator: " and "))"
        case .needsSetting(let option, let setting, let value, let actual):
            return "\(wording.subject(option)) applies to \(wording.setting(setting, value)), not \(wording.value(actual))"
        }
    }
}

/// How a face names its settings in messages.
public struct OptionWording: Sendable {
    /// An option as the subject of a sentence: "option 'dims'" or "--dims".
    public let subject: @Sendable (String) -> String
    /// An option in a list: "dims" or "--dims".
    public let listed: @Sendable (String) -> String
    /// Words before a list of options: "the options " or "".
    public let listPrefix: String
    /// A setting with a value: `kernel = "rbf"` or `--kernel rbf`.
    public let setting: @Sendable (String, String) -> String
    /// A value on its own: `"linear"` or `linear`.
    public let value: @Sendable (String) -> String

    public init(subject: @escaping @Sendable (String) -> String, listed: @escaping @Sendable (String) -> String,
                listPrefix: String, setting: @escaping @Sendable (String, String) -> String,
                value: @escaping @Sendable (String) -> String) {
        self.subject = subject
        self.listed = listed
        self.listPrefix = listPrefix
        self.setting = setting
        self.value = value
    }

    /// Lua's options tables: `option 'dims'`, `kernel = "rbf"`.
    public static let lua = OptionWording(
        subject: { "option '\($0)'" }, listed: { $0 }, listPrefix: "the options ",
        setting: { "\($0) = \"\($1)\"" }, value: { "\"\($0)\"" })

    /// Command-line flags: `--dims`, `--kernel rbf`.
    public static let commandLine = OptionWording(
        subject: { "--\($0)" }, listed: { "--\($0)" }, listPrefix: "",
        setting: { "--\($0) \($1)" }, value: { $0 })
}
