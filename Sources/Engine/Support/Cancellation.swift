import CInterrupt

/// Cooperative cancellation for long Engine work (training, recording, big decompositions).
///
/// The shell's SIGINT handler raises a process-wide flag; long loops call
/// ``Cancellation/check()`` between units of work (a batch, a layer) and unwind with
/// ``EngineError/interrupted``, leaving models and tensors in a consistent state.
public enum Cancellation {
    /// Throws ``EngineError/interrupted`` if the user pressed Ctrl-C since the flag was cleared.
    @inline(__always)
    public static func check() throws {
        if prunelab_interrupt_pending() != 0 { throw EngineError.interrupted }
    }

    /// Whether an interrupt is pending.
    public static var isPending: Bool { prunelab_interrupt_pending() != 0 }

    /// Clears a pending interrupt (the shell calls this before running each chunk).
    public static func clear() { prunelab_interrupt_clear() }

    /// Raises the flag, as the SIGINT handler does (for tests and programmatic cancellation).
    public static func raise() { prunelab_interrupt_raise() }
}
