// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Trellis",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trellis", targets: ["trellis"]),
        .library(name: "TrellisModel", targets: ["TrellisModel"]),
        .library(name: "TrellisCurriculum", targets: ["TrellisCurriculum"]),
        .library(name: "TrellisTracker", targets: ["TrellisTracker"]),
        .library(name: "TrellisTrackerSQLite", targets: ["TrellisTrackerSQLite"]),
        .library(name: "TrellisSite", targets: ["TrellisSite"]),
        .library(name: "TrellisPreview", targets: ["TrellisPreview"]),
        .library(name: "TrellisTrackerWeb", targets: ["TrellisTrackerWeb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `trellis serve`: a small HTTP server without SwiftNIO, with streamed (SSE) responses.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
        // SHA-256 for evidence fingerprints; SHA-1 for name-based (version 5) UUIDs, stable xAPI statement ids.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `trellis tracker serve`: the web tracker (HTTP, routing, graceful shutdown) and bcrypt.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // The web tracker's CSV upload (multipart/form-data).
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // The C library cmark-gfm, from Debian's libcmark-gfm-dev and libcmark-gfm-extensions-dev.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // mimalloc, from Debian's libmimalloc-dev: the executable's memory allocator. A build makes
        // millions of small allocations (cmark-gfm's nodes, Swift strings) on all cores; mimalloc
        // takes a tenth off a large build's time compared with glibc's allocator.
        .systemLibrary(
            name: "CMimalloc",
            providers: [.apt(["libmimalloc-dev"])]
        ),
        // The rooms, lowest first; each may import only the ones above it (README, "Architecture").
        // The curriculum's values (modules, the competency framework, editions), diagnostics with
        // their source locations, dates, and the small text and concurrency tools every room uses.
        .target(name: "TrellisModel"),
        // SHA-256 (swift-crypto) of content: evidence fingerprints, the build stamp's settings digest.
        .target(name: "TrellisHashing", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The values page templates show, handed to swift-mustache through its public protocols:
        // the one way both the site and the web tracker render templates.
        .target(name: "TrellisTemplates", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
        // A module's Markdown body through cmark-gfm: headings, links, callouts, HTML per edition.
        .target(name: "TrellisMarkdown", dependencies: ["TrellisModel", "CCmarkGFM"]),
        // Reading a curriculum folder (Yams for YAML) and checking it: what `trellis check` runs.
        .target(
            name: "TrellisCurriculum",
            dependencies: ["TrellisModel", "TrellisMarkdown", .product(name: "Yams", package: "Yams")]
        ),
        // The static site: theme, pages, search, PDF, zip, and writing the output folder. The
        // built-in theme is `Site/`, embedded at build time by the EmbedTheme plugin.
        .target(
            name: "TrellisSite",
            dependencies: [
                "TrellisModel",
                "TrellisCurriculum",
                "TrellisHashing",
                "TrellisTemplates",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            plugins: ["EmbedTheme"]
        ),
        // Writes `Site/`'s files as Swift source for the EmbedTheme plugin (a build-time tool only).
        .executableTarget(name: "EmbedThemeTool"),
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["EmbedThemeTool"]),
        // `trellis serve`: HTTP (FlyingFox), the file watcher, reload events and the error overlay,
        // over the site build of TrellisSite.
        .target(
            name: "TrellisPreview",
            dependencies: ["TrellisModel", "TrellisSite", .product(name: "FlyingFox", package: "FlyingFox")]
        ),
        // The competency tracker: database, evidence, rules, import, reports, exports. It reads
        // the curriculum's competency framework through TrellisCurriculum; nothing below may
        // import it.
        .target(
            name: "TrellisTracker",
            dependencies: [
                "TrellisModel",
                "TrellisCurriculum",
                "TrellisHashing",
                .product(name: "Crypto", package: "swift-crypto"),
                // Password hashes for the web tracker's accounts (a C bcrypt; no HTTP in it).
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The tracker's records in SQLite (GRDB): the schema and its migrations, the file
        // checks, backups, and `TrackerStore` on SQLite. Nothing above it imports GRDB.
        .target(
            name: "TrellisTrackerSQLite",
            dependencies: ["TrellisModel", "TrellisHashing", "TrellisTracker", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // `trellis tracker serve`: the tracker on the web (Hummingbird), with sign-in, roles, CSRF
        // and the audit log, over `TrackerStore`. Its pages are `TrackerWeb/`, embedded at build
        // time by the EmbedTheme plugin as they are for the site.
        .target(
            name: "TrellisTrackerWeb",
            dependencies: [
                "TrellisModel",
                "TrellisCurriculum",
                "TrellisTracker",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                "TrellisTemplates",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedTheme"]
        ),
        // The thin command layer.
        .executableTarget(
            name: "trellis",
            dependencies: [
                "TrellisModel",
                "TrellisCurriculum",
                "TrellisSite",
                "TrellisTracker",
                "TrellisTrackerSQLite",
                "TrellisPreview",
                "TrellisTrackerWeb",
                .target(name: "CMimalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: fixture paths (`Tests/Fixtures`), scratch folders, snapshots,
        // and a scratch site project built again and again.
        .target(
            name: "TrellisTestSupport",
            dependencies: ["TrellisModel", "TrellisCurriculum", "TrellisSite", "TrellisTracker", "TrellisTrackerSQLite",
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/TrellisTestSupport"
        ),
        .testTarget(name: "TrellisModelTests", dependencies: ["TrellisModel", "TrellisTestSupport"]),
        .testTarget(name: "TrellisHashingTests", dependencies: ["TrellisHashing"]),
        .testTarget(name: "TrellisTemplatesTests", dependencies: ["TrellisTemplates", .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "TrellisMarkdownTests", dependencies: ["TrellisModel", "TrellisMarkdown", "TrellisTestSupport"]),
        .testTarget(
            name: "TrellisCurriculumTests",
            dependencies: ["TrellisModel", "TrellisMarkdown", "TrellisCurriculum", "TrellisTestSupport", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "TrellisSiteTests",
            dependencies: ["TrellisModel", "TrellisMarkdown", "TrellisCurriculum", "TrellisSite", "TrellisTemplates", "TrellisTestSupport", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .testTarget(name: "TrellisPreviewTests", dependencies: ["TrellisModel", "TrellisCurriculum", "TrellisSite", "TrellisPreview", "TrellisTestSupport"]),
        .testTarget(
            name: "TrellisTrackerSQLiteTests",
            dependencies: ["TrellisModel", "TrellisTracker", "TrellisTrackerSQLite", "TrellisTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "TrellisTrackerTests", dependencies: ["TrellisModel", "TrellisCurriculum", "TrellisHashing", "TrellisTracker", "TrellisTrackerSQLite", "TrellisTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "TrellisTrackerWebTests",
            dependencies: ["TrellisModel", "TrellisCurriculum", "TrellisTracker", "TrellisTrackerSQLite", "TrellisTrackerWeb", "TrellisTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
