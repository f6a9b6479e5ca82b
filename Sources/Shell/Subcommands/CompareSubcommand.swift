import Bindings
import Engine
import ShellKit

/// `prunelab compare A.safetensors B.safetensors [--probe …] [--json]`: the similarity of every
/// layer of two checkpoints of one architecture on a probe set, as `sim.layers` computes it.
enum CompareSubcommand {
    static let subcommand = Subcommand(
        name: "compare",
        summary: "per-layer similarity of two model checkpoints on a probe set",
        usage: """
        usage: prunelab compare A.safetensors B.safetensors [options]
        A and B are checkpoints of the same architecture (m:save). Every layer of A is compared with
        the same layer of B on the probe's activations (as sim.layers), and a table is printed: layer,
        value (1 = identical), k1, k2, neurons, datapoints, under a line naming the measure, its
        reduction and the treatment of conv layers.
        options:
          --probe P            fashion-mnist:SPLIT:N (SPLIT train or test; default fashion-mnist:test:1000)
                               or a tensor file of inputs (x.npy, file.npz:key); the probe is normalised
                               as A's checkpoint records its training data was, when it does
          --measure M          cca, svcca (default), pwcca or cka
          --dims K, --variance F, --energy F, --epsilon E, --kernel K, --sigma F, --debiased
                               the measure's settings, as in prunelab sim
          --conv M             conv layers: flatten (C × N·H·W, default, as sim.layers) or mean (C × N)
          --json               print one JSON object (measure, params, conv, probe, layers, mean)
          -h, --help           show this help
        Exit status: 0 on success, 2 for bad arguments, unreadable checkpoints or mismatched
        architectures (one line on stderr).
        """,
        run: run)

    static let valueOptions = ["--probe", "--measure", "--dims", "--variance", "--energy", "--epsilon", "--kernel", "--sigma", "--conv"]
    static let flagOptions = ["--json", "--debiased"]

    @Sendable static func run(_ arguments: [String]) -> Int32 {
        let prefix = "prunelab compare"
        do {
            var request = SimSubcommand.Request()
            var i = 0
            while i < arguments.count {
                let argument = arguments[i]
                i += 1
                guard argument.hasPrefix("--") else { request.inputs.append(argument); continue }
                var name = argument, inline: String?
                if let eq = argument.firstIndex(of: "=") {
                    name = String(argument[..<eq])
                    inline = String(argument[argument.index(after: eq)...])
                }
                if valueOptions.contains(name) {
                    if request.values[name] != nil { throw SimSubcommand.UsageError(message: "\(name) given twice") }
                    if let inline { request.values[name] = inline; continue }
                    guard i < arguments.count else { throw SimSubcommand.UsageError(message: "\(name) needs a value") }
                    request.values[name] = arguments[i]
                    i += 1
                } else if flagOptions.contains(name), inline == nil {
                    request.flags.insert(name)
                } else {
                    throw SimSubcommand.UsageError(message: "unknown option \(argument)" + Suggestions.phrase(for: name, in: valueOptions + flagOptions + ["--help"]))
                }
            }
            guard request.inputs.count == 2 else {
                throw SimSubcommand.UsageError(message: "expected two checkpoints A and B, got \(request.inputs.count)")
            }
            let json = request.flags.contains("--json")
            var simRequest = request
            simRequest.values["--probe"] = nil
            simRequest.flags.remove("--json")
            let settings = try SimSubcommand.settings(simRequest, defaultMeasure: "svcca")
            let measure = try settings.measure()
            let conv = settings.convolution
            let a = try Model.load(request.inputs[0]), b = try Model.load(request.inputs[1])
            let (probe, probeName) = try self.probe(request.values["--probe"] ?? "fashion-mnist:test:1000", normalization: a.provenance.normalization)
            var options = ModelComparisonOptions()
            options.measure = measure
            options.convolution = conv
            let (names, results) = try ModelComparison.layers(a, [b], probe: probe, options: options)
            let table = LayerSimilarities(names: names, results: results[0], measure: measure, probeCount: probe.sampleCount)
            for (name, r) in zip(names, results[0]) { for w in r.warnings { Console.error("\(prefix): warning: \(name): \(w)") } }
            let convText = conv == .flatten ? "flatten (C × N·H·W)" : "mean (C × N, averaged over H and W)"
            if json {
                let layers: [JSON] = zip(names, results[0]).map { name, r in
                    guard case .object(let pairs) = r.json else { return r.json }
                    return .object([("layer", .string(name))] + pairs)
                }
                let object = JSON.object([("measure", .string(measure.name)), ("conv", .string(conv.rawValue)),
                                          ("probe", .string(probeName)), ("samples", .integer(probe.sampleCount)),
                                          ("a", .string(request.inputs[0])), ("b", .string(request.inputs[1])),
                                          ("mean", .number(table.mean)), ("layers", .array(layers))])
                print(object.text)
            } else {
                print("\(request.inputs[0]) vs \(request.inputs[1]); probe \(probeName); conv layers: \(convText)")
                print(table.table)
                print("mean over \(names.count) layers: \(LayerSimilarities.fixed(table.mean, 4))")
            }
            return 0
        } catch let error as EngineError {
            Console.error("\(prefix): \(SimSubcommand.oneLine(SimSubcommand.text(of: error, datapointsFirst: true, command: "compare")))")
            return error.kind == .interrupted ? 130 : 2
        } catch let error as SimSubcommand.UsageError {
            Console.error("\(prefix): \(SimSubcommand.oneLine(error.message)) (see prunelab compare --help)")
            return 2
        } catch {
            Console.error("\(prefix): \(SimSubcommand.oneLine("\(error)"))")
            return 2
        }
    }

    /// The probe named by `spec`, and a description of it.
    static func probe(_ spec: String, normalization: Normalization?) throws -> (RecordingInput, String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.first == "fashion-mnist" {
            guard parts.count == 3, parts[1] == "train" || parts[1] == "test", let n = Int(parts[2]), n >= 1 else {
                throw SimSubcommand.UsageError(message: "--probe expects fashion-mnist:train:N or fashion-mnist:test:N (N ≥ 1), got '\(spec)'")
            }
            let (train, test) = try FashionMNIST.load()
            var data = SampleDataset(store: parts[1] == "train" ? train : test)
            guard n <= data.count else {
                throw SimSubcommand.UsageError(message: "--probe asks for \(n) samples; the \(parts[1]) split has \(data.count)")
            }
            data = try data.subset(first: 0, count: n)
            var name = "fashion-mnist \(parts[1]) samples 1…\(n)"
            if let normalization {
                data = try data.normalized(mean: normalization.mean, std: normalization.std)
                name += " normalised as A's training data (\(normalization))"
            }
            return (.dataset(data), name)
        }
        let inputs = try TensorFile.load(reference: spec)
        guard inputs.rank >= 2, inputs.shape[0] >= 1 else {
            throw EngineError.invalid("--probe", expected: "a batch of inputs (N × …)", given: "shape \(Shape.describe(inputs.shape))")
        }
        return (.tensor(inputs), "\(spec) (\(inputs.shape[0]) inputs, used as they are)")
    }
}
