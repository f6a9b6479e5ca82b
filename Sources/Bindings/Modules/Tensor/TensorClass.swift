import CLua
import Engine

extension Tensor: LuaBindable {
    /// The elements this view addresses (views of one storage each report their own part).
    public var luaExternalBytes: Int { count * dtype.byteSize }

    /// The Lua class of tensors: methods, metamethods (`+ - * / unm == # [] tostring`), help.
    public static let luaClass = LuaClass(
        name: "tensor",
        doc: """
            An n-dimensional array of float32 or float64 numbers. Indices and dimensions are \
            1-based. Views (reshape, t, permute, narrow, t[i]) share memory with the tensor they \
            come from. Arithmetic follows NumPy's broadcasting rules. A mask of 0s and 1s of t's shape \
            (t:lt(0), …) selects: t[mask] is a 1-D copy of the selected elements in row-major order, \
            t[mask] = v sets them (v a number, or a tensor with one element per selected position).
            """,
        methods: TensorMethods.all,
        metamethods: TensorMethods.metamethods,
        index: TensorMethods.index,
        newIndex: TensorMethods.newIndex,
        describe: { object in
            guard let t = object as? Tensor else { return "tensor" }
            return "tensor (\(t.dtype.rawValue), \(Shape.describe(t.shape)))"
        })
}
