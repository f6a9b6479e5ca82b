import Testing
@testable import Engine

/// CIFAR binary batches written here in the exact record format, parsed back.
@Suite struct DataCIFARTests {
    /// Image byte of record n (0-based) of file f, channel ch, row r, column c.
    static func pixel(_ f: Int, _ n: Int, _ ch: Int, _ r: Int, _ c: Int) -> UInt8 { UInt8((f * 53 + n * 29 + ch * 101 + r * 7 + c) % 256) }

    static func batch(_ f: Int, records: Int, labels: (Int) -> [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for n in 0..<records {
            bytes += labels(n)
            for ch in 0..<3 { for r in 0..<32 { for c in 0..<32 { bytes.append(pixel(f, n, ch, r, c)) } } }
        }
        return bytes
    }

    @Test func cifar10RecordsAndClassNames() throws {
        let dir = DataTestSupport.scratchDirectory("cifar10")
        defer { DataTestSupport.remove(dir) }
        for f in 1...5 { try FileIO.writeAtomically("\(dir)/data_batch_\(f).bin", Self.batch(f, records: 3) { [UInt8((f + $0) % 10)] }) }
        try FileIO.writeAtomically("\(dir)/test_batch.bin", Self.batch(6, records: 2) { [UInt8(9 - $0)] })
        try FileIO.writeAtomically("\(dir)/batches.meta.txt", Array("airplane\r\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n".utf8))
        let (train, test) = try CIFAR.load10(directory: dir)
        #expect(train.count == 15 && test.count == 2)
        #expect(train.sampleShape == [3, 32, 32] && train.classCount == 10)
        #expect(train.classNames.first == "airplane" && train.classNames.last == "truck")
        #expect(train.labels == (1...5).flatMap { f in (0..<3).map { Int32((f + $0) % 10) } })
        #expect(test.labels == [9, 8])
        // Sample 7 is record 1 of data_batch_3: red, green and blue planes in order.
        let image = try SampleDataset(store: train).sample(at: 7)
        for (ch, r, c) in [(0, 0, 0), (1, 5, 9), (2, 31, 31), (2, 0, 31)] {
            #expect(try image.element([ch, r, c]) == Double(Float(Self.pixel(3, 1, ch, r, c)) / 255))
        }
    }

    @Test func cifar100FineAndCoarse() throws {
        let dir = DataTestSupport.scratchDirectory("cifar100")
        defer { DataTestSupport.remove(dir) }
        let labels: (Int) -> [UInt8] = { [UInt8($0 % 20), UInt8(($0 * 13) % 100)] }
        try FileIO.writeAtomically("\(dir)/train.bin", Self.batch(1, records: 4, labels: labels))
        try FileIO.writeAtomically("\(dir)/test.bin", Self.batch(2, records: 2, labels: labels))
        try FileIO.writeAtomically("\(dir)/coarse_label_names.txt", Array((1...20).map { "c\($0)" }.joined(separator: "\n").utf8))
        let fine = try CIFAR.load100(directory: dir)
        let coarse = try CIFAR.load100(directory: dir, labels: .coarse)
        #expect(fine.train.classCount == 100 && coarse.train.classCount == 20)
        #expect(fine.train.labels == [0, 13, 26, 39])
        #expect(coarse.train.labels == [0, 1, 2, 3])
        #expect(fine.train.classNames[99] == "100")  // no fine_label_names.txt
        #expect(coarse.test.classNames[19] == "c20")
        let image = try SampleDataset(store: coarse.test).sample(at: 1)
        #expect(try image.element([1, 2, 3]) == Double(Float(Self.pixel(2, 1, 1, 2, 3)) / 255))
    }

    @Test func malformedBatchesNameTheFile() throws {
        let dir = DataTestSupport.scratchDirectory("cifarbad")
        defer { DataTestSupport.remove(dir) }
        try FileIO.writeAtomically("\(dir)/train.bin", [UInt8](repeating: 0, count: 3073 * 2))
        try FileIO.writeAtomically("\(dir)/test.bin", Self.batch(1, records: 1) { _ in [0, 0] })
        let size = DataTestSupport.errorMessage { _ = try CIFAR.load100(directory: dir) }
        #expect(size?.contains("\(dir)/train.bin: 6146 bytes is not a whole number of 3074-byte records") == true)
        let missing = DataTestSupport.errorMessage { _ = try CIFAR.load10(directory: dir) }
        #expect(missing?.contains("\(dir)/data_batch_1.bin: cannot open") == true)
        try FileIO.writeAtomically("\(dir)/train.bin", Self.batch(1, records: 2) { [0, UInt8(99 + $0)] })
        let label = DataTestSupport.errorMessage { _ = try CIFAR.load100(directory: dir) }
        #expect(label?.contains("\(dir)/train.bin: record 2 has label 100, expected 0…99") == true)
    }
}
