// swift-tools-version:6.1
import PackageDescription

/// Libraries Debian's static libfaiss.a needs at link time.
let faissLinker: [LinkerSetting] = [
    .linkedLibrary("faiss"),
    .linkedLibrary("openblas"),
    .linkedLibrary("lapack"),
    .linkedLibrary("gomp"),
    .linkedLibrary("stdc++"),
]

let package = Package(
    name: "M2GRL",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "m2grl", targets: ["m2grl"]),
        .library(name: "VectorIndex", targets: ["VectorIndex"]),
        .library(name: "M2GRLData", targets: ["M2GRLData"]),
        .library(name: "M2GRLTrainer", targets: ["M2GRLTrainer"]),
        .library(name: "Snapshot", targets: ["Snapshot"]),
        .library(name: "WireProtocol", targets: ["WireProtocol"]),
        .library(name: "RPCServer", targets: ["RPCServer"]),
        .library(name: "RPCClient", targets: ["RPCClient"]),
        .library(name: "M2GRLBench", targets: ["M2GRLBench"]),
        .library(name: "M2GRLRebuild", targets: ["M2GRLRebuild"]),
        .executable(name: "m2grl-rebuild", targets: ["m2grl-rebuild"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // MARK: C at the bottom
        .target(
            name: "CFaissShim",
            path: "Sources/CFaissShim",
            // Faiss headers include <omp.h>, which only GCC ships on Debian 12 (gcc 12);
            // -idirafter keeps clang's own headers first.
            cxxSettings: [.unsafeFlags(["-O2", "-idirafter", "/usr/lib/gcc/x86_64-linux-gnu/12/include"])],
            linkerSettings: faissLinker
        ),
        .systemLibrary(
            name: "CLibUV",
            path: "Sources/CLibUV",
            pkgConfig: "libuv",
            providers: [.apt(["libuv1-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: Pure Swift foundations
        .target(name: "M2GRLCore"),
        .target(name: "VectorIndex", dependencies: ["CFaissShim"]),
        .target(name: "M2GRLData", dependencies: ["M2GRLCore", "CZlib"]),
        .target(name: "M2GRLTrainer", dependencies: ["M2GRLCore", "M2GRLData"]),
        .target(name: "M2GRLDiversity", dependencies: ["M2GRLCore", "M2GRLData"]),
        .target(name: "Snapshot", dependencies: ["M2GRLCore", "M2GRLData", "M2GRLDiversity", "VectorIndex"]),
        .target(name: "WireProtocol"),
        .target(
            name: "RPCServer",
            dependencies: [
                "CLibUV", "WireProtocol", "Snapshot", "VectorIndex", "M2GRLCore", "M2GRLDiversity",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "RPCClient", dependencies: ["WireProtocol"]),
        .target(name: "M2GRLBench", dependencies: ["WireProtocol", "Snapshot", "VectorIndex", "M2GRLCore", "CBenchPoll"]),
        // epoll and timerfd declarations for the bench's single-threaded open-loop driver.
        .target(name: "CBenchPoll"),

        // MARK: Command line
        .target(
            name: "M2GRLCLI",
            dependencies: [
                "M2GRLCore", "VectorIndex", "M2GRLData", "M2GRLTrainer", "M2GRLDiversity", "Snapshot",
                "WireProtocol", "RPCServer", "RPCClient", "M2GRLBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "m2grl", dependencies: ["M2GRLCLI"]),

        // MARK: Daily rebuild (issue #8)
        .target(
            name: "M2GRLRebuild",
            dependencies: ["M2GRLCore", "M2GRLData", "M2GRLTrainer", "Snapshot", "RPCClient", "WireProtocol"]
        ),
        .executableTarget(
            name: "m2grl-rebuild",
            dependencies: ["M2GRLRebuild", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/m2grl-rebuild"
        ),
        .executableTarget(
            name: "SnapshotBenchmark",
            dependencies: ["Snapshot", "M2GRLCore"],
            path: "Benchmarks/export/SnapshotBenchmark"
        ),

        // MARK: Benchmarks
        .executableTarget(name: "index-latency-bench", dependencies: ["VectorIndex"], path: "Benchmarks/IndexLatency"),
        .executableTarget(
            name: "rpc-latency",
            dependencies: ["RPCServer", "RPCClient", "WireProtocol", "Snapshot", "VectorIndex", "M2GRLCore",
                           .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/RPCLatency"
        ),
        .executableTarget(name: "trainer-bench", dependencies: ["M2GRLTrainer", "M2GRLData"], path: "Benchmarks/trainer/Swift"),
        .executableTarget(name: "diversity-bench", dependencies: ["M2GRLDiversity", "M2GRLData", "M2GRLCore"], path: "Benchmarks/Diversity"),
        .executableTarget(name: "embedding-read-bench", dependencies: ["M2GRLCore"], path: "Benchmarks/EmbeddingRead"),

        // MARK: Tests
        .testTarget(name: "VectorIndexTests", dependencies: ["VectorIndex"]),
        .testTarget(name: "M2GRLCoreTests", dependencies: ["M2GRLCore"]),
        .testTarget(name: "M2GRLDataTests", dependencies: ["M2GRLData", "M2GRLCore"]),
        .testTarget(name: "SnapshotTests", dependencies: ["Snapshot", "M2GRLCore", "VectorIndex"]),
        .testTarget(name: "WireProtocolTests", dependencies: ["WireProtocol"]),
        .testTarget(
            name: "RPCServerTests",
            dependencies: ["RPCServer", "RPCClient", "WireProtocol", "Snapshot", "VectorIndex", "M2GRLCore", "M2GRLDiversity",
                           "CMallocCounter"]
        ),
        // Test support: a per-thread allocation counter (interposes malloc in the test executable).
        .target(name: "CMallocCounter", path: "Tests/CMallocCounter"),
        .testTarget(name: "M2GRLBenchTests", dependencies: ["M2GRLBench", "WireProtocol"]),
        .testTarget(name: "M2GRLTrainerTests", dependencies: ["M2GRLTrainer", "M2GRLData", "M2GRLCore"]),
        .testTarget(
            name: "M2GRLRebuildTests",
            dependencies: ["M2GRLRebuild", "M2GRLData", "M2GRLCore", "Snapshot", "RPCServer", "RPCClient", "WireProtocol",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "M2GRLDiversityTests", dependencies: ["M2GRLDiversity", "M2GRLCore", "M2GRLData", "VectorIndex"]),
        .testTarget(
            name: "M2GRLCLITests",
            dependencies: ["M2GRLCLI", "M2GRLCore", "M2GRLData", "M2GRLTrainer",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
