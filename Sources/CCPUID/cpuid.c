#include "CCPUID.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

void prunelab_cpuid_read(prunelab_cpuid_features *out) {
    memset(out, 0, sizeof *out);
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave) return;
    unsigned long long xcr0 = read_xcr0();
    int ymm_saved = (xcr0 & 0x6) == 0x6;            /* SSE and AVX state */
    int zmm_saved = (xcr0 & 0xe6) == 0xe6;          /* plus opmask, ZMM_Hi256, Hi16_ZMM */
    int tile_saved = (xcr0 & 0x60000) == 0x60000;   /* AMX TILECFG and TILEDATA */
    if (!ymm_saved) return;
    out->avx = avx;
    out->fma = fma && avx;
    unsigned int max_leaf = __get_cpuid_max(0, 0);
    if (max_leaf < 7) return;
    __cpuid_count(7, 0, a, b, c, d);
    out->avx2 = avx && ((b >> 5) & 1);
    if (zmm_saved) {
        out->avx512f = (b >> 16) & 1;
        out->avx512dq = (b >> 17) & 1;
        out->avx512cd = (b >> 28) & 1;
        out->avx512bw = (b >> 30) & 1;
        out->avx512vl = (b >> 31) & 1;
    }
    out->amx_bf16 = tile_saved && ((d >> 22) & 1);
    unsigned int subleaves = a;
    if (subleaves >= 1 && zmm_saved) {
        __cpuid_count(7, 1, a, b, c, d);
        out->avx512_bf16 = (a >> 5) & 1;
    }
}
#else
void prunelab_cpuid_read(prunelab_cpuid_features *out) { memset(out, 0, sizeof *out); }
#endif
