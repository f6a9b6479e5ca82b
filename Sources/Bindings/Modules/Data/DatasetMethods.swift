import CLua
import Engine

/// Methods, metamethods and fields of dataset objects.
enum DatasetMethods {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("get", "ds:get(i)",
                        "Sample i (1…#ds): its image (a float32 tensor of shape ds.shape, normalised if the dataset is, never augmented) and its label (1…ds.classes).") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            let i = try sampleIndex(lua, 2, ds)
            try lua.checkArgumentCount(max: 2)
            lua.push(object: try ds.sample(at: i))
            lua.push(try ds.label(at: i) + 1)
            return 2
        },
        LuaFunctionSpec("subset", "ds:subset(first [, count])",
                        "A view of samples first … first+count−1 (1-based; to the end when count is omitted). Shares the images, normalisation and augmentation.") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            let first = try lua.checkInteger(2, "first")
            guard first >= 1, first <= ds.count + 1 else {
                throw lua.argumentError(2, "first", expected: "a sample index in 1…\(ds.count)")
            }
            let rest = ds.count - (first - 1)
            let count = try lua.optionalInteger(3, "count") ?? rest
            guard count >= 0, count <= rest else {
                throw lua.argumentError(3, "count", expected: "a count in 0…\(rest) (samples \(first) to \(ds.count))")
            }
            try lua.checkArgumentCount(max: 3)
            lua.push(object: try ds.subset(first: first - 1, count: count))
            return 1
        },
        LuaFunctionSpec("split", "ds:split(fraction, seed)",
                        "Two disjoint views holding every sample between them: a seeded random round(fraction·#ds) samples, and the rest (each in the dataset's order). The same seed gives the same split.") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            let fraction = try lua.checkNumber(2, "fraction")
            guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
                throw lua.argumentError(2, "fraction", expected: "a number in [0, 1]")
            }
            let seed = try lua.checkInteger(3, "seed")
            try lua.checkArgumentCount(max: 3)
            let (a, b) = try ds.split(fraction: fraction, seed: lua.seed(seed))
            lua.push(object: a)
            lua.push(object: b)
            return 2
        },
        LuaFunctionSpec("batches", "ds:batches(n [, {…}])", options: [
            LuaOption("shuffle", .boolean, default: "false", "visit the samples in the seeded order of the epoch"),
            LuaOption("seed", .integer, shown: "s", "the seed of the order and augmentation (required with shuffle or augment)"),
            LuaOption("epoch", .integer, default: "1", "the epoch (each has its own order and draws)"),
            LuaOption("augment", .boolean, default: "false", "apply the dataset's augmentation (ds:augment)"),
            LuaOption("drop_last", .boolean, default: "false", "leave out a final short batch"),
        ], at: 3,
                        """
                        An iterator over batches of n samples: `for x, y in ds:batches(128, {shuffle = true, seed = 1}) do … end`. \
                        x is a float32 tensor n×shape (normalised if the dataset is), y a float32 tensor of n labels in 1…classes. \
                        shuffle visits samples in the seeded order of that epoch (data.epoch_order; the same seed and epoch give \
                        the same order, as the trainer uses); augment applies the dataset's augmentation (ds:augment) with draws \
                        seeded by seed, epoch and batch. seed is required with shuffle or augment. drop_last leaves out a final short batch.
                        """) { lua, options in
            let ds = try lua.check(1, SampleDataset.self, "self")
            let size = try lua.checkInteger(2, "n")
            guard size >= 1 else { throw lua.argumentError(2, "n", expected: "a positive batch size") }
            try lua.checkArgumentCount(max: 3)
            let shuffle = try options.boolean("shuffle") ?? false
            let augment = try options.boolean("augment") ?? false
            let epoch = try options.integer("epoch", in: 1...Int(Int32.max)) ?? 1
            let seed = try options.integer("seed")
            if (shuffle || augment) && seed == nil {
                throw lua.error("option 'seed' is required with shuffle or augment (every random choice is seeded)")
            }
            if augment && ds.augmentation == nil {
                throw lua.error("option 'augment': this dataset has no augmentation (make one with ds:augment{crop = 4, flip = true})")
            }
            let order = try EpochOrder(seed: lua.seed(seed ?? 0), epoch: epoch - 1, count: ds.count, batchSize: size,
                                       shuffle: shuffle, dropLast: try options.boolean("drop_last") ?? false)
            let cursor = BatchCursor(dataset: ds, order: order, augment: augment)
            lua.push(function: "dataset:batches iterator") { lua in try cursor.next(lua) }
            return 1
        },
        LuaFunctionSpec("normalize", "ds:normalize([mean, std])",
                        "A view whose values are (x − mean)/std per channel. mean and std are numbers or tables with one value per channel; without arguments, the dataset's own ds:stats(). Normalise a test set with its training set's statistics: test:normalize(train:stats()).") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            try lua.checkArgumentCount(max: 3)
            let mean: [Double], std: [Double]
            if lua.isNoneOrNil(2) && lua.isNoneOrNil(3) {
                (mean, std) = try ds.statistics()
            } else {
                mean = try lua.checkNumbers(2, "mean")
                std = try lua.checkNumbers(3, "std")
            }
            do {
                lua.push(object: try ds.normalized(mean: mean, std: std))
            } catch let e as EngineError {
                throw lua.error("\(e.message) (the dataset has \(ds.channelCount) channel\(ds.channelCount == 1 ? "" : "s"))")
            }
            return 1
        },
        LuaFunctionSpec("stats", "ds:stats()",
                        "The mean and (population) standard deviation of each channel's values, as read (scaled and normalised), as two tables: `local mean, std = ds:stats()`.") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            try lua.checkArgumentCount(max: 1)
            let (mean, std) = try ds.statistics()
            lua.push(array: mean)
            lua.push(array: std)
            return 2
        },
        LuaFunctionSpec("augment", "ds:augment{crop = p, flip = bool}",
                        "A view with training augmentation: a random crop with p pixels of zero padding (the image shifts by up to p pixels, uncovered pixels are 0 before normalisation) and, with flip, a horizontal flip with probability ½. It applies only where a generator is given: the trainer's batches, or ds:batches(n, {augment = true, seed = s}); ds[i] and evaluation see the plain images. Needs image samples (C×H×W).") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            let options = try lua.options(2, known: ["crop", "flip"])
            guard lua.type(2) == .table else { throw lua.argumentError(2, "options", expected: "a table {crop = p, flip = bool}") }
            try lua.checkArgumentCount(max: 2)
            let crop = try options.integer("crop", in: 0...ImageAugmentation.maxPadding) ?? 0
            let flip = try options.boolean("flip") ?? false
            if ds.sampleShape.count == 3, crop >= min(ds.sampleShape[1], ds.sampleShape[2]) {
                throw lua.error("option 'crop': expected a padding smaller than the image (\(Shape.describe(Array(ds.sampleShape.dropFirst())))), got \(crop)")
            }
            lua.push(object: try ds.augmented(try ImageAugmentation(padding: crop, flip: flip)))
            return 1
        },
        LuaFunctionSpec("tensors", "ds:tensors()",
                        "Every sample as one batch: x (float32, #ds×shape, normalised, unaugmented) and y (float32 labels 1…classes). For small datasets and probes.") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            try lua.checkArgumentCount(max: 1)
            let batch = try ds.all()
            lua.push(object: batch.inputs)
            lua.push(object: try ClassLabels.tensor(batch.labels, base: 1))
            return 2
        },
        LuaFunctionSpec("labels", "ds:labels()", "The label of every sample (1…classes), as a Lua table.") { lua in
            let ds = try lua.check(1, SampleDataset.self, "self")
            try lua.checkArgumentCount(max: 1)
            lua.push(array: try (0..<ds.count).map { try ds.label(at: $0) + 1 })
            return 1
        },
    ]

    static let metamethods: [String: LuaBody] = [
        "__tostring": { lua in
            lua.push("dataset: " + (try lua.check(1, SampleDataset.self, "self")).description)
            return 1
        },
        "__len": { lua in
            lua.push(try lua.check(1, SampleDataset.self, "self").count)
            return 1
        },
    ]

    /// `ds[i]` (a sample as {image, label}) and the fields `classes`, `class_names`, `shape`, `name`.
    static let index: LuaBody = { lua in
        let ds = try lua.check(1, SampleDataset.self, "self")
        if lua.string(2) != nil { return 0 }  // not a field (the class's fields come first)
        guard let i = lua.integer(2) else {
            throw LuaError("dataset[i]: expected an integer index in 1…\(ds.count), got \(lua.describe(2))")
        }
        guard i >= 1, i <= ds.count else {
            throw LuaError("dataset[i]: index \(i) out of range (the dataset has \(ds.count) samples: 1…\(ds.count))")
        }
        lua.newTable(arrayCapacity: 2)
        lua.push(object: try ds.sample(at: i - 1))
        lua.rawSet(-2, 1)
        lua.push(try ds.label(at: i - 1) + 1)
        lua.rawSet(-2, 2)
        return 1
    }

    /// Argument `index` as a 0-based sample index of `ds`.
    static func sampleIndex(_ lua: Lua, _ index: Int32, _ ds: SampleDataset) throws -> Int {
        guard let i = lua.integer(index), i >= 1, i <= ds.count else {
            throw lua.argumentError(index, "i", expected: ds.count == 0 ? "an index, but the dataset is empty" : "a sample index in 1…\(ds.count)")
        }
        return i - 1
    }
}

/// The state of one `ds:batches(…)` loop.
final class BatchCursor: @unchecked Sendable {  // used by one Lua state's thread only
    let dataset: SampleDataset
    let order: EpochOrder
    let augment: Bool
    private var nextBatch = 0

    init(dataset: SampleDataset, order: EpochOrder, augment: Bool) {
        self.dataset = dataset
        self.order = order
        self.augment = augment
    }

    /// Pushes the next x, y (2 results), or nothing when the epoch is done.
    func next(_ lua: Lua) throws -> Int32 {
        guard nextBatch < order.batchCount else { return 0 }
        let b = nextBatch
        nextBatch += 1
        var generator: RandomGenerator? = augment ? order.augmentationGenerator(batch: b) : nil
        let batch = try dataset.batch(order.batch(b), augmentation: &generator)
        lua.push(object: batch.inputs)
        lua.push(object: try ClassLabels.tensor(batch.labels, base: 1))
        return 2
    }
}
