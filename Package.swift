// swift-tools-version:6.0
import PackageDescription

/// prunelab: a Swift program embedding Lua 5.4 for studying neural-network pruning
/// through layer similarity (Blakeney, Yan, Zong, WACV 2020).
///
/// Arrows point down only: Shell → Bindings → Engine → C targets.
let optimize: [SwiftSetting] = []

let package = Package(
    name: "prunelab",
    products: [
        .executable(name: "prunelab", targets: ["Shell"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Bindings", targets: ["Bindings"]),
    ],
    targets: [
        // C targets: only what Swift cannot import directly.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        // ZeroMQ and OpenSSL's libcrypto: the Jupyter kernel's sockets and message signatures.
        // (no pkgConfig for libzmq: its .pc adds -isystem flags SwiftPM rejects with a warning)
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto"),
        // cairo, loaded with dlopen when the first figure is drawn (start-up maps no cairo).
        .target(name: "CCairo", path: "Sources/CCairo", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CInterrupt", path: "Sources/CInterrupt"),
        // CPUID and XGETBV: which vector extensions this process may execute.
        .target(name: "CCPUID", path: "Sources/CCPUID"),
        .target(
            name: "CLua", dependencies: ["CInterrupt"], path: "Sources/CLua",
            linkerSettings: [.linkedLibrary("lua5.4"), .linkedLibrary("m")]),

        // Vectorisable elementwise math, and the same loops compiled for AVX2 (chosen at run time).
        .target(name: "TensorKernels", swiftSettings: optimize),
        .target(name: "TensorKernelsAVX2", dependencies: ["TensorKernels"],
                swiftSettings: optimize + [.unsafeFlags(["-Xcc", "-mavx2"])]),
        .target(name: "TensorKernelsAVX512", dependencies: ["TensorKernels"],
                swiftSettings: optimize + [.unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mavx512dq", "-Xcc", "-mavx512vl"])]),
        // Direct convolution kernels (AVX2 + FMA), chosen at run time by Conv2d.
        .target(name: "ConvKernelsAVX2", swiftSettings: optimize + [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"])]),
        // The channel-vectorised kernels again with 512-bit vectors (chosen at run time with AVX-512).
        .target(name: "ConvKernelsAVX512", dependencies: ["ConvKernelsAVX2"], swiftSettings: optimize + [.unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mfma"])]),
        .target(name: "Engine", dependencies: ["CBLAS", "CZlib", "CInterrupt", "CCPUID", "TensorKernels", "TensorKernelsAVX2", "TensorKernelsAVX512",
                                               "ConvKernelsAVX2", "ConvKernelsAVX512", "CCairo"],
                swiftSettings: optimize),
        .target(name: "Bindings", dependencies: ["Engine", "CLua"], swiftSettings: optimize),
        .target(name: "ShellKit", dependencies: ["Bindings", "Engine", "CLua"], swiftSettings: optimize),
        .executableTarget(
            name: "Shell", dependencies: ["ShellKit", "Bindings", "Engine", "CLua", "CReadline", "CZMQ", "CCrypto"], swiftSettings: optimize),

        .testTarget(name: "EngineTests", dependencies: ["Engine", "ConvKernelsAVX2", "ConvKernelsAVX512", "CCairo"]),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "Engine", "CLua"]),
        .testTarget(name: "ShellKitTests", dependencies: ["ShellKit", "Bindings", "Engine"]),
    ],
    swiftLanguageModes: [.v6]
)
