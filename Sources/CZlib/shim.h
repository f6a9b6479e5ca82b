#ifndef PRUNELAB_CZLIB_SHIM_H
#define PRUNELAB_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro; expose it as a function.
static inline int prunelab_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int prunelab_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
