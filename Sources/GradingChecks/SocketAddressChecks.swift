// Checks for exercise 2, socket-address (lesson 3).

/// What a parse of the learner's returned: a host and port, or the name of the problem thrown.
public enum AddressParse: Equatable, Sendable {
    case parsed(host: String, port: UInt16)
    case rejected(String)

    var shown: String {
        switch self {
        case .parsed(let host, let port): say(.shownParsed, showText(host), "\(port)")
        case .rejected(let problem): say(.shownRejected, problem)
        }
    }
}

/// Grades `parseSocketAddress(_:)`.
public enum SocketAddressChecks {
    public typealias Parse = (String) -> AddressParse

    static func expect(_ parse: Parse, _ text: String, _ expected: AddressParse, _ why: CheckText, _ site: CallSite) {
        let answer = parse(text)
        if answer != expected {
            fail(say(.parseWrong, showText(text), answer.shown, expected.shown, say(why)), site)
        }
    }

    public static func hostAndPort(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1:4545", .parsed(host: "127.0.0.1", port: 4545), .whyHostBeforeColon, site)
        expect(parse, "localhost:9999", .parsed(host: "localhost", port: 9999), .whyHostName, site)
        expect(parse, "example.com:0", .parsed(host: "example.com", port: 0), .whyPortZero, site)
        expect(parse, "10.0.0.1:65535", .parsed(host: "10.0.0.1", port: 65535), .whyPortMax, site)
    }

    public static func bracketedIPv6(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "[::1]:4000", .parsed(host: "::1", port: 4000), .whyBetweenBrackets, site)
        expect(parse, "[2001:db8::17]:80", .parsed(host: "2001:db8::17", port: 80), .whyColonsInBrackets, site)
        expect(parse, "[::ffff:127.0.0.1]:4545", .parsed(host: "::ffff:127.0.0.1", port: 4545), .whyMapped, site)
    }

    public static func missingParts(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1", .rejected("missingPort"), .whyNoColon, site)
        expect(parse, "127.0.0.1:", .rejected("missingPort"), .whyNothingAfterColon, site)
        expect(parse, ":4545", .rejected("emptyHost"), .whyNothingBeforeColon, site)
        expect(parse, "[::1]", .rejected("missingPort"), .whyAfterBracket, site)
        expect(parse, "[::1]4545", .rejected("missingPort"), .whyAfterBracket, site)
        expect(parse, "[]:80", .rejected("emptyHost"), .whyEmptyBrackets, site)
    }

    public static func portsThatAreNotNumbers(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        for text in ["127.0.0.1:http", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:8 0", "127.0.0.1:٤٥", "localhost:0x50"] {
            expect(parse, text, .rejected("portNotANumber"), .whyDigitsOnly, site)
        }
    }

    public static func portRange(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "127.0.0.1:65536", .rejected("portOutOfRange"), .whyPortRange, site)
        expect(parse, "127.0.0.1:100000", .rejected("portOutOfRange"), .whyPortRange, site)
        expect(parse, "127.0.0.1:99999999999999999999999", .rejected("portOutOfRange"),
               .whyHugePort, site)
    }

    public static func ipv6Brackets(_ parse: Parse, file: StaticString = #filePath, line: UInt = #line) {
        let site = CallSite(file: file, line: line)
        expect(parse, "::1:4545", .rejected("ipv6NeedsBrackets"), .whyAmbiguous, site)
        expect(parse, "2001:db8::1:80", .rejected("ipv6NeedsBrackets"), .whyNeedsBrackets, site)
        expect(parse, "[::1:4545", .rejected("unclosedBracket"), .whyUnclosed, site)
        expect(parse, "[localhost]:80", .rejected("malformedIPv6"), .whyBracketsForIPv6, site)
        expect(parse, "[1.2.3.4]:80", .rejected("malformedIPv6"), .whyBracketsForIPv6, site)
    }
}
