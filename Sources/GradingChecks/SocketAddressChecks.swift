// Checks for exercise 2, socket-address (lesson 3).

/// What a parse of the learner's returned: a host and port, or the name of the problem thrown.
public enum AddressParse: Equatable, Sendable {
    case parsed(host: String, port: UInt16)
    case rejected(String)

    var shown: String {
        switch self {
        case .parsed(let host, let port): "host \(showText(host)), port \(port)"
        case .rejected(let problem): "the error .\(problem)"
        }
    }
}

/// Grades `parseSocketAddress(_:)`.
public enum SocketAddressChecks {
    public typealias Parse = (String) -> AddressParse

    static func expect(_ parse: Parse, _ text: String, _ expected: AddressParse, _ why: String, _ site: CallSite) {
        let answer = parse(text)
        if answer != expected {
            fail("parseSocketAddress(\(showText(text))) gave \(answer.shown), expected \(expected.shown): \(why)", site)
        }
    }

    public static func hostAndPort(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1:4545", .parsed(host: "127.0.0.1", port: 4545), "the text before the last colon is the host, the rest the port", site)
        expect(parse, "localhost:9999", .parsed(host: "localhost", port: 9999), "a host can be a name; resolving it is getaddrinfo's job, later", site)
        expect(parse, "example.com:0", .parsed(host: "example.com", port: 0), "port 0 is allowed: it asks the kernel to choose a port", site)
        expect(parse, "10.0.0.1:65535", .parsed(host: "10.0.0.1", port: 65535), "65535 is the largest port: ports are 16-bit numbers", site)
    }

    public static func bracketedIPv6(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "[::1]:4000", .parsed(host: "::1", port: 4000), "the host is what is between the brackets, without them", site)
        expect(parse, "[2001:db8::17]:80", .parsed(host: "2001:db8::17", port: 80), "the colons inside the brackets belong to the address", site)
        expect(parse, "[::ffff:127.0.0.1]:4545", .parsed(host: "::ffff:127.0.0.1", port: 4545), "an IPv4-mapped IPv6 address is still IPv6", site)
    }

    public static func missingParts(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1", .rejected("missingPort"), "there is no colon, so there is no port", site)
        expect(parse, "127.0.0.1:", .rejected("missingPort"), "nothing follows the colon", site)
        expect(parse, ":4545", .rejected("emptyHost"), "nothing comes before the colon", site)
        expect(parse, "[::1]", .rejected("missingPort"), "after the ']' there must be ':' and a port", site)
        expect(parse, "[::1]4545", .rejected("missingPort"), "after the ']' there must be ':' and a port", site)
        expect(parse, "[]:80", .rejected("emptyHost"), "there is nothing between the brackets", site)
    }

    public static func portsThatAreNotNumbers(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        let why = "a port is written with the digits 0 to 9 only"
        for text in ["127.0.0.1:http", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:8 0", "127.0.0.1:٤٥", "localhost:0x50"] {
            expect(parse, text, .rejected("portNotANumber"), why + " (careful: Int(\"+80\") accepts a sign, and Character.isNumber accepts digits of other scripts)", site)
        }
    }

    public static func portRange(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1:65536", .rejected("portOutOfRange"), "ports go from 0 to 65535 (16 bits)", site)
        expect(parse, "127.0.0.1:100000", .rejected("portOutOfRange"), "ports go from 0 to 65535 (16 bits)", site)
        expect(parse, "127.0.0.1:99999999999999999999999", .rejected("portOutOfRange"),
               "this number does not even fit in an Int: check its length before converting, and never crash on input", site)
    }

    public static func ipv6Brackets(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "::1:4545", .rejected("ipv6NeedsBrackets"), "the host has colons in it; is 4545 the port or the address's last group? Only brackets can say", site)
        expect(parse, "2001:db8::1:80", .rejected("ipv6NeedsBrackets"), "an IPv6 address with a port must be written in brackets", site)
        expect(parse, "[::1:4545", .rejected("unclosedBracket"), "the '[' is never closed", site)
        expect(parse, "[localhost]:80", .rejected("malformedIPv6"), "brackets are for IPv6 addresses only", site)
        expect(parse, "[1.2.3.4]:80", .rejected("malformedIPv6"), "brackets are for IPv6 addresses only", site)
    }
}
