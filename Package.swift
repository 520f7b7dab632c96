// swift-tools-version:6.0
// osilab: a Swift teaching lab for OSI, TCP and the Berkeley socket API.
//
// Dependencies point one way (see README.md, "How the code is organised"):
//   osilab -> Labs, Experiments, LessonKit, Grading, Report
//   Labs / Experiments -> Sockets, Report
//   Report -> Timeline, Capture, Terminal, KernelState (how a run is shown: ladder, explanation, JSON, step mode)
//   KernelState -> SockDiag (the kernel's socket table and counters, sampled)   SockDiag -> Wire, Trace
//   Timeline -> Wire, Trace, SockDiag              Capture -> CPcap, Wire, Trace, Sandbox, TextUI
//   Sockets -> Trace, Wire, TextUI       Trace -> Wire
//   Sandbox -> CSandbox (entering a private network before main), TextUI
//   Wire, TextUI -> nothing of ours (TextUI holds every sentence, one file per language)
import PackageDescription

let package = Package(
    name: "osilab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "osilab", targets: ["osilab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // C libraries, found through pkg-config.
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]
        ),
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"]), .brew(["cmark-gfm"])]
        ),

        // The few C declarations Swift's Glibc module leaves out (accept4 needs _GNU_SOURCE).
        .target(name: "CSupport"),
        // Entering a private network (user + network namespaces) before main: see its header.
        .target(name: "CSandbox"),

        // Pure value code: no I/O, no Foundation.
        .target(name: "Wire"),
        .target(name: "Trace", dependencies: ["Wire"]),
        .target(name: "TextUI"),
        // The kernel's socket table as NETLINK_SOCK_DIAG answers (what `ss` reads) and its
        // counters, parsed from bytes; and the values of a run's recorded kernel state.
        .target(name: "SockDiag", dependencies: ["Wire", "Trace"]),

        // Operating-system facing layers.
        .target(name: "Sockets", dependencies: [
            "Trace", "Wire", "CSupport", "TextUI",
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "Capture", dependencies: ["CPcap", "Wire", "Trace", "Sandbox", "TextUI"]),
        .target(name: "Terminal", dependencies: ["TextUI"]),
        // Sampling the kernel's state of a run's sockets (the netlink socket, the counter files).
        .target(name: "KernelState", dependencies: ["SockDiag", "Trace", "Wire"]),
        // Live features without root: a private network in namespaces the learner owns.
        .target(name: "Sandbox", dependencies: ["CSandbox", "TextUI"]),

        // Meaning: connections, handshake labels, packets merged with calls.
        .target(name: "Timeline", dependencies: ["Wire", "Trace", "SockDiag"]),
        // How a run is shown: the recorded run, the ladder, layers, narration, the explanation,
        // plain/JSON/step output, the watch/read lines.
        .target(name: "Report", dependencies: ["Timeline", "Capture", "Trace", "Wire", "TextUI", "Terminal", "SockDiag", "KernelState"]),

        // The notes' programs and the kernel experiments.
        .target(name: "Labs", dependencies: ["Sockets", "Capture", "Timeline", "Report", "TextUI", "KernelState", "SockDiag"]),
        .target(name: "Experiments", dependencies: ["Sockets", "Capture", "Timeline", "Report", "CSupport", "Sandbox", "SockDiag", "KernelState"]),

        // Teaching: where the lab lives, the learner's progress, lessons and exercises.
        .target(name: "Workspace", dependencies: ["Sandbox", "TextUI"]),
        .target(name: "LessonKit", dependencies: ["CCmark", "TextUI", "Terminal", "Workspace", "Sandbox"]),
        .target(name: "Grading", dependencies: ["TextUI", "Workspace", "Sandbox"]),

        // The learner's exercises (stubs) and their reference solutions. The osilab
        // executable deliberately does not depend on either, so an exercise that does
        // not compile never stops the lab itself from building.
        // Timeline is there for its `Segment` (exercise handshake-segments). The catalogue and
        // the learners' README are not sources.
        .target(
            name: "Exercises",
            dependencies: ["Sockets", "Wire", "Timeline"],
            path: "Exercises",
            exclude: ["Solutions", "exercises.json", "README.md"]
        ),
        .target(
            name: "ExerciseSolutions",
            dependencies: ["Sockets", "Wire", "Timeline"],
            path: "Exercises/Solutions"
        ),
        // Grading checks shared by the learner's tests and the solution proofs.
        .target(name: "GradingChecks", dependencies: ["Sockets", "Wire", "Trace", "Capture", "Timeline", "TextUI"]),

        .executableTarget(name: "osilab", dependencies: [
            "Labs", "Experiments", "LessonKit", "Grading", "Terminal", "Workspace", "Capture", "Timeline", "Report", "Sandbox",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Real and hand-built packets as bytes, for the decoder's tests and the layer view's.
        .target(name: "WireFixtures", dependencies: ["Wire"], path: "Tests/WireFixtures"),
        .testTarget(name: "WireTests", dependencies: ["Wire", "WireFixtures"]),
        .testTarget(name: "TextUITests", dependencies: ["TextUI"]),
        .testTarget(name: "KernelStateTests", dependencies: ["KernelState", "SockDiag", "Sockets", "Trace", "Wire", "TextUI"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"]),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets", "Trace"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "Sockets"], resources: [.copy("Fixtures")]),
        // Hand-built timelines and the lessons' recorded handshake, for the tests below.
        .target(name: "TestSupport", dependencies: ["Timeline", "Report", "Trace", "Wire"], path: "Tests/TestSupport"),
        .testTarget(name: "TimelineTests", dependencies: ["Timeline", "Report", "TestSupport", "Capture", "Sockets"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Timeline", "TestSupport", "WireFixtures", "Capture", "Sockets", "Trace"]),
        // Peers/: the notes' Python programs, run by the tests as the other end.
        .testTarget(name: "LabsTests", dependencies: ["Labs", "Report"], exclude: ["Peers"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Report"]),
        .testTarget(name: "LessonKitTests", dependencies: ["LessonKit"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GradingTests", dependencies: ["Grading", "GradingChecks", "Workspace", "Sockets", "Trace", "TextUI", "Wire"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "Grading"]),
        // The sentence files against every module's sentence ids.
        .testTarget(name: "SentenceTests", dependencies: ["TextUI", "LessonKit", "Report", "Labs", "Experiments", "Grading", "GradingChecks", "Sandbox", "Sockets"]),
        .testTarget(name: "CLITests", dependencies: ["osilab", "Sandbox", "TextUI"]),
        // What the learner runs: `swift test --filter <Name>Tests`. Fails until the exercise is done.
        .testTarget(name: "ExerciseTests", dependencies: ["Exercises", "GradingChecks"]),
        // The same checks against the reference solutions: must always pass.
        .testTarget(name: "ExerciseSolutionTests", dependencies: ["ExerciseSolutions", "GradingChecks"]),
    ]
)
