/// The one error type Engine throws. Its message is written for the user: it names what was
/// expected and what was given. Callers (the Lua bindings, the shell) prefix the name of the
/// function the user called.
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in words a user can act on.
    public let message: String
    /// The kind of failure, for callers that branch on it (the CLI maps kinds to exit codes).
    public let kind: Kind
    /// What went wrong as data, for faces that word it their own way (the command line names
    /// options `--dims` where Lua says `option 'dims'`, and adds hints of its own). nil for
    /// errors that only have their message.
    public let detail: Detail?

    public enum Kind: Sendable, Equatable {
        /// A value of the wrong type, range or shape.
        case invalidArgument
        /// A file that is missing, unreadable or malformed.
        case io
        /// A numerical routine that failed (a LAPACK info code, a non-finite input).
        case numerical
        /// The user pressed Ctrl-C.
        case interrupted
    }

    /// `message` is stored with control characters escaped (``Swift/String/escapingControlCharacters``):
    /// messages quote file headers, key names and paths, which must not reach a terminal raw.
    public init(_ message: String, kind: Kind = .invalidArgument) {
        self.message = message.escapingControlCharacters
        self.kind = kind
        self.detail = nil
    }

    /// An error described by `detail`; its message is the detail in Lua's wording
    /// (``OptionProblem/text(in:)`` with ``OptionWording/lua``).
    public init(_ detail: Detail, kind: Kind = .invalidArgument) {
        self.message = detail.text(in: .lua).escapingControlCharacters
        self.kind = kind
        self.detail = detail
    }

    /// Structured causes that a face may word its own way.
    public enum Detail: Sendable, Equatable {
        /// A user setting (an option or a command-line flag) that is wrong.
        case option(OptionProblem)
        /// Activations with fewer datapoints than neurons: the matrix is probably transposed.
        case probablyTransposed(name: String, neurons: Int, datapoints: Int, shape: String)

        /// The detail as a message, naming settings as `wording` does.
        public func text(in wording: OptionWording) -> String {
            switch self {
            case .option(let problem):
                return problem.text(in: wording)
            case .probablyTransposed(let name, let neurons, let datapoints, let shape):
                return "\(name) has fewer datapoints (\(datapoints)) than neurons (\(neurons)) (shape \(shape)): it is probably transposed; activations must be neurons × datapoints"
            }
        }
    }

    public var description: String { message }

    /// A wrong value: `expected` says what would have been accepted, `given` what was passed.
    public static func invalid(_ what: String, expected: String, given: String) -> EngineError {
        EngineError("\(what): expected \(expected), got \(given)")
    }

    /// A file problem, naming the file.
    public static func file(_ path: String, _ problem: String) -> EngineError {
        EngineError("\(path): \(problem)", kind: .io)
    }

    public static let interrupted = EngineError("interrupted", kind: .interrupted)
}
