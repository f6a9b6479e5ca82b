import Testing
@testable import Engine

/// The seeded per-epoch data order shared by every model of a study.
@Suite struct DataEpochOrderTests {
    @Test func shuffledOrdersArePermutations() throws {
        let order = try EpochOrder(seed: 7, epoch: 0, count: 1000, batchSize: 128, shuffle: true)
        #expect(order.indices.sorted() == Array(0..<1000))
        #expect(order.indices != Array(0..<1000))
        #expect(order.batchCount == 8)
        #expect(order.batches.map(\.count) == [128, 128, 128, 128, 128, 128, 128, 104])
        #expect(order.batches.flatMap { $0 } == order.indices)
        #expect(order.batch(8).isEmpty && order.batch(-1).isEmpty)
    }

    @Test func theSameSeedAndEpochRepeatOthersDiffer() throws {
        func indices(_ seed: UInt64, _ epoch: Int) throws -> [Int] {
            try EpochOrder(seed: seed, epoch: epoch, count: 500, batchSize: 10, shuffle: true).indices
        }
        #expect(try indices(1, 0) == indices(1, 0))
        #expect(try indices(1, 0) != indices(2, 0))
        #expect(try indices(1, 0) != indices(1, 1))
        #expect(try indices(1, 1) != indices(2, 0))
        // The definition: RandomGenerator(seed: mix(seed, epoch, 1)).permutation(count).
        var g = RandomGenerator(seed: EpochOrder.mix(1, 3, 1))
        #expect(try indices(1, 3) == g.permutation(500))
    }

    @Test func unshuffledAndDropLast() throws {
        let order = try EpochOrder(seed: 1, epoch: 4, count: 10, batchSize: 4, shuffle: false, dropLast: true)
        #expect(order.batches == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(try EpochOrder(seed: 1, epoch: 0, count: 0, batchSize: 4, shuffle: true).batchCount == 0)
        #expect(throws: EngineError.self) { try EpochOrder(seed: 1, epoch: -1, count: 10, batchSize: 4, shuffle: true) }
        #expect(throws: EngineError.self) { try EpochOrder(seed: 1, epoch: 0, count: 10, batchSize: 0, shuffle: true) }
    }

    @Test func augmentationGeneratorsDependOnSeedEpochAndBatchOnly() throws {
        let a = try EpochOrder(seed: 5, epoch: 2, count: 100, batchSize: 10, shuffle: true)
        let b = try EpochOrder(seed: 5, epoch: 2, count: 7, batchSize: 3, shuffle: false)
        var g1 = a.augmentationGenerator(batch: 4), g2 = b.augmentationGenerator(batch: 4)
        #expect(g1.next() == g2.next())
        var g3 = a.augmentationGenerator(batch: 5), g4 = try EpochOrder(seed: 5, epoch: 3, count: 100, batchSize: 10, shuffle: true).augmentationGenerator(batch: 4)
        var g5 = a.augmentationGenerator(batch: 4)
        let first = g5.next()
        #expect(g3.next() != first && g4.next() != first)
    }
}
