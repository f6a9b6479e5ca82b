import Testing
@testable import Engine
#if canImport(Glibc)
import Glibc
#endif

import Synchronization

private let scratchCounter = Atomic<Int>(0)

/// A scratch directory for one test, removed (with its files) when the test ends.
final class ScratchDirectory {
    let path: String
    init() {
        path = "/tmp/prunelab-tests-\(getpid())-\(scratchCounter.add(1, ordering: .relaxed).newValue)"
        mkdir(path, 0o755)
    }
    deinit {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

@Suite final class TensorFileTests {
    let directory = ScratchDirectory()

    /// A fresh path in this test's scratch directory.
    func scratch(_ name: String) -> String { "\(directory.path)/\(name)" }

    let a = try! Tensor.randn([3, 4], seed: 11, dtype: .float32)  // test fixture, not user input
    let b = try! Tensor.randn([2, 3, 2], seed: 12, dtype: .float64)

    @Test func npyRoundTripsBothTypesAndViews() throws {
        for (i, t) in [a, b, try b.permuted([2, 0, 1]), try Tensor.zeros([0, 5]), try Tensor(scalar: 2.5)].enumerated() {
            let path = scratch("rt\(i).npy")
            try NPY.save(t, to: path)
            let back = try NPY.load(path)
            #expect(back.shape == t.shape && back.dtype == t.dtype)
            #expect(back.scalars(as: Double.self) == t.scalars(as: Double.self))
            let bytes = try FileIO.read(path)
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            #expect((10 + headerLength) % 64 == 0)
            #expect(bytes.count == 10 + headerLength + t.count * t.dtype.byteSize)
        }
        let header = String(decoding: NPY.encodeHeader(shape: [3], type: .float32), as: UTF8.self)
        #expect(header.contains("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))
        #expect(String(decoding: NPY.encodeHeader(shape: [], type: .float64), as: UTF8.self).contains("'shape': ()"))
    }

    /// Builds a .npy file by hand: `descr`, `fortran`, shape text and raw data.
    func npy(_ descr: String, fortran: Bool = false, shape: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        var dict = Array("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }".utf8)
        let prefix = version == 1 ? 10 : 12
        while (prefix + dict.count + 1) % 64 != 0 { dict.append(0x20) }
        dict.append(0x0A)
        var out = NPY.magic + [version, 0]
        if version == 1 { out += [UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] } else { out += [UInt8(dict.count & 0xFF), UInt8(dict.count >> 8), 0, 0] }
        return out + dict + data
    }

    func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } }
    }

    @Test func npyIntegerBoolFortranAndVersions() throws {
        let cases: [(String, [UInt8], DType, [Double])] = [
            ("<i4", le([Int32(-3), 7, 2_000_000_000]), .float64, [-3, 7, 2e9]),
            ("<i8", le([Int64(1) << 53, -5, 0]), .float64, [9_007_199_254_740_992, -5, 0]),
            ("|u1", [0, 200, 255], .float32, [0, 200, 255]),
            ("|b1", [1, 0, 1], .float32, [1, 0, 1]),
            ("<i2", le([Int16(-32768), 1, 32767]), .float32, [-32768, 1, 32767]),
            ("<u8", le([UInt64(3), 4, 5]), .float64, [3, 4, 5]),
            ("<f2", le([UInt16(0x3C00), 0xC000, 0x3800]), .float32, [1, -2, 0.5]),
        ]
        for (i, (descr, data, dtype, values)) in cases.enumerated() {
            let path = scratch("int\(i).npy")
            try FileIO.writeAtomically(path, npy(descr, shape: "(3,)", data: data))
            let t = try NPY.load(path)
            #expect(t.dtype == dtype, "\(descr)")
            #expect(t.scalars(as: Double.self) == values, "\(descr)")
        }
        // Beyond 2^53 is an error naming the file and the element.
        let big = scratch("big.npy")
        try FileIO.writeAtomically(big, npy("<i8", shape: "(2,)", data: le([Int64(1), (Int64(1) << 53) + 1])))
        #expect(throws: EngineError.self) { try NPY.load(big) }
        do { _ = try NPY.load(big) } catch let e as EngineError {
            #expect(e.message.contains(big) && e.message.contains("element 1") && e.message.contains("2^53"))
        }
        // Fortran order: the 2×3 matrix [[1,2,3],[4,5,6]] stored column by column.
        let f = scratch("fortran.npy")
        try FileIO.writeAtomically(f, npy("<f8", fortran: true, shape: "(2, 3)", data: le([1.0, 4, 2, 5, 3, 6].map { $0.bitPattern })))
        let ft = try NPY.load(f)
        #expect(ft.shape == [2, 3] && ft.isContiguous && ft.scalars(as: Double.self) == [1, 2, 3, 4, 5, 6])
        // Version 2.0 header and Python-2 style long integers.
        let v2 = scratch("v2.npy")
        try FileIO.writeAtomically(v2, npy("<f4", shape: "(2L,)", data: le([Float(1.5).bitPattern, Float(-1).bitPattern]), version: 2))
        #expect(try NPY.load(v2).scalars(as: Double.self) == [1.5, -1])
    }

    @Test func brokenNpyFilesAreErrorsNamingTheFile() throws {
        let good = npy("<f4", shape: "(2, 2)", data: le([Float](repeating: 1, count: 4).map { $0.bitPattern }))
        var corpus: [(String, [UInt8])] = []
        for cut in [0, 1, 5, 8, 9, 10, 40, 63, 64, 70, good.count - 1] { corpus.append(("truncated at \(cut)", Array(good.prefix(cut)))) }
        corpus.append(("trailing bytes", good + [0]))
        corpus.append(("bad magic", [0x94] + good.dropFirst()))
        corpus.append(("version 9", Array(good.prefix(6)) + [9] + good.dropFirst(7)))
        corpus.append(("huge header length", Array(good.prefix(8)) + [0xFF, 0xFF] + good.dropFirst(10)))
        for (descr, shape) in [(">f4", "(2, 2)"), ("<c8", "(2, 2)"), ("|O", "(2, 2)"), ("<f4", "(2, -2)"), ("<f4", "(2, x)"),
                               ("<f4", "(4611686018427387904, 4)"), ("<f4", "[2, 2]")] {
            corpus.append(("descr \(descr) shape \(shape)", npy(descr, shape: shape, data: Array(good.suffix(16)))))
        }
        corpus.append(("structured", Array("\u{93}NUMPY".utf8.dropFirst(0)) + []))
        var dict = Array("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }".utf8)
        while (10 + dict.count + 1) % 64 != 0 { dict.append(0x20) }
        dict.append(0x0A)
        corpus.append(("record array", NPY.magic + [1, 0, UInt8(dict.count), 0] + dict + [0, 0, 0, 0]))
        var missingKey = Array("{'descr': '<f4', 'shape': (1,), }".utf8)
        while (10 + missingKey.count + 1) % 64 != 0 { missingKey.append(0x20) }
        missingKey.append(0x0A)
        corpus.append(("missing key", NPY.magic + [1, 0, UInt8(missingKey.count), 0] + missingKey + [0, 0, 0, 0]))
        for (i, (what, bytes)) in corpus.enumerated() {
            let path = scratch("broken\(i).npy")
            try FileIO.writeAtomically(path, bytes)
            do {
                _ = try NPY.load(path)
                Issue.record("\(what): loaded without error")
            } catch let e as EngineError {
                #expect(e.message.hasPrefix(path), "\(what): \(e.message)")
            }
        }
        #expect(throws: EngineError.self) { try NPY.load(scratch("does-not-exist.npy")) }
    }

    @Test func npzRoundTripsStoredAndCompressed() throws {
        for compressed in [false, true] {
            let path = scratch("pair\(compressed).npz")
            try NPZ.save(path, tensors: [("a", a), ("b.weight", b), ("empty", try Tensor.zeros([0]))], compressed: compressed)
            #expect(try NPZ.keys(path) == ["a", "b.weight", "empty"])
            #expect(try NPZ.load(path, key: "b.weight").scalars(as: Double.self) == b.scalars(as: Double.self))
            let all = try NPZ.loadAll(path)
            #expect(all.map(\.name) == ["a", "b.weight", "empty"])
            #expect(all[0].tensor.dtype == .float32 && all[0].tensor.scalars(as: Float.self) == a.scalars(as: Float.self))
            #expect(throws: EngineError.self) { try NPZ.load(path, key: "c") }
            // Same tensors, same bytes.
            let again = scratch("again\(compressed).npz")
            try NPZ.save(again, tensors: [("a", a), ("b.weight", b), ("empty", try Tensor.zeros([0]))], compressed: compressed)
            #expect(try FileIO.read(path) == FileIO.read(again))
        }
        #expect(throws: EngineError.self) { try NPZ.save(scratch("dup.npz"), tensors: [("a", a), ("a", b)]) }
    }

    @Test func zip64RecordsRoundTrip() throws {
        for compressed in [false, true] {
            let path = scratch("forced64-\(compressed).npz")
            try NPZ.save(path, tensors: [("a", a), ("b", b)], compressed: compressed, forceZip64: true)
            let bytes = try FileIO.read(path)
            // A zip64 end-of-central-directory record (PK\x06\x06) and locator (PK\x06\x07) are present.
            let hasRecord = (0..<(bytes.count - 4)).contains { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 6 && bytes[$0 + 3] == 6 }
            let hasLocator = (0..<(bytes.count - 4)).contains { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 6 && bytes[$0 + 3] == 7 }
            #expect(hasRecord && hasLocator)
            #expect(try NPZ.keys(path) == ["a", "b"])
            #expect(try NPZ.load(path, key: "b").scalars(as: Double.self) == b.scalars(as: Double.self))
            #expect(try NPZ.load(path, key: "a").scalars(as: Float.self) == a.scalars(as: Float.self))
        }
    }

    @Test func brokenNpzFilesAreErrors() throws {
        let path = scratch("base.npz")
        try NPZ.save(path, tensors: [("a", a)], compressed: true)
        let good = try FileIO.read(path)
        var corpus: [(String, [UInt8])] = []
        for cut in stride(from: 0, to: good.count, by: 7) { corpus.append(("truncated at \(cut)", Array(good.prefix(cut)))) }
        // The central directory is authoritative (as in other zip readers), so corruption is
        // planted in the local signature, the compressed data and the directory's fields.
        for at in [1, 40, 60] {
            var bad = good
            bad[at] ^= 0x5A
            corpus.append(("flipped byte \(at)", bad))
        }
        var badMethod = good
        if let c = (0..<(good.count - 4)).last(where: { good[$0] == 0x50 && good[$0 + 1] == 0x4B && good[$0 + 2] == 0x01 && good[$0 + 3] == 0x02 }) {
            badMethod[c + 10] = 12  // bzip2
            corpus.append(("method 12", badMethod))
            var lying = good
            lying[c + 24] = 0xFF; lying[c + 25] = 0xFF  // uncompressed size
            var huge = good
            huge[c + 24] = 0xFE; huge[c + 25] = 0xFF; huge[c + 26] = 0xFF; huge[c + 27] = 0xFF  // claims ~4 GB
            corpus.append(("claims 4 GB uncompressed", huge))
            corpus.append(("lying size", lying))
            var offset = good
            offset[c + 42] = 0xF0; offset[c + 43] = 0xFF  // local header offset
            corpus.append(("lying offset", offset))
            var crc = good
            crc[c + 16] ^= 1
            corpus.append(("wrong CRC", crc))
        }
        corpus.append(("not a zip", Array("hello world, definitely not a zip archive".utf8)))
        for (i, (what, bytes)) in corpus.enumerated() {
            let p = scratch("broken\(i).npz")
            try FileIO.writeAtomically(p, bytes)
            do {
                _ = try NPZ.load(p, key: "a")
                Issue.record("\(what): loaded without error")
            } catch let e as EngineError {
                #expect(e.message.hasPrefix(p), "\(what): \(e.message)")
            }
        }
    }

    @Test func safetensorsRoundTripWithMetadata() throws {
        let path = scratch("model.safetensors")
        let meta = ["architecture": "{\"layers\": [\"conv\", \"fc\"]}", "seed": "3", "quote\"d": "line\nbreak é"]
        try Safetensors.write(path, tensors: [("conv.weight", a), ("fc.bias", b), ("empty", try Tensor.zeros([0, 2]))], metadata: meta)
        let (tensors, metadata) = try Safetensors.read(path)
        #expect(metadata == meta)
        #expect(tensors.map(\.name) == ["conv.weight", "fc.bias", "empty"])
        #expect(tensors[0].tensor.dtype == .float32 && tensors[0].tensor.scalars(as: Float.self) == a.scalars(as: Float.self))
        #expect(tensors[1].tensor.dtype == .float64 && tensors[1].tensor.scalars(as: Double.self) == b.scalars(as: Double.self))
        #expect(tensors[2].tensor.shape == [0, 2])
        #expect(try Safetensors.read(path, key: "fc.bias").shape == [2, 3, 2])
        let bytes = try FileIO.read(path)
        let n = Int(ZipArchive.le64(bytes, 0))
        #expect(n % 8 == 0)
        #expect(bytes.count == 8 + n + 12 * 4 + 12 * 8)
        #expect(throws: EngineError.self) { try Safetensors.read(path, key: "nope") }
        #expect(throws: EngineError.self) { try Safetensors.write(scratch("x.safetensors"), tensors: [("__metadata__", a)]) }
    }

    /// A safetensors file from a header text and data bytes.
    func safetensors(_ header: String, _ data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return le([UInt64(h.count)]) + h + data
    }

    @Test func safetensorsIntegerTypes() throws {
        let path = scratch("ints.safetensors")
        let data = le([Int64(-2), 1 << 40]) + [1, 0, 1] + le([UInt16(0x3F80), 0xC000])  // BF16 1, -2
        try FileIO.writeAtomically(path, safetensors("""
            {"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"BOOL","shape":[3],"data_offsets":[16,19]},\
            "h":{"dtype":"BF16","shape":[2],"data_offsets":[19,23]}}
            """, data))
        let (t, _) = try Safetensors.read(path)
        #expect(t[0].name == "i" && t[0].tensor.dtype == .float64 && t[0].tensor.scalars(as: Double.self) == [-2, 1_099_511_627_776])
        #expect(t[1].tensor.dtype == .float32 && t[1].tensor.scalars(as: Double.self) == [1, 0, 1])
        #expect(t[2].tensor.scalars(as: Double.self) == [1, -2])
    }

    @Test func brokenSafetensorsFilesAreErrors() throws {
        let path = scratch("good.safetensors")
        try Safetensors.write(path, tensors: [("w", a), ("v", b)], metadata: ["k": "v"])
        let good = try FileIO.read(path)
        var corpus: [(String, [UInt8])] = []
        for cut in [0, 3, 7, 8, 9, 20, 60, good.count - 100, good.count - 1] { corpus.append(("truncated at \(cut)", Array(good.prefix(cut)))) }
        corpus.append(("trailing byte", good + [0]))
        corpus.append(("absurd header length", le([UInt64(1) << 60]) + good.dropFirst(8)))
        let f32 = [UInt8](repeating: 0, count: 8)
        let headers = [
            ("not json", "{\"w\": {\"dtype\": \"F32\", "),
            ("not an object", "[1, 2]   "),
            ("bad dtype", #"{"w":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}}"#),
            ("wrong size", #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#),
            ("negative shape", #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#),
            ("fractional shape", #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#),
            ("offsets reversed", #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#),
            ("offsets gap", #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#),
            ("offsets overlap", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#),
            ("offsets beyond data", #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#),
            ("missing offsets", #"{"w":{"dtype":"F32","shape":[2]}}"#),
            ("metadata not strings", #"{"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#),
            ("duplicate", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}"#),
            ("absurd shape", #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#),
            ("deep nesting", "{\"a\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"),
            ("huge offsets", #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775800,9223372036854775808]}}"#),
        ]
        for (what, header) in headers { corpus.append((what, safetensors(header, f32))) }
        for (i, (what, bytes)) in corpus.enumerated() {
            let p = scratch("broken\(i).safetensors")
            try FileIO.writeAtomically(p, bytes)
            do {
                _ = try Safetensors.read(p)
                Issue.record("\(what): loaded without error")
            } catch let e as EngineError {
                #expect(e.message.hasPrefix(p), "\(what): \(e.message)")
            }
        }
    }

    @Test func tensorFileChoosesTheFormat() throws {
        let npyPath = scratch("one.npy"), npzPath = scratch("two.npz"), stPath = scratch("two.safetensors")
        try TensorFile.save(a, to: npyPath)
        try TensorFile.save([("x", a), ("y", b)], to: npzPath)
        try TensorFile.save([("x", a), ("y", b)], to: stPath, metadata: ["m": "1"])
        #expect(try TensorFile.load(npyPath).scalars(as: Float.self) == a.scalars(as: Float.self))
        #expect(try TensorFile.load(npzPath, key: "y").shape == b.shape)
        #expect(try TensorFile.load(reference: stPath + ":x").shape == a.shape)
        #expect(try TensorFile.load(reference: npzPath + ":y").dtype == .float64)
        #expect(throws: EngineError.self) { try TensorFile.load(npzPath) }  // two tensors: key needed
        #expect(try TensorFile.keys(stPath) == ["x", "y"])
        #expect(try TensorFile.loadAll(npzPath).count == 2)
        // Single-tensor containers need no key; unknown extensions are sniffed.
        let single = scratch("single.safetensors")
        try TensorFile.save(b, to: single)
        #expect(try TensorFile.keys(single) == [TensorFile.defaultKey])
        #expect(try TensorFile.load(single).shape == b.shape)
        let renamed = scratch("renamed.bin")
        rename(npzPath, renamed)
        #expect(try TensorFile.format(of: renamed) == .npz)
        #expect(throws: EngineError.self) { try TensorFile.save(a, to: scratch("x.txt")) }
        #expect(throws: EngineError.self) { try TensorFile.save([("x", a)], to: scratch("x.npz"), metadata: ["a": "b"]) }
        // Reference splitting.
        #expect(TensorFile.splitReference("a/b.npz:layer:1").path == "a/b.npz")
        #expect(TensorFile.splitReference("a/b.npz:layer:1").key == "layer:1")
        #expect(TensorFile.splitReference("m.SafeTensors:w.0").key == "w.0")
        #expect(TensorFile.splitReference("x.npy").key == nil)
    }

    @Test func jsonParsesAndWrites() throws {
        let j = try JSON.parse(Array(#" {"a": [1, -2.5e3, true, null, "x\u00e9\ud83d\ude00\n"], "b": {}} "#.utf8))
        #expect(j["a"] == .array([.integer(1), .number(-2500), .bool(true), .null, .string("xé😀\n")]))
        #expect(j["b"] == .object([]))
        #expect(try JSON.parse(Array(j.text.utf8)) == j)
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "tru", "1 2", "\"\u{01}\"", "\"\\ud800\""] {
            #expect(throws: EngineError.self, "\(bad)") { try JSON.parse(Array(bad.utf8)) }
        }
    }
}
