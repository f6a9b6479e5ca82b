import CLua
import Engine

/// The pruning methods of model objects (`m:masks()`, `m:sparsity()`), installed beside the
/// nn engine's methods; `prune.masks(m)` and `prune.sparsity(m)` are the same functions.
enum PruneModelMethods {
    static let masks = LuaFunctionSpec("masks", "m:masks() → {name = tensor, …}", """
        A copy of every pruning mask, by parameter name (conv1.weight, …), in layer order \
        (pairs() visits them in order): float32 tensors of the parameter's shape, 1 = kept, \
        0 = pruned. Parameters without a mask are absent (a dense model gives an empty table). \
        Change masks with prune.set_masks(m, masks).
        """) { lua in
        let m = try lua.checkModel(1, "m")
        try lua.checkArgumentCount(max: 1)
        let masks = try m.masks
        try OrderedTable.push(lua, keys: masks.map(\.name)) { lua.push(object: masks[$0].mask) }
        return 1
    }

    static let sparsity = LuaFunctionSpec("sparsity", "m:sparsity() → report", """
        How sparse m is: one row per prunable tensor (convolution and linear weights, plus any \
        masked parameter) with its weights, zeros (exactly zero), masked entries and sparsity, \
        and the total over them (s.total, s.sparsity), and the compression view: bytes dense and \
        in a sparse checkpoint, FLOPs per sample dense and counting nonzero weights only. Prints \
        as a table; s[i] is a row. See help(m:sparsity()).
        """) { lua in
        let m = try lua.checkModel(1, "m")
        try lua.checkArgumentCount(max: 1)
        lua.push(object: SparsityReportObject(m.sparsityReport))
        return 1
    }

    static let all = [masks, sparsity, compress, decompress]
}
