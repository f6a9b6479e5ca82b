import CCrypto

/// Jupyter message signatures: HMAC-SHA256 over the header, parent header, metadata and
/// content frames, keyed with the connection file's key, as lowercase hex
/// (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol).
/// Computed with OpenSSL; compared in constant time. An empty key turns signing off (as
/// Jupyter's own kernels do).
struct MessageSigner: Sendable {
    let key: [UInt8]

    var isEnabled: Bool { !key.isEmpty }

    /// The hex signature of `parts` ("" when signing is off).
    func signature(_ parts: [[UInt8]]) -> String {
        guard isEnabled else { return "" }
        let data = parts.flatMap { $0 }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            data.withUnsafeBufferPointer { d in
                HMAC(EVP_sha256(), k.baseAddress, Int32(clamping: k.count), d.baseAddress, d.count, &digest, &length)
            }
        }
        guard result != nil else { return "" }
        let hex: [Character] = Array("0123456789abcdef")
        var out = ""
        for byte in digest.prefix(Int(length)) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        return out
    }

    /// Whether `signature` is the right one for `parts` (always true when signing is off).
    func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard isEnabled else { return true }
        let expected = Array(self.signature(parts).utf8)
        guard !expected.isEmpty, expected.count == signature.count else { return false }
        return expected.withUnsafeBytes { a in signature.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) } } == 0
    }
}
