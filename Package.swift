// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Daylight",
    products: [
        .library(name: "PoSpace", targets: ["PoSpace"]),
        .executable(name: "verify", targets: ["verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: module maps only.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb",
                       providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenCL", pkgConfig: "OpenCL",
                       providers: [.apt(["ocl-icd-opencl-dev"])]),

        // The construction: F1, Fx, matching, verification, quality.
        .target(name: "PoSpace",
                dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

        .executableTarget(name: "verify",
                          dependencies: ["PoSpace",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "VerifyBenchmark",
                          dependencies: ["PoSpace"],
                          path: "Benchmarks/VerifyBenchmark"),

        .testTarget(name: "PoSpaceTests", dependencies: ["PoSpace"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CLMDB", "CZstd", "COpenCL"]),
        .testTarget(name: "VerifyCLITests", dependencies: ["PoSpace"]),
        .testTarget(name: "InteropTests", dependencies: ["PoSpace"]),
    ],
    swiftLanguageModes: [.v6]
)
