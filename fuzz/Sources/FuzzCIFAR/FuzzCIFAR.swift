#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Engine
import FuzzSupport

/// CIFAR-10 / CIFAR-100 binary batches and their class-name files, through the directory
/// loaders (`data.cifar10`, `data.cifar100`).
///
/// Input: byte 0 picks the loader (bits 0–1: CIFAR-10, CIFAR-100 fine, CIFAR-100 coarse) and
/// whether a class-names file is present (bit 2); byte 1 is the length L of that file's
/// contents, the next L bytes; the rest is every batch file (all batch names of a directory
/// link to the same input file).
struct Directories {
    let batches: InputFile
    let names: InputFile
    let withNames: String
    let withoutNames: String

    init?() {
        guard let batches = InputFile(), let names = InputFile() else { return nil }
        self.batches = batches
        self.names = names
        var made: [String] = []
        for suffix in ["n", "b"] {
            var template = Array("/dev/shm/prunelab-fuzz-cifar-\(suffix)-XXXXXX".utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
            made.append(String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        withNames = made[0]
        withoutNames = made[1]
        let batchNames = (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin", "train.bin", "test.bin"]
        for directory in made {
            for name in batchNames { symlink(batches.path, "\(directory)/\(name)") }
        }
        for name in ["batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt"] {
            symlink(names.path, "\(withNames)/\(name)")
        }
        // The directories hold only links; remove them when the fuzzer exits normally.
        atexit { Directories.removeAll() }
        Directories.created = made
    }

    nonisolated(unsafe) static var created: [String] = []

    static func removeAll() {
        for directory in created {
            for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin", "train.bin", "test.bin",
                                                                    "batches.meta.txt", "fine_label_names.txt", "coarse_label_names.txt"] {
                unlink("\(directory)/\(name)")
            }
            rmdir(directory)
        }
    }
}

let directories = Directories()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    guard let d = directories, bytes.count >= 2 else { return 0 }
    let mode = bytes[0]
    let namesLength = Swift.min(Int(bytes[1]), bytes.count - 2)
    d.names.set(Array(bytes[2..<(2 + namesLength)]))
    d.batches.set(Array(bytes[(2 + namesLength)...]))
    let directory = mode & 4 != 0 ? d.withNames : d.withoutNames
    switch mode & 3 {
    case 0: _ = try? CIFAR.load10(directory: directory)
    case 1: _ = try? CIFAR.load100(directory: directory, labels: .fine)
    default: _ = try? CIFAR.load100(directory: directory, labels: .coarse)
    }
    return 0
}
