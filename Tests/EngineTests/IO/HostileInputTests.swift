import Testing
@testable import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Engine's side of issue 16 part 3: inputs that used to crash, hang or double memory.
@Suite struct HostileInputTests {
    @Test func controlCharactersAreEscaped() {
        #expect("plain text, é ü — ok".escapingControlCharacters == "plain text, é ü — ok")
        #expect("\u{1b}[31mred\u{07}".escapingControlCharacters == "\\x1b[31mred\\x07")
        #expect("a\nb\tc\rd\u{7f}\u{9b}".escapingControlCharacters == "a\nb\tc\\x0dd\\x7f\\u{9b}")
        #expect("\u{0}".escapingControlCharacters == "\\x00")
        // Every Engine error is stored escaped.
        #expect(EngineError.file("x\u{1b}.npy", "bad \u{07}").message == "x\\x1b.npy: bad \\x07")
    }

    @Test func saturatingArithmeticSticksAtIntMax() {
        #expect(6.saturatingMultiplied(by: 7) == 42)
        #expect(Int.max.saturatingMultiplied(by: 2) == Int.max)
        #expect((1 << 40).saturatingMultiplied(by: 1 << 40) == Int.max)
        #expect([1 << 31, 1 << 31, 4].saturatingProduct == Int.max)
        #expect([Int.max, 1].saturatingSum == Int.max)
        #expect([2, 3, 4].saturatingProduct == 24 && [2, 3, 4].saturatingSum == 9)
    }

    @Test func shapeInferenceRejectsHugeShapesWithoutOverflow() throws {
        var rng = RandomGenerator(seed: 1)
        let flatten = Flatten(name: "f")
        #expect(try flatten.outputShape(for: [2, 3, 4]) == [24])
        #expect(throws: EngineError.self) { try flatten.outputShape(for: [1 << 31, 1 << 31, 4]) }
        let net = try Sequential([Flatten(name: "f"), Linear(name: "fc", inFeatures: 4, outFeatures: 2, generator: &rng)])
        #expect(throws: EngineError.self) { try Model(root: net, inputShape: [1 << 40, 1 << 40], title: "t") }
        #expect(throws: EngineError.self) { try MaxPool2d(name: "p", kernel: (2, 2), stride: nil, padding: (Int.max, 0)) }
        #expect(throws: EngineError.self) { try Model.mlp(input: [1 << 31, 1 << 31, 4], hidden: [2], classes: 2, seed: 1) }
        // A conv whose output per sample is over the limit: named in the error.
        let conv = try Conv2d(name: "c", inChannels: 1, outChannels: 1024, kernel: (1, 1), generator: &rng)
        let message = DataTestSupport.errorMessage { _ = try Model(root: Sequential([conv]), inputShape: [1, 1 << 20, 1 << 20], title: "t") }
        #expect(message?.contains("c (Conv2d) output: expected at most \(Storage.maxCount) elements per sample") == true)
        // FLOPs: exact when they fit, Int.max when they do not.
        #expect(conv.flops(for: [1, 4, 4]) == 1024 * 16 * 3)
        let linear = try Linear(name: "l", inFeatures: 3, outFeatures: 5, generator: &rng)
        #expect(linear.flops(for: [3]) == 30)
        #expect(ReLU(name: "r").flops(for: [1 << 40, 1 << 40]) == Int.max)
    }

    @Test func layerFactoryCountsWeightsAgainstTheBudget() throws {
        let spec = LayerSpec(kind: "Linear", name: "fc", integers: ["in": Int.max, "out": 8], flags: ["bias": true])
        let message = DataTestSupport.errorMessage { _ = try LayerFactory.build(spec, parameterBudget: 1000) }
        #expect(message?.contains("needs 9223372036854775807×8 weights") == true)
        let small = LayerSpec(kind: "Linear", name: "fc", integers: ["in": 10, "out": 8], flags: ["bias": true])
        #expect(throws: EngineError.self) { try LayerFactory.build(small, parameterBudget: 79) }
        let layer = try LayerFactory.build(small, parameterBudget: 88)
        #expect(layer.parameters.map(\.count) == [80, 8])
    }

    @Test func inflateStreamFillsPiecesAndChecksTheEnd() throws {
        let input = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 13 % 251) }
        let packed = try DataTestSupport.gzip(input)
        // Pieces of any size give the same bytes as one decompression.
        let stream = try InflateStream(packed, format: .gzip, name: "x.gz")
        var out: [UInt8] = []
        for size in [1, 7, 4096, 10_000, 35_896] { out += try stream.bytes(size, what: "piece") }
        try stream.finish(expected: "values")
        #expect(out == input)
        // Two gzip members are one stream (as gunzip reads them).
        let twice = try InflateStream(packed + packed, format: .gzip, name: "x.gz")
        #expect(try twice.bytes(100_000, what: "both") == input + input)
        try twice.finish(expected: "both")
        // More bytes than read: finish says so; fewer: read says truncated.
        let long = try InflateStream(packed, format: .gzip, name: "x.gz")
        _ = try long.bytes(49_999, what: "most")
        #expect(DataTestSupport.errorMessage { try long.finish(expected: "49999 bytes") }?.contains("x.gz: decompresses to more than the 49999 bytes") == true)
        let short = try InflateStream(packed, format: .gzip, name: "x.gz")
        #expect(DataTestSupport.errorMessage { _ = try short.bytes(50_001, what: "values") }?.contains("truncated") == true)
        let cut = try InflateStream(Array(packed.prefix(packed.count / 2)), format: .gzip, name: "x.gz")
        #expect(throws: EngineError.self) { _ = try cut.bytes(50_000, what: "values") }
    }

    @Test func readersRefuseFIFOsWithoutBlocking() throws {
        let dir = DataTestSupport.scratchDirectory("fifo")
        defer { DataTestSupport.remove(dir) }
        let fifo = "\(dir)/pipe.npy"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A plain open(2) would wait here for a writer forever.
        #expect(DataTestSupport.errorMessage { _ = try FileIO.read(fifo) } == "\(fifo): is a FIFO (named pipe), not a regular file")
        #expect(DataTestSupport.errorMessage { _ = try ReadableFile(fifo) } == "\(fifo): is a FIFO (named pipe), not a regular file")
        #expect(DataTestSupport.errorMessage { _ = try TensorFile.load(fifo) }?.contains("is a FIFO") == true)
        #expect(DataTestSupport.errorMessage { _ = try FileIO.read(dir) } == "\(dir): is a directory, not a regular file")
    }

    @Test func atomicWritesLeaveNoTemporaryFiles() throws {
        let dir = DataTestSupport.scratchDirectory("atomic")
        defer { DataTestSupport.remove(dir) }
        let path = "\(dir)/t.bin"
        // A pid no process can have (Linux's pid_max is at most 2²²).
        let dead = Int32.max
        #expect(kill(dead, 0) == -1 && errno == ESRCH)
        try FileIO.writeAtomically("\(path).tmp-\(dead)", [9])
        try FileIO.writeAtomically("\(path).tmp-1", [9])  // pid 1 is alive
        try FileIO.writeAtomically("\(dir)/other.tmp-\(dead)", [9])
        try FileIO.writeAtomically(path, [1, 2, 3])
        #expect(try FileIO.read(path) == [1, 2, 3])
        #expect(!FileIO.exists("\(path).tmp-\(dead)"))
        #expect(FileIO.exists("\(path).tmp-1"))
        #expect(FileIO.exists("\(dir)/other.tmp-\(dead)"))
        #expect(!FileIO.exists("\(path).tmp-\(getpid())"))
        // A failed write removes its own temporary file too.
        struct Stop: Error {}
        #expect(throws: Stop.self) { try FileIO.writeAtomically(path) { write in try write(UnsafeRawBufferPointer(start: nil, count: 0)); throw Stop() } }
        #expect(!FileIO.exists("\(path).tmp-\(getpid())"))
        #expect(try FileIO.read(path) == [1, 2, 3])
    }
}
