// Exercise 2 of osilab: socket-address. Do it after lesson 3, "What a socket is".
// Check it with `osilab check socket-address` (or `swift test --filter SocketAddressTests`);
// `osilab hint socket-address` gives a hint at a time.
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
public func parseSocketAddress(_ text: String) throws(SocketAddressProblem) -> HostAndPort {
    // TODO: split `text` into host and port as described above, throwing a problem for
    // anything that is not a valid address.
    return HostAndPort(host: "", port: 0)
}
