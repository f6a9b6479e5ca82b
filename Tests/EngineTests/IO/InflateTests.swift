import Testing
@testable import Engine

@Suite struct InflateTests {
    @Test func rawDeflateRoundTrips() throws {
        let input = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 % 251) }
        let packed = try Inflate.deflateRaw(input)
        #expect(packed.count < input.count)
        #expect(try Inflate.decompress(packed, format: .raw, expectedSize: input.count, name: "x") == input)
        #expect(try Inflate.decompress(packed, format: .raw, name: "x") == input)
    }

    @Test func truncatedAndCorruptStreamsAreErrors() throws {
        let packed = try Inflate.deflateRaw([UInt8](repeating: 42, count: 10_000))
        #expect(throws: EngineError.self) { try Inflate.decompress(Array(packed.prefix(packed.count / 2)), format: .raw, name: "x") }
        #expect(throws: EngineError.self) { try Inflate.decompress([0xFF, 0xFF, 0xFF], format: .gzip, name: "x") }
        #expect(throws: EngineError.self) { try Inflate.decompress(packed, format: .raw, expectedSize: 9_999, name: "x") }
    }

    @Test func gunzipsFashionMNISTLabels() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
        let bytes = try Inflate.decompress(try FileIO.read(path), format: .gzip, name: path)
        #expect(bytes.count == 10_008)
        #expect(Array(bytes.prefix(8)) == [0, 0, 8, 1, 0, 0, 0x27, 0x10])  // magic 2049, 10000 items
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let path = "/tmp/prunelab-fileio-\(getpid()).bin"
        try FileIO.writeAtomically(path, [1, 2, 3])
        try FileIO.writeAtomically(path, [4, 5])
        #expect(try FileIO.read(path) == [4, 5])
        #expect(throws: EngineError.self) { try FileIO.read("/nonexistent/file") }
        #expect(throws: EngineError.self) { try FileIO.read("/tmp") }
    }
}

#if canImport(Glibc)
import Glibc
#endif
