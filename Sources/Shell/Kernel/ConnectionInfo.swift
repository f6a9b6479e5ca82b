import Engine

/// A Jupyter connection file: where the kernel's five sockets listen and the signing key
/// (https://jupyter-client.readthedocs.io/en/latest/kernels.html#connection-files).
struct ConnectionInfo {
    var transport: String
    var ip: String
    var ports: [String: Int]   // shell, iopub, stdin, control, hb
    var key: [UInt8]
    var signatureScheme: String

    static let channels = ["shell", "iopub", "stdin", "control", "hb"]

    init(path: String) throws {
        let json: JSON
        do { json = try JSON.parse(try FileIO.read(path)) } catch {
            throw KernelError("prunelab kernel: cannot read the connection file: \(error)")
        }
        transport = json["transport"]?.stringValue ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else {
            throw KernelError("prunelab kernel: connection file \(path): transport: expected \"tcp\" or \"ipc\", got \"\(transport)\"")
        }
        ip = json["ip"]?.stringValue ?? "127.0.0.1"
        ports = [:]
        for channel in Self.channels {
            guard let port = json[channel + "_port"]?.intValue, port > 0, port < 65536 else {
                throw KernelError("prunelab kernel: connection file \(path): \(channel)_port: expected a port number 1…65535")
            }
            ports[channel] = port
        }
        key = Array((json["key"]?.stringValue ?? "").utf8)
        signatureScheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard key.isEmpty || signatureScheme == "hmac-sha256" else {
            throw KernelError("prunelab kernel: connection file \(path): signature_scheme: expected \"hmac-sha256\", got \"\(signatureScheme)\"")
        }
    }

    /// The ZeroMQ address of `channel`: `tcp://IP:PORT`, or `ipc://IP-N` as Jupyter names IPC files.
    func address(_ channel: String) -> String {
        let port = ports[channel] ?? 0
        return transport == "tcp" ? "tcp://\(ip):\(port)" : "ipc://\(ip)-\(port)"
    }
}
