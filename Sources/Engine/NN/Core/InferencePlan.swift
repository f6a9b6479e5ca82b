/// How an evaluation (``Model/evaluate(_:batchSize:)``) runs a model: the steps and the fusions
/// its containers chose once, when they were built, from the layers' declared capabilities
/// (``DeclaredLayer/capabilities``).
///
/// A ``Sequential`` runs a layer declared ``LayerCapabilities/inPlace`` over the output of an
/// ``LayerCapabilities/outputOverwritable`` layer before it (in training too), and a
/// convolution followed by a ``LayerCapabilities/foldsIntoConvolution`` layer (and a
/// ``LayerCapabilities/convolutionEpilogue`` after that), or by a convolution epilogue alone,
/// as one convolution: the BatchNorm folded into the weights (`W·scale`, `b·scale + shift`)
/// and the ReLU applied on the convolution's way out. A ``BasicBlock`` does the same for both
/// halves of its branch, the second adding the shortcut on the way out. Fused steps agree with
/// the layers one by one up to rounding (the BatchNorm's scale multiplies the weights instead
/// of the outputs; exactly without a BatchNorm) and make one pass over the activations fewer.
///
/// The plan is what evaluations run; plain evaluation-mode forwards and recording
/// (``Layer/preservesOutputs``) run every layer alone so that each output stays readable, and
/// training folds nothing (it runs the in-place steps only).
public struct InferencePlan: Sendable, Equatable, CustomStringConvertible {
    /// How a step runs.
    public enum Action: Sendable, Equatable {
        /// The layer runs alone, into its own buffer.
        case alone
        /// The layer runs over the output of the named layer before it.
        case inPlace(over: String)
        /// One convolution with the layers after it fused in: the BatchNorm folded into its
        /// weights, then what it does on its way out (ReLU; residual addition and ReLU).
        case fusedConvolution
    }

    /// One step: the layers it covers (full dotted names) and how it runs them.
    public struct Step: Sendable, Equatable {
        public let layers: [String]
        public let action: Action

        public init(layers: [String], action: Action) {
            self.layers = layers
            self.action = action
        }

        /// `layer1.0.conv1 + bn1 + relu1`: the first full name, then the others without the
        /// container path they share with it.
        public var layerText: String {
            guard let first = layers.first else { return "" }
            let prefix = first.lastIndex(of: ".").map { String(first[...$0]) } ?? ""
            return ([first] + layers.dropFirst().map { prefix.isEmpty || !$0.hasPrefix(prefix) ? $0 : String($0.dropFirst(prefix.count)) })
                .joined(separator: " + ")
        }

        /// `alone`, `in place over conv1`, `fused convolution`.
        public var actionText: String {
            switch action {
            case .alone: "alone"
            case .inPlace(let previous): "in place over \(previous)"
            case .fusedConvolution: "fused convolution"
            }
        }
    }

    /// The steps, in forward order.
    public let steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    /// The fused steps.
    public var fusions: [Step] { steps.filter { $0.action == .fusedConvolution } }

    /// The in-place steps.
    public var inPlaceSteps: [Step] {
        steps.filter { if case .inPlace = $0.action { true } else { false } }
    }

    /// One line: `12 steps for 17 layers: 3 fused convolutions (conv1 + bn1 + relu1, …), 1 in place`.
    public var oneLine: String {
        let layerCount = steps.reduce(0) { $0 + $1.layers.count }
        var text = "\(steps.count) steps for \(layerCount) layers"
        let fused = fusions
        if !fused.isEmpty {
            let shown = fused.prefix(3).map(\.layerText).joined(separator: "; ")
            text += ": \(fused.count) fused convolution\(fused.count == 1 ? "" : "s") (\(shown)\(fused.count > 3 ? "; …" : ""))"
        }
        let inPlace = inPlaceSteps.count
        if inPlace > 0 { text += "\(fused.isEmpty ? ":" : ",") \(inPlace) in place" }
        return text
    }

    /// The plan as a report table titled with ``oneLine``: step, layers, how it runs.
    public func table() throws -> Table {
        try Table(columns: ["step", "layers", "runs as"],
                  rows: steps.enumerated().map { i, s in [.integer(i + 1), .string(s.layerText), .string(s.actionText)] },
                  title: "inference plan: \(oneLine)")
    }

    /// `inference plan: …` and one line per step: `3. conv2 + bn2 + relu2: one convolution, …`.
    public var description: String {
        (["inference plan: \(oneLine)"] + steps.enumerated().map { "  \($0 + 1). \($1.layerText): \($1.actionText)" })
            .joined(separator: "\n")
    }
}

extension Model {
    /// The steps and fusions an evaluation runs (see ``InferencePlan``).
    public var inferencePlan: InferencePlan {
        InferencePlan(steps: root.planSteps(path: ""))
    }
}
