#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Engine

/// The JSON parser (safetensors headers, checkpoint architectures) and writer: whatever parses
/// must write out as text that parses again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let value = try? JSON.parse(bytes) else { return 0 }
    let text = value.text
    if (try? JSON.parse(Array(text.utf8))) == nil {
        print("JSON written from a parsed value does not parse again: \(text)")
        abort()
    }
    return 0
}
