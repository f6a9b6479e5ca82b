#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CZMQ

/// A ZeroMQ socket used by one thread at a time: multipart send and receive, and polling.
final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let name: String

    /// A socket of `type` (ZMQ_ROUTER, ZMQ_PUB, ZMQ_REP) bound to `address` only.
    init(context: UnsafeMutableRawPointer, type: Int32, name: String, address: String) throws {
        guard let handle = zmq_socket(context, type) else { throw KernelError("cannot create the \(name) socket: \(Self.lastError)") }
        self.handle = handle
        self.name = name
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        if type == ZMQ_ROUTER {
            var handover: Int32 = 1
            zmq_setsockopt(handle, ZMQ_ROUTER_HANDOVER, &handover, MemoryLayout<Int32>.size)
        }
        guard zmq_bind(handle, address) == 0 else {
            let message = Self.lastError
            zmq_close(handle)
            throw KernelError("cannot bind the \(name) socket to \(address): \(message)")
        }
    }

    static var lastError: String { String(cString: zmq_strerror(zmq_errno())) }

    func close() { zmq_close(handle) }

    /// Sends `frames` as one multipart message.
    func send(_ frames: [[UInt8]]) {
        for (i, frame) in frames.enumerated() {
            let flags: Int32 = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            frame.withUnsafeBytes { buffer in
                while zmq_send(handle, buffer.baseAddress, buffer.count, flags) < 0, zmq_errno() == EINTR {}
            }
        }
    }

    /// Receives one multipart message; nil when interrupted by a signal or the context ends
    /// (when `wait` is false: also when nothing is waiting).
    func receive(wait: Bool = true) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let flags: Int32 = (!wait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            let n = zmq_msg_recv(&message, handle, flags)
            if n < 0 {
                if zmq_errno() == EINTR, !frames.isEmpty { continue }   // finish a message once started
                return nil
            }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits up to `milliseconds` for a message on one of `sockets`; the indices of the ready
    /// ones (empty after a timeout or a signal).
    static func poll(_ sockets: [ZMQSocket], milliseconds: Int) -> [Int] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let n = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), milliseconds) }
        guard n > 0 else { return [] }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }
}

/// A failure of the kernel's set-up (bad connection file, a socket that cannot bind).
struct KernelError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
