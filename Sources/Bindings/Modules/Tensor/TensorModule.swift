import CLua
import Engine

/// The `tensor` Lua module: factories, files, and every tensor method in function form
/// (`tensor.sum(t)` is `t:sum()`).
enum TensorModule {
    /// `t:name(args)` as `tensor.name(t, args)`.
    static func functionForm(_ method: LuaFunctionSpec) -> LuaFunctionSpec {
        var signature = method.signature
        let prefix = "t:\(method.name)("
        if signature.hasPrefix(prefix) {
            let rest = signature.dropFirst(prefix.count)
            signature = "tensor.\(method.name)(t" + (rest.hasPrefix(")") ? "" : ", ") + rest
        }
        return LuaFunctionSpec(method.name, signature, method.doc, method.body)
    }

    static let module = LuaModule(
        name: "tensor",
        doc: """
            Tensors: n-dimensional float32/float64 arrays with NumPy broadcasting, BLAS matrix \
            products, reductions and .npy/.npz/.safetensors files. Indices and dimensions are \
            1-based (negative ones count from the end). Every method t:f(…) is also tensor.f(t, …).
            """,
        functions: {
            let own = TensorFactories.all + TensorIOFunctions.functions + TensorCombinationFunctions.all
            let names = Set(own.map(\.name))
            return own + TensorMethods.all.filter { !names.contains($0.name) }.map(functionForm)
        }())
}
