import ConvKernelsAVX2

/// Everything the route choice of a ``Conv2d`` call depends on besides the settings and the
/// CPU: the layer's shape and the batch's.
public struct ConvGeometry: Hashable, Sendable {
    public let inChannels: Int, outChannels: Int
    public let kernelH: Int, kernelW: Int
    public let strideH: Int, strideW: Int
    public let padH: Int, padW: Int
    /// The input planes' size.
    public let height: Int, width: Int
    /// Samples in the batch.
    public let batch: Int

    public init(inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                height: Int, width: Int, batch: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        (kernelH, kernelW) = kernel
        (strideH, strideW) = stride
        (padH, padW) = padding
        self.height = height
        self.width = width
        self.batch = batch
    }

    var window: WindowGeometry {
        WindowGeometry(channels: inChannels, height: height, width: width, kernelH: kernelH, kernelW: kernelW,
                       strideH: strideH, strideW: strideW, padH: padH, padW: padW)
    }
    var taps: Int { kernelH * kernelW }
    var isStrideOne: Bool { strideH == 1 && strideW == 1 }
    /// Output pixels × kernel taps of one sample's plane (the flat kernel's work measure), at stride 1.
    var work: Int { (height + 2 * padH - kernelH + 1) * (width + 2 * padW - kernelW + 1) * taps }
}

/// The routes of one ``Conv2d`` geometry and their parameters, made by ``ConvPlanner`` once per
/// geometry and cached by the layer.
public struct ConvPlan: Equatable, Sendable {
    public let geometry: ConvGeometry
    /// The forward pass's route.
    public let forward: ConvRoute
    /// The input gradient's route.
    public let inputGradient: ConvRoute
    /// The weight gradient's route.
    public let weightGradient: ConvRoute
    /// The forward pass's route when the layer is compressed for sparse inference (`m:compress()`).
    public let sparseForward: SparseConvRoute
    /// Samples per im2col chunk (at most ``Settings/convolutionChunk`` floats of columns, at least one sample).
    let im2colSamples: Int
    /// Samples per chunk of the flat kernel's weight gradient (same budget, padded planes).
    let flatBackwardSamples: Int
    /// Images per Winograd block, forward and input gradient (``Settings/winogradBudget``).
    let winogradImages: Int, winogradGradientImages: Int
    /// Whether the channel kernel skips padding taps (``Settings/skipsPaddingTaps``).
    let skipsPaddingTaps: Bool

    /// The route of `pass`.
    public func route(_ pass: ConvPass) -> ConvRoute {
        switch pass {
        case .forward: return forward
        case .inputGradient: return inputGradient
        case .weightGradient: return weightGradient
        }
    }

    /// `winograd` when every pass takes one route, else `forward/∂x/∂W` (`winograd/winograd/channels`).
    public var summary: String {
        forward == inputGradient && forward == weightGradient
            ? forward.rawValue : "\(forward.rawValue)/\(inputGradient.rawValue)/\(weightGradient.rawValue)"
    }

    init(geometry g: ConvGeometry, forward: ConvRoute, inputGradient: ConvRoute, weightGradient: ConvRoute, settings: Settings) {
        geometry = g
        self.forward = forward
        self.inputGradient = inputGradient
        self.weightGradient = weightGradient
        sparseForward = SparseConvRoute.choose(g)
        let budget = settings.convolutionChunk
        let window = g.window
        im2colSamples = max(1, min(g.batch, budget / max(1, window.patchSize * window.outPlane)))
        if weightGradient == .flat {
            let layout = DirectConv2d.Layout(height: g.height, width: g.width, padH: g.padH, padW: g.padW,
                                             outRows: window.outHeight, kernelH: g.kernelH, kernelW: g.kernelW)
            let perSample = g.inChannels * layout.planeStride + g.outChannels * layout.length
            flatBackwardSamples = max(1, min(g.batch, budget / max(perSample, 1)))
        } else {
            flatBackwardSamples = 1
        }
        func images(inputs: Int) -> Int {
            let one = WinogradGeometry(height: g.height, width: g.width, images: 1, build: .avx2)
            return max(1, settings.winogradBudget / max(16 * inputs * one.tilesPerImage, 1))
        }
        winogradImages = forward == .winograd ? images(inputs: g.inChannels) : 1
        winogradGradientImages = inputGradient == .winograd ? images(inputs: g.outChannels) : 1
        skipsPaddingTaps = settings.skipsPaddingTaps
    }
}
