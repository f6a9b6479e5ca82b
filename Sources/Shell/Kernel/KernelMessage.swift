#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine

/// A Jupyter message (messaging protocol 5.3) and its wire form:
/// `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`.
struct KernelMessage {
    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    var identities: [[UInt8]]
    var header: JSON
    var parentHeader: JSON
    var metadata: JSON
    var content: JSON

    var type: String { header["msg_type"]?.stringValue ?? "" }

    /// Why a received message was dropped.
    enum Rejection: Error, CustomStringConvertible {
        case malformed(String)
        case badSignature
        var description: String {
            switch self {
            case .malformed(let why): return "malformed message (\(why))"
            case .badSignature: return "missing or wrong HMAC signature"
            }
        }
    }

    /// Parses and verifies `frames`; throws (and the caller drops the message) when it is
    /// malformed or its signature is missing or wrong.
    init(frames: [[UInt8]], signer: MessageSigner) throws {
        guard let split = frames.firstIndex(of: Self.delimiter) else { throw Rejection.malformed("no <IDS|MSG> delimiter") }
        guard frames.count >= split + 6 else { throw Rejection.malformed("\(frames.count - split - 1) frames after the delimiter, expected at least 5") }
        let parts = Array(frames[(split + 2)..<(split + 6)])
        guard signer.verify(frames[split + 1], parts) else { throw Rejection.badSignature }
        identities = Array(frames[..<split])
        do {
            header = try JSON.parse(parts[0])
            parentHeader = try JSON.parse(parts[1])
            metadata = try JSON.parse(parts[2])
            content = try JSON.parse(parts[3])
        } catch {
            throw Rejection.malformed("\(error)")
        }
    }

    init(identities: [[UInt8]], header: JSON, parentHeader: JSON, content: JSON) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        metadata = .object([])
        self.content = content
    }

    /// The frames to send, signed by `signer`.
    func frames(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array($0.text.utf8) }
        return identities + [Self.delimiter, Array(signer.signature(parts).utf8)] + parts
    }

    /// A new header for a message of `type` in `session`.
    static func header(type: String, session: String) -> JSON {
        .object([
            ("msg_id", .string(uuid())),
            ("session", .string(session)),
            ("username", .string("prunelab")),
            ("date", .string(timestamp())),
            ("msg_type", .string(type)),
            ("version", .string(protocolVersion)),
        ])
    }

    /// A random (version 4) UUID.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// The current time in ISO 8601 with microseconds, UTC.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { strftime($0.baseAddress, $0.count, "%Y-%m-%dT%H:%M:%S", &parts) }
        }
        let micro = String(Int(now.tv_nsec) / 1000)
        return String(decoding: buffer.prefix(n), as: UTF8.self) + "." + String(repeating: "0", count: max(0, 6 - micro.count)) + micro + "Z"
    }
}
