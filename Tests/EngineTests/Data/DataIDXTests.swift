import Testing
@testable import Engine

/// IDX files written here in the exact format (plain and gzip), parsed back; malformed ones
/// rejected with errors naming the file.
@Suite struct DataIDXTests {
    /// Byte of image n (0-based), row r, column c.
    static func pixel(_ n: Int, _ r: Int, _ c: Int) -> UInt8 { UInt8((n * 37 + r * 11 + c * 3) % 256) }

    static func images(_ n: Int, _ h: Int, _ w: Int) -> [UInt8] {
        var values: [UInt8] = []
        for i in 0..<n { for r in 0..<h { for c in 0..<w { values.append(pixel(i, r, c)) } } }
        return DataTestSupport.idx([n, h, w], values)
    }

    @Test func plainAndGzipFilesRoundTrip() throws {
        let dir = DataTestSupport.scratchDirectory("idx")
        defer { DataTestSupport.remove(dir) }
        let labels = DataTestSupport.idx([5], [3, 0, 2, 1, 3])
        for gz in [false, true] {
            let imagesPath = "\(dir)/images\(gz ? ".gz" : "")", labelsPath = "\(dir)/labels\(gz ? ".gz" : "")"
            try FileIO.writeAtomically(imagesPath, gz ? try DataTestSupport.gzip(Self.images(5, 3, 4)) : Self.images(5, 3, 4))
            try FileIO.writeAtomically(labelsPath, gz ? try DataTestSupport.gzip(labels) : labels)
            let store = try IDXFile.load(images: imagesPath, labels: labelsPath)
            #expect(store.count == 5)
            #expect(store.sampleShape == [1, 3, 4])
            #expect(store.classCount == 4)  // largest label + 1
            #expect(store.labels == [3, 0, 2, 1, 3])
            #expect(store.classNames == ["1", "2", "3", "4"])
            let ds = SampleDataset(store: store)
            let image = try ds.sample(at: 2).scalars(as: Float.self)
            let expected = (0..<3).flatMap { r in (0..<4).map { c in Float(Self.pixel(2, r, c)) / 255 } }
            for (a, b) in zip(image, expected) { #expect(abs(a - b) < 1e-7) }
        }
    }

    @Test func headerParsing() throws {
        let contents = try IDXFile.parse(DataTestSupport.idx([2, 3], [1, 2, 3, 4, 5, 6]), name: "x")
        #expect(contents.dimensions == [2, 3])
        #expect(contents.values == [1, 2, 3, 4, 5, 6])
        // Sizes are big-endian: 0x00000102 = 258.
        let big = try IDXFile.parse([0, 0, 8, 1, 0, 0, 1, 2] + [UInt8](repeating: 7, count: 258), name: "x")
        #expect(big.dimensions == [258])
    }

    @Test func malformedFilesAreRejectedByName() throws {
        func message(_ bytes: [UInt8]) -> String { DataTestSupport.errorMessage { _ = try IDXFile.parse(bytes, name: "f.idx") } ?? "no error" }
        let good = DataTestSupport.idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(message([0, 0]).contains("f.idx: not an IDX file"))
        #expect(message([0x50, 0x4B, 3, 4]).contains("magic number 50 4b 03 04"))
        #expect(message([0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 0, 0]).contains("unsupported IDX element type 0x0c"))
        #expect(message([0, 0, 8, 9]).contains("9 dimensions"))
        #expect(message(Array(good.prefix(10))).contains("truncated IDX header"))
        #expect(message(Array(good.dropLast())).contains("truncated: the header announces 2×2×2 = 8 values, the file holds 7"))
        #expect(message(good + [0, 0]).contains("2 unexpected bytes"))
        #expect(message([0, 0, 8, 4] + [UInt8](repeating: 0xFF, count: 16)).contains("too many"))
    }

    @Test func mismatchedPairsAreRejected() throws {
        let dir = DataTestSupport.scratchDirectory("idxpair")
        defer { DataTestSupport.remove(dir) }
        try FileIO.writeAtomically("\(dir)/i", Self.images(3, 2, 2))
        try FileIO.writeAtomically("\(dir)/l4", DataTestSupport.idx([4], [0, 1, 0, 1]))
        try FileIO.writeAtomically("\(dir)/l3", DataTestSupport.idx([3], [0, 1, 5]))
        let countMessage = DataTestSupport.errorMessage { _ = try IDXFile.load(images: "\(dir)/i", labels: "\(dir)/l4") }
        #expect(countMessage?.contains("\(dir)/l4: holds 4 labels but \(dir)/i holds 3 images") == true)
        let classMessage = DataTestSupport.errorMessage { _ = try IDXFile.load(images: "\(dir)/i", labels: "\(dir)/l3", classCount: 3) }
        #expect(classMessage?.contains("label 6 of sample 3 is outside the 3 classes") == true)
        let gzMessage = DataTestSupport.errorMessage {
            let packed = try DataTestSupport.gzip(Self.images(3, 2, 2))
            try FileIO.writeAtomically("\(dir)/t.gz", Array(packed.prefix(packed.count - 12)))
            _ = try IDXFile.load(images: "\(dir)/t.gz", labels: "\(dir)/l3")
        }
        #expect(gzMessage?.contains("\(dir)/t.gz") == true)
    }
}
