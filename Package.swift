// swift-tools-version:6.1
import PackageDescription

/// The front ends (the renderers, the server, the client and the command-line tool) reach the ledger
/// only through `Ledger`'s API: a member is visible only where its module is imported, and an import
/// is internal unless written `public`, so none of them can come to depend on `GitStore`.
let frontEnd: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "Luoshi",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "luoshi", targets: ["luoshi"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "LedgerRender", targets: ["LedgerRender"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The HTTP server. Its default traits pull in swift-configuration, which the server does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "Clibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Whole-buffer inflation of pack objects (PackReader); zlib, through libgit2's module, reads the rest.
        .systemLibrary(
            name: "Clibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "GitStore", dependencies: ["Clibgit2", "Clibdeflate", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "LedgerModel"),
        .target(name: "Fidelity", dependencies: ["LedgerModel"]),
        .target(
            name: "Ledger",
            dependencies: [
                "GitStore", "LedgerModel", "Fidelity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A derived, disposable SQLite index of the history (luoshi/index.sqlite in the git directory):
        // log, show --at, blame and history read it instead of walking every commit.
        .target(
            name: "LedgerIndex",
            dependencies: ["Ledger", "LedgerModel", "GitStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // What the readings look like: text tables, CSV, the HTML report and the JSON documents, the same
        // for the command-line tool and a server.
        .target(name: "LedgerRender", dependencies: ["Ledger", "LedgerModel", "Fidelity"], swiftSettings: frontEnd),
        // `luoshi serve`: the ledger over HTTP. Writes are prepared here and signed by the client;
        // the server never holds a key.
        .target(
            name: "LedgerServer",
            dependencies: [
                "Ledger", "LedgerIndex", "LedgerModel", "Fidelity", "LedgerRender",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: frontEnd
        ),
        // The client of `luoshi serve` for `apply`, `import` and `report --remote`: signs locally.
        .target(
            name: "LedgerClient",
            dependencies: ["Ledger", "LedgerModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: frontEnd
        ),
        .executableTarget(
            name: "luoshi",
            dependencies: [
                "Ledger", "LedgerIndex", "LedgerModel", "Fidelity", "LedgerRender", "LedgerServer", "LedgerClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // jemalloc in place of glibc's malloc: reading a ledger makes and frees hundreds of
            // thousands of small values on every core, and status over 10,000 plans takes a tenth
            // less CPU and time with it (README: Code).
            swiftSettings: frontEnd,
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        // A seeded fuzzer of the event parser, the record readers and canonical JSON (README: Fuzzing).
        .executableTarget(name: "luoshi-fuzz", dependencies: ["LedgerModel"]),
        .testTarget(name: "GitStoreTests", dependencies: ["GitStore"]),
        .testTarget(name: "LedgerModelTests", dependencies: ["LedgerModel"], exclude: ["Fixtures"]),
        .testTarget(name: "FidelityTests", dependencies: ["Fidelity", "LedgerModel"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "LedgerModel", "GitStore"]),
        .testTarget(name: "LedgerRenderTests", dependencies: ["LedgerRender", "Ledger", "LedgerModel", "Fidelity"]),
        .testTarget(name: "luoshiTests", dependencies: ["luoshi", "luoshi-fuzz", "LedgerRender"]),
        .testTarget(
            name: "LedgerServerTests",
            dependencies: [
                "LedgerServer", "Ledger", "LedgerModel", "luoshi",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
