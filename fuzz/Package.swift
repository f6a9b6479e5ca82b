// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for prunelab's file readers (`scripts/fuzz` builds and runs them).
///
/// Each executable holds only `LLVMFuzzerTestOneInput` (libFuzzer supplies `main`), so this
/// package builds only with `--sanitize=fuzzer`; it lives apart from the main package so that a
/// plain `swift build` there stays clean. It depends on the main package's `Engine` by path.
///
/// The main package: `..`, or the path in `PRUNELAB_FUZZ_MAIN` (`scripts/fuzz` passes a link
/// named `prunelab`: SwiftPM names a path dependency after its directory, and a checkout itself
/// named `fuzz` would clash with this package).
let mainPath = Context.environment["PRUNELAB_FUZZ_MAIN"] ?? ".."
let mainPackage = mainPath == ".."
    ? String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "prunelab")
    : String(mainPath.split(separator: "/").last ?? "prunelab")
let engine = Target.Dependency.product(name: "Engine", package: mainPackage)
let targets = ["NPY", "NPZ", "Safetensors", "IDX", "CIFAR", "JSON", "Checkpoint"]

let package = Package(
    name: "prunelab-fuzz",
    dependencies: [.package(path: mainPath)],
    targets: [
        .target(name: "FuzzSupport", dependencies: [engine]),
    ] + targets.map { name in
        .executableTarget(name: "Fuzz\(name)", dependencies: ["FuzzSupport", engine])
    },
    swiftLanguageModes: [.v6]
)
