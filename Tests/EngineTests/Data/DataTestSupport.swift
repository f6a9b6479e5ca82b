#if canImport(Glibc)
import Glibc
#endif
@testable import Engine

/// Helpers for the data tests: scratch directories, gzip writing and running a shell command.
enum DataTestSupport {
    /// A fresh directory under /tmp, unique to this process and `tag`.
    static func scratchDirectory(_ tag: String) -> String {
        let path = "/tmp/prunelab-datatest-\(getpid())-\(tag)"
        _ = system("rm -rf '\(path)' && mkdir -p '\(path)'")
        return path
    }

    /// Removes a scratch directory.
    static func remove(_ path: String) {
        _ = system("rm -rf '\(path)'")
    }

    /// `bytes` as a single-member gzip file (RFC 1952), written with Engine's raw deflate and
    /// a CRC-32 computed here bit by bit.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]
        out += try Inflate.deflateRaw(bytes)
        out += littleEndian(crc32(bytes))
        out += littleEndian(UInt32(truncatingIfNeeded: bytes.count))
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func bigEndian(_ v: Int) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// An IDX file of unsigned bytes with the given sizes.
    static func idx(_ dimensions: [Int], _ values: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap(bigEndian) + values
    }

    /// The standard output of `command` run by /bin/sh.
    static func run(_ command: String) -> String {
        guard let pipe = popen(command, "r") else { return "" }
        defer { pclose(pipe) }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The integers python prints for `expression` (a list), evaluated with gzip imported.
    static func python(_ expression: String) -> [Int] {
        run("/usr/bin/python3 -c 'import gzip; print(*(\(expression)))'")
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
    }

    /// The error message `body` throws, or nil.
    static func errorMessage(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }
}
