import Foundation
import Sandbox
import XCTest

/// Why a private network cannot be made, decided from what the kernel answered and what
/// the machine's settings say: each kind of machine gets its own explanation and fix.
final class RefusalTests: XCTestCase {
    let linux = HostFacts(system: .linux, maxUserNamespaces: 63_000)

    func probe(_ step: ProbeResult.Step, _ error: Int32) -> ProbeResult {
        ProbeResult(failedStep: step, errorNumber: error)
    }

    func testASucceedingProbeOnLinuxIsNoRefusal() {
        XCTAssertNil(Refusal.diagnose(probe(.none, 0), facts: linux))
    }

    func testMaxUserNamespacesZeroIsTurnedOffWithTheSysctlToFixIt() throws {
        var facts = linux
        facts.maxUserNamespaces = 0
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.unshareUser, ENOSPC), facts: facts))
        XCTAssertEqual(refusal.reason, .turnedOff)
        XCTAssertTrue(refusal.description.contains("user.max_user_namespaces = 0"), refusal.description)
        XCTAssertTrue(refusal.fix.contains("    sudo sysctl -w user.max_user_namespaces=15000"), "\(refusal.fix)")
        XCTAssertTrue(refusal.description.contains("No space left on device"), "the kernel's answer is the evidence")
    }

    func testENOSPCWithALimitAboveZeroIsTheLimitUsedUp() throws {
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.unshareUser, ENOSPC), facts: linux))
        XCTAssertEqual(refusal.reason, .limitReached(limit: 63_000))
        XCTAssertTrue(refusal.problem.contains("= 63000) is used up"), refusal.problem)
    }

    func testDebiansOldKnobAllowsRootOnly() throws {
        var facts = linux
        facts.unprivilegedUsernsClone = 0
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.unshareUser, EPERM), facts: facts))
        XCTAssertEqual(refusal.reason, .rootOnly)
        XCTAssertTrue(refusal.fix.contains("    sudo sysctl -w kernel.unprivileged_userns_clone=1"), "\(refusal.fix)")
    }

    func testUbuntusAppArmorRestrictionPointsToTheShippedProfile() throws {
        var facts = linux
        facts.appArmorRestrictsUserNamespaces = 1
        // Ubuntu lets unshare succeed and refuses the id map: both must be recognised.
        for failed in [probe(.unshareUser, EPERM), probe(.uidMap, EPERM), probe(.mount, EACCES)] {
            let refusal = try XCTUnwrap(Refusal.diagnose(failed, facts: facts, appArmorInstaller: "/home/u/osilab/scripts/allow-userns"))
            XCTAssertEqual(refusal.reason, .appArmor, "\(failed)")
            XCTAssertTrue(refusal.problem.contains("kernel.apparmor_restrict_unprivileged_userns = 1"), refusal.problem)
            XCTAssertTrue(refusal.fix.contains("    sudo /home/u/osilab/scripts/allow-userns"), "one command installs it: \(refusal.fix)")
        }
    }

    func testAContainerThatForbidsUnshareSaysHowToStartItInstead() throws {
        var facts = linux
        facts.container = "docker"
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.unshareUser, EPERM), facts: facts))
        XCTAssertEqual(refusal.reason, .container(kind: "docker"))
        XCTAssertTrue(refusal.problem.contains("container (docker)"), refusal.problem)
        XCTAssertTrue(refusal.fix.joined(separator: "\n").contains("--security-opt seccomp=unconfined"), "\(refusal.fix)")

        var filtered = linux
        filtered.seccompFiltered = true
        XCTAssertEqual(Refusal.diagnose(probe(.unshareUser, EPERM), facts: filtered)?.reason, .container(kind: nil))
    }

    func testMacOSHasNoNamespacesAndGetsTheBPFAdvice() throws {
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.unsupported, 0), facts: HostFacts(system: .macOS)))
        XCTAssertEqual(refusal.reason, .macOS)
        XCTAssertTrue(refusal.fix.joined(separator: " ").contains("ChmodBPF"), "\(refusal.fix)")
        XCTAssertNil(refusal.evidence, "nothing was tried")
    }

    func testAnUnexplainedFailureNamesTheCallAndTheError() throws {
        let refusal = try XCTUnwrap(Refusal.diagnose(probe(.loopback, EPERM), facts: linux))
        XCTAssertEqual(refusal.reason, .failed(probe(.loopback, EPERM)))
        XCTAssertTrue(refusal.problem.contains("ioctl(SIOCSIFFLAGS) to bring lo up failed with Operation not permitted"),
                      refusal.problem)
    }

    func testThisMachinesProbeSucceeds() {
        // CI's machine allows user namespaces (checked as nobody by PrivateNetworkTests too).
        let result = ProbeResult.run()
        XCTAssertEqual(result, ProbeResult(failedStep: .none, errorNumber: 0))
        XCTAssertNil(Refusal.check())
    }
}

/// Where a live command runs: here when it has what it needs, else in a private network,
/// else nowhere with the reason.
final class DecisionTests: XCTestCase {
    func decide(_ needs: Set<PrivateNetwork.Need>, requested: PrivateNetwork.Target? = nil,
                fallback: PrivateNetwork.Target = .fresh, place: NetworkPlace = .machine,
                capture: Bool, administer: Bool, refusal: Refusal? = nil) -> PrivateNetwork.Decision {
        PrivateNetwork.decide(needs: needs, requested: requested, fallback: fallback, place: place,
                              canCapture: { capture }, canAdminister: { administer }, check: { refusal })
    }

    let turnedOff = Refusal(reason: .turnedOff)

    func testRootRunsHereUnlessAPrivateNetworkIsAskedFor() {
        XCTAssertEqual(decide([.capture, .administer], capture: true, administer: true), .here(.machine))
        XCTAssertEqual(decide([.capture], requested: .fresh, capture: true, administer: true), .enter(.fresh))
        XCTAssertEqual(decide([.capture], requested: .named("lab"), capture: true, administer: true), .enter(.named("lab")))
    }

    func testAnOrdinaryUserGoesToTheFallbackNetwork() {
        XCTAssertEqual(decide([.capture], capture: false, administer: false), .enter(.fresh))
        XCTAssertEqual(decide([.capture], fallback: .named("lab"), capture: false, administer: false), .enter(.named("lab")))
    }

    func testCaptureCapabilitiesAloneDoNotAllowTheNamespaceExperiment() {
        XCTAssertEqual(decide([.capture], capture: true, administer: false), .here(.machine))
        XCTAssertEqual(decide([.capture, .administer], capture: true, administer: false), .enter(.fresh))
    }

    func testNothingNeededRunsHere() {
        XCTAssertEqual(decide([], capture: false, administer: false), .here(.machine))
    }

    func testAMachineThatForbidsUserNamespacesRefuses() {
        XCTAssertEqual(decide([.capture], capture: false, administer: false, refusal: turnedOff), .refused(turnedOff))
        XCTAssertEqual(decide([.capture], requested: .fresh, capture: true, administer: true, refusal: turnedOff),
                       .refused(turnedOff))
    }

    func testInsideAPrivateNetworkItStaysButWillNotSwitchToAnother() {
        let inLab = NetworkPlace.privateNetwork(name: "lab")
        XCTAssertEqual(decide([.capture], place: inLab, capture: true, administer: true), .here(inLab))
        XCTAssertEqual(decide([.capture], requested: .named("lab"), place: inLab, capture: true, administer: true), .here(inLab))
        XCTAssertEqual(decide([.capture], requested: .fresh, place: inLab, capture: true, administer: true), .here(inLab))
        guard case .refused(let refusal) = decide([.capture], requested: .named("other"), place: inLab, capture: true, administer: true)
        else { return XCTFail("switching networks from inside one is refused") }
        XCTAssertTrue(refusal.description.contains("inside the private network 'lab'"), refusal.description)
    }

    func testThePlaceIsReadFromTheEnvironmentTheEntryCodeSets() {
        XCTAssertEqual(NetworkPlace.current(environment: [:]), .machine)
        XCTAssertEqual(NetworkPlace.current(environment: ["OSILAB_PRIVATE_NETWORK": "+"]), .privateNetwork(name: nil))
        XCTAssertEqual(NetworkPlace.current(environment: ["OSILAB_PRIVATE_NETWORK": "lab"]), .privateNetwork(name: "lab"))
        XCTAssertNil(NetworkPlace.machine.notice)
        XCTAssertEqual(NetworkPlace.privateNetwork(name: "lab").notice?.contains("`osilab shell lab`"), true)
        XCTAssertFalse(NetworkPlace.privateNetwork(name: nil).notice?.contains("\n") ?? true, "one line")
    }
}

/// The registry of named networks keeps only live members and safe names.
final class NetworkRegistryTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("osilab-registry-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testNamesAreShortLowerCaseWords() {
        for good in ["lab", "a", "net-2", "my_lab", String(repeating: "x", count: 32)] {
            XCTAssertTrue(NetworkRegistry.isValidName(good), good)
        }
        for bad in ["", "Lab", "-lab", "../x", "a/b", "la b", "实验", String(repeating: "x", count: 33), "x\n"] {
            XCTAssertFalse(NetworkRegistry.isValidName(bad), bad)
        }
    }

    func testAMemberFileThatMatchesNoLiveProcessIsPruned() throws {
        let network = folder.appendingPathComponent("lab")
        try FileManager.default.createDirectory(at: network, withIntermediateDirectories: true)
        // This process, with a start time that is not its own: a recycled pid.
        let stale = network.appendingPathComponent(String(getpid()))
        try Data("1\n".utf8).write(to: stale)
        let garbage = network.appendingPathComponent("not-a-pid")
        try Data("x".utf8).write(to: garbage)
        let registry = NetworkRegistry(folder: folder)
        XCTAssertEqual(registry.liveMembers(of: "lab"), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "the stale entry is removed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: garbage.path))
        XCTAssertTrue(registry.networks().isEmpty, "a network without members is not listed")
    }

    func testALiveProcessInThisVeryNetworkIsNotTakenForAMember() throws {
        // A member must be inside a network of its own; this test process is on the machine's.
        let network = folder.appendingPathComponent("lab")
        try FileManager.default.createDirectory(at: network, withIntermediateDirectories: true)
        let stat = try String(contentsOfFile: "/proc/self/stat", encoding: .utf8)
        let start = try XCTUnwrap(stat.split(separator: ")").last?.split(separator: " ").dropFirst(19).first)
        try Data("\(start)\n".utf8).write(to: network.appendingPathComponent(String(getpid())))
        XCTAssertEqual(NetworkRegistry(folder: folder).liveMembers(of: "lab"), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: network.appendingPathComponent(String(getpid())).path),
                      "a live process on its way in keeps its entry")
    }
}

/// The AppArmor profile osilab ships for Ubuntu's user-namespace restriction.
final class AppArmorProfileTests: XCTestCase {
    func testTheInstallerPrintsAProfileThatGrantsUsernsToThisCheckoutsBinaries() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/allow-userns")
        let process = Process()
        process.executableURL = script
        process.arguments = ["--print"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(lines.contains("abi <abi/4.0>,"), "the userns rule needs AppArmor 4's policy ABI: \(text)")
        XCTAssertTrue(lines.contains("userns,"), text)
        let realRoot = root.resolvingSymlinksInPath().path
        XCTAssertTrue(lines.contains { $0.hasPrefix("profile osilab-") && $0.contains("\"\(realRoot)/.build/**/osilab\"")
            && $0.hasSuffix("flags=(unconfined) {") }, text)
        XCTAssertEqual(lines.filter { $0 == "{" || $0.hasSuffix("{") }.count, lines.filter { $0 == "}" }.count, "balanced braces")
        XCTAssertEqual(AppArmorProfile.installerPath(executable: root.appendingPathComponent(".build/debug/osilab").path),
                       script.path, "refusals point to this script")
    }
}
