/// How a 4-D convolutional activation N×C×H×W becomes a neurons × datapoints matrix.
public enum ConvolutionLayout: String, Sendable, CaseIterable {
    /// C × (N·H·W): every spatial position of every input is a datapoint; column index
    /// (n·H + h)·W + w (the convention of Google's SVCCA tutorial for conv layers).
    case flatten
    /// C × N: each channel averaged over H and W first.
    case mean
}

extension ConvolutionLayout {
    /// "flatten (C × N·H·W)" or "mean (C × N)", for printed results.
    public var explanation: String {
        switch self {
        case .flatten: "flatten (C × N·H·W)"
        case .mean: "mean (C × N)"
        }
    }
}
