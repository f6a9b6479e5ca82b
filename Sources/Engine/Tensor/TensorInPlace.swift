import CBLAS

/// In-place arithmetic for training code (optimiser steps, accumulations): these write into
/// `self` and allocate nothing (except a copy of an operand that overlaps `self`).
///
/// The other operand is broadcast to `self`'s shape (it may not grow `self`) and converted to
/// `self`'s element type.
extension Tensor {
    /// `self = op(self, other)` elementwise.
    public func apply(_ op: BinaryOperation, _ other: Tensor) throws {
        let operand = try inPlaceOperand(other, op.rawValue)
        op.run(self, operand, into: self)
    }

    /// `self = op(self, scalar)` elementwise.
    public func apply(_ op: BinaryOperation, scalar: Double) throws {
        let s = try Tensor.scalar(scalar, dtype: dtype).expanded(to: shape)
        op.run(self, s, into: self)
    }

    /// `self += alpha · x` (BLAS axpy when both are contiguous, of one type and shape).
    public func add(_ x: Tensor, scaledBy alpha: Double = 1) throws {
        if x.dtype == dtype, x.shape == shape, isContiguous, x.isContiguous, x.storage !== storage {
            var done = 0
            while done < count {
                let n = Int32(min(count - done, Int(Int32.max)))
                switch dtype {
                case .float32: cblas_saxpy(n, Float(alpha), x.mutablePointer(as: Float.self) + done, 1, mutablePointer(as: Float.self) + done, 1)
                case .float64: cblas_daxpy(n, alpha, x.mutablePointer(as: Double.self) + done, 1, mutablePointer(as: Double.self) + done, 1)
                }
                done += Int(n)
            }
            return
        }
        let operand = try inPlaceOperand(x, "add")
        switch dtype {
        case .float32: ElementwiseLoops.zip(ScaledAddKernel<Float>(alpha: Float(alpha)), self, operand, into: self)
        case .float64: ElementwiseLoops.zip(ScaledAddKernel<Double>(alpha: alpha), self, operand, into: self)
        }
    }

    /// `self *= factor`.
    public func multiply(by factor: Double) {
        let s = (try? Tensor.scalar(factor, dtype: dtype).expanded(to: shape))
        if let s { BinaryOperation.multiply.run(self, s, into: self) }
    }

    /// `other` converted to `self`'s type and broadcast to `self`'s shape, copied first if it
    /// shares storage with `self` in a different layout (so no element is read after being written).
    private func inPlaceOperand(_ other: Tensor, _ what: String) throws -> Tensor {
        let broadcast = try Shape.broadcast(shape, other.shape)
        guard broadcast == shape else {
            throw EngineError.invalid("in-place \(what)", expected: "an operand that broadcasts to the shape \(Shape.describe(shape)) of the tensor written", given: "shape \(Shape.describe(other.shape))")
        }
        var operand = try other.converted(to: dtype)
        if operand.storage === storage && !(operand.offset == offset && operand.strides == strides && operand.shape == shape) {
            operand = try operand.copy()
        }
        return try operand.expanded(to: shape)
    }
}
