#ifndef CCPUID_H
#define CCPUID_H

/// Instruction-set extensions that this process can execute, as the processor's CPUID
/// instruction and the operating system's saved register state (XGETBV) report them.
///
/// /proc/cpuinfo describes the host processor; CPUID describes the processor this code runs on,
/// which differs under emulators (qemu-user with `-cpu EPYC-Milan` reports no AVX-512 while the
/// host's /proc/cpuinfo lists it). Kernels are chosen from the intersection of the two.
typedef struct {
    int avx, avx2, fma;
    int avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_bf16;
    int amx_bf16;
} prunelab_cpuid_features;

/// Fills `out` from CPUID leaves 1 and 7 (subleaves 0 and 1) and XCR0. On a non-x86 build every
/// field is 0.
void prunelab_cpuid_read(prunelab_cpuid_features *out);

#endif
