#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Softmax cross-entropy of a batch of logits against integer class labels (PyTorch's
/// `F.cross_entropy` with mean reduction).
///
/// For logits `z` (`N × K`) and labels `t`: `loss = (1/N) Σₙ (log Σₖ exp zₙₖ − zₙ,tₙ)`, with the
/// log-sum-exp computed stably as `m + log Σₖ exp(zₙₖ − m)`, `m = maxₖ zₙₖ`. The gradient is
/// `∂loss/∂zₙₖ = (softmax(zₙ)ₖ − [k = tₙ]) / N`.
public enum CrossEntropy {
    /// Loss, gradient and the number of rows whose largest logit is the label.
    public struct Result {
        public let loss: Double
        public let gradient: Tensor
        public let correct: Int
    }

    /// Evaluates the loss; `labels` are 0-based. `reuse` (an `N × K` tensor) receives the
    /// gradient when given, saving an allocation per batch.
    public static func evaluate(logits: Tensor, labels: [Int], reuse: Tensor? = nil) throws -> Result {
        guard logits.rank == 2, logits.dtype == .float32 else {
            throw EngineError.invalid("cross-entropy logits", expected: "a float32 N×classes tensor", given: "\(logits.dtype.rawValue) \(Shape.describe(logits.shape))")
        }
        let n = logits.shape[0], k = logits.shape[1]
        guard labels.count == n else {
            throw EngineError.invalid("cross-entropy labels", expected: "\(n) labels (one per row of the logits)", given: "\(labels.count)")
        }
        guard n > 0, k > 0 else {
            throw EngineError.invalid("cross-entropy logits", expected: "at least one row and one class", given: Shape.describe(logits.shape))
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= k }) {
            throw EngineError.invalid("cross-entropy labels", expected: "class indices in 0..<\(k)", given: "\(bad)")
        }
        let z = try logits.contiguous()
        let gradient = try Buffers.reuse(reuse, shape: [n, k])
        let zp = z.mutablePointer(as: Float.self), gp = gradient.mutablePointer(as: Float.self)
        var total = 0.0
        var correct = 0
        let scale = 1 / Float(n)
        for row in 0..<n {
            let zr = zp + row * k, gr = gp + row * k
            var maxValue = zr[0], argmax = 0
            for j in 1..<k where zr[j] > maxValue { maxValue = zr[j]; argmax = j }
            var sum: Double = 0
            for j in 0..<k {
                let e = expf(zr[j] - maxValue)
                gr[j] = e
                sum += Double(e)
            }
            let label = labels[row]
            total += Double(maxValue) + log(sum) - Double(zr[label])
            if argmax == label { correct += 1 }
            let inv = Float(1 / sum) * scale
            for j in 0..<k { gr[j] *= inv }
            gr[label] -= scale
        }
        guard total.isFinite else {
            throw EngineError("cross-entropy: the loss is not finite (the logits contain NaN or infinity: the model has diverged; lower the learning rate or add a warm-up)", kind: .numerical)
        }
        return Result(loss: total / Double(n), gradient: gradient, correct: correct)
    }
}
