#include "CInterrupt.h"
#include <stdatomic.h>

static atomic_int interrupt_flag = 0;

void prunelab_interrupt_raise(void) { atomic_store(&interrupt_flag, 1); }
int prunelab_interrupt_pending(void) { return atomic_load(&interrupt_flag); }
void prunelab_interrupt_clear(void) { atomic_store(&interrupt_flag, 0); }
