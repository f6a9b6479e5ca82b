import Bindings
import Engine
import ShellKit

/// `prunelab sim A B [options]` and its shorthand `prunelab svcca A B [options]`: the similarity
/// of two activation files, on the command line.
enum SimSubcommand {
    static let sim = Subcommand(
        name: "sim",
        summary: "similarity of two activation files (CCA, SVCCA, PWCCA, CKA)",
        usage: usage("sim", measureLine: "  --measure M          cca, svcca (default), pwcca or cka\n"),
        run: { run($0, command: "sim", defaultMeasure: "svcca") })

    static let svcca = Subcommand(
        name: "svcca",
        summary: "SVCCA of two activation files (prunelab sim --measure svcca)",
        usage: usage("svcca", measureLine: ""),
        run: { run($0, command: "svcca", defaultMeasure: "svcca", measureFixed: true) })

    static func usage(_ command: String, measureLine: String) -> String {
        """
        usage: prunelab \(command) A B [options]
        A and B are activations, neurons × datapoints (or N×C×H×W): file.npy, file.npz:key or
        file.safetensors:key (the key may be omitted when the file holds one tensor).
        Prints one line with the similarity (1 = identical) and what produced it. Two whole
        .npz/.safetensors files holding several arrays are compared key by key over every key
        they share: one table row (or JSON entry) per key.
        options:
        \(measureLine)  --dims K             SVCCA: keep K principal directions
          --variance F         SVCCA: keep the directions explaining a fraction F of the variance (default 0.99)
          --energy F           SVCCA: the same with plain singular values (Google's tutorial convention)
          --epsilon E          CCA threshold and regulariser, relative to the largest variance (default 1e-10)
          --kernel K           CKA: linear (default) or rbf
          --sigma F            CKA: RBF bandwidth as a fraction of the median distance (default 1)
          --debiased           CKA: the unbiased HSIC estimator
          --conv M             4-D inputs: flatten (C × N·H·W, default) or mean (C × N)
          --datapoints-first   2-D inputs are datapoints × neurons (PyTorch's layout)
          --json               print one JSON object (value, measure, params, k1, k2, rho, …)
          -h, --help           show this help
        Exit status: 0 on success, 2 for bad arguments, files, keys or shapes (one line on stderr).
        Warnings (e.g. too few datapoints) go to stderr and do not change the exit status.
        """
    }

    /// What the command line asked for.
    struct Request {
        var inputs: [String] = []
        var values: [String: String] = [:]
        var flags: Set<String> = []
    }

    static let valueOptions = ["--measure", "--dims", "--variance", "--energy", "--epsilon", "--kernel", "--sigma", "--conv"]
    static let flagOptions = ["--datapoints-first", "--json", "--debiased"]

    static func run(_ arguments: [String], command: String, defaultMeasure: String, measureFixed: Bool = false) -> Int32 {
        let prefix = "prunelab \(command)"
        do {
            let request = try parse(arguments, measureFixed: measureFixed)
            let measure = try self.measure(request, defaultMeasure: defaultMeasure)
            let conv = try choice(request, "--conv", ConvolutionLayout.allCases.map(\.rawValue)).flatMap(ConvolutionLayout.init(rawValue:)) ?? .flatten
            if let keys = try sharedKeys(request.inputs[0], request.inputs[1]) {
                return try runPerKey(request, keys: keys, measure: measure, conv: conv, prefix: prefix)
            }
            let layers = try request.inputs.map { reference in
                try layer(reference, conv: conv, datapointsFirst: request.flags.contains("--datapoints-first"))
            }
            let result: SimilarityResult
            do {
                result = try measure.compute(layers[0], layers[1])
            } catch let error as EngineError where error.message.contains("probably transposed") && !request.flags.contains("--datapoints-first") {
                throw EngineError(error.message + " (for datapoints × neurons files pass --datapoints-first)")
            }
            for warning in result.warnings { Console.error("\(prefix): warning: \(warning)") }
            print(request.flags.contains("--json") ? result.json.text : result.description)
            return 0
        } catch let error as EngineError {
            Console.error("\(prefix): \(oneLine(error.message))")
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

    static func measure(_ r: Request, defaultMeasure: String) throws -> SimilarityMeasure {
        let family = try choice(r, "--measure", ["cca", "svcca", "pwcca", "cka"]) ?? defaultMeasure
        let ccaOnly = ["--dims", "--variance", "--energy"], ckaOnly = ["--kernel", "--sigma", "--debiased"]
        let given = Set(r.values.keys).union(r.flags)
        let foreign = (family == "svcca" ? ckaOnly : family == "cka" ? ccaOnly + ["--epsilon"] : ccaOnly + ckaOnly).filter(given.contains)
        if let option = foreign.first { throw UsageError(message: "\(option) does not apply to \(family)") }
        let epsilon = try number(r, "--epsilon") ?? SimilarityMeasure.defaultEpsilon
        let measure: SimilarityMeasure
        switch family {
        case "cca": measure = .cca(epsilon: epsilon)
        case "pwcca": measure = .pwcca(epsilon: epsilon)
        case "svcca":
            let rules = ccaOnly.filter { r.values[$0] != nil }
            if rules.count > 1 { throw UsageError(message: "give one of --dims, --variance, --energy, not \(rules.joined(separator: " and "))") }
            let reduction: SVCCAReduction
            if let k = r.values["--dims"] {
                guard let v = Int(k) else { throw UsageError(message: "--dims expects an integer ≥ 1, got '\(k)'") }
                reduction = .dims(v)
            } else if let f = try number(r, "--variance") {
                reduction = .variance(f)
            } else if let f = try number(r, "--energy") {
                reduction = .energy(f)
            } else {
                reduction = .standard
            }
            measure = .svcca(reduction, epsilon: epsilon)
        default:
            let kernel = try choice(r, "--kernel", ["linear", "rbf"])
            let sigma = try number(r, "--sigma")
            if kernel == "linear", sigma != nil { throw UsageError(message: "--sigma applies to --kernel rbf") }
            let debiased = r.flags.contains("--debiased")
            measure = kernel == "rbf" || sigma != nil ? .cka(.rbf(sigma: sigma ?? 1), debiased: debiased) : .cka(.linear, debiased: debiased)
        }
        do { try measure.validate() } catch let error as EngineError {
            // "option 'dims': expected …" → "--dims: expected …"
            throw UsageError(message: error.message.replacingOption())
        }
        return measure
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

extension String {
    /// Rewrites Engine's "option 'name'" as the command line's "--name".
    fileprivate func replacingOption() -> String {
        guard hasPrefix("option '"), let end = dropFirst(8).firstIndex(of: "'") else { return self }
        return "--" + self[index(startIndex, offsetBy: 8)..<end] + self[index(after: end)...]
    }
}
