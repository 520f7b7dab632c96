import Foundation
import Sandbox
import TextUI
import XCTest

/// Why there is no private network, in Chinese: every reason, with the same commands to run
/// as in English, and English exactly as it was.
final class ChineseRefusalTests: XCTestCase {
    let turnedOff = Refusal(reason: .turnedOff, probe: ProbeResult(failedStep: .unshareUser, errorNumber: ENOSPC))

    func testTurnedOffInEnglishIsWordForWordWhatItWas() {
        XCTAssertEqual(turnedOff.description, """
            User namespaces are turned off on this machine (user.max_user_namespaces = 0), so osilab cannot make a private network for you.
            (osilab tried: unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS) failed with \(String(cString: strerror(ENOSPC))).)
            Someone with root can allow them (now, and at every boot):
                sudo sysctl -w user.max_user_namespaces=15000
                echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-osilab-userns.conf
            """)
    }

    func testTurnedOffInChineseNamesTheSettingTheErrnoAndTheSameCommands() {
        let text = turnedOff.describe(in: .chinese)
        XCTAssertEqual(text, """
            这台机器关闭了用户命名空间（user.max_user_namespaces = 0），所以 osilab 没法为你建立私有网络。
            （osilab 试过：unshare(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWNS) 失败了，错误是 ENOSPC。）
            有 root 权限的人可以打开它（现在生效，并且每次开机都生效）：
                sudo sysctl -w user.max_user_namespaces=15000
                echo user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-osilab-userns.conf
            """)
        // The commands are the English ones, character for character.
        let commands = { (lines: [String]) in lines.filter { $0.hasPrefix("    ") } }
        XCTAssertEqual(commands(turnedOff.fix(in: .chinese)), commands(turnedOff.fix))
    }

    /// Every reason, in Chinese, holds no English but the commands it asks the learner to type.
    func testEveryReasonIsChineseApartFromItsCommands() {
        let probe = ProbeResult(failedStep: .loopback, errorNumber: EPERM)
        let reasons: [Refusal.Reason] = [
            .turnedOff, .limitReached(limit: 7), .rootOnly, .appArmor, .container(kind: "docker"), .container(kind: nil),
            .macOS, .unsupportedSystem, .failed(probe), .other(NetworkMessage(.registryWrite, "/tmp/osilab-1/networks/lab")),
            .other(NetworkMessage(.insideOtherNetwork, "lab", "other")), .other(NetworkMessage(.badName, "Lab!")),
        ]
        for reason in reasons {
            let refusal = Refusal(reason: reason, probe: probe, appArmorInstaller: "/home/u/osilab/scripts/allow-userns")
            let english = refusal.describe(in: .english)
            XCTAssertEqual(english, refusal.description)
            let chinese = refusal.describe(in: .chinese)
            XCTAssertNotEqual(chinese, english)
            // What a line says apart from the commands (indented) it shows.
            let prose = chinese.split(separator: "\n").filter { !$0.hasPrefix("    ") }.joined(separator: "\n")
            XCTAssertEqual(SentenceAudit.englishWords(in: prose, allowed: ["docker", "seccomp", "ChmodBPF", "Lab", "lab", "other"]), [],
                           "\(reason): \(chinese)")
        }
        XCTAssertTrue(Refusal(reason: .failed(probe)).describe(in: .chinese)
            .contains("ioctl(SIOCSIFFLAGS)（启用 lo） 失败了，错误是 EPERM"))
        XCTAssertTrue(Refusal(reason: .limitReached(limit: 7)).describe(in: .chinese).contains("user.max_user_namespaces = 7"))
    }

    func testTheNoticeOfAPrivateNetworkInChinese() {
        XCTAssertNil(NetworkPlace.machine.notice(in: .chinese))
        XCTAssertEqual(NetworkPlace.privateNetwork(name: "lab").notice(in: .chinese),
                       "osilab：正在私有网络“lab”里运行（在另一个终端里用 `osilab shell lab` 可以加入它）：这里的 lo、地址和套接字都不是本机的。")
        XCTAssertEqual(NetworkPlace.privateNetwork(name: "lab").notice,
                       "osilab: running in the private network 'lab' (join it from another terminal with `osilab shell lab`): "
                           + "its lo, addresses and sockets are not the machine's.")
        let fresh = NetworkPlace.privateNetwork(name: nil).notice(in: .chinese) ?? ""
        XCTAssertEqual(SentenceAudit.englishWords(in: fresh), [], fresh)
    }

    func testABadNetworkNameInChinese() {
        XCTAssertNil(NetworkRegistry.nameProblem("lab", language: .chinese))
        XCTAssertEqual(NetworkRegistry.nameProblem("Lab"),
                       "'Lab' cannot name a network: use up to 32 lower-case letters, digits, - and _, starting with a letter or digit.")
        XCTAssertEqual(NetworkRegistry.nameProblem("Lab", language: .chinese),
                       "“Lab”不能用作网络的名字：最多 32 个字符，只能用小写字母、数字、- 和 _，并且以字母或数字开头。")
    }
}
