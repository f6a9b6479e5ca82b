/// The addition that joins a residual branch and its shortcut, `y = a + b`, as a named layer so
/// that its output can be recorded (`layer2.0.add`). Backward passes `∂y` to both inputs.
/// It takes two inputs, so it runs inside ``BasicBlock`` (through ``add(_:_:)``), not alone.
public final class ResidualAdd: Layer, DeclaredLayer {
    public override init(name: String = "") {
        super.init(name: name)
    }

    public static let kind = "Add"
    public static let stem = "add"
    /// Built only inside a ``BasicBlock``; registered so that its kind is declared (a spec of
    /// it alone builds a layer that cannot run forward, as one built in Swift would be).
    public static func make(from spec: LayerSpec, in context: inout LayerBuildContext) throws -> ResidualAdd { ResidualAdd(name: spec.name) }

    public override func copy() throws -> Layer {
        let other = ResidualAdd(name: name)
        copyState(to: other)
        return other
    }

    public override func flops(for inputShape: [Int]) -> Int { inputShape.saturatingProduct }

    public override func forward(_ input: Tensor) throws -> Tensor {
        throw EngineError("\(name) (Add): takes two inputs; it runs inside a residual block")
    }

    /// The buffer the addition writes to when it cannot overwrite its first input.
    private var ownBuffer: Tensor?

    /// `a + b` (same shape, contiguous Float32). `a` must be a buffer the block owns and does not
    /// need again (BatchNorm's output): the sum overwrites it, as torchvision's `out += identity`
    /// does, in training and during evaluations (see ``ReLU``). With `relu`, its result: in
    /// the same pass where both may work in place, else by `relu` after the sum.
    func add(_ a: Tensor, _ b: Tensor, then relu: ReLU? = nil) throws -> Tensor {
        guard a.shape == b.shape else {
            throw EngineError.invalid("\(name) (Add) inputs", expected: "equal shapes", given: "\(Shape.describe(a.shape)) and \(Shape.describe(b.shape))")
        }
        let x = try a.contiguous(), z = try b.contiguous()
        let y: Tensor
        if Layer.mayWorkInPlace(self) && x === a && x.storage !== z.storage {
            y = x
        } else {
            y = try Buffers.reuse(ownBuffer, shape: x.shape)
            ownBuffer = y
        }
        let xp = x.mutablePointer(as: Float.self), zp = z.mutablePointer(as: Float.self), yp = y.mutablePointer(as: Float.self)
        let rectified = relu.map { y === x && Layer.mayWorkInPlace($0) } ?? false
        ParallelLoops.forRanges(y.count) { range in
            // Rectified in L1-sized pieces right after their sum.
            var start = range.lowerBound
            while start < range.upperBound {
                let count = rectified ? min(4096, range.upperBound - start) : range.upperBound - start
                VectorOps.add(xp + start, zp + start, yp + start, count)
                if rectified { VectorOps.relu(yp + start, yp + start, count) }
                start += count
            }
        }
        output = y
        guard let relu else { return y }
        if rectified {
            relu.adoptFusedOutput(y)
            return y
        }
        return try relu.forwardInPlace(y)
    }

    public override func backward(_ gradOutput: Tensor) throws -> Tensor {
        try checkedGradient(gradOutput)
    }
}
