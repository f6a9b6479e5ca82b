import Testing
@testable import Engine

/// Random crop with zero padding and horizontal flip: exact placements and invariants.
@Suite struct DataAugmentationTests {
    /// A 2×3×4 image with distinct values 1…24.
    static let image: [Float] = (1...24).map(Float.init)

    static func apply(_ p: ImageAugmentation.Placement, _ source: [Float], _ c: Int = 2, _ h: Int = 3, _ w: Int = 4) -> [Float] {
        var out = [Float](repeating: .nan, count: source.count)
        source.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                ImageAugmentation.apply(p, from: s.baseAddress!, to: d.baseAddress!, channels: c, height: h, width: w)
            }
        }
        return out
    }

    @Test func flippingTwiceIsTheIdentity() {
        let flip = ImageAugmentation.Placement(shiftY: 0, shiftX: 0, flipped: true)
        let once = Self.apply(flip, Self.image)
        #expect(once != Self.image)
        #expect(Array(once[0..<4]) == [4, 3, 2, 1])  // first row mirrored
        #expect(Self.apply(flip, once) == Self.image)
        #expect(Self.apply(.identity, Self.image) == Self.image)
    }

    @Test func cropShiftsValuesAndFillsZeros() {
        // Shift down-right by one: out[y][x] = in[y-1][x-1] → shiftY = shiftX = -1.
        let out = Self.apply(ImageAugmentation.Placement(shiftY: -1, shiftX: -1, flipped: false), Self.image)
        #expect(Array(out[0..<12]) == [0, 0, 0, 0,
                                       0, 1, 2, 3,
                                       0, 5, 6, 7])
        #expect(Array(out[12..<24]) == [0, 0, 0, 0,
                                         0, 13, 14, 15,
                                         0, 17, 18, 19])
        // Up-left by two columns and one row, mirrored.
        let m = Self.apply(ImageAugmentation.Placement(shiftY: 1, shiftX: 2, flipped: true), Self.image)
        // Output column x reads source column (3 − x) + 2: x = 0,1 → 5,4 (outside), x = 2 → 3, x = 3 → 2.
        #expect(Array(m[0..<12]) == [0, 0, 8, 7,
                                     0, 0, 12, 11,
                                     0, 0, 0, 0])
        // A shift beyond the image leaves only zeros.
        #expect(Self.apply(ImageAugmentation.Placement(shiftY: 0, shiftX: 4, flipped: false), Self.image).allSatisfy { $0 == 0 })
    }

    @Test func drawsCoverEveryPlacementUniformly() throws {
        let aug = try ImageAugmentation(padding: 2, flip: true)
        var generator = RandomGenerator(seed: 3)
        var counts: [String: Int] = [:]
        for _ in 0..<50_000 {
            let p = aug.draw(&generator)
            #expect((-2...2).contains(p.shiftY) && (-2...2).contains(p.shiftX))
            counts["\(p.shiftY),\(p.shiftX),\(p.flipped)", default: 0] += 1
        }
        #expect(counts.count == 50)
        // 1000 expected per placement; 5 sigma ≈ 160.
        #expect(counts.values.allSatisfy { abs($0 - 1000) < 160 })
        #expect(throws: EngineError.self) { try ImageAugmentation(padding: -1, flip: false) }
    }

    @Test func augmentedBatchesArePlacementsOfTheirSources() throws {
        let n = 40
        let values = (0..<n).flatMap { i in (0..<24).map { Float(i * 100 + $0 + 1) } }
        let store = try SampleStore.copying(inputs: try Tensor(shape: [n, 2, 3, 4], values: values), labels: Array(repeating: 0, count: n))
        let plain = SampleDataset(store: store)
        let ds = try plain.augmented(try ImageAugmentation(padding: 1, flip: true))
        // Without a generator: untouched.
        var none: RandomGenerator? = nil
        #expect(try ds.batch(Array(0..<n), augmentation: &none).inputs.scalars(as: Float.self) == values)
        var generator: RandomGenerator? = RandomGenerator(seed: 11)
        let out = try ds.batch(Array(0..<n), augmentation: &generator).inputs.scalars(as: Float.self)
        // Replay the draws: each image must be exactly its drawn placement of its source.
        var replay = RandomGenerator(seed: 11)
        var changed = 0
        for i in 0..<n {
            let p = ds.augmentation!.draw(&replay)
            let source = Array(values[(i * 24)..<((i + 1) * 24)])
            let expected = Self.apply(p, source)
            #expect(Array(out[(i * 24)..<((i + 1) * 24)]) == expected)
            if p != .identity { changed += 1 }
        }
        #expect(changed > 30)
        // The generator advanced exactly as the replay did.
        #expect(generator?.next() == replay.next())
        // Normalisation comes after augmentation: padding reads (0 − mean)/std.
        let normalized = try ds.normalized(mean: [10], std: [2])
        var g2: RandomGenerator? = RandomGenerator(seed: 11)
        let nOut = try normalized.batch(Array(0..<n), augmentation: &g2).inputs.scalars(as: Float.self)
        for (a, b) in zip(nOut, out) { #expect(abs(a - (b - 10) / 2) < 1e-4) }
        #expect(nOut.contains(-5))
    }

    @Test func augmentationNeedsImages() throws {
        let store = try SampleStore.copying(inputs: try Tensor(zeros: [2, 5]), labels: [0, 1])
        #expect(throws: EngineError.self) { try SampleDataset(store: store).augmented(try ImageAugmentation(padding: 1, flip: false)) }
    }
}
