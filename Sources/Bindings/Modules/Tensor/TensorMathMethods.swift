import CLua
import Engine

/// Elementwise tensor methods: arithmetic (add, sub, mul, div, pow), elementwise minimum and
/// maximum, comparisons (eq, ne, lt, le, gt, ge), unary math (abs, neg, sqrt, exp, log, sin,
/// cos, tanh, sigmoid, relu, sign, floor, ceil, round, clamp), the in-place forms (fill, zero,
/// copy, add_, sub_, mul_, div_, clamp_), equality and matrix products.
enum TensorMathMethods {
    /// `op(a, b)` for a tensor and a tensor or number in either order.
    static func apply(_ op: BinaryOperation, _ a: TensorOperand, _ b: TensorOperand, _ lua: Lua) throws -> Tensor {
        switch (a, b) {
        case let (.tensor(x), .tensor(y)): return try x.applying(op, y)
        case let (.tensor(x), .number(v)): return try x.applying(op, scalar: v)
        case let (.number(v), .tensor(y)): return try y.applying(op, scalar: v, scalarFirst: true)
        case (.number, .number): throw lua.error("expected at least one tensor operand")
        }
    }

    static func binary(_ name: String, _ op: BinaryOperation, _ doc: String) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)(u)", doc) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let other = try lua.tensorOrNumber(2, "u")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try apply(op, .tensor(t), other, lua))
            return 1
        }
    }

    static func unary(_ name: String, _ op: UnaryOperation, _ doc: String) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)()", doc) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(object: try t.applying(op))
            return 1
        }
    }

    static func inPlace(_ name: String, _ op: BinaryOperation, _ doc: String) -> LuaFunctionSpec {
        LuaFunctionSpec(name, "t:\(name)(u)", doc) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let other = try lua.tensorOrNumber(2, "u")
            try lua.checkArgumentCount(max: 2)
            switch other {
            case .tensor(let u): try t.apply(op, u)
            case .number(let v): try t.apply(op, scalar: v)
            }
            lua.pushCopy(1)
            return 1
        }
    }

    /// The optional bounds of clamp at 2 and 3 (nil: unbounded on that side; not both nil).
    static func bounds(_ lua: Lua) throws -> (Double?, Double?) {
        let low = try lua.optionalNumber(2, "min"), high = try lua.optionalNumber(3, "max")
        try lua.checkArgumentCount(max: 3)
        guard low != nil || high != nil else { throw lua.error("expected a lower bound, an upper bound or both (nil for none), got neither") }
        return (low, high)
    }

    static let all: [LuaFunctionSpec] = [
        binary("add", .add, "t + u elementwise (u a tensor or a number; shapes broadcast as in NumPy; float32 with float64 gives float64)."),
        binary("sub", .subtract, "t − u elementwise (broadcast)."),
        binary("mul", .multiply, "t × u elementwise (broadcast; for the matrix product use matmul)."),
        binary("div", .divide, "t ÷ u elementwise (broadcast; IEEE: x/0 is ±inf, 0/0 NaN)."),
        binary("pow", .power, "t^u elementwise (broadcast); t:pow(2), t:pow(0.5) and t:pow(-1) take fast paths."),
        binary("minimum", .minimum, "The elementwise minimum of t and u (broadcast; NaN propagates). For the smallest element use t:min()."),
        binary("maximum", .maximum, "The elementwise maximum of t and u (broadcast; NaN propagates). For the largest element use t:max()."),
        binary("eq", .equal, "1 where t == u, else 0 (elementwise, broadcast). For one boolean use t:equal(u) or t == u."),
        binary("ne", .notEqual, "1 where t ≠ u, else 0 (elementwise, broadcast; NaN ≠ everything)."),
        binary("lt", .less, "1 where t < u, else 0 (elementwise, broadcast)."),
        binary("le", .lessEqual, "1 where t ≤ u, else 0 (elementwise, broadcast)."),
        binary("gt", .greater, "1 where t > u, else 0 (elementwise, broadcast)."),
        binary("ge", .greaterEqual, "1 where t ≥ u, else 0 (elementwise, broadcast)."),
        unary("abs", .abs, "|x| elementwise."),
        unary("neg", .negate, "−x elementwise (also -t)."),
        unary("sqrt", .sqrt, "√x elementwise (NaN for x < 0)."),
        unary("exp", .exp, "e^x elementwise (vectorised; within 2 ulp of the C library)."),
        unary("log", .log, "The natural logarithm elementwise (−inf at 0, NaN below)."),
        unary("sin", .sin, "sin x elementwise (radians)."),
        unary("cos", .cos, "cos x elementwise (radians)."),
        unary("tanh", .tanh, "tanh x elementwise."),
        unary("sigmoid", .sigmoid, "1 / (1 + e^−x) elementwise."),
        unary("relu", .relu, "max(x, 0) elementwise."),
        unary("sign", .sign, "−1, 0 or 1 by the sign of x (NaN stays NaN)."),
        unary("floor", .floor, "The largest integer ≤ x, elementwise."),
        unary("ceil", .ceil, "The smallest integer ≥ x, elementwise."),
        unary("round", .round, "x rounded to the nearest integer, halves to even (as NumPy and Torch), elementwise."),
        LuaFunctionSpec("clamp", "t:clamp(min, max)",
                        "Every element limited to [min, max]; either bound may be nil (no limit on that side). NaN stays NaN.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (low, high) = try bounds(lua)
            lua.push(object: try t.clamped(low: low, high: high))
            return 1
        },
        LuaFunctionSpec("clamp_", "t:clamp_(min, max)", "Limits every element of t to [min, max] in place; returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let (low, high) = try bounds(lua)
            t.clamp(low: low, high: high)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("fill", "t:fill(value)", "Sets every element of t (and of what it views) to value, in place; returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let v = try lua.checkNumber(2, "value")
            try lua.checkArgumentCount(max: 2)
            t.fill(v)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("zero", "t:zero()", "Sets every element of t to 0 in place; returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 1)
            t.fill(0)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("copy", "t:copy(src)", "Copies src into t in place (src broadcasts to t's shape; types convert); returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let src = try lua.check(2, Tensor.self, "src")
            try lua.checkArgumentCount(max: 2)
            let source = src.storage === t.storage ? try src.copy() : src
            guard (try? Shape.broadcast(t.shape, source.shape)) == t.shape else {
                throw lua.error("cannot copy a tensor of shape \(Shape.describe(src.shape)) into one of shape \(Shape.describe(t.shape))")
            }
            try t.assign(from: source)
            lua.pushCopy(1)
            return 1
        },
        LuaFunctionSpec("add_", "t:add_(u [, alpha])",
                        "t ← t + alpha·u in place (alpha 1 by default; u a tensor broadcast to t's shape, or a number); returns t.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let other = try lua.tensorOrNumber(2, "u")
            let alpha = try lua.optionalNumber(3, "alpha") ?? 1
            try lua.checkArgumentCount(max: 3)
            switch other {
            case .tensor(let u): try t.add(u, scaledBy: alpha)
            case .number(let v): try t.apply(.add, scalar: alpha * v)
            }
            lua.pushCopy(1)
            return 1
        },
        inPlace("sub_", .subtract, "t ← t − u in place (u broadcast to t's shape, or a number); returns t."),
        inPlace("mul_", .multiply, "t ← t × u in place (elementwise); returns t."),
        inPlace("div_", .divide, "t ← t ÷ u in place (elementwise); returns t."),
        LuaFunctionSpec("equal", "t:equal(u)",
                        "true when u is a tensor of t's shape whose every element equals t's (types may differ; NaN is never equal). Also t == u.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            try lua.checkArgumentCount(max: 2)
            guard let u = lua.object(2, as: Tensor.self) else { throw lua.argumentError(2, "u", expected: "a tensor") }
            lua.push(try t.isEqual(to: u))
            return 1
        },
        LuaFunctionSpec("matmul", "t:matmul(u)",
                        """
                        The matrix product (BLAS): 2-D·2-D → matrix, 2-D·1-D and 1-D·2-D → vector, 1-D·1-D → \
                        0-d dot product, more dimensions → a batch of products (batch dimensions broadcast), \
                        as NumPy's matmul.
                        """) { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let u = try lua.check(2, Tensor.self, "u")
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try t.matmul(u))
            return 1
        },
        LuaFunctionSpec("mm", "t:mm(u)", "The product of two matrices (both 2-D); see matmul.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let u = try lua.check(2, Tensor.self, "u")
            try lua.checkArgumentCount(max: 2)
            guard t.rank == 2, u.rank == 2 else {
                throw lua.error("expected two matrices, got shapes \(Shape.describe(t.shape)) and \(Shape.describe(u.shape)) (use matmul for vectors and batches)")
            }
            lua.push(object: try t.matmul(u))
            return 1
        },
        LuaFunctionSpec("dot", "t:dot(u)", "The dot product of two 1-D tensors of equal length, as a Lua number.") { lua in
            let t = try lua.check(1, Tensor.self, "self")
            let u = try lua.check(2, Tensor.self, "u")
            try lua.checkArgumentCount(max: 2)
            guard t.rank == 1, u.rank == 1, t.count == u.count else {
                throw lua.error("expected two 1-D tensors of equal length, got shapes \(Shape.describe(t.shape)) and \(Shape.describe(u.shape))")
            }
            lua.push(try t.matmul(u).item())
            return 1
        },
    ]
}
