// A process-wide cancel flag, set by the shell's SIGINT handler and polled by long
// Engine loops (training, recording, large decompositions) between units of work.
#ifndef PRUNELAB_CINTERRUPT_H
#define PRUNELAB_CINTERRUPT_H

/// Marks that the user asked to interrupt (async-signal-safe).
void prunelab_interrupt_raise(void);
/// 1 if an interrupt is pending, else 0.
int prunelab_interrupt_pending(void);
/// Clears a pending interrupt.
void prunelab_interrupt_clear(void);

#endif
