import Testing
@testable import Engine

/// The convolution route planner (``ConvPlanner``) against the rule `Conv2d.forward`/`backward`
/// applied inline before it (kept below as ``LegacyConvRouteRule``), on every convolution of the
/// study's models, for CPUs with and without AVX-512 and the settings that steer the routes;
/// plans are cached per geometry; preferences.
@Suite struct ConvPlannerTests {
    /// One convolution of a model: the layer and its per-sample input shape.
    struct Site { let model: String; let conv: Conv2d; let input: [Int] }

    /// Every Conv2d of `model` with its input shape, walking containers as `layerSummaries` does.
    static func sites(_ model: Model, _ label: String) throws -> [Site] {
        var found: [Site] = []
        func walk(_ layer: Layer, _ input: [Int]) throws {
            if let conv = layer as? Conv2d { found.append(Site(model: label, conv: conv, input: input)); return }
            if let block = layer as? BasicBlock {
                for (child, shape) in try block.childInputShapes(input) { try walk(child, shape) }
                return
            }
            var shape = input
            for child in layer.children {
                try walk(child, shape)
                shape = try child.outputShape(for: shape)
            }
        }
        try walk(model.root, try #require(model.inputShape))
        return found
    }

    /// ConvNet (CIFAR and Fashion-MNIST inputs), VGG-16, ResNet-18 and ResNet-34 at widths 1/4 and 1.
    static func studySites() throws -> [Site] {
        let cifar = [3, 32, 32]
        var all = try sites(Model.convnet(input: cifar, classes: 10, seed: 1), "convnet")
        all += try sites(Model.convnet(input: [1, 28, 28], classes: 10, seed: 1), "convnet 28×28")
        for width in [0.25, 1] {
            all += try sites(Model.vgg(depth: 16, input: cifar, classes: 10, width: width, seed: 1), "vgg16 ×\(width)")
            all += try sites(Model.resnet(depth: 18, input: cifar, classes: 10, width: width, seed: 1), "resnet18 ×\(width)")
            all += try sites(Model.resnet(depth: 34, input: cifar, classes: 10, width: width, seed: 1), "resnet34 ×\(width)")
        }
        return all
    }

    /// The environments `scripts/test` runs under (AVX-512, `PRUNELAB_NO_AVX512=1`,
    /// `PRUNELAB_NO_AVX2=1`) and the settings that steer the routes.
    static let machines: [(String, ConvMachine)] = [
        ("AVX-512", ConvMachine(level: .avx512, hasFMA: true)),
        ("NO_AVX512", ConvMachine(level: .avx2, hasFMA: true)),
        ("NO_AVX2", ConvMachine(level: .baseline, hasFMA: true)),
    ]
    static let environments: [[Settings.Key: String]] = [
        [:], [.convolution: "im2col"], [.convolution: "flat"], [.convolution: "channels"],
        [.winograd: "0"], [.winograd: "1"], [.winograd: "on", .convolution: "flat"], [.directMinimumWork: "500"],
        [.directMinimumWork: "0", .convolution: "channels"],
    ]

    @Test func plannerChoosesTheRoutesOfThePreviousRule() throws {
        let sites = try Self.studySites()
        #expect(sites.count == 2 + 2 + 2 * (13 + 20 + 36), "ConvNet 2, VGG-16 13, ResNet-18 20, ResNet-34 36 convolutions")
        var compared = 0
        var routesSeen = Set<String>()
        for (machineName, machine) in Self.machines {
            for environment in Self.environments {
                let settings = Settings(environment: environment)
                for site in sites {
                    for batch in [1, 128] {
                        let c = site.conv
                        let g = ConvGeometry(inChannels: c.inChannels, outChannels: c.outChannels, kernel: c.kernel, stride: c.stride,
                                             padding: c.padding, height: site.input[1], width: site.input[2], batch: batch)
                        let plan = ConvPlanner.plan(g, settings: settings, machine: machine)
                        let legacy = LegacyConvRouteRule(environment: environment, machine: machine).routes(g)
                        let label = "\(site.model) \(c.summary) on \(site.input[1])×\(site.input[2]), batch \(batch), \(machineName), \(environment)"
                        #expect(plan.forward == legacy.forward, "forward: \(label)")
                        #expect(plan.inputGradient == legacy.inputGradient, "input gradient: \(label)")
                        #expect(plan.weightGradient == legacy.weightGradient, "weight gradient: \(label)")
                        routesSeen.insert(plan.summary)
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 3 * 9 * 142 * 2)
        // The table reaches every route on every pass somewhere.
        for route in ["winograd", "channels", "flat", "im2col"] {
            #expect(routesSeen.contains { $0.hasPrefix(route) }, "no plan starts with \(route)")
        }
        #expect(routesSeen.contains("winograd/winograd/channels"))
        #expect(routesSeen.contains("flat"))
        #expect(routesSeen.contains("channels/im2col/channels"), "a strided layer's input gradient")
    }

    /// Hand-checked plans: ResNet-18's first stage on AVX-512 (Winograd forward and ∂x, channel
    /// ∂W), its stride-2 projection (1×1: im2col), the ConvNet's 5×5 first layer without
    /// AVX-512 (flat forward; the channel kernel's backward) and the parameters derived from
    /// the budgets.
    @Test func knownPlans() {
        let avx512 = ConvMachine(level: .avx512, hasFMA: true), avx2 = ConvMachine(level: .avx2, hasFMA: true)
        let stage1 = ConvGeometry(inChannels: 64, outChannels: 64, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
                                  height: 32, width: 32, batch: 128)
        let a = ConvPlanner.plan(stage1, settings: Settings(), machine: avx512)
        #expect(a.summary == "winograd/winograd/channels")
        // 16 transformed values × 64 channels × 256 tiles per image = 262,144 floats > 2^17: one image a block.
        #expect(a.winogradImages == 1 && a.winogradGradientImages == 1)
        #expect(ConvPlanner.plan(stage1, settings: Settings(environment: [.winogradBudget: "1000000"]), machine: avx512).winogradImages == 3)
        // im2col chunk: 2^20 floats / (576 × 1024) per sample = 1 sample.
        #expect(a.im2colSamples == 1)
        // Without AVX-512 the AVX2 Winograd kernel takes the same passes; without Winograd,
        // 32×32 planes are too large for the channel kernel's forward pass.
        #expect(ConvPlanner.plan(stage1, settings: Settings(), machine: avx2).summary == "winograd/winograd/channels")
        #expect(ConvPlanner.plan(stage1, settings: Settings(environment: [.winograd: "0"]), machine: avx2).summary == "flat/channels/channels")
        #expect(ConvPlanner.plan(stage1, settings: Settings(), machine: ConvMachine(level: .avx2, hasFMA: false)).summary == "im2col",
                "no FMA: neither Winograd nor the direct kernels")
        let projection = ConvGeometry(inChannels: 64, outChannels: 128, kernel: (1, 1), stride: (2, 2), padding: (0, 0),
                                      height: 32, width: 32, batch: 128)
        #expect(ConvPlanner.plan(projection, settings: Settings(), machine: avx512).summary == "im2col")
        let convnet = ConvGeometry(inChannels: 3, outChannels: 64, kernel: (5, 5), stride: (1, 1), padding: (2, 2),
                                   height: 32, width: 32, batch: 128)
        let b = ConvPlanner.plan(convnet, settings: Settings(), machine: avx2)
        #expect(b.summary == "flat/channels/channels")
        #expect(ConvPlanner.plan(convnet, settings: Settings(environment: [.convolution: "flat"]), machine: avx2).summary == "flat/im2col/im2col",
                "the flat kernel's backward stays off 5×5 kernels")
        // 2^20 / (75 × 1024) = 13 samples per im2col chunk; batch 4 caps it at 4.
        #expect(b.im2colSamples == 13)
        let small = ConvGeometry(inChannels: 3, outChannels: 64, kernel: (5, 5), stride: (1, 1), padding: (2, 2),
                                 height: 32, width: 32, batch: 4)
        #expect(ConvPlanner.plan(small, settings: Settings(), machine: avx2).im2colSamples == 4)
        #expect(ConvPlanner.plan(convnet, settings: Settings(environment: [.convolutionChunk: "x"]), machine: avx2).im2colSamples == 13)
        #expect(ConvPlanner.plan(convnet, settings: Settings(environment: [.convolutionChunk: "1"]), machine: avx2).im2colSamples == 1)
        let baseline = ConvPlanner.plan(stage1, settings: Settings(), machine: ConvMachine(level: .baseline, hasFMA: true))
        #expect(baseline.summary == "im2col")
    }

    /// A layer plans once per geometry and replans when its preference changes; copies keep
    /// the preference.
    @Test func plansAreCachedPerGeometry() throws {
        var rng = RandomGenerator(seed: 71)
        let conv = try Conv2d(inChannels: 16, outChannels: 16, kernel: (3, 3), padding: (1, 1), generator: &rng)
        let p1 = conv.plan(height: 8, width: 8, batch: 4)
        #expect(p1 == conv.plan(height: 8, width: 8, batch: 4))
        #expect(p1 == ConvPlanner.plan(p1.geometry))
        #expect(conv.plan(height: 8, width: 8, batch: 5).geometry.batch == 5)
        conv.routePreference = .prefer(.im2col)
        #expect(conv.plan(height: 8, width: 8, batch: 4).summary == "im2col")
        let copy = try #require(try conv.copy() as? Conv2d)
        #expect(copy.routePreference == .prefer(.im2col))
        #expect(copy.plan(height: 8, width: 8, batch: 4).summary == "im2col")
        conv.routePreference = .measured
        #expect(conv.plan(height: 8, width: 8, batch: 4) == p1)
    }

    /// A preferred route takes every pass it can run and leaves the others to the measured
    /// rule; an avoided one takes none.
    @Test func preferences() {
        let machine = ConvMachine(level: .avx512, hasFMA: true)
        let strided = ConvGeometry(inChannels: 16, outChannels: 32, kernel: (3, 3), stride: (2, 2), padding: (1, 1),
                                   height: 8, width: 8, batch: 3)
        let channels = ConvPlanner.plan(strided, preference: .prefer(.channels), settings: Settings(), machine: machine)
        #expect(channels.summary == "channels/im2col/channels", "no stride-2 input gradient on the channel kernel")
        let flat = ConvPlanner.plan(strided, preference: .prefer(.flat), settings: Settings(), machine: machine)
        #expect(flat.weightGradient == .channels, "the flat kernel cannot run stride 2: measured")
        let stage = ConvGeometry(inChannels: 64, outChannels: 64, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
                                 height: 32, width: 32, batch: 3)
        #expect(ConvPlanner.plan(stage, preference: .prefer(.flat), settings: Settings(), machine: machine).summary == "flat")
        #expect(ConvPlanner.plan(stage, preference: .avoid(.winograd), settings: Settings(), machine: machine).forward != .winograd)
        #expect(ConvPlanner.plan(stage, preference: .prefer(.winograd), settings: Settings(environment: [.winograd: "0"]),
                                 machine: machine).forward == .winograd, "a preference wins over the setting")
        #expect(ConvPlanner.plan(stage, preference: .prefer(.channels), settings: Settings(environment: [.convolution: "im2col"]),
                                 machine: ConvMachine(level: .avx2, hasFMA: true)).summary == "winograd/winograd/im2col",
                "PRUNELAB_CONV=im2col switches the channel kernel off; Winograd keeps its own rule")
        #expect(ConvPlanner.plan(stage, preference: .prefer(.channels), settings: Settings(environment: [.convolution: "im2col", .winograd: "0"]),
                                 machine: ConvMachine(level: .avx2, hasFMA: true)).summary == "im2col")
    }
}

/// The route rule of `Conv2d.forward`/`backward` before the planner (WinogradConv2d.applies,
/// DirectConv2d.usesChannelKernel, usesChannelKernelForWeightGradient and applies, as of commit
/// 8568f31), for layers without test flags, with the environment and CPU as parameters; since
/// the AVX2 Winograd kernel, with its measured rule for AVX2 + FMA machines.
struct LegacyConvRouteRule {
    let environment: [Settings.Key: String]
    let machine: ConvMachine

    var hasAVX2FMA: Bool { machine.level >= .avx2 && machine.hasFMA }
    var isAvailable: Bool { environment[.convolution] != "im2col" && hasAVX2FMA }
    enum ChannelKernelMode { case measured, never, always }
    var channelMode: ChannelKernelMode {
        switch environment[.convolution] {
        case "flat": return .never
        case "channels": return .always
        default: return .measured
        }
    }
    var winogradMode: Bool? {
        switch environment[.winograd] {
        case "0", "off": return false
        case "1", "on": return true
        default: return nil
        }
    }
    var minimumWork: (forward: Int, backward: Int) {
        if let v = environment[.directMinimumWork], let n = Int(v) { return (n, n) }
        return (100, 2000)
    }

    func winogradApplies(_ g: ConvGeometry, inputGradient: Bool = false) -> Bool {
        guard hasAVX2FMA, g.kernelH == 3, g.kernelW == 3, g.strideH == 1, g.strideW == 1, g.padH == 1, g.padW == 1,
              g.height >= 2, g.width >= 2, g.height % 2 == 0, g.width % 2 == 0 else { return false }
        if let winogradMode { return winogradMode }
        if channelMode != .measured { return false }
        let channels = min(inputGradient ? g.outChannels : g.inChannels, inputGradient ? g.inChannels : g.outChannels)
        let plane = g.height * g.width
        if machine.level >= .avx512 {
            return (plane >= 1024 && channels >= 8) || (plane >= 256 && channels >= 16) || (plane >= 64 && channels >= 64)
        }
        if plane >= 1024 { return channels >= (inputGradient ? 8 : 16) }
        return (plane >= 256 && channels >= 16) || (plane >= 64 && channels >= 32)
    }

    func fixedChoice(_ g: ConvGeometry) -> Bool? {
        guard isAvailable, g.kernelH <= 7, g.kernelW <= 7, g.padH < g.kernelH, g.padW < g.kernelW else { return false }
        switch channelMode {
        case .never: return false
        case .always: return true
        case .measured: return nil
        }
    }

    func worthwhile(_ g: ConvGeometry, depth: Int) -> Bool { g.kernelH * g.kernelW > 1 && depth >= 72 }

    func usesChannelKernel(_ g: ConvGeometry, inputGradient: Bool = false) -> Bool {
        if inputGradient && (g.strideH != 1 || g.strideW != 1) { return false }
        if let fixed = fixedChoice(g) { return fixed }
        guard g.window.isValid else { return false }
        let taps = g.kernelH * g.kernelW
        if inputGradient { return worthwhile(g, depth: g.outChannels * taps) }
        if g.strideH == 1 && g.strideW == 1 && g.window.outPlane > 256 { return false }
        return worthwhile(g, depth: g.inChannels * taps)
    }

    func usesChannelKernelForWeightGradient(_ g: ConvGeometry) -> Bool {
        if let fixed = fixedChoice(g) { return fixed }
        guard g.window.isValid else { return false }
        return g.kernelH * g.kernelW > 1
    }

    func directApplies(_ g: ConvGeometry, backward: Bool = false) -> Bool {
        guard isAvailable, g.strideH == 1, g.strideW == 1, g.kernelH <= 7, g.kernelW <= 7,
              g.padH < g.kernelH, g.padW < g.kernelW else { return false }
        let outH = g.height + 2 * g.padH - g.kernelH + 1, outW = g.width + 2 * g.padW - g.kernelW + 1
        if environment[.directMinimumWork] != nil { return outH * outW * g.kernelH * g.kernelW >= minimumWork.forward }
        if backward && g.kernelH * g.kernelW > 9 { return false }
        let work = outH * outW * g.kernelH * g.kernelW
        return work >= (backward ? minimumWork.backward : minimumWork.forward) && g.outChannels <= 255
    }

    func routes(_ g: ConvGeometry) -> (forward: ConvRoute, inputGradient: ConvRoute, weightGradient: ConvRoute) {
        let forward: ConvRoute = winogradApplies(g) ? .winograd : usesChannelKernel(g) ? .channels : directApplies(g) ? .flat : .im2col
        let dxByWinograd = winogradApplies(g, inputGradient: true)
        let dxByChannels = !dxByWinograd && usesChannelKernel(g, inputGradient: true)
        let early: ConvRoute? = dxByWinograd ? .winograd : dxByChannels ? .channels : nil
        if usesChannelKernelForWeightGradient(g) { return (forward, early ?? .im2col, .channels) }
        if directApplies(g, backward: true) { return (forward, early ?? .flat, .flat) }
        return (forward, early ?? .im2col, .im2col)
    }
}
