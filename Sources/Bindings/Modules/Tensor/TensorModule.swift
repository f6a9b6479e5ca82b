import CLua
import Engine

/// The `tensor` Lua module.
enum TensorModule {
    static let module = LuaModule(
        name: "tensor",
        doc: "Tensors: n-dimensional float32/float64 arrays with NumPy broadcasting, BLAS matmul and .npy/.npz files.",
        functions: [
            LuaFunctionSpec("zeros", "tensor.zeros(d1, d2, … [, {dtype=}]) or tensor.zeros{d1, d2, …}",
                            "A tensor of zeros with the given sizes (dtype \"float32\" by default).") { lua in
                let args = try lua.shapeAndOptions(from: 1, known: ["dtype"])
                lua.push(object: try Tensor.zeros(args.shape, dtype: try lua.dtypeOption(args.options)))
                return 1
            },
            LuaFunctionSpec("ones", "tensor.ones(d1, d2, … [, {dtype=}]) or tensor.ones{d1, d2, …}",
                            "A tensor of ones with the given sizes.") { lua in
                let args = try lua.shapeAndOptions(from: 1, known: ["dtype"])
                lua.push(object: try Tensor.ones(args.shape, dtype: try lua.dtypeOption(args.options)))
                return 1
            },
        ])
}
