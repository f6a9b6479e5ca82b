#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file that holds the current fuzz input, for readers that take a path.
///
/// An unlinked temporary file, reached through `/proc/self/fd/N`: every input is written in
/// place (truncate + pwrite, no file created per input) and nothing is left behind when the
/// fuzzer stops or crashes. The readers see a regular file, as they would on disk.
public final class InputFile: @unchecked Sendable {
    /// The path readers open.
    public let path: String
    private let fd: Int32

    /// A new empty input file; `nil` if no temporary file can be made.
    public init?() {
        var template = Array("/dev/shm/prunelab-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        self.path = "/proc/self/fd/\(fd)"
    }

    /// Replaces the file's contents with `bytes`.
    public func set(_ bytes: UnsafeRawBufferPointer) {
        guard ftruncate(fd, 0) == 0 else { return }
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(done))
            guard n > 0 else { return }
            done += n
        }
    }

    /// Replaces the file's contents with `bytes`.
    public func set(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { set($0) }
    }
}

/// The input as bytes (libFuzzer may pass a null pointer with size 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
