import CLua
import Engine

/// The `prune` Lua module: masks and the pruning methods of Blakeney, Yan & Zong (2020).
enum PruneModule {
    static let module = LuaModule(
        name: "prune",
        doc: """
            Unstructured pruning with masks, as Blakeney, Yan & Zong (2020) study it. \
            prune.magnitude (Han, Pool, Tran & Dally 2015; layer by layer), prune.random, prune.reinit \
            (post-pruning re-initialisation; after prune.random: random sparse initialisation), \
            prune.rewind (Frankle & Carbin 2019), prune.iterative (prune and retrain, step by \
            step), prune.overlap (how alike two masks are); prune.set_masks, prune.remove, and \
            m:masks(), m:sparsity(). Masks hold through training: masked weights stay exactly \
            zero and keep no momentum. Each method prunes in place and returns the model, so \
            prune.magnitude(m:clone(), 0.9) reads naturally. Sparsity is the fraction of zeros: \
            a tensor of n weights gets exactly round(s·n) of them, rounding half away from zero. \
            The final classifier stays dense unless skip_last = false.
            """,
        functions: [
            LuaFunctionSpec("magnitude", "prune.magnitude(m, sparsity [, {…}]) → m", options: PruneOptions.selection, at: 3, """
                Magnitude pruning (Han, Pool, Tran & Dally 2015): zeroes the weights of smallest |w|, ties \
                broken by index. scope = "layer" (default, the paper's rule): each selected \
                tensor of n weights ends with exactly round(sparsity × n) zeros (half away from \
                zero); scope = "global": one ranking over all selected weights, round(sparsity × \
                total) zeros in all. Weights already pruned stay pruned, so a higher target adds \
                to the mask and a lower one changes nothing. Selected tensors: every convolution \
                and linear weight except the final classifier (skip_last = true, the paper's \
                rule); layers = {"conv1", "fc1", …} picks layers (containers such as "layer4" mean \
                every prunable tensor inside; parameter names such as "fc1.bias" prune biases or \
                BatchNorm, which are pruned only when named). Runs selection, \
                not a sort: a ResNet-34 takes well under a second.
                """) { lua, options in
                let m = try lua.checkModel(1, "m")
                let target = try lua.checkSparsity(2)
                try lua.checkArgumentCount(max: 3)
                try m.pruneByMagnitude(to: target, scope: try lua.scopeOption(options), selection: try lua.selectionOptions(options))
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("random", "prune.random(m, sparsity [, {…}]) → m",
                            options: [LuaOption("seed", .integer, default: "1", "the seed of the draw")] + PruneOptions.selection, at: 3, """
                Random pruning: the same counts as prune.magnitude (round(sparsity × n) zeros per \
                tensor, or over all selected weights with scope = "global"), the new zeros drawn \
                uniformly among the unpruned weights by a generator seeded with seed (default 1): \
                the same seed gives the same mask. Followed by prune.reinit it is the paper's \
                random sparse initialisation (§4.3).
                """) { lua, options in
                let m = try lua.checkModel(1, "m")
                let target = try lua.checkSparsity(2)
                try lua.checkArgumentCount(max: 3)
                try m.pruneRandomly(to: target, seed: try lua.seedOption(options, default: 1), scope: try lua.scopeOption(options),
                                    selection: try lua.selectionOptions(options))
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("reinit", "prune.reinit(m [, {…}]) → m", options: [
                LuaOption("seed", .integer, default: "1000003", "the seed of the fresh values"),
                LuaOption("init", .choice(Initializer.allCases.map(\.rawValue)), shown: "\"pytorch\" | \"he\"", "the init scheme (default: the model's own)"),
            ], at: 2, """
                Post-pruning re-initialisation (Blakeney, Yan & Zong 2020, §4.2): every parameter gets \
                a fresh value from the model's own init scheme (or init), drawn with seed; \
                BatchNorm returns to γ = 1, β = 0 and running statistics 0 and 1; the masks are \
                kept and re-applied, so pruned weights stay zero. Layers draw in order from one \
                generator, as the model builders do: re-initialising models.convnet{seed = s} \
                with seed s gives its initial weights back. The default seed (1000003) differs \
                from the builders' default (1), so by default the weights really are new.
                """) { lua, options in
                let m = try lua.checkModel(1, "m")
                try lua.checkArgumentCount(max: 2)
                let initializer: Initializer? = options.has("init") ? try lua.initializerOption(options) : nil
                try m.reinitialize(seed: try lua.seedOption(options, default: 1_000_003), initializer: initializer)
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("rewind", "prune.rewind(m, snapshot) → m", """
                Lottery-ticket rewinding (Frankle & Carbin 2019): every parameter and BatchNorm \
                statistic of m takes the value it has in snapshot — a model of the same \
                architecture, typically m:clone() taken at initialisation or early in training, \
                or models.load(path) of a checkpoint — while m keeps its own masks, which are \
                re-applied: the unpruned weights go back, the pruned stay zero.
                """) { lua in
                let m = try lua.checkModel(1, "m")
                let snapshot = try lua.checkSnapshot(2, "snapshot")
                try lua.checkArgumentCount(max: 2)
                try m.rewind(to: snapshot)
                lua.pushCopy(1)
                return 1
            },
            IterativeBinding.spec,
            LuaFunctionSpec("overlap", "prune.overlap(m1, m2) → report", """
                Per prunable tensor, the Jaccard overlap |K1 ∩ K2| / |K1 ∪ K2| of the weights \
                two models of the same architecture keep (mask entry 1; non-zero where there is \
                no mask). r[i] = {name, weights, kept1, kept2, intersection, union, jaccard}, \
                r.total, r.values (a tensor); prints as a table.
                """) { lua in
                let a = try lua.checkModel(1, "m1")
                let b = try lua.checkModel(2, "m2")
                try lua.checkArgumentCount(max: 2)
                lua.push(object: MaskOverlapObject(try MaskOverlap(a, b)))
                return 1
            },
            LuaFunctionSpec("set_masks", "prune.set_masks(m, {name = tensor, …}) → m", """
                Installs masks: parameter name (as in m:parameters(): conv1.weight, also biases \
                or BatchNorm parameters if wanted) → tensor of that parameter's shape holding only \
                0 (pruned) and 1 (kept). The masked weights become zero at once and stay zero \
                through training. Parameters not named keep their masks. All masks are checked \
                before any is installed.
                """) { lua in
                let m = try lua.checkModel(1, "m")
                try lua.checkTable(2, "masks")
                try lua.checkArgumentCount(max: 2)
                var masks: [(name: String, mask: Tensor)] = []
                try lua.forEachEntry(2) { key, value in
                    guard lua.type(key) == .string, let name = lua.string(key) else {
                        throw lua.error("argument 2 (masks): expected a table of parameter name = tensor, but it has the key \(lua.describe(key))")
                    }
                    guard let t = lua.object(value, as: Tensor.self) else {
                        throw lua.error("argument 2 (masks): entry '\(name)' is \(lua.describe(value)), expected a tensor of 0s and 1s")
                    }
                    masks.append((name, t))
                }
                try m.setMasks(masks.sorted { $0.name < $1.name })
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("remove", "prune.remove(m) → m", """
                Drops every mask and keeps the weights as they are: pruned weights stay zero but \
                training may now change them (PyTorch's prune.remove). m:sparsity() still counts \
                the zeros.
                """) { lua in
                let m = try lua.checkModel(1, "m")
                try lua.checkArgumentCount(max: 1)
                try m.removeMasks()
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("masks", "prune.masks(m) → {name = tensor, …}", "The same as m:masks().", PruneModelMethods.masks.body),
            LuaFunctionSpec("sparsity", "prune.sparsity(m) → report", "The same as m:sparsity().", PruneModelMethods.sparsity.body),
            LuaFunctionSpec("compress", "prune.compress(m [, {max_density = 0.2, measure = x | true, repeats = 5}]) → m", "The same as m:compress(): sparse inference routes for the pruned layers.", PruneModelMethods.compress.body),
            LuaFunctionSpec("decompress", "prune.decompress(m) → m", "The same as m:decompress().", PruneModelMethods.decompress.body),
            LuaFunctionSpec("report", "prune.report(m) → report", "The same as m:sparsity(): sparsity and the compression view (bytes dense vs sparse, FLOPs dense vs effective) per tensor.", PruneModelMethods.sparsity.body),
        ])
}

/// The options the pruning functions share.
enum PruneOptions {
    /// Which weights a pruning step selects, and how it counts them.
    static let selection = [
        LuaOption("scope", .choice(PruningScope.allCases.map(\.rawValue)), default: "\"layer\"",
                  "layer: round(sparsity × n) zeros in each tensor; global: one ranking over all selected weights"),
        LuaOption("skip_last", .boolean, default: "true", "leave the final classifier unpruned"),
        LuaOption("layers", .described("a layer name or a non-empty list of layer names"), shown: "{…}",
                  "the layers (or containers, or parameter names such as \"fc1.bias\") to prune; default every convolution and linear weight"),
    ]
}
