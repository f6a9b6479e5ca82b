import Engine
import FuzzSupport

/// IDX files (MNIST, Fashion-MNIST), plain or gzip-compressed, through the path reader; and,
/// when they parse, as an images file labelled by itself (`IDXFile.load`, what `data.idx` uses).
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file else { return 0 }
    file.set(fuzzInput(data, size))
    if (try? IDXFile.read(file.path)) != nil {
        _ = try? IDXFile.load(images: file.path, labels: file.path)
    }
    return 0
}
