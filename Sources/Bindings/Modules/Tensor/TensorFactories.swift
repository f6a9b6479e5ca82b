import CLua
import Engine

/// `tensor.zeros`, `ones`, `full`, `eye`, `arange`, `linspace`, `rand`, `randn`, `seed`, `from`.
enum TensorFactories {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("zeros", "tensor.zeros(d1, d2, … [, {dtype=}]) or tensor.zeros{d1, d2, …}",
                        "A tensor of zeros with the given sizes (dtype \"float32\" by default, or \"float64\").") { lua in
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
        LuaFunctionSpec("full", "tensor.full(size, value [, {dtype=}])",
                        "A tensor of the given size (an integer or a table of sizes) with every element value.") { lua in
            let shape: [Int]
            if let n = lua.integer(1) {
                guard n >= 0 else { throw lua.argumentError(1, "size", expected: "a non-negative size") }
                shape = [n]
            } else if lua.type(1) == .table {
                shape = try lua.checkIntegerArray(1, "size")
                if let bad = shape.first(where: { $0 < 0 }) { throw lua.argumentError(1, "size", expected: "non-negative sizes, but one is \(bad)") }
            } else {
                throw lua.argumentError(1, "size", expected: "an integer or a table of sizes")
            }
            let value = try lua.checkNumber(2, "value")
            try lua.checkArgumentCount(max: 3)
            let options = try lua.options(3, known: ["dtype"])
            lua.push(object: try Tensor.full(shape, value: value, dtype: try lua.dtypeOption(options)))
            return 1
        },
        LuaFunctionSpec("eye", "tensor.eye(n [, m] [, {dtype=}])",
                        "The n×m identity matrix (n×n without m): ones on the main diagonal, zeros elsewhere.") { lua in
            let n = try lua.checkInteger(1, "n")
            var m: Int? = nil
            var optionsAt: Int32 = 2
            if lua.type(2) == .number {
                m = try lua.checkInteger(2, "m")
                optionsAt = 3
            }
            try lua.checkArgumentCount(max: optionsAt)
            let options = try lua.options(optionsAt, known: ["dtype"])
            guard n >= 0, (m ?? 0) >= 0 else { throw lua.error("sizes must be non-negative, got \(n)×\(m ?? n)") }
            lua.push(object: try Tensor.eye(n, m, dtype: try lua.dtypeOption(options)))
            return 1
        },
        LuaFunctionSpec("arange", "tensor.arange([start,] stop [, step] [, {dtype=}])",
                        """
                        The values start, start+step, … strictly before stop, as NumPy's arange (start 0 and \
                        step 1 by default): tensor.arange(1, 5) is {1, 2, 3, 4}; tensor.arange(3) is {0, 1, 2}.
                        """) { lua in
            var numbers: [Double] = []
            var i: Int32 = 1
            while i <= lua.top, lua.type(i) == .number { numbers.append(try lua.checkNumber(i)); i += 1 }
            guard (1...3).contains(numbers.count) else {
                throw lua.error("expected 1 to 3 numbers ([start,] stop [, step]), got \(numbers.count)")
            }
            try lua.checkArgumentCount(max: i)
            let options = try lua.options(i, known: ["dtype"])
            let (start, stop) = numbers.count == 1 ? (0, numbers[0]) : (numbers[0], numbers[1])
            let step = numbers.count == 3 ? numbers[2] : 1
            lua.push(object: try Tensor.arange(start, stop, step: step, dtype: try lua.dtypeOption(options)))
            return 1
        },
        LuaFunctionSpec("linspace", "tensor.linspace(start, stop, n [, {dtype=}])",
                        "n evenly spaced values from start to stop, both included.") { lua in
            let start = try lua.checkNumber(1, "start"), stop = try lua.checkNumber(2, "stop")
            let n = try lua.checkInteger(3, "n")
            guard n >= 0 else { throw lua.argumentError(3, "n", expected: "a non-negative count") }
            try lua.checkArgumentCount(max: 4)
            let options = try lua.options(4, known: ["dtype"])
            lua.push(object: try Tensor.linspace(start, stop, count: n, dtype: try lua.dtypeOption(options)))
            return 1
        },
        LuaFunctionSpec("rand", "tensor.rand(d1, d2, … [, {seed=, dtype=}])",
                        """
                        Uniform random values in [0, 1). With {seed = n} the values come from a fresh generator \
                        seeded with n (the same n always gives the same values); without, from the session \
                        generator (see tensor.seed). Generator: xoshiro256** seeded by SplitMix64.
                        """) { lua in
            let args = try lua.shapeAndOptions(from: 1, known: ["seed", "dtype"])
            let dtype = try lua.dtypeOption(args.options)
            if let seed = try args.options.integer("seed", in: 0...Int.max) {
                lua.push(object: try Tensor.rand(args.shape, seed: UInt64(seed), dtype: dtype))
            } else {
                let session = SessionRandom.of(lua)
                lua.push(object: try Tensor.rand(args.shape, generator: &session.generator, dtype: dtype))
            }
            return 1
        },
        LuaFunctionSpec("randn", "tensor.randn(d1, d2, … [, {seed=, dtype=}])",
                        """
                        Standard normal random values (mean 0, standard deviation 1, Box–Muller). Seeding as \
                        tensor.rand.
                        """) { lua in
            let args = try lua.shapeAndOptions(from: 1, known: ["seed", "dtype"])
            let dtype = try lua.dtypeOption(args.options)
            if let seed = try args.options.integer("seed", in: 0...Int.max) {
                lua.push(object: try Tensor.randn(args.shape, seed: UInt64(seed), dtype: dtype))
            } else {
                let session = SessionRandom.of(lua)
                lua.push(object: try Tensor.randn(args.shape, generator: &session.generator, dtype: dtype))
            }
            return 1
        },
        LuaFunctionSpec("seed", "tensor.seed(n)",
                        "Re-seeds the session generator used by tensor.rand/randn without {seed = …} (n ≥ 0). It starts seeded with 0.") { lua in
            let n = try lua.checkInteger(1, "n", in: 0...Int.max)
            try lua.checkArgumentCount(max: 1)
            SessionRandom.of(lua).generator = RandomGenerator(seed: UInt64(n))
            return 0
        },
        LuaFunctionSpec("from", "tensor.from(data [, {dtype=}])",
                        """
                        A tensor from nested tables of numbers: tensor.from{{1, 2}, {3, 4}} is 2×2. Tables at \
                        one depth must have equal lengths (ragged data is an error). A number gives a 0-d \
                        tensor; a tensor gives a copy. dtype "float32" by default.
                        """) { lua in
            try lua.checkArgumentCount(max: 2)
            let options = try lua.options(2, known: ["dtype"])
            let dtype = try lua.dtypeOption(options)
            if let t = lua.object(1, as: Tensor.self) {
                lua.push(object: try t.converted(to: dtype, forceCopy: true))
            } else {
                lua.push(object: try TensorConversion.tensor(from: lua, at: 1, dtype: dtype))
            }
            return 1
        },
    ]
}
