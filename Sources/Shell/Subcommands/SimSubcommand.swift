import Bindings
import Engine
import ShellKit

/// `prunelab sim A B [options]` and its shorthand `prunelab svcca A B [options]`: the similarity
/// of two activation files, on the command line.
enum SimSubcommand {
    static let sim = Subcommand(
        name: "sim",
        summary: "similarity of two activation files (CCA, SVCCA, PWCCA, CKA)",
        usage: usage("sim", measureLine: true),
        run: { run($0, command: "sim", defaultMeasure: "svcca") })

    static let svcca = Subcommand(
        name: "svcca",
        summary: "SVCCA of two activation files (prunelab sim --measure svcca)",
        usage: usage("svcca", measureLine: false),
        run: { run($0, command: "svcca", defaultMeasure: "svcca", measureFixed: true) })

    static func usage(_ command: String, measureLine: Bool) -> String {
        """
        usage: prunelab \(command) A B [options]
        A and B are activations, neurons × datapoints (or N×C×H×W): file.npy, file.npz:key or
        file.safetensors:key (the key may be omitted when the file holds one tensor).
        Prints one line with the similarity (1 = identical) and what produced it. Two whole
        .npz/.safetensors files holding several arrays are compared key by key over every key
        they share: one table row (or JSON entry) per key.
        options:
        \(optionLines(measure: measureLine))
          --datapoints-first   2-D inputs are datapoints × neurons (PyTorch's layout)
          --json               print one JSON object (value, measure, params, k1, k2, rho, …)
          -h, --help           show this help
        Exit status: 0 on success, 2 for bad arguments, files, keys or shapes (one line on stderr).
        Warnings (e.g. too few datapoints) go to stderr and do not change the exit status.
        """
    }

    /// The similarity settings' lines of the usage text (from Engine's ``SimilaritySettings/Key``
    /// docs, so the Lua help and this one say the same).
    static func optionLines(measure: Bool) -> String {
        SimilaritySettings.Key.allCases.filter { measure || $0 != .measure }.map { key in
            let flag = "--\(key.rawValue)" + (placeholder(key).map { " \($0)" } ?? "")
            return "  " + flag + String(repeating: " ", count: max(1, 21 - flag.count)) + key.doc
        }.joined(separator: "\n")
    }

    /// The value's name in the usage text (nil for flags).
    static func placeholder(_ key: SimilaritySettings.Key) -> String? {
        switch key {
        case .measure, .conv: "M"
        case .dims, .kernel: "K"
        case .variance, .energy, .sigma: "F"
        case .epsilon: "E"
        case .debiased: nil
        }
    }

    /// What the command line asked for.
    struct Request {
        var inputs: [String] = []
        var values: [String: String] = [:]
        var flags: Set<String> = []
    }

    static let valueOptions = SimilaritySettings.Key.allCases.filter { placeholder($0) != nil }.map { "--\($0.rawValue)" }
    static let flagOptions = ["--datapoints-first", "--json"] + SimilaritySettings.Key.allCases.filter { placeholder($0) == nil }.map { "--\($0.rawValue)" }

    static func run(_ arguments: [String], command: String, defaultMeasure: String, measureFixed: Bool = false) -> Int32 {
        let prefix = "prunelab \(command)"
        var datapointsFirst = false
        do {
            let request = try parse(arguments, measureFixed: measureFixed)
            datapointsFirst = request.flags.contains("--datapoints-first")
            let settings = try self.settings(request, defaultMeasure: defaultMeasure)
            let measure = try settings.measure()
            let conv = settings.convolution
            if let keys = try sharedKeys(request.inputs[0], request.inputs[1]) {
                return try runPerKey(request, keys: keys, measure: measure, conv: conv, prefix: prefix)
            }
            let layers = try request.inputs.map { reference in
                try layer(reference, conv: conv, datapointsFirst: request.flags.contains("--datapoints-first"))
            }
            let result = try measure.compute(layers[0], layers[1])
            for warning in result.warnings { Console.error("\(prefix): warning: \(warning)") }
            print(request.flags.contains("--json") ? result.json.text : result.description)
            return 0
        } catch let error as EngineError {
            Console.error("\(prefix): \(oneLine(text(of: error, datapointsFirst: datapointsFirst, command: command)))")
            return error.kind == .interrupted ? 130 : 2
        } catch let error as UsageError {
            Console.error("\(prefix): \(oneLine(error.message)) (see prunelab \(command) --help)")
            return 2
        } catch {
            Console.error("\(prefix): \(oneLine("\(error)"))")
            return 2
        }
    }

    struct UsageError: Error { let message: String }

    /// When A and B are both whole .npz/.safetensors files (no `:key`) and either holds more than
    /// one array: the keys they share, in A's order (an error when there are none); else nil.
    static func sharedKeys(_ a: String, _ b: String) throws -> [String]? {
        func container(_ path: String) -> Bool { !path.contains(":") && (path.hasSuffix(".npz") || path.hasSuffix(".safetensors")) }
        guard container(a), container(b) else { return nil }
        let ka = try TensorFile.keys(a), kb = try TensorFile.keys(b)
        guard ka.count > 1 || kb.count > 1 else { return nil }
        let inB = Set(kb)
        let shared = ka.filter(inB.contains)
        guard !shared.isEmpty else {
            throw EngineError("\(a) and \(b) share no key (\(a): \(ka.prefix(5).joined(separator: ", "))\(ka.count > 5 ? ", …" : ""); \(b): \(kb.prefix(5).joined(separator: ", "))\(kb.count > 5 ? ", …" : ""))")
        }
        return shared
    }

    /// The similarity of every shared key: a table (or JSON) under a line naming the measure,
    /// its reduction and the conv treatment.
    static func runPerKey(_ request: Request, keys: [String], measure: SimilarityMeasure, conv: ConvolutionLayout, prefix: String) throws -> Int32 {
        var results: [SimilarityResult] = []
        for key in keys {
            try Cancellation.check()
            let pair = try request.inputs.map { path in
                try layer(path + ":" + key, conv: conv, datapointsFirst: request.flags.contains("--datapoints-first"))
            }
            let result = try measure.compute(pair[0], pair[1])
            for warning in result.warnings { Console.error("\(prefix): warning: \(key): \(warning)") }
            results.append(result)
        }
        let convText = conv == .flatten ? "flatten (C × N·H·W)" : "mean (C × N)"
        if request.flags.contains("--json") {
            let items: [JSON] = zip(keys, results).map { key, r in
                guard case .object(let pairs) = r.json else { return r.json }
                return .object([("key", .string(key))] + pairs)
            }
            print(JSON.object([("measure", .string(measure.name)), ("conv", .string(conv.rawValue)), ("results", .array(items))]).text)
        } else {
            let summary = LayerSimilarities(names: keys, results: results, measure: measure, probeCount: 0)
            print(summary.table(title: "\(measure.name) for each of the \(keys.count) shared keys (1 = identical; 4-D arrays: \(convText))", firstColumn: "key"))
        }
        return 0
    }

    static func parse(_ arguments: [String], measureFixed: Bool) throws -> Request {
        var request = Request()
        var i = 0
        var onlyInputs = false
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            if onlyInputs || !argument.hasPrefix("-") || argument == "-" {
                request.inputs.append(argument)
                continue
            }
            if argument == "--" { onlyInputs = true; continue }
            var name = argument, inline: String?
            if let eq = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<eq])
                inline = String(argument[argument.index(after: eq)...])
            }
            if measureFixed && name == "--measure" {
                throw UsageError(message: "--measure is fixed to svcca here (use prunelab sim for other measures)")
            }
            if valueOptions.contains(name) {
                if request.values[name] != nil { throw UsageError(message: "\(name) given twice") }
                if let inline {
                    request.values[name] = inline
                } else {
                    guard i < arguments.count else { throw UsageError(message: "\(name) needs a value") }
                    request.values[name] = arguments[i]
                    i += 1
                }
            } else if flagOptions.contains(name), inline == nil {
                request.flags.insert(name)
            } else {
                throw UsageError(message: "unknown option \(argument)" + Suggestions.phrase(for: name, in: valueOptions + flagOptions + ["--help"]))
            }
        }
        guard request.inputs.count == 2 else {
            throw UsageError(message: "expected two inputs A and B, got \(request.inputs.count)\(request.inputs.isEmpty ? "" : " (\(request.inputs.joined(separator: ", ")))")")
        }
        return request
    }

    /// The similarity settings on the command line (Engine checks their rules).
    static func settings(_ r: Request, defaultMeasure: String) throws -> SimilaritySettings {
        let family = try choice(r, "--measure", SimilaritySettings.Family.allCases.map(\.rawValue)) ?? defaultMeasure
        var s = SimilaritySettings(family: SimilaritySettings.Family(rawValue: family) ?? .svcca)
        if let k = r.values["--dims"] {
            guard let v = Int(k) else { throw UsageError(message: "--dims expects an integer ≥ 1, got '\(k)'") }
            s.dims = v
        }
        s.variance = try number(r, "--variance")
        s.energy = try number(r, "--energy")
        s.epsilon = try number(r, "--epsilon")
        s.kernel = try choice(r, "--kernel", ["linear", "rbf"])
        s.sigma = try number(r, "--sigma")
        s.debiased = r.flags.contains("--debiased") ? true : nil
        s.conv = try choice(r, "--conv", ConvolutionLayout.allCases.map(\.rawValue)).flatMap(ConvolutionLayout.init(rawValue:))
        return s
    }

    /// An Engine error in the command line's words: settings named as flags, and a hint for
    /// transposed inputs unless --datapoints-first was given.
    static func text(of error: EngineError, datapointsFirst: Bool, command: String) -> String {
        switch error.detail {
        case .option(let problem)?:
            return problem.text(in: .commandLine) + " (see prunelab \(command) --help)"
        case .probablyTransposed?:
            return error.message + (datapointsFirst ? "" : " (for datapoints × neurons files pass --datapoints-first)")
        case nil:
            return error.message
        }
    }

    static func number(_ r: Request, _ name: String) throws -> Double? {
        guard let text = r.values[name] else { return nil }
        guard let v = Double(text), v.isFinite else { throw UsageError(message: "\(name) expects a number, got '\(text)'") }
        return v
    }

    static func choice(_ r: Request, _ name: String, _ choices: [String]) throws -> String? {
        guard let text = r.values[name] else { return nil }
        guard choices.contains(text) else {
            throw UsageError(message: "\(name) expects one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// Loads one input and arranges it as neurons × datapoints.
    static func layer(_ reference: String, conv: ConvolutionLayout, datapointsFirst: Bool) throws -> LayerActivations {
        var tensor = try TensorFile.load(reference: reference)
        if datapointsFirst && tensor.rank == 2 { tensor = try tensor.t() }
        return try LayerActivations(tensor, conv: conv, name: reference)
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
