// Exercise 2 of osilab: socket-address. Do it after lesson 3, "What a socket is".
// Check it with `osilab check socket-address` (or `swift test --filter SocketAddressTests`);
// `osilab hint socket-address` gives a hint at a time.
// 练习 2：socket-address。学完第 3 课“什么是套接字”之后做。
// 用 `osilab check socket-address` 检查（或 `swift test --filter SocketAddressTests`）；
// `osilab hint socket-address` 每次给一条提示。
import Sockets
import Wire

/// Why text is not a usable `host:port` address. (Given: nothing to do here.)
public enum SocketAddressProblem: Error, Equatable, Sendable {
    /// No `:port` at the end, or nothing after the colon.
    case missingPort
    /// Nothing before the colon (or between the brackets).
    case emptyHost
    /// The port has something other than the digits 0 to 9 in it.
    case portNotANumber
    /// The port is a number, but above 65535.
    case portOutOfRange
    /// An IPv6 address with a port must be written in brackets: `[::1]:4545`.
    case ipv6NeedsBrackets
    /// A `[` with no `]`.
    case unclosedBracket
    /// The text between the brackets is not an IPv6 address.
    case malformedIPv6
}

/// Splits a socket address typed by a person into its host and port.
///
/// **What to do:** accept `host:port` (`127.0.0.1:4545`, `localhost:9999`) and
/// `[IPv6]:port` (`[::1]:4000`, where the host returned is `::1`, without brackets).
/// Throw the matching ``SocketAddressProblem`` for anything else:
/// - no colon, or nothing after it: `.missingPort`; nothing before it: `.emptyHost`
/// - a port that is not made of the digits 0-9 only (`http`, `-1`, `+80`): `.portNotANumber`
/// - a port above 65535, however many digits it has: `.portOutOfRange`
/// - a host with a colon in it but no brackets (`::1:4545`): `.ipv6NeedsBrackets`
/// - `[` without `]`: `.unclosedBracket`; brackets around something that is not an IPv6
///   address: `.malformedIPv6` (`IPv6Address(text)` from the Wire module tells)
///
/// Write the splitting yourself: `HostAndPort(parsing:)` does this already, and using it
/// would skip the exercise.
///
/// **Why it matters:** a socket address is an IP address plus a port (lesson 3). Every
/// client and server of the lab reads one from its command line, and the IPv6 form shows
/// why: `::1:4545` could be an address on its own, so the port needs the brackets.
///
/// 把人输入的套接字地址拆成主机和端口。
///
/// **要做的：** 接受 `host:port`（`127.0.0.1:4545`、`localhost:9999`）和 `[IPv6]:port`
/// （`[::1]:4000`，返回的主机是 `::1`，不带方括号）。其他情况抛出对应的 ``SocketAddressProblem``：
/// - 没有冒号，或冒号后面什么都没有：`.missingPort`；冒号前面什么都没有：`.emptyHost`
/// - 端口不是只由数字 0-9 组成（`http`、`-1`、`+80`）：`.portNotANumber`
/// - 端口大于 65535，不管它有几位数字：`.portOutOfRange`
/// - 主机里有冒号但没有方括号（`::1:4545`）：`.ipv6NeedsBrackets`
/// - 有 `[` 没有 `]`：`.unclosedBracket`；方括号里不是 IPv6 地址：`.malformedIPv6`
///   （用 Wire 模块的 `IPv6Address(text)` 判断）
///
/// 拆分要自己写：`HostAndPort(parsing:)` 已经做了这件事，用了它就等于跳过了这道练习。
///
/// **为什么重要：** 套接字地址就是 IP 地址加端口（第 3 课）。实验室的每个客户端和服务器都从命令行
/// 读一个地址，而 IPv6 的写法说明了原因：`::1:4545` 本身就可能是一个地址，所以端口需要方括号。
public func parseSocketAddress(_ text: String) throws(SocketAddressProblem) -> HostAndPort {
    // 待办：按上面的说明把 `text` 拆成主机和端口，不是合法地址时抛出对应的问题。
    // TODO: split `text` into host and port as described above, throwing a problem for
    // anything that is not a valid address.
    return HostAndPort(host: "", port: 0)
}
