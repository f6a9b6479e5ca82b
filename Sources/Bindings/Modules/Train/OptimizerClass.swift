import CLua
import Engine

extension SGD: LuaBindable {
    /// The Lua class of optimizers (`train.optimizer(m, {…})`, `t:optimizer(m)`).
    public static let luaClass = LuaClass(
        name: "optimizer",
        doc: """
            SGD over a model's parameters (PyTorch's rule: momentum, Nesterov, weight decay). \
            opt:step() applies one update from the accumulated gradients; opt.lr can be changed \
            between steps. Pruning masks are honoured: masked weights stay exactly zero and keep \
            no momentum.
            """,
        methods: [
            LuaFunctionSpec("step", "opt:step() → opt", "One SGD update of every parameter from its accumulated gradient.") { lua in
                let opt = try lua.check(1, SGD.self, "self")
                try lua.checkArgumentCount(max: 1)
                try opt.step()
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("zero_grad", "opt:zero_grad() → opt", "Sets the gradients of the optimizer's parameters to zero.") { lua in
                let opt = try lua.check(1, SGD.self, "self")
                try lua.checkArgumentCount(max: 1)
                opt.zeroGradients()
                lua.pushCopy(1)
                return 1
            },
        ],
        metamethods: ["__tostring": { lua in
            let o = try lua.check(1, SGD.self, "self")
            lua.push("optimizer: SGD over \(o.parameters.count) tensors, lr = \(o.learningRate), momentum = \(o.momentum)\(o.nesterov ? " (Nesterov)" : ""), weight_decay = \(o.weightDecay), \(o.steps) steps taken")
            return 1
        }],
        fields: [
            field("lr", "the learning rate (may be assigned between steps)") { lua, o in lua.push(o.learningRate) },
            field("momentum", "the momentum") { lua, o in lua.push(o.momentum) },
            field("nesterov", "whether the momentum is Nesterov's") { lua, o in lua.push(o.nesterov) },
            field("weight_decay", "the L2 weight decay") { lua, o in lua.push(o.weightDecay) },
            field("steps", "updates taken so far") { lua, o in lua.push(o.steps) },
        ],
        elements: OptimizerFields.onlyNames,
        newIndex: { lua in
            let o = try lua.check(1, SGD.self, "self")
            guard lua.string(2) == "lr" else {
                throw lua.error("only opt.lr can be changed (got \(lua.describe(2)))")
            }
            guard let lr = lua.number(3), lr >= 0, lr.isFinite else { throw lua.argumentError(3, "lr", expected: "a finite number ≥ 0") }
            o.learningRate = lr
            return 0
        },
        describe: { object in
            guard let o = object as? SGD else { return "optimizer" }
            return "optimizer (sgd, lr \(o.learningRate))"
        })
}

extension Adam: LuaBindable {
    /// The Lua class of Adam/AdamW optimizers (`t:optimizer(m)` of a `train.adam{…}` trainer).
    public static let luaClass = LuaClass(
        name: "adam optimizer",
        doc: """
            Adam or AdamW over a model's parameters (PyTorch's rules). opt:step() applies one update from \
            the accumulated gradients; opt.lr can be changed between steps. Pruning masks are honoured: \
            masked weights and their moments stay exactly zero.
            """,
        methods: [
            LuaFunctionSpec("step", "opt:step() → opt", "One Adam (AdamW) update of every parameter from its accumulated gradient.") { lua in
                let opt = try lua.check(1, Adam.self, "self")
                try lua.checkArgumentCount(max: 1)
                try opt.step()
                lua.pushCopy(1)
                return 1
            },
            LuaFunctionSpec("zero_grad", "opt:zero_grad() → opt", "Sets the gradients of the optimizer's parameters to zero.") { lua in
                let opt = try lua.check(1, Adam.self, "self")
                try lua.checkArgumentCount(max: 1)
                opt.zeroGradients()
                lua.pushCopy(1)
                return 1
            },
        ],
        metamethods: ["__tostring": { lua in
            let o = try lua.check(1, Adam.self, "self")
            lua.push("optimizer: \(o.decoupled ? "AdamW" : "Adam") over \(o.parameters.count) tensors, lr = \(o.learningRate), betas = {\(o.beta1), \(o.beta2)}, eps = \(o.epsilon), weight_decay = \(o.weightDecay), \(o.steps) steps taken")
            return 1
        }],
        fields: [
            field("lr", "the learning rate (may be assigned between steps)") { lua, o in lua.push(o.learningRate) },
            field("betas", "{β1, β2}, the decay rates of the moment estimates") { lua, o in lua.push(array: [o.beta1, o.beta2]) },
            field("eps", "the denominator's ε") { lua, o in lua.push(o.epsilon) },
            field("weight_decay", "the weight decay (decoupled for AdamW)") { lua, o in lua.push(o.weightDecay) },
            field("steps", "updates taken so far") { lua, o in lua.push(o.steps) },
        ],
        elements: OptimizerFields.onlyNames,
        newIndex: { lua in
            let o = try lua.check(1, Adam.self, "self")
            guard lua.string(2) == "lr" else {
                throw lua.error("only opt.lr can be changed (got \(lua.describe(2)))")
            }
            guard let lr = lua.number(3), lr >= 0, lr.isFinite else { throw lua.argumentError(3, "lr", expected: "a finite number ≥ 0") }
            o.learningRate = lr
            return 0
        },
        describe: { object in
            guard let o = object as? Adam else { return "optimizer" }
            return "optimizer (\(o.decoupled ? "adamw" : "adam"), lr \(o.learningRate))"
        })
}

/// What the optimizers' classes answer for keys that are neither methods nor fields.
enum OptimizerFields {
    /// Other string keys are nil; anything else is an error.
    static let onlyNames: LuaBody = { lua in
        guard lua.string(2) != nil else { throw lua.argumentError(2, "key", expected: "a method or field name") }
        return 0
    }
}
