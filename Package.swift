// swift-tools-version:6.0
import PackageDescription

// Hot loops run eight hash lanes at a time; that pays only when the compiler may use the
// CPU's vector shifts. Default: haswell (AVX2, nearly every x86-64 PC since 2013).
// DAYLIGHT_TARGET_CPU=native|znver4|… picks another; =generic builds portable one-lane code.
let targetCPU = Context.environment["DAYLIGHT_TARGET_CPU"] ?? "haswell"
let hotLoopSettings: [SwiftSetting] = targetCPU == "generic" ? [] : [
    .unsafeFlags(["-target-cpu", targetCPU]),
    .define("DAYLIGHT_VECTOR_LANES"),
    .define("DAYLIGHT_WIDE_VECTORS"),
]
// BLAKE3's lanes are also built for AVX-512 (skylake-avx512: F, CD, BW, DQ, VL), in a module of
// their own; PoSpace calls that build only on CPUs that run it (`WideVectors`).
let wideVectorSettings: [SwiftSetting] = targetCPU == "generic" ? [] : [.unsafeFlags(["-target-cpu", "skylake-avx512"])]

let package = Package(
    name: "Daylight",
    products: [
        .library(name: "PoSpace", targets: ["PoSpace"]),
        .executable(name: "verify", targets: ["verify"]),
        .executable(name: "plotter", targets: ["plotter"]),
        .executable(name: "farmer", targets: ["farmer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries: module maps only.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb",
                       providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenCL", pkgConfig: "OpenCL",
                       providers: [.apt(["ocl-icd-opencl-dev"])]),

        // BLAKE3's compression built for AVX-512 (PoSpace builds the same file for the target CPU).
        .target(name: "HashLanes", swiftSettings: wideVectorSettings),
        // The construction: F1, Fx, matching, verification, quality.
        .target(name: "PoSpace",
                dependencies: ["HashLanes", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: hotLoopSettings),

        // The on-disk plot: one LMDB file, zstd-compressed parks with checksums.
        .target(name: "PlotStore", dependencies: ["CLMDB", "CZstd", "PoSpace"]),
        // Forward propagation's hashing and matching: the CPU backend and the OpenCL backend,
        // whose kernels (kernels/*.cl) are embedded at build time.
        .target(name: "Compute", dependencies: ["PoSpace", "COpenCL"], swiftSettings: hotLoopSettings,
                plugins: ["EmbedKernels"]),
        .executableTarget(name: "KernelEmbedder"),
        .plugin(name: "EmbedKernels", capability: .buildTool(), dependencies: ["KernelEmbedder"]),
        // Phases 1-4: from (k, plot id) to a plot file.
        .target(name: "Plotting", dependencies: ["PoSpace", "PlotStore", "Compute"], swiftSettings: hotLoopSettings),
        // Qualities and proofs from a plot.
        .target(name: "Proving", dependencies: ["PoSpace", "PlotStore", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: hotLoopSettings),

        // The long-running farmer: plot registry, Chia's signage-point rules, HTTP API, metrics.
        .target(name: "Farming",
                dependencies: ["PoSpace", "PlotStore", "Proving",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio")]),

        .executableTarget(name: "plotter",
                          dependencies: ["Plotting", "Proving", "PlotStore", "PoSpace", "Compute",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "verify",
                          dependencies: ["PoSpace", "Proving", "PlotStore",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "farmer",
                          dependencies: ["Farming",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "VerifyBenchmark",
                          dependencies: ["PoSpace"],
                          path: "Benchmarks/VerifyBenchmark",
                          swiftSettings: hotLoopSettings),

        .executableTarget(name: "ProveBenchmark",
                          dependencies: ["Proving", "PlotStore", "PoSpace"],
                          path: "Benchmarks/ProveBenchmark",
                          swiftSettings: hotLoopSettings),

        // A seeded generator the test targets share.
        .target(name: "TestRandom", path: "Tests/Support/TestRandom"),
        .testTarget(name: "PoSpaceTests", dependencies: ["PoSpace", "HashLanes", "TestRandom"], swiftSettings: hotLoopSettings),
        .testTarget(name: "PlotStoreTests", dependencies: ["PlotStore", "TestRandom"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "Proving", "PlotStore", "PoSpace", "Compute", "TestRandom"], swiftSettings: hotLoopSettings),
        .testTarget(name: "ComputeTests", dependencies: ["Compute", "PoSpace", "TestRandom"], swiftSettings: hotLoopSettings),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CLMDB", "CZstd", "COpenCL"]),
        .testTarget(name: "CLITests", dependencies: ["PoSpace"]),
        .testTarget(name: "FarmingTests", dependencies: ["Farming", "PoSpace", .product(name: "Crypto", package: "swift-crypto")], exclude: ["chia_rules.py"]),
        .testTarget(name: "InteropTests", dependencies: ["PoSpace", "TestRandom"], exclude: ["chiapos_oracle.py"]),
    ],
    swiftLanguageModes: [.v6]
)
