#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CZMQ
import Engine
import ShellKit
import Synchronization

/// `prunelab kernel -f connection.json`: a Jupyter kernel speaking the messaging protocol 5.3
/// over ZeroMQ (https://jupyter-client.readthedocs.io/en/latest/messaging.html).
///
/// * The main thread owns the Lua session and the shell and stdin sockets: it answers
///   kernel_info, execute, complete, inspect, is_complete, history and comm_info requests, and
///   asks for input on stdin when `io.read` runs (if the request allows it).
/// * A control thread answers the control socket at any time: interrupt_request (SIGINT to
///   this process: the running cell stops with "interrupted!", its variables live on),
///   shutdown_request (also with restart: the client starts a new process), kernel_info.
/// * A heartbeat thread echoes every ping, even while a cell runs.
/// * IOPub (status, execute_input, stream, display_data, execute_result, error) is shared by
///   the two message threads under a lock.
///
/// Every incoming message must carry the HMAC-SHA256 signature of the connection file's key;
/// a message with none or a wrong one is dropped and logged on standard error, never acted on.
/// The sockets bind only to the connection file's addresses.
final class JupyterKernel: @unchecked Sendable {
    let connection: ConnectionInfo
    let signer: MessageSigner
    let sessionID = KernelMessage.uuid()
    private let context: UnsafeMutableRawPointer
    private let shell: ZMQSocket, iopub: ZMQSocket, stdinSocket: ZMQSocket, control: ZMQSocket, heartbeat: ZMQSocket
    private let iopubLock = Mutex(())
    private let stopping = Atomic<Bool>(false)

    // Main thread only.
    private let session: Session
    private let evaluator: CellEvaluator
    private var current: (request: KernelMessage, allowsInput: Bool)?

    init(connectionFile: String) throws {
        connection = try ConnectionInfo(path: connectionFile)
        signer = MessageSigner(key: connection.key)
        guard let context = zmq_ctx_new() else { throw KernelError("prunelab kernel: cannot create a ZeroMQ context") }
        self.context = context
        shell = try ZMQSocket(context: context, type: ZMQ_ROUTER, name: "shell", address: connection.address("shell"))
        iopub = try ZMQSocket(context: context, type: ZMQ_PUB, name: "iopub", address: connection.address("iopub"))
        stdinSocket = try ZMQSocket(context: context, type: ZMQ_ROUTER, name: "stdin", address: connection.address("stdin"))
        control = try ZMQSocket(context: context, type: ZMQ_ROUTER, name: "control", address: connection.address("control"))
        heartbeat = try ZMQSocket(context: context, type: ZMQ_REP, name: "heartbeat", address: connection.address("hb"))
        session = try Session()
        session.keepsInterruptHandler = true     // SIGINT never kills the kernel
        let relay = InputRelay()
        evaluator = try CellEvaluator(session: session) { prompt in relay.kernel?.requestInput(prompt) }
        relay.kernel = self
    }

    /// `io.read`'s way to the kernel (set once the kernel exists).
    private final class InputRelay: @unchecked Sendable {
        weak var kernel: JupyterKernel?
    }

    /// Serves until a shutdown request; returns the exit status.
    func run() -> Int32 {
        evaluator.onOutput = { [unowned self] output in self.publish(output) }
        let hb = heartbeat
        BackgroundThread.start { Self.echo(hb) }
        BackgroundThread.start { [self] in self.serveControl() }
        Console.error("prunelab kernel: listening on \(connection.address("shell")) (signing \(signer.isEnabled ? "on" : "off"))")
        publish("status", .object([("execution_state", .string("starting"))]), parent: .object([]))
        while !stopping.load(ordering: .acquiring) {
            guard !ZMQSocket.poll([shell], milliseconds: 100).isEmpty, let frames = shell.receive(wait: false) else {
                _ = session.takeInterrupt()            // a SIGINT while idle: nothing to stop
                continue
            }
            guard let message = accept(frames, on: shell) else { continue }
            handleShell(message)
        }
        Console.error("prunelab kernel: shutting down")
        return 0
    }

    // MARK: receiving and sending

    /// The verified message, or nil (logged) when it must be dropped.
    private func accept(_ frames: [[UInt8]], on socket: ZMQSocket) -> KernelMessage? {
        do {
            return try KernelMessage(frames: frames, signer: signer)
        } catch {
            Console.error("prunelab kernel: dropped a message on the \(socket.name) socket: \(error)")
            return nil
        }
    }

    private func reply(to request: KernelMessage, on socket: ZMQSocket, type: String, _ content: JSON) {
        let message = KernelMessage(identities: request.identities, header: KernelMessage.header(type: type, session: sessionID),
                                    parentHeader: request.header, content: content)
        socket.send(message.frames(signer: signer))
    }

    private func publish(_ type: String, _ content: JSON, parent: JSON) {
        let message = KernelMessage(identities: [Array(type.utf8)], header: KernelMessage.header(type: type, session: sessionID),
                                    parentHeader: parent, content: content)
        let frames = message.frames(signer: signer)
        iopubLock.withLock { _ in iopub.send(frames) }
    }

    /// Publishes a cell's output, as a reply to the running request.
    private func publish(_ output: CellOutput) {
        guard let request = current?.request else { return }
        let json = NotebookFormat.json(output)
        guard case .object(var pairs) = json else { return }
        let type = pairs.first { $0.key == "output_type" }?.value.stringValue ?? "stream"
        pairs.removeAll { $0.key == "output_type" }
        // On the wire, texts are single strings (nbformat files split them into lines).
        switch output {
        case .stream(_, let text):
            pairs = pairs.map { $0.key == "text" ? ("text", .string(text)) : $0 }
        case .displayData(let bundle), .executeResult(_, let bundle):
            pairs = pairs.map { $0.key == "data" ? ("data", .object(bundle.entries.map { ($0.type, .string($0.data)) })) : $0 }
        case .error:
            break
        }
        if type == "display_data" { pairs.append(("transient", .object([]))) }
        publish(type, .object(pairs), parent: request.header)
    }

    private func status(_ state: String, parent: JSON) {
        publish("status", .object([("execution_state", .string(state))]), parent: parent)
    }

    // MARK: shell requests

    private func handleShell(_ request: KernelMessage) {
        status("busy", parent: request.header)
        defer { status("idle", parent: request.header) }
        switch request.type {
        case "kernel_info_request":
            reply(to: request, on: shell, type: "kernel_info_reply", Self.kernelInfo)
        case "execute_request":
            execute(request)
        case "complete_request":
            let code = request.content["code"]?.stringValue ?? ""
            let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let word = Inspection.word(in: code, cursor: cursor)
            let matches = Completion.candidates(for: word.text, in: session.lua)
            reply(to: request, on: shell, type: "complete_reply", .object([
                ("status", .string("ok")), ("matches", .array(matches.map(JSON.string))),
                ("cursor_start", .integer(word.start)), ("cursor_end", .integer(min(cursor, code.unicodeScalars.count))),
                ("metadata", .object([])),
            ]))
        case "inspect_request":
            let code = request.content["code"]?.stringValue ?? ""
            let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
            let name = Inspection.name(in: code, cursor: cursor)
            let text = name.isEmpty ? nil : Inspection.helpText(for: name, in: session.lua)
            reply(to: request, on: shell, type: "inspect_reply", .object([
                ("status", .string("ok")), ("found", .bool(text != nil)),
                ("data", text.map { .object([("text/plain", .string($0))]) } ?? .object([])), ("metadata", .object([])),
            ]))
        case "is_complete_request":
            let state = evaluator.completeness(request.content["code"]?.stringValue ?? "")
            var content: [(key: String, value: JSON)] = [("status", .string(state))]
            if state == "incomplete" { content.append(("indent", .string(""))) }
            reply(to: request, on: shell, type: "is_complete_reply", .object(content))
        case "history_request":
            reply(to: request, on: shell, type: "history_reply", .object([("status", .string("ok")), ("history", .array([]))]))
        case "comm_info_request":
            reply(to: request, on: shell, type: "comm_info_reply", .object([("status", .string("ok")), ("comms", .object([]))]))
        case "shutdown_request":
            reply(to: request, on: shell, type: "shutdown_reply", Self.shutdownContent(request))
            stopping.store(true, ordering: .releasing)
        default:
            Console.error("prunelab kernel: ignored a \(request.type) message (not supported)")
        }
    }

    private func execute(_ request: KernelMessage) {
        let code = request.content["code"]?.stringValue ?? ""
        let silent = request.content["silent"] == .bool(true)
        let allowsInput = request.content["allow_stdin"] != .bool(false)
        current = (request, allowsInput)
        defer { current = nil }
        let count = evaluator.executionCount + 1
        if !silent {
            publish("execute_input", .object([("code", .string(code)), ("execution_count", .integer(count))]), parent: request.header)
        } else {
            evaluator.onOutput = { _ in }
        }
        let result = evaluator.execute(code)
        evaluator.onOutput = { [unowned self] output in self.publish(output) }
        _ = session.takeInterrupt()
        switch result {
        case .ok:
            reply(to: request, on: shell, type: "execute_reply", .object([
                ("status", .string("ok")), ("execution_count", .integer(count)),
                ("payload", .array([])), ("user_expressions", .object([])),
            ]))
        case .failed(let name, let value, let traceback):
            reply(to: request, on: shell, type: "execute_reply", .object([
                ("status", .string("error")), ("execution_count", .integer(count)),
                ("ename", .string(name)), ("evalue", .string(value)), ("traceback", .array(traceback.map(JSON.string))),
            ]))
        }
    }

    /// `io.read` during a cell: an input_request on stdin, then the client's input_reply.
    private func requestInput(_ prompt: String) -> String? {
        guard let (request, allowsInput) = current, allowsInput else { return nil }
        let message = KernelMessage(identities: request.identities, header: KernelMessage.header(type: "input_request", session: sessionID),
                                    parentHeader: request.header, content: .object([("prompt", .string(prompt)), ("password", .bool(false))]))
        stdinSocket.send(message.frames(signer: signer))
        while !stopping.load(ordering: .acquiring) {
            guard !ZMQSocket.poll([stdinSocket], milliseconds: 100).isEmpty else {
                if session.takeInterrupt() { return nil }   // Ctrl-C while waiting: no input
                continue
            }
            guard let frames = stdinSocket.receive(wait: false), let answer = accept(frames, on: stdinSocket) else { continue }
            if answer.type == "input_reply" { return answer.content["value"]?.stringValue ?? "" }
        }
        return nil
    }

    // MARK: control and heartbeat threads

    private func serveControl() {
        while !stopping.load(ordering: .acquiring) {
            guard !ZMQSocket.poll([control], milliseconds: 100).isEmpty, let frames = control.receive(wait: false),
                  let request = accept(frames, on: control) else { continue }
            switch request.type {
            case "interrupt_request":
                reply(to: request, on: control, type: "interrupt_reply", .object([("status", .string("ok"))]))
                kill(getpid(), SIGINT)          // the main thread's handler stops the running Lua code
            case "shutdown_request":
                reply(to: request, on: control, type: "shutdown_reply", Self.shutdownContent(request))
                stopping.store(true, ordering: .releasing)
                kill(getpid(), SIGINT)          // stop a running cell so that the main thread can exit
            case "kernel_info_request":
                reply(to: request, on: control, type: "kernel_info_reply", Self.kernelInfo)
            default:
                Console.error("prunelab kernel: ignored a \(request.type) message on control (not supported)")
            }
        }
    }

    /// Echoes every heartbeat ping back (REP socket), until the process ends.
    private static func echo(_ socket: ZMQSocket) {
        while true {
            guard let frames = socket.receive() else {
                if zmq_errno() == ETERM { return }
                continue
            }
            socket.send(frames)
        }
    }

    static func shutdownContent(_ request: KernelMessage) -> JSON {
        .object([("status", .string("ok")), ("restart", .bool(request.content["restart"] == .bool(true)))])
    }

    static var kernelInfo: JSON {
        .object([
            ("status", .string("ok")),
            ("protocol_version", .string(KernelMessage.protocolVersion)),
            ("implementation", .string("prunelab")),
            ("implementation_version", .string(Version.string)),
            ("language_info", NotebookFormat.languageInfo),
            ("banner", .string(Repl.versionLine)),
            ("help_links", .array([])),
        ])
    }
}

/// A detached POSIX thread that never receives SIGINT (so Ctrl-C and interrupt requests always
/// reach the thread running Lua code).
enum BackgroundThread {
    private final class Body: @unchecked Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)      // the new thread inherits the mask
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box)
        if created == 0 { pthread_detach(thread) } else { Unmanaged<Body>.fromOpaque(box).release() }
    }
}
